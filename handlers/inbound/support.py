"""The support group: agents claim tickets, resolve them with money, and talk to parties.

Only agents act (the configured list, or members of the group, checked with Telegram
and remembered for a few minutes); anyone else's taps get an alert and change nothing,
and ordinary chatter in the group is ignored.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from html import escape
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import filters

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.input_modes import InputMode
from bot.domain.model import Order, Resolution
from bot.domain.money import parse_amount
from bot.domain.tickets import Ticket, check_agent_may_act
from bot.ports.records import ChatMode, MessageEdit, RelayedMessage, TicketMessage
from handlers.delivery.relay_delivery import fits_with_header, with_header
from handlers.delivery.support_desk import SupportDesk
from handlers.inbound.relay import message_kind
from handlers.views.amounts import money
from handlers.views.callback_data import (
    Act,
    InvalidCallback,
    TicketCallback,
    TicketPartialRefund,
    unpack,
)
from handlers.views.i18n import _, speaking
from handlers.views.refusals import refusal_text
from handlers.views.render import force_reply
from handlers.views.support_render import (
    OUTCOMES,
    confirm_keyboard,
    confirm_label,
    partial_label,
    ticket_keyboard,
)
from handlers.views.telegram_text import MAX_ALERT, cut
from handlers.wiring import Ctx, cards, notifier, services, settings

log = logging.getLogger(__name__)

GroupHandler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]
AGENT_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


def desk(ctx: Ctx) -> SupportDesk:
    """The support group presenter."""
    d = ctx.bot_data.desk
    assert d is not None, "support handlers are registered only with a support group"
    return d


def desk_language(ctx: Ctx) -> str | None:
    """The support group's one language (None: English, or no support group)."""
    d = ctx.bot_data.desk
    return d.language if d is not None else None


def in_desk_language(handler: GroupHandler) -> GroupHandler:
    """What the bot says in the support group is in the agents' one language
    (KCHAT_SUPPORT_LANGUAGE), whatever their own apps are set to."""

    @functools.wraps(handler)
    async def wrapper(update: Update, ctx: Ctx) -> None:
        with speaking(desk(ctx).language):
            await handler(update, ctx)

    return wrapper


async def is_agent(update: Update, ctx: Ctx, user_id: int) -> bool:
    """Whether this person may act for support (the rule is the roster's; this asks Telegram)."""
    group = settings(ctx).support_chat_id

    async def membership(uid: int) -> bool | None:
        if group is None:
            return False
        try:
            member = await ctx.bot.get_chat_member(group, uid)
        except BadRequest:
            return False  # "user not found" / "participant_id_invalid": not a member
        except TelegramError as exc:
            log.warning("cannot check support membership of %s: %s", uid, exc)
            return None
        return member.status in AGENT_STATUSES

    roster = services(ctx).agents
    return await roster.is_agent(user_id, membership, in_group=_in_support_chat(update, ctx))


def _in_support_chat(update: Update, ctx: Ctx) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.id == settings(ctx).support_chat_id


def _agent_name(update: Update) -> str:
    user = update.effective_user
    return user.first_name if user else "Agent"


# --- ticket buttons ------------------------------------------------------------------------


@in_desk_language
async def on_ticket_button(update: Update, ctx: Ctx) -> None:
    """A button on a ticket card: agents only; money actions take a second tap."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    if not _in_support_chat(update, ctx) or not await is_agent(update, ctx, user.id):
        await query.answer(_("Only KALEOZ Support agents can do this."), show_alert=True)
        return
    try:
        tap = unpack(query.data)
        if not isinstance(tap, TicketCallback):
            raise InvalidCallback("not a ticket button")
    except InvalidCallback:
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    try:
        text = await _ticket_action(update, ctx, tap, user.id)
    except DomainError as exc:
        await query.answer(cut(refusal_text(exc), MAX_ALERT), show_alert=True)
        await _refresh(ctx, tap.ticket_id)
        return
    await query.answer(text or None)
    # The ticket card the agent acted on is redrawn now; a running backlog waits.
    await notifier(ctx).drain_for(query.message.chat.id if query.message else user.id)


async def _refresh(ctx: Ctx, ticket_id: int) -> None:
    try:
        ticket = await services(ctx).support.get(ticket_id)
    except DomainError:
        return
    await desk(ctx).show_card(ctx.bot, ticket)


async def _edit_keyboard(update: Update, kb: object) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_reply_markup(reply_markup=kb)  # type: ignore[arg-type]
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def _ticket_action(update: Update, ctx: Ctx, tap: TicketCallback, agent: int) -> str:
    s = services(ctx)
    ticket_id = tap.ticket_id
    ticket = await s.support.get(ticket_id)
    order = await s.support.order_of(ticket)
    if tap.act is Act.T_CLAIM:
        await s.support.claim(ticket_id, agent, _agent_name(update))
        return _("Claimed. It's yours.")
    if tap.act is Act.T_BACK:
        await _edit_keyboard(update, ticket_keyboard(ticket, order))
        return ""
    if tap.act is not Act.T_TRANSCRIPT:
        # Before the first tap redraws the card: only the holder (or anyone, if unclaimed).
        check_agent_may_act(ticket, agent)
    if isinstance(tap, TicketPartialRefund):
        return await _partial(update, ctx, ticket, order, tap.amount_minor, agent)
    steps = {Act.T_REFUND: Resolution.REFUND_FULL, Act.T_RELEASE: Resolution.RELEASE}
    if tap.act in steps:
        resolution = steps[tap.act]
        if not tap.confirmed:
            label = confirm_label(tap.act, order)
            await _edit_keyboard(update, confirm_keyboard(tap.confirming(), label))
            return _("Tap again to confirm.")
        await s.support.resolve(ticket_id, agent, resolution)
        return _("Done.")
    if tap.act in (Act.T_PAY_OK, Act.T_PAY_NO):
        ok = tap.act is Act.T_PAY_OK
        if not tap.confirmed:
            label = confirm_label(tap.act, order)
            await _edit_keyboard(update, confirm_keyboard(tap.confirming(), label))
            return _("Tap again to confirm.")
        if ok:
            await s.support.confirm_payment(ticket_id, agent)
        else:
            await s.support.reject_payment(ticket_id, agent)
        return _("Done.")
    if tap.act is Act.T_CLOSE:
        if not tap.confirmed:
            await _edit_keyboard(
                update, confirm_keyboard(tap.confirming(), confirm_label(tap.act, order))
            )
            return _("Tap again to confirm.")
        await s.support.close(ticket_id, agent)
        return _("Closed.")
    if tap.act in (Act.T_ASK_BUYER, Act.T_ASK_SELLER):
        return await _ask(ctx, ticket, order, buyer=tap.act is Act.T_ASK_BUYER, agent=agent)
    if tap.act is Act.T_TRANSCRIPT:
        await _send_transcript(ctx, ticket, order)
        return ""
    raise InvalidInput(_("This button is no longer valid."))


async def _partial(
    update: Update,
    ctx: Ctx,
    ticket: Ticket,
    order: Order | None,
    amount_minor: int | None,
    agent: int,
) -> str:
    """Refund part: the first tap asks for the amount, the second (carrying it) refunds."""
    s = services(ctx)
    if order is None:
        raise InvalidInput(_("This ticket is not about an order."))
    if amount_minor is not None:
        await s.support.resolve(ticket.id, agent, Resolution.REFUND_PARTIAL, amount_minor)
        return _("Done.")
    # The mention is what a selective ForceReply opens the reply for: this agent only.
    mention = f'<a href="tg://user?id={agent}">{escape(_agent_name(update))}</a>'
    await desk(ctx).post(
        ctx.bot,
        ticket,
        _(
            "✍️ {agent}, reply to this message with the amount to refund to the buyer (less "
            "than {amount}). Until you do, what you write here is not sent to anyone; /cancel "
            "stops."
        ).format(agent=mention, amount=money(order.amount_minor, order.currency)),
        force_reply(_("Amount to refund, like 5.00"), selective=True),
    )
    # Until answered (or /cancel), the agent's messages in the group answer this prompt.
    await s.chat.set_mode(agent, InputMode.SUPPORT_AMOUNT, order.id, ticket_id=ticket.id)
    return _("Reply with the amount.")


async def _ask(ctx: Ctx, ticket: Ticket, order: Order | None, *, buyer: bool, agent: int) -> str:
    s = services(ctx)
    if order is None:
        raise InvalidInput(_("This ticket is not about an order."))
    party = order.buyer_id if buyer else order.seller_id
    await s.support.talk_to(ticket.id, agent, party)
    with speaking(await cards(ctx).language_for(party)):  # the party's language, not the agent's
        text = _(
            "🛟 <b>KALEOZ Support</b> is looking into order <b>{order}</b> and would like to "
            "hear from you. Reply to this message to answer."
        ).format(order=order.id)
        placeholder = _("Your answer to support")
    try:
        sent = await ctx.bot.send_message(
            party, text, parse_mode=ParseMode.HTML, reply_markup=force_reply(placeholder)
        )
    except (Forbidden, BadRequest) as exc:
        said = (
            _("Can't reach the buyer: {error}") if buyer else _("Can't reach the seller: {error}")
        )
        raise InvalidInput(said.format(error=exc)) from exc
    await s.support.record(
        TicketMessage(
            ticket.id,
            "to_party",
            party,
            agent,
            "text",
            "(asked to reply)",
            None,
            None,
            sent.message_id,
        )
    )
    if buyer:
        now_talking, asked = (
            _("💬 Now talking to the <b>buyer</b>: messages here go to them."),
            _("Asked the buyer."),
        )
    else:
        now_talking, asked = (
            _("💬 Now talking to the <b>seller</b>: messages here go to them."),
            _("Asked the seller."),
        )
    await desk(ctx).post(ctx.bot, ticket, now_talking)
    return asked


async def _send_transcript(ctx: Ctx, ticket: Ticket, order: Order | None) -> None:
    s = services(ctx)

    async def name(uid: int | None) -> str:
        if uid is None:
            return "?"
        user = await s.chat.user(uid)
        shown = user.display_name if user and user.display_name else "?"
        if order is not None and uid in (order.buyer_id, order.seller_id):
            return f"{'buyer' if uid == order.buyer_id else 'seller'} {shown}"
        return f"{shown} ({uid})"

    def when(at: datetime | None) -> str:
        return f"{at:%Y-%m-%d %H:%M} UTC" if at else "(time not recorded)"

    lines = [
        f"Ticket #{ticket.id} ({ticket.kind.label})" + (f", order {order.id}" if order else ""),
        f"Opened {when(ticket.opened_at)} by {await name(ticket.opened_by)}",
    ]
    if ticket.subject:
        lines.append(f"Subject: {ticket.subject}")
    if order is not None:
        lines += ["", "Order chat:"]
        for m in await s.chat.transcript(order.id):
            said = m.text or ""
            if m.kind != "text":  # the file itself is copied into the ticket
                said = f"[{m.kind}{', copied into the ticket' if m.file_id else ''}] {said}"
            lines.append(f"{when(m.at)} {await name(m.sender_id)}: {said.strip()}{_delivery(m)}")
            # The original stays as written; each edit follows it, with when it was made.
            for e in m.edits:
                at = f"{e.at:%H:%M} UTC" if e.at.date() == m.at.date() else when(e.at)
                lines.append(f"    edited {at}: {e.text}{_delivery(e)}")
    talk = await s.support.conversation(ticket.id)
    if talk:
        lines += ["", "With support:"]
    for tm in talk:
        arrow = "support -> party" if tm.direction == "to_party" else "party -> support"
        said = tm.text or "[" + tm.kind + "]"
        lines.append(f"{when(tm.at)} [{arrow}: {await name(tm.party_id)}] {said}")
    notes = await s.support.notes(ticket.id)
    if notes:
        lines += ["", "Internal notes:"]
    for note in notes:
        lines.append(f"[note by {note.agent_name} {when(note.at)}] {note.text}")
    lines += ["", _outcome_line(ticket, order)]
    data = io.BytesIO("\n".join(lines).encode("utf-8"))
    topic = ticket.topic_id if await desk(ctx).is_forum(ctx.bot) else None
    await ctx.bot.send_document(
        settings(ctx).support_chat_id,  # type: ignore[arg-type]
        document=data,
        filename=f"ticket-{ticket.id}-transcript.txt",
        message_thread_id=topic,
        reply_to_message_id=ticket.card_message_id if topic is None else None,
    )


def _outcome_line(ticket: Ticket, order: Order | None) -> str:
    """How the case stands at the end of the transcript."""
    state = f" Order status: {order.status.label}." if order is not None else ""
    if ticket.is_open:
        return f"Outcome: still open.{state}"
    outcome = OUTCOMES.get(ticket.outcome or "", ticket.outcome or "closed")
    at = f" on {ticket.closed_at:%Y-%m-%d %H:%M} UTC" if ticket.closed_at else ""
    return f"Outcome: {outcome}{at}.{state}"


def _delivery(kept: RelayedMessage | MessageEdit) -> str:
    """What reached the other side: nothing is said of what Telegram accepted."""
    if kept.failed:
        return f" [not delivered: {kept.failed}]"
    return " [not delivered yet]" if kept.delivered_at is None else ""


# --- messages in the group -------------------------------------------------------------------


async def _ticket_for_group_message(ctx: Ctx, msg: Message) -> tuple[Ticket | None, int | None]:
    """The ticket a group message belongs to, and the party it answers (if a reply to one)."""
    s = services(ctx)
    if msg.reply_to_message is not None:
        replied = msg.reply_to_message.message_id
        relayed = await s.support.message_in_group(replied)
        if relayed is not None:
            return await s.support.get(relayed.ticket_id), relayed.party_id
        ticket = await s.support.by_card(replied)
        if ticket is not None:
            return ticket, None
    if msg.is_topic_message and msg.message_thread_id is not None:
        return await s.support.by_topic(msg.message_thread_id), None
    return None, None


async def _pending_prompt(ctx: Ctx, user_id: int) -> tuple[ChatMode, Ticket] | None:
    """The agent's open "reply with the amount" question and its ticket, if still open."""
    s = services(ctx)
    mode = await s.chat.mode(user_id)
    if mode is None or mode.mode is not InputMode.SUPPORT_AMOUNT:
        return None
    ticket_id = mode.data.get("ticket_id")
    try:
        ticket = await s.support.get(ticket_id) if isinstance(ticket_id, int) else None
    except DomainError:
        ticket = None
    if ticket is None or not ticket.is_open:
        await s.chat.clear_mode(user_id)  # the ticket was closed meanwhile: nothing to ask
        return None
    return mode, ticket


async def _answer_pending_prompt(update: Update, ctx: Ctx, msg: Message, user_id: int) -> bool:
    """While an agent owes an amount, their next message answers it and is never relayed.

    Typing it without Reply (or in the topic) is still the answer; a message for another
    ticket is held back with a word on how to go on. True if the message was taken here.
    """
    pending = await _pending_prompt(ctx, user_id)
    if pending is None or not await is_agent(update, ctx, user_id):
        return False
    _mode, ticket = pending
    here, _party = await _ticket_for_group_message(ctx, msg)
    if here is not None and here.id != ticket.id:
        await msg.reply_text(
            _(
                "⚠️ Not sent: I'm waiting for the amount to refund on ticket #{ticket}. "
                "Reply to my question there with the amount, or send /cancel first."
            ).format(ticket=ticket.id)
        )
        return True
    await _amount_reply(update, ctx, ticket, msg.text or "")
    return True


def _forget_members(ctx: Ctx, msg: Message) -> None:
    """Someone joined or left the group: ask Telegram again before they act as an agent."""
    changed = [u.id for u in msg.new_chat_members or ()]
    if msg.left_chat_member is not None:
        changed.append(msg.left_chat_member.id)
    services(ctx).agents.forget(changed)


@in_desk_language
async def on_group_message(update: Update, ctx: Ctx) -> None:
    """An agent writes in a ticket's topic, or replies to its card or a party's message."""
    msg = update.effective_message
    user = update.effective_user
    if msg is None or user is None or not _in_support_chat(update, ctx):
        return
    if msg.new_chat_members or msg.left_chat_member is not None:
        _forget_members(ctx, msg)
        return
    if filters.StatusUpdate.ALL.check_update(update):
        # Telegram's own notice (a topic closed, reopened or renamed, a pin): no one's words.
        return
    if await _answer_pending_prompt(update, ctx, msg, user.id):
        return
    ticket, party = await _ticket_for_group_message(ctx, msg)
    if ticket is None:
        replied = msg.reply_to_message
        if (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == ctx.bot.id
            and await is_agent(update, ctx, user.id)
        ):
            # An agent answered one of the bot's other posts: say so rather than drop it.
            await msg.reply_text(
                _(
                    "I can't tell which ticket this is for, so it was not sent. Reply to the "
                    "ticket's card (🎫 Ticket #…) or to a party's message, and I'll pass it on."
                )
            )
        return  # ordinary chatter
    if not await is_agent(update, ctx, user.id):
        return
    s = services(ctx)
    target = party or ticket.talking_to
    if target is None:
        await msg.reply_text(_("Tap Ask buyer or Ask seller first, so I know who this is for."))
        return
    try:
        sent = await _to_party(ctx, msg, ticket, target, user.first_name)
    except (Forbidden, BadRequest) as exc:
        await msg.reply_text(_("⚠️ Not delivered: {error}").format(error=exc))
        return
    kind = message_kind(msg) or "text"
    await s.support.record(
        TicketMessage(
            ticket.id,
            "to_party",
            target,
            user.id,
            kind,
            msg.text or msg.caption or "",
            None,
            msg.message_id,
            sent,
        )
    )


async def _amount_reply(update: Update, ctx: Ctx, ticket: Ticket, text: str) -> None:
    s = services(ctx)
    msg = update.effective_message
    assert msg is not None and update.effective_user is not None
    order = await s.support.order_of(ticket)
    assert order is not None
    try:
        minor = parse_amount(text, order.currency)
        if minor >= order.amount_minor:
            raise InvalidInput(
                _("A partial refund must be less than {amount}.").format(
                    amount=money(order.amount_minor, order.currency)
                )
            )
    except DomainError as exc:
        await msg.reply_text(
            "⚠️ "
            + refusal_text(exc)
            + " "
            + _(
                "Reply with an amount like 5.00, or send /cancel to stop. "
                "(Nothing you write is sent to the customer until then.)"
            ),
            reply_markup=force_reply(_("Amount to refund, like 5.00"), selective=True),
        )
        return
    await s.chat.clear_mode(update.effective_user.id)
    rest = order.amount_minor - minor
    await msg.reply_text(
        _("Refund {refund} to the buyer and pay {rest} to the seller?").format(
            refund=money(minor, order.currency), rest=money(rest, order.currency)
        ),
        reply_markup=confirm_keyboard(
            TicketPartialRefund(ticket.id, minor), partial_label(order, minor)
        ),
    )


async def _to_party(ctx: Ctx, msg: Message, ticket: Ticket, party: int, agent: str) -> int:
    who = (
        f"KALEOZ Support ({escape(agent)})" if settings(ctx).show_agent_names else "KALEOZ Support"
    )
    with speaking(await cards(ctx).language_for(party)):  # the party's language
        about = " · " + _("order {order}").format(order=ticket.order_id) if ticket.order_id else ""
    head = f"🛟 <b>{who}</b>{about}:"
    text = msg.text or msg.caption or ""
    if fits_with_header(message_kind(msg) or "document", head, text):
        if msg.text:
            sent = await ctx.bot.send_message(
                party, with_header(head, text), parse_mode=ParseMode.HTML
            )
            return sent.message_id
        ref = await ctx.bot.copy_message(
            party,
            msg.chat_id,
            msg.message_id,
            caption=with_header(head, text),
            parse_mode=ParseMode.HTML,
        )
        return ref.message_id
    # No room for the header within Telegram's limit: it goes first, the message as written
    # replies to it.
    first = await ctx.bot.send_message(party, head, parse_mode=ParseMode.HTML)
    ref = await ctx.bot.copy_message(
        party, msg.chat_id, msg.message_id, reply_to_message_id=first.message_id
    )
    return ref.message_id


@in_desk_language
async def cmd_cancel_prompt(update: Update, ctx: Ctx) -> None:
    """/cancel in the group: stop being asked for an amount."""
    msg = update.effective_message
    user = update.effective_user
    if msg is None or user is None or not _in_support_chat(update, ctx):
        return
    if not await is_agent(update, ctx, user.id):
        return
    pending = await _pending_prompt(ctx, user.id)
    if pending is None:
        await msg.reply_text(_("I'm not waiting for anything from you."))
        return
    await services(ctx).chat.clear_mode(user.id)
    await msg.reply_text(
        _(
            "OK, no partial refund on ticket #{ticket} for now. What you write in the "
            "ticket goes to the customer again."
        ).format(ticket=pending[1].id)
    )


@in_desk_language
async def cmd_note(update: Update, ctx: Ctx) -> None:
    """/note text: an internal note on the ticket (in its topic, or replying to its card)."""
    msg = update.effective_message
    user = update.effective_user
    if msg is None or user is None or not _in_support_chat(update, ctx):
        return
    if not await is_agent(update, ctx, user.id):
        return
    ticket, _party = await _ticket_for_group_message(ctx, msg)
    if ticket is None:
        await msg.reply_text(_("Use /note in a ticket's topic, or as a reply to its card."))
        return
    try:
        await services(ctx).support.note(
            ticket.id, user.id, user.first_name, " ".join(ctx.args or [])
        )
    except DomainError as exc:
        await msg.reply_text(f"⚠️ {refusal_text(exc)}")
        return
    await msg.reply_text(_("📝 Internal note saved (parties never see it)."))


# --- parties writing to support ------------------------------------------------------------


async def party_to_support(update: Update, ctx: Ctx, ticket: Ticket) -> None:
    """A buyer's or seller's message for support: into the ticket's topic or under its card."""
    msg = update.effective_message
    user = update.effective_user
    assert msg is not None and user is not None
    s = services(ctx)
    order = await s.support.order_of(ticket)
    with speaking(desk_language(ctx)):  # what the agents read, in their language
        if order is None:
            role = _("User")
        else:
            role = _("Buyer") if user.id == order.buyer_id else _("Seller")
    head = f"👤 <b>{role} {escape(user.full_name)}</b> (#{ticket.id}):"
    d = desk(ctx)
    kind = message_kind(msg)
    if kind is None:
        await msg.reply_text(_("Please send text, a photo or a file."))
        return
    text = msg.text or msg.caption or ""
    if not fits_with_header(kind, head, text):
        # No room for the header within Telegram's limit: it goes first, then the message
        # as written (a 1,000-character receipt caption reaches support whole).
        await d.post(ctx.bot, ticket, head)
        group_id = (await d.copy(ctx.bot, ticket, msg.chat_id, msg.message_id, None)).message_id
    elif kind == "text":
        group_id = (await d.post(ctx.bot, ticket, with_header(head, text))).message_id
    else:
        caption = with_header(head, text)
        ref = await d.copy(ctx.bot, ticket, msg.chat_id, msg.message_id, caption)
        group_id = ref.message_id
    await s.support.record(
        TicketMessage(
            ticket.id,
            "from_party",
            user.id,
            None,
            kind,
            msg.text or msg.caption or "",
            None,
            group_id,
            msg.message_id,
        )
    )
    await msg.reply_text(
        _("🛟 Sent to KALEOZ Support (ticket #{ticket}).").format(ticket=ticket.id)
    )


async def support_ticket_for_reply(ctx: Ctx, msg: Message) -> Ticket | None:
    """If a party replied to a message from support, the open ticket it belongs to."""
    if msg.reply_to_message is None or msg.from_user is None:
        return None
    s = services(ctx)
    found = await s.support.message_to(msg.from_user.id, msg.reply_to_message.message_id)
    if found is None:
        return None
    ticket = await s.support.get(found.ticket_id)
    return ticket if ticket.is_open else None
