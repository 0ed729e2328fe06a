"""Texts and keyboards: what people see. HTML, with every user-supplied string escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import ForceReply, InlineKeyboardMarkup

from bot.domain.actions import Action, available_actions, whose_turn
from bot.domain.deadlines import DeadlineKind
from bot.domain.model import Order, RefundStatus, Role, Status
from bot.domain.money import display
from bot.domain.policy import Policy
from bot.services.chat import OrderView
from handlers.callback_data import Act, button

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
            what = "deliver or approve" if order.status is Status.WAITING_DELIVERY else "approve"
            return f"👉 <b>Your turn:</b> {what} or reject the refund request."
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


def card_text(view: OrderView, tz: ZoneInfo, now: datetime) -> str:
    """The order card: status, whose turn, what happens next and when, and the timeline."""
    o = view.order
    viewer = o.role_of(view.viewer_id) or Role.BUYER
    other = "Seller" if viewer is Role.BUYER else "Buyer"
    presence = ""
    if viewer is Role.BUYER:
        presence = " 🔵 online" if view.counterparty_online else " ⚪ offline"
    lines = [
        f"🧾 <b>Order {o.id}</b> · {escape(o.title)}",
        f"{STATUS_ICON[o.status]} <b>{o.status.label}</b> · {display(o.amount_minor, o.currency)}",
        f"You are the {viewer.value} · {other}: {name_of(view)}{presence}",
    ]
    if view.counterparty_unreachable:
        lines.append(f"⚠️ The {other.lower()} can't be reached on Telegram right now.")
    turn = _turn_line(o, viewer)
    if turn:
        lines += ["", turn]
    nxt = view.next_action
    if nxt is not None:
        lines.append(
            f"⏰ If nothing happens, {NEXT_ACTION[nxt.kind]} on <b>{fmt_time(nxt.due_at, tz)}</b>"
            f" (in {fmt_left(nxt.due_at - now)})."
        )
    lines += _facts(o, viewer, tz)
    if view.timeline:
        lines += ["", "<b>Timeline</b>"]
        lines += [
            f"• {fmt_short(e.at, tz)} · {TIMELINE.get(e.action, e.action)}"
            for e in view.timeline[-6:]
        ]
    return "\n".join(lines)


def _facts(o: Order, viewer: Role, tz: ZoneInfo) -> list[str]:
    out: list[str] = []
    if o.delivery_note and (viewer is Role.BUYER or viewer is Role.SELLER):
        out += ["", f"📤 <b>Delivery:</b> {escape(o.delivery_note)}"]
    rr = o.refund_request
    if rr is not None and rr.status in (RefundStatus.OPEN, RefundStatus.REJECTED):
        kind = "full" if rr.full else "partial"
        state = "waiting for the seller" if rr.is_open else "rejected"
        out += [
            "",
            f"↩️ <b>Refund request:</b> {display(rr.amount_minor, o.currency)} ({kind}), {state}",
        ]
        if rr.reason:
            out.append(f"   Reason: {escape(rr.reason)}")
        if rr.rejection_reason:
            out.append(f"   Seller's reason: {escape(rr.rejection_reason)}")
        if rr.status is RefundStatus.REJECTED and viewer is Role.BUYER and not o.dispute_open:
            out.append("   You can escalate to KALEOZ Support.")
    if o.status.finished:
        out += ["", _closing(o, viewer)]
    return out


def _closing(o: Order, viewer: Role) -> str:
    if o.status is Status.EXPIRED:
        # Only the buyer can re-order.
        return "This order expired unpaid." + (
            " Re-order to buy again at today's price." if viewer is Role.BUYER else ""
        )
    if o.status is Status.REFUNDING:
        return f"{display(o.refunded_minor, o.currency)} went back to the buyer's KALEOZ balance."
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
        button(ACTION_BUTTON[a][0], ACTION_BUTTON[a][1], o.id)
        for a in available_actions(o, view.viewer_id, now, policy)
    ]
    other = "seller" if o.buyer_id == view.viewer_id else "buyer"
    unpaid = o.status in (Status.WAITING_PAYMENT, Status.EXPIRED) and o.paid_at is None
    if unpaid and o.buyer_id == view.viewer_id and o.close_reason in (None, "expired"):
        # FAQ: paid but shown unpaid (or expired): support checks the receipt.
        buttons.append(button("I already paid", Act.PAID_ALREADY, o.id))
    if in_chat:
        buttons.append(button("Leave chat", Act.LEAVE_CHAT, o.id))
    else:
        buttons.append(button(f"Message {other}", Act.MESSAGE, o.id))
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
                button("Yes, confirm received", Act.CONFIRM_YES, o.id),
                button("Not yet", Act.BACK, o.id),
            ]
        ]
    )
    return text, kb


def cancel_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before an order is cancelled (refunded, if it was paid)."""
    amount = display(o.amount_minor, o.currency)
    if o.paid_at is None:
        text = f"Cancel order {o.id} ({amount}, not paid)? This cannot be undone."
        yes = f"Yes, cancel the {amount} order"
    else:
        text = (
            f"Cancel order {o.id}? {amount} goes back to the buyer's KALEOZ balance. This "
            "cannot be undone."
        )
        yes = "Yes, cancel and refund"
    kb = InlineKeyboardMarkup(
        [[button(yes, Act.CANCEL_YES, o.id), button("Keep the order", Act.BACK, o.id)]]
    )
    return text, kb


def pay_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """The second step before paying from the KALEOZ balance."""
    amount = display(o.amount_minor, o.currency)
    text = (
        f"Pay {amount} for order {o.id} from your KALEOZ balance? The money is held until "
        "you confirm you received the order."
    )
    kb = InlineKeyboardMarkup(
        [
            [button(f"Yes, pay {amount} from my balance", Act.PAY_YES, o.id, str(o.amount_minor))],
            [button("Back", Act.BACK, o.id)],
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
            [button(f"Yes, refund {amount} to the buyer", Act.APPROVE_YES, o.id, str(minor))],
            [button("Back", Act.BACK, o.id)],
        ]
    )
    return text, kb


# Every party button that moves money or cannot be undone, and the question it asks first.
SECOND_STEPS: dict[Act, Callable[[Order], tuple[str, InlineKeyboardMarkup]]] = {
    Act.PAY: pay_prompt,
    Act.CONFIRM: confirm_prompt,
    Act.APPROVE: approve_prompt,
    Act.CANCEL: cancel_prompt,
}


def refund_prompt(o: Order) -> tuple[str, InlineKeyboardMarkup]:
    """Full or partial refund."""
    text = (
        f"Request a refund for order {o.id}.\n\nA full refund returns "
        f"{display(o.amount_minor, o.currency)} to your KALEOZ balance. For a partial refund, "
        "you propose an amount and the seller must agree."
    )
    kb = InlineKeyboardMarkup(
        [
            [button("Full refund", Act.REFUND_FULL, o.id)],
            [
                button("Partial refund", Act.REFUND_PART, o.id),
                button("Back", Act.BACK, o.id),
            ],
        ]
    )
    return text, kb


def ask_for(placeholder: str, *, selective: bool = False) -> ForceReply:
    """The markup of a prompt for typed input: the client opens a reply, with a hint.

    (A message has one markup, so a prompt carries no inline Cancel: its text says /cancel.)
    In a group, `selective` opens the reply only for the people the prompt mentions or
    replies to: https://core.telegram.org/bots/api#forcereply
    """
    return ForceReply(selective=selective, input_field_placeholder=placeholder[:64])


# --- notifications ---------------------------------------------------------------------


def headline(kind: str, role: Role, o: Order, payload: dict[str, Any], tz: ZoneInfo) -> str:
    """The first line of a notification: what just happened, for this party."""
    buyer = role is Role.BUYER
    amount = display(o.amount_minor, o.currency)
    due = payload.get("due_at")
    due_text = fmt_time(datetime.fromisoformat(due), tz) if isinstance(due, str) else ""
    old_price = payload.get("old_price")
    # A re-order takes today's price: say so when it is not the price of the expired order.
    repriced = (
        f" The price changed from {old_price} to {amount}."
        if payload.get("reorder_of") and old_price and old_price != amount
        else ""
    )
    texts: dict[str, str] = {
        "order_created": f"🛒 Order placed.{repriced} Pay within the time shown or it expires."
        if buyer
        else f"🛒 You have a new order.{repriced}",
        "order_paid": "💰 Payment received. The seller has been told to deliver."
        if buyer
        else f"💰 The buyer paid {amount}. Please deliver.",
        "order_delivered": "📬 The seller delivered. Check it, then confirm received."
        if buyer
        else "📤 Delivered. The buyer has been asked to confirm.",
        "order_completed": "✅ Order completed."
        + (f" {amount} is now in your KALEOZ balance." if not buyer else ""),
        "order_expired": "⌛ The order expired unpaid."
        + (" Re-order to buy again." if buyer else ""),
        "order_cancelled": "✖️ The order was cancelled."
        + (
            f" {amount} went back to your KALEOZ balance."
            if buyer and payload.get("refunded")
            else ""
        ),
        "refund_requested": f"↩️ The buyer asked for a refund of {payload.get('amount', '')}."
        if not buyer
        else f"↩️ Refund of {payload.get('amount', '')} requested. The seller has been told.",
        "refund_approved": f"↩️ Refund of {payload.get('amount', '')} approved"
        + (" automatically (no answer in time)." if payload.get("automatic") else ".")
        + (" It is in your KALEOZ balance." if buyer else ""),
        "refund_rejected": "❌ The seller rejected your refund request. You can escalate to "
        "KALEOZ Support."
        if buyer
        else "❌ You rejected the refund request.",
        "refund_withdrawn": "The refund request was withdrawn.",
        "dispute_opened": "🛟 This order is now with KALEOZ Support. They will contact you here.",
        "dispute_resolved": "🛟 KALEOZ Support resolved this order.",
        "dispute_closed": "🛟 KALEOZ Support closed the case; the order continues.",
        "remind_payment": f"⏰ Reminder: pay for order {o.id} before {due_text} or it expires.",
        "remind_delivery": f"⏰ Reminder: deliver order {o.id} before {due_text}, or it is "
        "cancelled and refunded to the buyer.",
        "remind_confirm": f"⏰ Reminder: order {o.id} is confirmed as received automatically on "
        f"{due_text}. If something is wrong, request a refund before then.",
        "remind_refund": f"⏰ Reminder: answer the refund request on order {o.id} before "
        f"{due_text}, or it is approved automatically.",
        "payment_rejected": "🧾 KALEOZ Support could not confirm your payment for this order. "
        "If money left your account, contact your bank or reply to support with more details.",
        "counterparty_unreachable": "⚠️ The other side has blocked this bot and can't get "
        "messages right now. You can escalate to KALEOZ Support if you need help.",
    }
    return texts.get(kind, "Order updated.")
