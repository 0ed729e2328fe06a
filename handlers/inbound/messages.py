"""Plain private messages: answers to the bot's questions, order chat, order ids, questions."""

from __future__ import annotations

from telegram import Message, Update

from bot.domain.ids import find_order_ids, normalize_order_id
from bot.domain.input_modes import InputMode, goes_to_people
from bot.domain.model import Order
from bot.domain.tickets import Ticket, TicketKind
from bot.ports.records import ChatMode
from handlers.inbound.common import MAX_TEXT, guarded, paced, tell
from handlers.inbound.flows import LEFT_CHAT, on_mode_text
from handlers.inbound.offers import on_sell_input, open_start_link, own_link_payload
from handlers.inbound.orders import show_card, show_order_by_id
from handlers.inbound.relay import message_kind, relay, relay_edit
from handlers.inbound.support import desk_language, party_to_support, support_ticket_for_reply
from handlers.views.i18n import N_, _, speaking
from handlers.wiring import Ctx, cards, notifier, services

FILE_KINDS = ("document", "photo")
TOO_LONG = N_("That message is too long. Please keep it shorter.")


def _uid(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _relay_later(update: Update, ctx: Ctx, first: bool) -> bool:
    """Over the flood limit: an order-chat message is kept and relayed at the allowed pace."""
    msg = update.message
    if msg is None:
        return False
    s = services(ctx)
    uid = _uid(update)
    mode = await s.chat.mode(uid)
    if mode is not None and mode.mode is not InputMode.CHAT:
        return False  # an answer to the bot, or a message for support
    if await support_ticket_for_reply(ctx, msg) is not None:
        return False
    order = await _chat_order(ctx, msg, uid, mode)
    if order is None:
        return False
    if first:
        await tell(
            update,
            _(
                "⏳ You're sending fast, so your messages will reach the other side with a short "
                "delay. Nothing is lost; they arrive in the order you wrote them."
            ),
        )
    await relay(update, ctx, order, not_before=ctx.bot_data.flood.pace(uid, s.chat.now()))
    return True


async def _chat_order(ctx: Ctx, msg: Message, uid: int, mode: ChatMode | None) -> Order | None:
    """The order whose chat this message is for: the one it replies into, else the open chat."""
    s = services(ctx)
    if msg.reply_to_message is not None:
        found = await s.chat.relayed(msg.chat_id, msg.reply_to_message.message_id)
        if found is not None:
            return await s.orders.for_chat(found.order_id, uid)
    if mode is not None and mode.mode is InputMode.CHAT and mode.order_id:
        return await s.orders.for_chat(mode.order_id, uid)
    return None


@paced(_relay_later)
async def on_private_message(update: Update, ctx: Ctx) -> None:
    """Route a message: pending question, order chat, reply to a relayed message, or a question."""
    msg = update.effective_message
    assert msg is not None
    s = services(ctx)
    uid = _uid(update)
    text = msg.text or ""
    too_long = len(text) > MAX_TEXT
    mode = await s.chat.mode(uid)
    if mode is not None and mode.mode is not InputMode.CHAT:
        # What goes to a person takes anything Telegram takes; MAX_TEXT is for what the
        # bot itself reads.
        if too_long and not goes_to_people(mode.mode):
            await tell(update, _(TOO_LONG))
            return
        if text and await on_mode_text(update, ctx, mode.mode, mode.order_id, text):
            return
        if text and await on_sell_input(update, ctx, mode.mode, mode.data):
            return
        if mode.mode is InputMode.DELIVER and mode.order_id and message_kind(msg) in FILE_KINDS:
            await _deliver_file(update, ctx, mode.order_id)
            return
    ticket = await support_ticket_for_reply(ctx, msg)
    if ticket is None and mode is not None and mode.mode is InputMode.SUPPORT:
        ticket = await _mode_ticket(ctx, mode.data)
        if ticket is None:
            await s.chat.clear_mode(uid)  # the case was closed: messages are questions again
    if ticket is not None:
        await party_to_support(update, ctx, ticket)
        return
    if mode is not None and mode.mode is InputMode.RECEIPT and mode.order_id:
        await _receipt(update, ctx, mode.order_id)
        return
    order = await _chat_order(ctx, msg, uid, mode)
    if order is not None:
        await relay(update, ctx, order)
        return
    if too_long:
        await tell(update, _(TOO_LONG))
        return
    if text:
        await _question(update, ctx, text)
        return
    await tell(
        update,
        _(
            "To send a file to the other side of an order, open the order "
            "(/orders) and tap <b>Message seller</b> or <b>Message buyer</b>."
        ),
    )


async def _mode_ticket(ctx: Ctx, data: dict[str, object]) -> Ticket | None:
    ticket_id = data.get("ticket_id")
    if not isinstance(ticket_id, int):
        return None
    ticket = await services(ctx).support.get(ticket_id)
    return ticket if ticket.is_open else None


async def _receipt(update: Update, ctx: Ctx, order_id: str) -> None:
    """A payment receipt (or its description): a payment ticket with the receipt in it."""
    s = services(ctx)
    uid = _uid(update)
    order = await s.orders.get_for(order_id, uid)
    msg = update.effective_message
    assert msg is not None
    with speaking(desk_language(ctx)):  # the ticket's subject is for the agents
        subject = _("Paid, but the order shows unpaid")
    subject += f": {msg.caption}" if msg.caption else ""
    ticket, _opened = await s.support.raise_ticket(
        TicketKind.PAYMENT, order_id=order.id, user_id=uid, subject=subject[:300]
    )
    await s.chat.set_mode(uid, InputMode.SUPPORT, order.id, ticket_id=ticket.id)
    # The ticket card first, then the receipt under it; a running backlog waits.
    await notifier(ctx).drain_for(s.support.chat_id if s.support.chat_id is not None else uid)
    # The answered question becomes the card again, saying where the receipt went.
    await cards(ctx).refresh(
        ctx.bot,
        uid,
        order,
        _("🧾 Receipt for order <b>{order}</b>: sent to KALEOZ Support.").format(order=order.id),
    )
    await party_to_support(update, ctx, await s.support.get(ticket.id))


async def _deliver_file(update: Update, ctx: Ctx, order_id: str) -> None:
    """A file as the delivery: relayed to the buyer and kept, then the order is delivered."""
    msg = update.effective_message
    assert msg is not None
    s = services(ctx)
    order = await s.orders.get_for(order_id, _uid(update))
    name = msg.document.file_name if msg.document and msg.document.file_name else _("a photo")
    # Said for the seller, in the seller's words and language, like a note they typed.
    note = msg.caption or _("Delivered as a file ({name}), sent in the order chat.").format(
        name=name
    )
    delivered = await s.orders.deliver(order.id, _uid(update), note)
    await s.chat.clear_mode(_uid(update))
    await relay(update, ctx, order)
    await show_card(update, ctx, delivered)


async def _question(update: Update, ctx: Ctx, text: str) -> None:
    """Free text: an order id opens the card; anything else is a question for the FAQ."""
    oid = normalize_order_id(text)
    if oid is not None:
        await show_order_by_id(update, ctx, oid)
        return
    payload = own_link_payload(text, ctx.bot.username)
    if payload is not None:  # our own share link pasted instead of tapped: open it
        await open_start_link(update, ctx, payload)
        return
    from handlers.inbound.faq_chat import answer_question

    await answer_question(update, ctx, text, find_order_ids(text))


async def _edit_later(update: Update, ctx: Ctx, first: bool) -> bool:
    """Over the flood limit: an edit of a relayed message is kept and follows at the pace."""
    if update.edited_message is None:
        return False
    not_before = ctx.bot_data.flood.pace(_uid(update), services(ctx).chat.now())
    await relay_edit(update, ctx, not_before=not_before)
    return True


@paced(_edit_later)
async def on_edited_message(update: Update, ctx: Ctx) -> None:
    """An edit of a message that was relayed."""
    await relay_edit(update, ctx)


@guarded
async def cmd_leave(update: Update, ctx: Ctx) -> None:
    """/leave: leave the order chat."""
    s = services(ctx)
    mode = await s.chat.mode(_uid(update))
    await s.chat.clear_mode(_uid(update))
    if mode is not None and mode.mode is InputMode.CHAT and mode.order_id:
        # The card's "Leave chat" would be stale: the card comes back with "Message …".
        await show_card(update, ctx, await s.orders.get_for(mode.order_id, _uid(update)), LEFT_CHAT)
        return
    await tell(update, LEFT_CHAT)
