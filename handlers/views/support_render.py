"""What agents see: the ticket card with the whole story, and its buttons."""

from __future__ import annotations

from html import escape
from typing import assert_never
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.domain.deadlines import open_deadlines
from bot.domain.events import (
    DeskNews,
    TicketClaimed,
    TicketClosed,
    TicketJoined,
    TicketOpened,
    TicketSla,
)
from bot.domain.model import Order, RefundStatus, Status
from bot.domain.money import display, format_amount
from bot.domain.policy import Policy
from bot.domain.tickets import Ticket, TicketKind
from bot.ports.records import LogEntry, RelayedMessage, UserRecord
from handlers.views.callback_data import (
    Act,
    TicketCallback,
    TicketPartialRefund,
    TicketTap,
    button,
)
from handlers.views.render import TIMELINE, fmt_short, timeline_rows
from handlers.views.telegram_text import fits, quote

OUTCOMES = {
    "refund_full": "refunded in full",
    "refund_partial": "refunded in part",
    "release": "released to the seller",
    "payment_confirmed": "payment confirmed",
    "payment_rejected": "payment rejected",
    "closed": "closed without a money action",
}


def _who(user: UserRecord | None, uid: int) -> str:
    name = escape(user.display_name) if user and user.display_name else "?"
    return f"{name} (<code>{uid}</code>)"


def ticket_text(
    ticket: Ticket,
    order: Order | None,
    people: dict[int, UserRecord | None],
    timeline: list[LogEntry],
    transcript: list[RelayedMessage],
    policy: Policy,
    tz: ZoneInfo,
) -> str:
    """The ticket card: the order, the money, the timeline and the last messages."""
    head = f"🎫 <b>Ticket #{ticket.id} · {ticket.kind.label}</b>"
    if order is not None:
        head += f" · <b>{order.id}</b>"
    if ticket.is_open:
        claim = (
            f"claimed by <b>{escape(ticket.claimed_by_name or '?')}</b>"
            if ticket.claimed_by
            else "<b>unclaimed</b>"
        )
        state = f"🟢 open · {claim}"
    else:
        state = _closed_state(ticket, people, tz)
    lines = [head, f"{state} · opened {fmt_short(ticket.opened_at, tz)}"]
    if ticket.subject:
        lines.append(f"💬 {quote(ticket.subject, 600)}")
    if ticket.opened_by and (
        order is None or ticket.opened_by not in (order.buyer_id, order.seller_id)
    ):
        lines.append(f"From: {_who(people.get(ticket.opened_by), ticket.opened_by)}")
    if order is not None:
        lines += ["", *_order_lines(order, people, policy, tz, live=ticket.is_open)]
    if timeline:
        lines += ["", "<b>Timeline</b>"]
        lines += [
            f"• {fmt_short(e.at, tz)} {TIMELINE.get(e.action, e.action)}" if e else f"• {gap}"
            for e, gap in timeline_rows(timeline)
        ]
    if transcript:
        said = []
        for m in transcript[-5:]:
            who = "Buyer" if order and m.sender_id == order.buyer_id else "Seller"
            body = quote(m.text, 200) if m.text else f"[{m.kind}]"
            said.append(f"• {who}: {body}")
        # Each part a person wrote is cut above; should the card still be too long for one
        # message, the oldest of the last messages are left out, never the ticket's facts.
        while said and not fits("\n".join([*lines, "", "<b>Last messages</b>", *said])):
            said.pop(0)
        if said:
            lines += ["", "<b>Last messages</b>", *said]
    return "\n".join(lines)


def _closed_state(ticket: Ticket, people: dict[int, UserRecord | None], tz: ZoneInfo) -> str:
    """Who closed the case, when, and how."""
    outcome = OUTCOMES.get(ticket.outcome or "", "closed")
    if ticket.closed_by is not None and ticket.closed_by == ticket.claimed_by:
        by = escape(ticket.claimed_by_name or "?")
    elif ticket.closed_by is not None and (user := people.get(ticket.closed_by)) is not None:
        by = escape(user.display_name or "?")
    else:
        by = f"agent {ticket.closed_by}" if ticket.closed_by is not None else "the bot"
    when = f" on {fmt_short(ticket.closed_at, tz)}" if ticket.closed_at else ""
    return f"⚪ closed ({outcome}) by <b>{by}</b>{when}"


def _order_lines(
    order: Order,
    people: dict[int, UserRecord | None],
    policy: Policy,
    tz: ZoneInfo,
    *,
    live: bool = True,
) -> list[str]:
    """The order as it is now; a closed case shows no countdowns and no held money."""
    cur = order.currency
    lines = [
        f"🧾 {escape(order.title)} · <b>{display(order.amount_minor, cur)}</b> · "
        f"{order.status.label}",
        f"Buyer: {_who(people.get(order.buyer_id), order.buyer_id)}",
        f"Seller: {_who(people.get(order.seller_id), order.seller_id)}",
    ]
    if order.paid_at:
        held = f"; escrow {display(order.escrow_minor, cur)}" if live else ""
        lines.append(f"Paid {fmt_short(order.paid_at, tz)} ({order.paid_via}){held}")
    if order.delivery_note:
        lines.append(f"📤 Delivery: {quote(order.delivery_note, 300)}")
    rr = order.refund_request
    if rr is not None and rr.status in (RefundStatus.OPEN, RefundStatus.REJECTED):
        lines.append(
            f"↩️ Refund request {display(rr.amount_minor, cur)} ({'full' if rr.full else 'partial'})"
            f", {rr.status.value}"
            + (f": “{quote(rr.rejection_reason, 300)}”" if rr.rejection_reason else "")
        )
    if live and order.dispute_open:
        lines.append("⏸ Clocks paused while support has the dispute.")
    elif live:
        for d in open_deadlines(order, policy):
            if d.kind.is_resolution:
                lines.append(f"⏰ {d.kind.value.replace('_', ' ')} at {fmt_short(d.due_at, tz)}")
    if order.status.finished and order.paid_at is None:
        lines.append("No money moved: the order was never paid.")
    elif order.status.finished:
        lines.append(
            f"Settled: {display(order.refunded_minor, cur)} to buyer, "
            f"{display(order.released_minor, cur)} to seller"
        )
    elif not live:
        lines.append(f"The order goes on: {order.status.label}.")
    return lines


def ticket_keyboard(ticket: Ticket, order: Order | None) -> InlineKeyboardMarkup | None:
    """The buttons an agent can use on this ticket now."""

    def tap(act: Act) -> TicketTap:
        return TicketTap(act, ticket.id)

    if not ticket.is_open:
        return InlineKeyboardMarkup([[button("Transcript", tap(Act.T_TRANSCRIPT))]])
    claim = (
        button(f"Claimed by {ticket.claimed_by_name or '?'}"[:60], tap(Act.T_CLAIM))
        if ticket.claimed_by
        else button("Claim", tap(Act.T_CLAIM))
    )
    rows = [[claim]]
    if order is not None:
        if ticket.kind is TicketKind.PAYMENT and order.status in (
            Status.WAITING_PAYMENT,
            Status.EXPIRED,
        ):
            rows.append(
                [
                    button("Confirm payment", tap(Act.T_PAY_OK)),
                    button("Reject payment", tap(Act.T_PAY_NO)),
                ]
            )
        elif order.status in (Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION):
            rows.append(
                [
                    button("Refund in full", tap(Act.T_REFUND)),
                    button("Refund part", TicketPartialRefund(ticket.id)),
                ]
            )
            rows.append([button("Release to seller", tap(Act.T_RELEASE))])
        rows.append(
            [
                button("Ask buyer", tap(Act.T_ASK_BUYER)),
                button("Ask seller", tap(Act.T_ASK_SELLER)),
            ]
        )
    rows.append([button("Transcript", tap(Act.T_TRANSCRIPT)), button("Close", tap(Act.T_CLOSE))])
    return InlineKeyboardMarkup(rows)


def confirm_label(act: Act, order: Order | None) -> str:
    """The second tap of a ticket button that moves money or cannot be undone: what it does."""
    amount = display(order.amount_minor, order.currency) if order else ""
    labels = {
        Act.T_REFUND: f"Yes, confirm full refund ({amount})",
        Act.T_RELEASE: f"Yes, confirm release to seller ({amount})",
        Act.T_PAY_OK: f"Yes, confirm payment received ({amount})",
        Act.T_PAY_NO: f"Yes, reject payment ({amount})",
        Act.T_CLOSE: "Yes, close (no money moves)",
    }
    return labels[act]


def partial_label(order: Order, minor: int) -> str:
    """The second tap of a partial refund: both halves of the split."""
    rest = order.amount_minor - minor
    return (
        f"Yes, confirm: {format_amount(minor, order.currency)} to buyer, "
        f"{format_amount(rest, order.currency)} to seller"
    )


def confirm_keyboard(second_tap: TicketCallback, label: str) -> InlineKeyboardMarkup:
    """The second tap of a money action, and the way back."""
    back = TicketTap(Act.T_BACK, second_tap.ticket_id)
    # A row of its own: the label names the money, and must not be cut off on a phone.
    return InlineKeyboardMarkup([[button(label, second_tap)], [button("Back", back)]])


def ticket_news(news: DeskNews) -> str | None:
    """The line posted in a ticket's thread for this news; None when the card, posted or
    redrawn, says it all (a new ticket, a claim)."""
    match news:
        case TicketOpened() | TicketClaimed():
            return None
        case TicketJoined(subject=subject):
            return "↪️ Raised again by a party" + (f": {quote(subject, 600)}" if subject else ".")
        case TicketClosed(outcome=outcome):
            return f"✅ Ticket #{news.ticket_id} {OUTCOMES.get(outcome, 'closed')}."
        case TicketSla(reason=reason):
            why = (
                "is still unclaimed"
                if reason == "unclaimed"
                else "has a party waiting for an answer"
            )
            return f"⏰ <b>Ticket #{news.ticket_id} {why}.</b>"
        case _:
            assert_never(news)
