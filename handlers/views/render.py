"""Texts and keyboards: what people see. HTML, with every user-supplied string escaped."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import assert_never
from zoneinfo import ZoneInfo

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
from handlers.views.callback_data import (
    Act,
    CancelConfirm,
    FaqReply,
    MoneyConfirm,
    OrderTap,
    button,
)
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
    Action.PAY: ("Pay from balance", Act.PAY),
    Action.DELIVER: ("Deliver", Act.DELIVER),
    Action.CONFIRM: ("Confirm received", Act.CONFIRM),
    Action.APPROVE_REFUND: ("Approve refund", Act.APPROVE),
    Action.REJECT_REFUND: ("Reject refund", Act.REJECT),
    Action.REQUEST_REFUND: ("Request refund", Act.REFUND),
    Action.WITHDRAW_REFUND: ("Withdraw refund request", Act.WITHDRAW),
    Action.CANCEL: ("Cancel", Act.CANCEL),
    Action.ESCALATE: ("Escalate to support", Act.ESCALATE),
    Action.REORDER: ("Re-order", Act.REORDER),
    Action.DELETE: ("Delete", Act.DELETE),
}

# How much of what a party wrote a card shows, in UTF-16 units: with the rest of the card
# and a few headlines above it, the card stays within one message (4,096).
NOTE_ON_CARD = 1500
REASON_ON_CARD = 300

NEXT_ACTION = {
    DeadlineKind.EXPIRE_UNPAID: "the order expires unpaid",
    DeadlineKind.AUTO_CANCEL: "the order is cancelled and refunded to the buyer's KALEOZ balance",
    DeadlineKind.AUTO_CONFIRM: "the order is confirmed as received and paid to the seller",
    DeadlineKind.AUTO_REFUND: "the refund is approved automatically",
}

TIMELINE = {
    "create": "Order placed",
    "reorder": "Re-ordered",
    "pay": "Paid",
    "deliver": "Delivered",
    "confirmed": "Confirmed received",
    "auto_confirmed": "Confirmed automatically",
    "cancel": "Cancelled",
    "auto_cancel": "Cancelled automatically (not delivered in time)",
    "expire": "Expired unpaid",
    "request_refund": "Refund requested",
    "withdraw_refund": "Refund request withdrawn",
    "refund_approved": "Refund approved",
    "refund_auto_approved": "Refund approved automatically",
    "reject_refund": "Refund rejected",
    "escalate": "Escalated to KALEOZ Support",
    "close_dispute": "Support closed the case",
    "resolve_refund_full": "Support refunded in full",
    "resolve_refund_partial": "Support refunded part",
    "resolve_release": "Support released the money to the seller",
    "delete": "Deleted from a list",
}


def next_action_text(o: Order, kind: DeadlineKind) -> str:
    """What the scheduler will do, with the amount when a refund request is unanswered."""
    rr = o.refund_request
    if kind is not DeadlineKind.AUTO_REFUND or rr is None:
        return NEXT_ACTION[kind]
    refund = unanswered_refund_minor(o)
    if silence_refunds_whole_order(o):
        return (
            f"the whole order ({display(refund, o.currency)}, not only the "
            f"{display(rr.amount_minor, o.currency)} asked) is refunded to the buyer, "
            "as it was not delivered"
        )
    return f"the refund of {display(refund, o.currency)} is approved automatically"


def fmt_time(when: datetime, tz: ZoneInfo) -> str:
    """`Tue 1 Dec, 23:28 (GMT+8)` in the user's time zone."""
    local = when.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    hours, rem = divmod(int(offset.total_seconds()), 3600)
    gmt = f"GMT{hours:+d}" + (f":{rem // 60:02d}" if rem else "")
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({gmt})"


def fmt_short(when: datetime, tz: ZoneInfo) -> str:
    """`1 Dec 23:28` for timelines."""
    local = when.astimezone(tz)
    return f"{local.day} {local:%b} {local:%H:%M}"


def fmt_left(delta: timedelta) -> str:
    """`2 d 5 h`, `3 h 10 min`, `12 min`."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def name_of(view: OrderView) -> str:
    """The counterparty's display name, escaped (never their @username or id)."""
    user = view.counterparty
    if user is None or not user.display_name:
        return "Buyer" if view.order.seller_id == view.viewer_id else "Seller"
    return escape(user.display_name)


def _turn_line(order: Order, viewer: Role) -> str:
    turn = whose_turn(order)
    if order.dispute_open:
        return "🛟 <b>KALEOZ Support is handling this order.</b> The clocks are paused."
    if turn is None:
        return ""
    if order.refund_open:
        if viewer is Role.SELLER:
            if order.status is Status.WAITING_DELIVERY:
                return "👉 <b>Your turn:</b> deliver the order, or approve or reject the refund."
            return "👉 <b>Your turn:</b> approve or reject the refund request."
        return "⏳ Waiting for the seller to answer your refund request."
    mine = turn is viewer
    todo = {
        Status.WAITING_PAYMENT: ("pay for the order", "the buyer to pay"),
        Status.WAITING_DELIVERY: ("deliver the order", "the seller to deliver"),
        Status.WAITING_CONFIRMATION: (
            "check the delivery, then confirm received",
            "the buyer to confirm receipt",
        ),
    }[order.status]
    return f"👉 <b>Your turn:</b> {todo[0]}." if mine else f"⏳ Waiting for {todo[1]}."


# An action the card does not offer yet, and how it says when it will.
LATER = {Action.REQUEST_REFUND: "↩️ Refund available from"}


def card_text(
    view: OrderView,
    tz: ZoneInfo,
    now: datetime,
    upcoming: dict[Action, datetime] | None = None,
) -> str:
    """The order card: status, whose turn, what happens next and when, and the timeline."""
    o = view.order
    viewer = o.role_of(view.viewer_id) or Role.BUYER
    other = "Seller" if viewer is Role.BUYER else "Buyer"
    presence = ""
    if viewer is Role.BUYER:
        presence = " 🔵 online" if view.counterparty_online else " ⚪ offline"
    lines = [
        f"🧾 <b>Order {o.id}</b> · {escape(o.title)}",
        f"{STATUS_ICON[o.status]} <b>{o.status.label}</b>{_cancelled_by(o, viewer)} · "
        f"{display(o.amount_minor, o.currency)}",
        f"You are the {viewer.value} · {other}: {name_of(view)}{presence}",
    ]
    if view.counterparty_unreachable:
        lines.append(f"⚠️ The {other.lower()} can't be reached on Telegram right now.")
    turn = _turn_line(o, viewer)
    if turn:
        lines += ["", turn]
    nxt = view.next_action
    if nxt is not None:
        what = next_action_text(o, nxt.kind)
        if viewer is Role.BUYER:  # the buyer is "you", never "the buyer"
            what = what.replace("the buyer's", "your").replace("to the buyer", "to you")
        lines.append(
            f"⏰ If nothing happens, {what} on <b>{fmt_time(nxt.due_at, tz)}</b>"
            f" (in {fmt_left(nxt.due_at - now)})."
        )
    for action, at in (upcoming or {}).items():
        if action in LATER:  # not a button yet: a tap would only be refused
            lines.append(f"{LATER[action]} <b>{fmt_time(at, tz)}</b> (in {fmt_left(at - now)}).")
    lines += _facts(o, viewer)
    if view.timeline:
        lines += ["", "<b>Timeline</b>"]
        lines += [
            f"• {fmt_short(e.at, tz)} · {TIMELINE.get(e.action, e.action)}" if e else f"• {gap}"
            for e, gap in timeline_rows(view.timeline)
        ]
    return "\n".join(lines)


def timeline_rows(
    entries: list[LogEntry], keep: int = 6
) -> list[tuple[LogEntry, str] | tuple[None, str]]:
    """The first entry, "… n more", and the latest ones: how it began is never dropped."""
    if len(entries) <= keep:
        return [(e, "") for e in entries]
    tail = entries[-(keep - 2) :]
    hidden = len(entries) - 1 - len(tail)
    return [(entries[0], ""), (None, f"… {hidden} more"), *[(e, "") for e in tail]]


def _facts(o: Order, viewer: Role) -> list[str]:
    out: list[str] = []
    if o.delivery_note and (viewer is Role.BUYER or viewer is Role.SELLER):
        note = quote(o.delivery_note, NOTE_ON_CARD)
        if utf16_len(o.delivery_note) > NOTE_ON_CARD:
            note += (
                " <i>(cut here: the whole delivery came to you as a file)</i>"
                if viewer is Role.BUYER
                else " <i>(cut here: the buyer got the whole delivery as a file)</i>"
            )
        out += ["", f"📤 <b>Delivery:</b> {note}"]
    rr = o.refund_request
    if rr is not None and rr.status in (RefundStatus.OPEN, RefundStatus.REJECTED):
        kind = "full" if rr.full else "partial"
        state = "waiting for the seller" if rr.is_open else "rejected"
        out += [
            "",
            f"↩️ <b>Refund request:</b> {display(rr.amount_minor, o.currency)} ({kind}), {state}",
        ]
        if rr.reason:
            out.append(f"   Reason: {quote(rr.reason, REASON_ON_CARD)}")
        if rr.rejection_reason:
            out.append(f"   Seller's reason: {quote(rr.rejection_reason, REASON_ON_CARD)}")
        if (
            rr.status is RefundStatus.REJECTED
            and viewer is Role.BUYER
            and not o.dispute_open
            and not o.status.finished  # a resolved order offers no escalation
        ):
            out.append("   You can escalate to KALEOZ Support.")
    if o.status.finished:
        out += ["", _closing(o, viewer)]
    return out


def support_closed(ticket_id: int) -> str:
    """A case the person opened was closed by an agent: say so, and how to come back."""
    return (
        f"KALEOZ Support closed your request #{ticket_id}. If you still "
        "need help, tap Talk to support, or ask your question here."
    )


def support_again_keyboard() -> InlineKeyboardMarkup:
    """A way back to a person after a closed case."""
    return InlineKeyboardMarkup([[button("Talk to support", FaqReply(Act.SUPPORT, None))]])


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
    who = "you" if by == viewer.value else f"the {by}"
    return f" (cancelled by {who} before payment)"


def _cancelled_headline(role: Role, news: OrderCancelled, amount: str) -> str:
    """Who cancelled, why, and where the money went, for this party."""
    by = news.by
    note = f" ({news.note})" if news.note else ""
    if by == "system":
        head = "✖️ The order was cancelled."
    elif by == role.value:
        head = f"✖️ You cancelled the order{note}."
    else:
        head = f"✖️ The {by or 'other side'} cancelled the order{note}."
    if role is Role.BUYER and news.refunded:
        head += f" {amount} went back to your KALEOZ balance."
    if by == "system":
        head += " It was not delivered in time."
    return head


def _closing(o: Order, viewer: Role) -> str:
    if o.status is Status.EXPIRED and (o.close_reason or "").startswith("cancelled_by_"):
        why = f" ({o.cancel_note})" if o.cancel_note else ""
        if o.close_reason == "cancelled_by_seller" and viewer is Role.BUYER:
            return (
                f"The seller cancelled this order before payment{why}. Nothing was paid. "
                "Ask the seller for a new link when they can sell it again."
            )
        return f"This order was cancelled before payment{why}. Nothing was paid."
    if o.status is Status.EXPIRED:
        # Only the buyer can re-order.
        return "This order expired unpaid." + (
            " Re-order to buy again at today's price." if viewer is Role.BUYER else ""
        )
    if o.status is Status.REFUNDING:
        whose = "your" if viewer is Role.BUYER else "the buyer's"
        amount = display(o.refunded_minor, o.currency)
        return f"Refunded: {amount} went back to {whose} KALEOZ balance."
    if o.refunded_minor:
        return (
            f"{display(o.refunded_minor, o.currency)} was refunded to the buyer and "
            f"{display(o.released_minor, o.currency)} paid to the seller."
        )
    return f"{display(o.released_minor, o.currency)} was paid to the seller."


def card_keyboard(
    view: OrderView, now: datetime, policy: Policy, *, in_chat: bool = False
) -> InlineKeyboardMarkup:
    """Only the buttons valid now for this viewer, two to a row, the main action first."""
    o = view.order
    buttons = [
        button(ACTION_BUTTON[a][0], OrderTap(ACTION_BUTTON[a][1], o.id))
        for a in available_actions(o, view.viewer_id, now, policy)
    ]
    other = "seller" if o.buyer_id == view.viewer_id else "buyer"
    if may_report_payment(o, view.viewer_id):
        # FAQ: paid but shown unpaid (or expired): support checks the receipt.
        buttons.append(button("I already paid", OrderTap(Act.PAID_ALREADY, o.id)))
    if in_chat:
        buttons.append(button("Leave chat", OrderTap(Act.LEAVE_CHAT, o.id)))
    else:
        buttons.append(button(f"Message {other}", OrderTap(Act.MESSAGE, o.id)))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def confirm_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before an irreversible confirmation."""
    text = (
        f"⚠️ <b>Confirm you received order {o.id}?</b>\n\n"
        f"{display(o.amount_minor, o.currency)} goes to the seller and this <b>cannot be "
        "undone</b>. KALEOZ Support can no longer help with this order afterwards.\n\n"
        "Only confirm once you have checked you got the right thing and amount."
    )
    kb = InlineKeyboardMarkup(
        [
            [
                button("Yes, confirm received", OrderTap(Act.CONFIRM_YES, o.id)),
                button("Not yet", OrderTap(Act.BACK, o.id)),
            ]
        ]
    )
    return text, kb


def cancel_prompt(o: Order, by: int) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before a party cancels. A seller says why (the buyer is told); the
    buyer's own unpaid order just asks once more."""
    amount = display(o.amount_minor, o.currency)
    if o.buyer_id == by:
        text = f"Cancel order {o.id} ({amount}, not paid)? This cannot be undone."
        kb = InlineKeyboardMarkup(
            [
                [
                    button(f"Yes, cancel the {amount} order", CancelConfirm(o.id)),
                    button("Keep the order", OrderTap(Act.BACK, o.id)),
                ]
            ]
        )
        return text, kb
    if o.paid_at is None:
        what = "It has not been paid, so no money moves."
    else:
        what = f"{amount} goes back to the buyer's KALEOZ balance. This cannot be undone."
    text = f"Cancel order {o.id}? {what}\n\nTell the buyer why:"
    verb = "Cancel" if o.paid_at is None else "Cancel and refund"
    rows = [
        [button(f"{verb}: {words}", CancelConfirm(o.id, code))]
        for code, words in CANCEL_REASONS.items()
    ]
    return text, InlineKeyboardMarkup([*rows, [button("Keep the order", OrderTap(Act.BACK, o.id))]])


def pay_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before paying from the KALEOZ balance."""
    amount = display(o.amount_minor, o.currency)
    text = (
        f"Pay {amount} for order {o.id} from your KALEOZ balance? The money is held until "
        "you confirm you received the order."
    )
    kb = InlineKeyboardMarkup(
        [
            [
                button(
                    f"Yes, pay {amount} from my balance",
                    MoneyConfirm(Act.PAY_YES, o.id, o.amount_minor),
                )
            ],
            [button("Back", OrderTap(Act.BACK, o.id))],
        ]
    )
    return text, kb


def approve_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before the seller approves a refund request."""
    rr = o.refund_request
    minor = rr.amount_minor if rr is not None else o.amount_minor
    amount = display(minor, o.currency)
    text = (
        f"Approve the refund on order {o.id}? {amount} goes back to the buyer's KALEOZ "
        "balance. This cannot be undone."
    )
    kb = InlineKeyboardMarkup(
        [
            [
                button(
                    f"Yes, refund {amount} to the buyer",
                    MoneyConfirm(Act.APPROVE_YES, o.id, minor),
                )
            ],
            [button("Back", OrderTap(Act.BACK, o.id))],
        ]
    )
    return text, kb


def refund_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """Full or partial refund."""
    text = (
        f"Request a refund for order {o.id}.\n\nA full refund returns "
        f"{display(o.amount_minor, o.currency)} to your KALEOZ balance. For a partial refund, "
        "you propose an amount and the seller must agree."
    )
    kb = InlineKeyboardMarkup(
        [
            [button("Full refund", OrderTap(Act.REFUND_FULL, o.id))],
            [
                button("Partial refund", OrderTap(Act.REFUND_PART, o.id)),
                button("Back", OrderTap(Act.BACK, o.id)),
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
    amount = display(o.amount_minor, o.currency)
    match news:
        case OrderCreated(reorder_of=reorder_of, old_price=old_price):
            # A re-order takes today's price: say so when it is not the expired order's.
            repriced = (
                f" The price changed from {old_price} to {amount}."
                if reorder_of and old_price and old_price != amount
                else ""
            )
            if buyer:
                return f"🛒 Order placed.{repriced} Pay within the time shown or it expires."
            return f"🛒 You have a new order.{repriced}"
        case OrderPaid():
            if buyer:
                return "💰 Payment received. The seller has been told to deliver."
            return f"💰 The buyer paid {amount}. Please deliver."
        case OrderDelivered():
            if buyer:
                return "📬 The seller delivered. Check it, then confirm received."
            return "📤 Delivered. The buyer has been asked to confirm."
        case OrderCompleted():
            return "✅ Order completed." + (
                f" {amount} is now in your KALEOZ balance." if not buyer else ""
            )
        case OrderExpired():
            return "⌛ The order expired unpaid." + (" Re-order to buy again." if buyer else "")
        case OrderCancelled():
            return _cancelled_headline(role, news, amount)
        case RefundRequested(amount=asked):
            if buyer:
                return f"↩️ Refund of {asked} requested. The seller has been told."
            return f"↩️ The buyer asked for a refund of {asked}."
        case RefundApproved(amount=refunded, automatic=automatic):
            return (
                f"↩️ Refund of {refunded} approved"
                + (" automatically (no answer in time)." if automatic else ".")
                + (" It is in your KALEOZ balance." if buyer else "")
            )
        case RefundRejected():
            if buyer:
                return (
                    "❌ The seller rejected your refund request. You can escalate to "
                    "KALEOZ Support."
                )
            return "❌ You rejected the refund request."
        case RefundWithdrawn():
            return "The refund request was withdrawn."
        case RefundAvailable():
            return "↩️ You can now request a refund if something is wrong."
        case DisputeOpened():
            return "🛟 This order is now with KALEOZ Support. They will contact you here."
        case DisputeResolved():
            return "🛟 KALEOZ Support resolved this order."
        case DisputeClosed():
            return "🛟 KALEOZ Support closed the case; the order continues."
        case RemindPayment(due_at=due):
            return f"⏰ Reminder: pay for order {o.id} before {fmt_time(due, tz)} or it expires."
        case RemindDelivery(due_at=due):
            return (
                f"⏰ Reminder: deliver order {o.id} before {fmt_time(due, tz)}, or it is "
                "cancelled and refunded to the buyer."
            )
        case RemindConfirm(due_at=due):
            return (
                f"⏰ Reminder: order {o.id} is confirmed as received automatically on "
                f"{fmt_time(due, tz)}. If something is wrong, request a refund before then."
            )
        case RemindRefund(due_at=due):
            silence = (
                next_action_text(o, DeadlineKind.AUTO_REFUND)
                if silence_refunds_whole_order(o)
                else "it is approved automatically"
            )
            return (
                f"⏰ Reminder: answer the refund request on order {o.id} before "
                f"{fmt_time(due, tz)}, or {silence}."
            )
        case SupportClosed(ticket_id=ticket_id):
            return f"🛟 {support_closed(ticket_id)}"
        case PaymentRejected():
            return (
                "🧾 KALEOZ Support could not confirm your payment for this order. If money "
                "left your account, contact your bank or reply to support with more details."
            )
        case CounterpartyUnreachable():
            return (
                "⚠️ The other side has blocked this bot and can't get messages right now. You "
                "can escalate to KALEOZ Support if you need help."
            )
        case _:
            assert_never(news)
