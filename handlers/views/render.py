"""Texts and keyboards: what people see. HTML, with every user-supplied string escaped."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import assert_never
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from telegram import ForceReply, InlineKeyboardMarkup

from bot.domain.actions import Action, available_actions, whose_turn
from bot.domain.deadlines import DeadlineKind
from bot.domain.events import (
    CounterpartyUnreachable,
    DisputeClosed,
    DisputeOpened,
    DisputeResolved,
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderDelivered,
    OrderExpired,
    OrderPaid,
    PartyNews,
    PaymentRejected,
    RefundApproved,
    RefundAvailable,
    RefundRejected,
    RefundRequested,
    RefundWithdrawn,
    RemindConfirm,
    RemindDelivery,
    RemindPayment,
    RemindRefund,
    SupportClosed,
)
from bot.domain.model import Order, RefundStatus, Role, Status
from bot.domain.money import display
from bot.domain.policy import Policy
from bot.domain.transitions import (
    CANCEL_REASONS,
    may_report_payment,
    silence_refunds_whole_order,
    unanswered_refund_minor,
)
from bot.ports.records import LogEntry
from bot.services.chat import OrderView
from handlers.views.amounts import money, shown_amount
from handlers.views.callback_data import (
    Act,
    CancelConfirm,
    FaqReply,
    MoneyConfirm,
    OrderTap,
    button,
)
from handlers.views.i18n import N_, _, ngettext, speaking_now
from handlers.views.telegram_text import quote, utf16_len

STATUS_ICON = {
    Status.WAITING_PAYMENT: "🕐",
    Status.WAITING_DELIVERY: "📦",
    Status.WAITING_CONFIRMATION: "📬",
    Status.COMPLETED: "✅",
    Status.REFUNDING: "↩️",
    Status.EXPIRED: "⌛",
}

ACTION_BUTTON = {
    Action.PAY: (N_("Pay from balance"), Act.PAY),
    Action.DELIVER: (N_("Deliver"), Act.DELIVER),
    Action.CONFIRM: (N_("Confirm received"), Act.CONFIRM),
    Action.APPROVE_REFUND: (N_("Approve refund"), Act.APPROVE),
    Action.REJECT_REFUND: (N_("Reject refund"), Act.REJECT),
    Action.REQUEST_REFUND: (N_("Request refund"), Act.REFUND),
    Action.WITHDRAW_REFUND: (N_("Withdraw refund request"), Act.WITHDRAW),
    Action.CANCEL: (N_("Cancel"), Act.CANCEL),
    Action.ESCALATE: (N_("Escalate to support"), Act.ESCALATE),
    Action.REORDER: (N_("Re-order"), Act.REORDER),
    Action.DELETE: (N_("Delete"), Act.DELETE),
}

# How much of what a party wrote a card shows, in UTF-16 units: with the rest of the card
# and a few headlines above it, the card stays within one message (4,096).
NOTE_ON_CARD = 1500
REASON_ON_CARD = 300

# What the scheduler will do: (as the buyer reads it, as anyone else does).
NEXT_ACTION = {
    DeadlineKind.EXPIRE_UNPAID: (N_("the order expires unpaid"), N_("the order expires unpaid")),
    DeadlineKind.AUTO_CANCEL: (
        N_("the order is cancelled and refunded to your KALEOZ balance"),
        N_("the order is cancelled and refunded to the buyer's KALEOZ balance"),
    ),
    DeadlineKind.AUTO_CONFIRM: (
        N_("the order is confirmed as received and paid to the seller"),
        N_("the order is confirmed as received and paid to the seller"),
    ),
    DeadlineKind.AUTO_REFUND: (
        N_("the refund is approved automatically"),
        N_("the refund is approved automatically"),
    ),
}

TIMELINE = {
    "create": N_("Order placed"),
    "reorder": N_("Re-ordered"),
    "pay": N_("Paid"),
    "deliver": N_("Delivered"),
    "confirmed": N_("Confirmed received"),
    "auto_confirmed": N_("Confirmed automatically"),
    "cancel": N_("Cancelled"),
    "auto_cancel": N_("Cancelled automatically (not delivered in time)"),
    "expire": N_("Expired unpaid"),
    "request_refund": N_("Refund requested"),
    "withdraw_refund": N_("Refund request withdrawn"),
    "refund_approved": N_("Refund approved"),
    "refund_auto_approved": N_("Refund approved automatically"),
    "reject_refund": N_("Refund rejected"),
    "escalate": N_("Escalated to KALEOZ Support"),
    "close_dispute": N_("Support closed the case"),
    "resolve_refund_full": N_("Support refunded in full"),
    "resolve_refund_partial": N_("Support refunded part"),
    "resolve_release": N_("Support released the money to the seller"),
    "delete": N_("Deleted from a list"),
}


def next_action_text(o: Order, kind: DeadlineKind, *, to_buyer: bool = False) -> str:
    """What the scheduler will do, with the amount when a refund request is unanswered
    (`to_buyer`: said to the buyer, who is "you")."""
    rr = o.refund_request
    if kind is not DeadlineKind.AUTO_REFUND or rr is None:
        return _(NEXT_ACTION[kind][0 if to_buyer else 1])
    refund = money(unanswered_refund_minor(o), o.currency)
    asked = money(rr.amount_minor, o.currency)
    if silence_refunds_whole_order(o):
        if to_buyer:
            text = _(
                "the whole order ({refund}, not only the {asked} asked) is refunded to you, "
                "as it was not delivered"
            )
        else:
            text = _(
                "the whole order ({refund}, not only the {asked} asked) is refunded to the "
                "buyer, as it was not delivered"
            )
        return text.format(refund=refund, asked=asked)
    return _("the refund of {amount} is approved automatically").format(amount=refund)


def fmt_time(when: datetime, tz: ZoneInfo) -> str:
    """`Tue 1 Dec, 23:28 (GMT+8)` in the user's time zone."""
    local = when.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    hours, rem = divmod(int(offset.total_seconds()), 3600)
    gmt = f"GMT{hours:+d}" + (f":{rem // 60:02d}" if rem else "")
    language = speaking_now()
    if language is None:
        return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({gmt})"
    return f"{format_datetime(local, 'EEE d MMM, HH:mm', locale=language)} ({gmt})"


def fmt_short(when: datetime, tz: ZoneInfo) -> str:
    """`1 Dec 23:28` for timelines."""
    local = when.astimezone(tz)
    language = speaking_now()
    if language is None:
        return f"{local.day} {local:%b} {local:%H:%M}"
    return format_datetime(local, "d MMM HH:mm", locale=language)


def fmt_left(delta: timedelta) -> str:
    """`2 d 5 h`, `3 h 10 min`, `12 min`."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    if days:
        return _("{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=mins)
    return _("{minutes} min").format(minutes=mins)


def name_of(view: OrderView) -> str:
    """The counterparty's display name, escaped (never their @username or id)."""
    user = view.counterparty
    if user is None or not user.display_name:
        return _("Buyer") if view.order.seller_id == view.viewer_id else _("Seller")
    return escape(user.display_name)


def _turn_line(order: Order, viewer: Role) -> str:
    turn = whose_turn(order)
    if order.dispute_open:
        return _("🛟 <b>KALEOZ Support is handling this order.</b> The clocks are paused.")
    if turn is None:
        return ""
    if order.refund_open:
        if viewer is Role.SELLER:
            if order.status is Status.WAITING_DELIVERY:
                return _("👉 <b>Your turn:</b> deliver the order, or approve or reject the refund.")
            return _("👉 <b>Your turn:</b> approve or reject the refund request.")
        return _("⏳ Waiting for the seller to answer your refund request.")
    mine = turn is viewer
    todo = {
        Status.WAITING_PAYMENT: (
            N_("👉 <b>Your turn:</b> pay for the order."),
            N_("⏳ Waiting for the buyer to pay."),
        ),
        Status.WAITING_DELIVERY: (
            N_("👉 <b>Your turn:</b> deliver the order."),
            N_("⏳ Waiting for the seller to deliver."),
        ),
        Status.WAITING_CONFIRMATION: (
            N_("👉 <b>Your turn:</b> check the delivery, then confirm received."),
            N_("⏳ Waiting for the buyer to confirm receipt."),
        ),
    }[order.status]
    return _(todo[0] if mine else todo[1])


# An action the card does not offer yet, and how it says when it will.
LATER = {Action.REQUEST_REFUND: N_("↩️ Refund available from <b>{when}</b> (in {left}).")}


def card_text(
    view: OrderView,
    tz: ZoneInfo,
    now: datetime,
    upcoming: dict[Action, datetime] | None = None,
) -> str:
    """The order card: status, whose turn, what happens next and when, and the timeline."""
    o = view.order
    viewer = o.role_of(view.viewer_id) or Role.BUYER
    buyer = viewer is Role.BUYER
    presence = ""
    if buyer:
        presence = _(" 🔵 online") if view.counterparty_online else _(" ⚪ offline")
    if buyer:
        who = _("You are the buyer · Seller: {name}{presence}")
    else:
        who = _("You are the seller · Buyer: {name}{presence}")
    lines = [
        _("🧾 <b>Order {order}</b> · {title}").format(order=o.id, title=escape(o.title)),
        f"{STATUS_ICON[o.status]} <b>{o.status.label}</b>{_cancelled_by(o, viewer)} · "
        f"{money(o.amount_minor, o.currency)}",
        who.format(name=name_of(view), presence=presence),
    ]
    if view.counterparty_unreachable:
        lines.append(
            _("⚠️ The seller can't be reached on Telegram right now.")
            if buyer
            else _("⚠️ The buyer can't be reached on Telegram right now.")
        )
    turn = _turn_line(o, viewer)
    if turn:
        lines += ["", turn]
    nxt = view.next_action
    if nxt is not None:
        lines.append(
            _("⏰ If nothing happens, {what} on <b>{when}</b> (in {left}).").format(
                what=next_action_text(o, nxt.kind, to_buyer=buyer),
                when=fmt_time(nxt.due_at, tz),
                left=fmt_left(nxt.due_at - now),
            )
        )
    for action, at in (upcoming or {}).items():
        if action in LATER:  # not a button yet: a tap would only be refused
            lines.append(_(LATER[action]).format(when=fmt_time(at, tz), left=fmt_left(at - now)))
    lines += _facts(o, viewer)
    if view.timeline:
        lines += ["", _("<b>Timeline</b>")]
        lines += [
            f"• {fmt_short(e.at, tz)} · {timeline_entry(e.action)}" if e else f"• {gap}"
            for e, gap in timeline_rows(view.timeline)
        ]
    return "\n".join(lines)


def timeline_entry(action: str) -> str:
    """A timeline entry's words (an action this version has no words for, as recorded)."""
    return _(TIMELINE[action]) if action in TIMELINE else action


def timeline_rows(
    entries: list[LogEntry], keep: int = 6
) -> list[tuple[LogEntry, str] | tuple[None, str]]:
    """The first entry, "… n more", and the latest ones: how it began is never dropped."""
    if len(entries) <= keep:
        return [(e, "") for e in entries]
    tail = entries[-(keep - 2) :]
    hidden = len(entries) - 1 - len(tail)
    more = ngettext("… {n} more", "… {n} more", hidden).format(n=hidden)
    return [(entries[0], ""), (None, more), *[(e, "") for e in tail]]


def _facts(o: Order, viewer: Role) -> list[str]:
    out: list[str] = []
    if o.delivery_note and (viewer is Role.BUYER or viewer is Role.SELLER):
        note = quote(o.delivery_note, NOTE_ON_CARD)
        if utf16_len(o.delivery_note) > NOTE_ON_CARD:
            note += (
                _(" <i>(cut here: the whole delivery came to you as a file)</i>")
                if viewer is Role.BUYER
                else _(" <i>(cut here: the buyer got the whole delivery as a file)</i>")
            )
        out += ["", _("📤 <b>Delivery:</b> {note}").format(note=note)]
    rr = o.refund_request
    if rr is not None and rr.status in (RefundStatus.OPEN, RefundStatus.REJECTED):
        state = {
            (True, True): N_("↩️ <b>Refund request:</b> {amount} (full), waiting for the seller"),
            (True, False): N_("↩️ <b>Refund request:</b> {amount} (full), rejected"),
            (False, True): N_(
                "↩️ <b>Refund request:</b> {amount} (partial), waiting for the seller"
            ),
            (False, False): N_("↩️ <b>Refund request:</b> {amount} (partial), rejected"),
        }[rr.full, rr.is_open]
        out += ["", _(state).format(amount=money(rr.amount_minor, o.currency))]
        if rr.reason:
            out.append(_("   Reason: {reason}").format(reason=quote(rr.reason, REASON_ON_CARD)))
        if rr.rejection_reason:
            out.append(
                _("   Seller's reason: {reason}").format(
                    reason=quote(rr.rejection_reason, REASON_ON_CARD)
                )
            )
        if (
            rr.status is RefundStatus.REJECTED
            and viewer is Role.BUYER
            and not o.dispute_open
            and not o.status.finished  # a resolved order offers no escalation
        ):
            out.append(_("   You can escalate to KALEOZ Support."))
    if o.status.finished:
        out += ["", _closing(o, viewer)]
    return out


def support_closed(ticket_id: int) -> str:
    """A case the person opened was closed by an agent: say so, and how to come back."""
    return _(
        "KALEOZ Support closed your request #{ticket}. If you still "
        "need help, tap Talk to support, or ask your question here."
    ).format(ticket=ticket_id)


def support_again_keyboard() -> InlineKeyboardMarkup:
    """A way back to a person after a closed case."""
    return InlineKeyboardMarkup([[button(_("Talk to support"), FaqReply(Act.SUPPORT, None))]])


def orderless_news(news: PartyNews) -> str | None:
    """The text of news that is about no order (None: news that means nothing without its
    order, which is gone)."""
    match news:
        case SupportClosed(ticket_id=ticket_id):
            return f"🛟 {support_closed(ticket_id)}"
        case (
            OrderCreated()
            | OrderPaid()
            | OrderDelivered()
            | OrderCompleted()
            | OrderCancelled()
            | OrderExpired()
            | RefundRequested()
            | RefundApproved()
            | RefundRejected()
            | RefundWithdrawn()
            | RefundAvailable()
            | DisputeOpened()
            | DisputeResolved()
            | DisputeClosed()
            | RemindPayment()
            | RemindDelivery()
            | RemindConfirm()
            | RemindRefund()
            | PaymentRejected()
            | CounterpartyUnreachable()
        ):
            return None
        case _:
            assert_never(news)


def _cancelled_by(o: Order, viewer: Role) -> str:
    """· cancelled by … on the status line of an order a party cancelled before payment."""
    if o.status is not Status.EXPIRED or not (o.close_reason or "").startswith("cancelled_by_"):
        return ""
    by = o.close_reason.removeprefix("cancelled_by_") if o.close_reason else ""
    if by == viewer.value:
        return _(" (cancelled by you before payment)")
    if by == "seller":
        return _(" (cancelled by the seller before payment)")
    if by == "buyer":
        return _(" (cancelled by the buyer before payment)")
    return _(" (cancelled before payment)")


def _cancelled_headline(role: Role, news: OrderCancelled, amount: str) -> str:
    """Who cancelled, why, and where the money went, for this party."""
    by = news.by
    note = f" ({_cancel_note(news.note)})" if news.note else ""
    if by == "system":
        head = _("✖️ The order was cancelled.")
    elif by == role.value:
        head = _("✖️ You cancelled the order{note}.").format(note=note)
    elif by == "seller":
        head = _("✖️ The seller cancelled the order{note}.").format(note=note)
    elif by == "buyer":
        head = _("✖️ The buyer cancelled the order{note}.").format(note=note)
    else:
        head = _("✖️ The other side cancelled the order{note}.").format(note=note)
    if role is Role.BUYER and news.refunded:
        head += " " + _("{amount} went back to your KALEOZ balance.").format(amount=amount)
    if by == "system":
        head += " " + _("It was not delivered in time.")
    return head


# A seller's reasons for cancelling (bot.domain.transitions.CANCEL_REASONS), as shown.
CANCEL_WORDS = {
    "out of stock": N_("out of stock"),
    "can't deliver in time": N_("can't deliver in time"),
    "the price was wrong": N_("the price was wrong"),
    "the buyer asked to cancel": N_("the buyer asked to cancel"),
}


def _cancel_note(note: str) -> str:
    """A cancel reason in the reader's language (one typed elsewhere, as written)."""
    return _(CANCEL_WORDS[note]) if note in CANCEL_WORDS else note


def _closing(o: Order, viewer: Role) -> str:
    if o.status is Status.EXPIRED and (o.close_reason or "").startswith("cancelled_by_"):
        why = f" ({_cancel_note(o.cancel_note)})" if o.cancel_note else ""
        if o.close_reason == "cancelled_by_seller" and viewer is Role.BUYER:
            return _(
                "The seller cancelled this order before payment{why}. Nothing was paid. "
                "Ask the seller for a new link when they can sell it again."
            ).format(why=why)
        return _("This order was cancelled before payment{why}. Nothing was paid.").format(why=why)
    if o.status is Status.EXPIRED:
        # Only the buyer can re-order.
        if viewer is Role.BUYER:
            return _("This order expired unpaid. Re-order to buy again at today's price.")
        return _("This order expired unpaid.")
    if o.status is Status.REFUNDING:
        amount = money(o.refunded_minor, o.currency)
        if viewer is Role.BUYER:
            return _("Refunded: {amount} went back to your KALEOZ balance.").format(amount=amount)
        return _("Refunded: {amount} went back to the buyer's KALEOZ balance.").format(
            amount=amount
        )
    if o.refunded_minor:
        return _("{refunded} was refunded to the buyer and {paid} paid to the seller.").format(
            refunded=money(o.refunded_minor, o.currency),
            paid=money(o.released_minor, o.currency),
        )
    return _("{amount} was paid to the seller.").format(amount=money(o.released_minor, o.currency))


def card_keyboard(
    view: OrderView, now: datetime, policy: Policy, *, in_chat: bool = False
) -> InlineKeyboardMarkup:
    """Only the buttons valid now for this viewer, two to a row, the main action first."""
    o = view.order
    buttons = [
        button(_(ACTION_BUTTON[a][0]), OrderTap(ACTION_BUTTON[a][1], o.id))
        for a in available_actions(o, view.viewer_id, now, policy)
    ]
    if may_report_payment(o, view.viewer_id):
        # FAQ: paid but shown unpaid (or expired): support checks the receipt.
        buttons.append(button(_("I already paid"), OrderTap(Act.PAID_ALREADY, o.id)))
    if in_chat:
        buttons.append(button(_("Leave chat"), OrderTap(Act.LEAVE_CHAT, o.id)))
    elif o.buyer_id == view.viewer_id:
        buttons.append(button(_("Message seller"), OrderTap(Act.MESSAGE, o.id)))
    else:
        buttons.append(button(_("Message buyer"), OrderTap(Act.MESSAGE, o.id)))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def confirm_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before an irreversible confirmation."""
    text = _(
        "⚠️ <b>Confirm you received order {order}?</b>\n\n"
        "{amount} goes to the seller and this <b>cannot be "
        "undone</b>. KALEOZ Support can no longer help with this order afterwards.\n\n"
        "Only confirm once you have checked you got the right thing and amount."
    ).format(order=o.id, amount=money(o.amount_minor, o.currency))
    kb = InlineKeyboardMarkup(
        [
            [
                button(_("Yes, confirm received"), OrderTap(Act.CONFIRM_YES, o.id)),
                button(_("Not yet"), OrderTap(Act.BACK, o.id)),
            ]
        ]
    )
    return text, kb


def cancel_prompt(o: Order, by: int) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before a party cancels. A seller says why (the buyer is told); the
    buyer's own unpaid order just asks once more."""
    amount = money(o.amount_minor, o.currency)
    if o.buyer_id == by:
        text = _("Cancel order {order} ({amount}, not paid)? This cannot be undone.").format(
            order=o.id, amount=amount
        )
        kb = InlineKeyboardMarkup(
            [
                [
                    button(
                        _("Yes, cancel the {amount} order").format(amount=amount),
                        CancelConfirm(o.id),
                    ),
                    button(_("Keep the order"), OrderTap(Act.BACK, o.id)),
                ]
            ]
        )
        return text, kb
    if o.paid_at is None:
        text = _(
            "Cancel order {order}? It has not been paid, so no money moves.\n\nTell the buyer why:"
        )
        verb = _("Cancel: {reason}")
    else:
        text = _(
            "Cancel order {order}? {amount} goes back to the buyer's KALEOZ balance. This "
            "cannot be undone.\n\nTell the buyer why:"
        )
        verb = _("Cancel and refund: {reason}")
    rows = [
        [button(verb.format(reason=_cancel_note(words)), CancelConfirm(o.id, code))]
        for code, words in CANCEL_REASONS.items()
    ]
    keep = [button(_("Keep the order"), OrderTap(Act.BACK, o.id))]
    return text.format(order=o.id, amount=amount), InlineKeyboardMarkup([*rows, keep])


def pay_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before paying from the KALEOZ balance."""
    amount = money(o.amount_minor, o.currency)
    text = _(
        "Pay {amount} for order {order} from your KALEOZ balance? The money is held until "
        "you confirm you received the order."
    ).format(amount=amount, order=o.id)
    kb = InlineKeyboardMarkup(
        [
            [
                button(
                    _("Yes, pay {amount} from my balance").format(amount=amount),
                    MoneyConfirm(Act.PAY_YES, o.id, o.amount_minor),
                )
            ],
            [button(_("Back"), OrderTap(Act.BACK, o.id))],
        ]
    )
    return text, kb


def approve_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before the seller approves a refund request."""
    rr = o.refund_request
    minor = rr.amount_minor if rr is not None else o.amount_minor
    amount = money(minor, o.currency)
    text = _(
        "Approve the refund on order {order}? {amount} goes back to the buyer's KALEOZ "
        "balance. This cannot be undone."
    ).format(order=o.id, amount=amount)
    kb = InlineKeyboardMarkup(
        [
            [
                button(
                    _("Yes, refund {amount} to the buyer").format(amount=amount),
                    MoneyConfirm(Act.APPROVE_YES, o.id, minor),
                )
            ],
            [button(_("Back"), OrderTap(Act.BACK, o.id))],
        ]
    )
    return text, kb


def refund_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """Full or partial refund."""
    text = _(
        "Request a refund for order {order}.\n\nA full refund returns "
        "{amount} to your KALEOZ balance. For a partial refund, "
        "you propose an amount and the seller must agree."
    ).format(order=o.id, amount=money(o.amount_minor, o.currency))
    kb = InlineKeyboardMarkup(
        [
            [button(_("Full refund"), OrderTap(Act.REFUND_FULL, o.id))],
            [
                button(_("Partial refund"), OrderTap(Act.REFUND_PART, o.id)),
                button(_("Back"), OrderTap(Act.BACK, o.id)),
            ],
        ]
    )
    return text, kb


def force_reply(placeholder: str, *, selective: bool = False) -> ForceReply:
    """The markup of a prompt for typed input: the client opens a reply, with a hint.

    (A message has one markup, so a prompt carries no inline Cancel: its text says /cancel.)
    In a group, `selective` opens the reply only for the people the prompt mentions or
    replies to: https://core.telegram.org/bots/api#forcereply
    """
    return ForceReply(selective=selective, input_field_placeholder=placeholder[:64])


# --- notifications ---------------------------------------------------------------------


def headline(news: PartyNews, role: Role, o: Order, tz: ZoneInfo) -> str:
    """The first line of a notification: what just happened, for this party."""
    buyer = role is Role.BUYER
    amount = money(o.amount_minor, o.currency)
    match news:
        case OrderCreated(reorder_of=reorder_of, old_price=old_price):
            # A re-order takes today's price: say so when it is not the expired order's.
            # (The event keeps the old price as the core wrote it: compared in that form.)
            repriced = (
                " "
                + _("The price changed from {old} to {new}.").format(
                    old=shown_amount(old_price), new=amount
                )
                if reorder_of and old_price and old_price != display(o.amount_minor, o.currency)
                else ""
            )
            if buyer:
                return _(
                    "🛒 Order placed.{repriced} Pay within the time shown or it expires."
                ).format(repriced=repriced)
            return _("🛒 You have a new order.{repriced}").format(repriced=repriced)
        case OrderPaid():
            if buyer:
                return _("💰 Payment received. The seller has been told to deliver.")
            return _("💰 The buyer paid {amount}. Please deliver.").format(amount=amount)
        case OrderDelivered():
            if buyer:
                return _("📬 The seller delivered. Check it, then confirm received.")
            return _("📤 Delivered. The buyer has been asked to confirm.")
        case OrderCompleted():
            if buyer:
                return _("✅ Order completed.")
            return _("✅ Order completed. {amount} is now in your KALEOZ balance.").format(
                amount=amount
            )
        case OrderExpired():
            if buyer:
                return _("⌛ The order expired unpaid. Re-order to buy again.")
            return _("⌛ The order expired unpaid.")
        case OrderCancelled():
            return _cancelled_headline(role, news, amount)
        case RefundRequested(amount=asked):
            if buyer:
                return _("↩️ Refund of {amount} requested. The seller has been told.").format(
                    amount=shown_amount(asked)
                )
            return _("↩️ The buyer asked for a refund of {amount}.").format(
                amount=shown_amount(asked)
            )
        case RefundApproved(amount=refunded, automatic=automatic):
            said = {
                (True, True): N_(
                    "↩️ Refund of {amount} approved automatically (no answer in time). It is "
                    "in your KALEOZ balance."
                ),
                (True, False): N_("↩️ Refund of {amount} approved. It is in your KALEOZ balance."),
                (False, True): N_(
                    "↩️ Refund of {amount} approved automatically (no answer in time)."
                ),
                (False, False): N_("↩️ Refund of {amount} approved."),
            }[buyer, automatic]
            return _(said).format(amount=shown_amount(refunded))
        case RefundRejected():
            if buyer:
                return _(
                    "❌ The seller rejected your refund request. You can escalate to "
                    "KALEOZ Support."
                )
            return _("❌ You rejected the refund request.")
        case RefundWithdrawn():
            return _("The refund request was withdrawn.")
        case RefundAvailable():
            return _("↩️ You can now request a refund if something is wrong.")
        case DisputeOpened():
            return _("🛟 This order is now with KALEOZ Support. They will contact you here.")
        case DisputeResolved():
            return _("🛟 KALEOZ Support resolved this order.")
        case DisputeClosed():
            return _("🛟 KALEOZ Support closed the case; the order continues.")
        case RemindPayment(due_at=due):
            return _("⏰ Reminder: pay for order {order} before {when} or it expires.").format(
                order=o.id, when=fmt_time(due, tz)
            )
        case RemindDelivery(due_at=due):
            return _(
                "⏰ Reminder: deliver order {order} before {when}, or it is "
                "cancelled and refunded to the buyer."
            ).format(order=o.id, when=fmt_time(due, tz))
        case RemindConfirm(due_at=due):
            return _(
                "⏰ Reminder: order {order} is confirmed as received automatically on "
                "{when}. If something is wrong, request a refund before then."
            ).format(order=o.id, when=fmt_time(due, tz))
        case RemindRefund(due_at=due):
            silence = (
                next_action_text(o, DeadlineKind.AUTO_REFUND, to_buyer=buyer)
                if silence_refunds_whole_order(o)
                else _("it is approved automatically")
            )
            return _(
                "⏰ Reminder: answer the refund request on order {order} before {when}, or {what}."
            ).format(order=o.id, when=fmt_time(due, tz), what=silence)
        case SupportClosed(ticket_id=ticket_id):
            return f"🛟 {support_closed(ticket_id)}"
        case PaymentRejected():
            return _(
                "🧾 KALEOZ Support could not confirm your payment for this order. If money "
                "left your account, contact your bank or reply to support with more details."
            )
        case CounterpartyUnreachable():
            return _(
                "⚠️ The other side has blocked this bot and can't get messages right now. You "
                "can escalate to KALEOZ Support if you need help."
            )
        case _:
            assert_never(news)
