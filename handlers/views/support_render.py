"""What agents see: the ticket card with the whole story, and its buttons."""

from __future__ import annotations

from html import escape
from typing import assert_never
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.domain.deadlines import DeadlineKind, open_deadlines
from bot.domain.events import (
    DeskNews,
    TicketClaimed,
    TicketClosed,
    TicketJoined,
    TicketOpened,
    TicketSla,
)
from bot.domain.model import Order, RefundStatus, Status
from bot.domain.money import format_amount
from bot.domain.policy import Policy
from bot.domain.tickets import Ticket, TicketKind
from bot.ports.records import LogEntry, RelayedMessage, UserRecord
from handlers.views.amounts import money
from handlers.views.callback_data import (
    Act,
    TicketCallback,
    TicketPartialRefund,
    TicketTap,
    button,
)
from handlers.views.i18n import N_, _
from handlers.views.render import fmt_short, timeline_entry, timeline_rows
from handlers.views.telegram_text import fits, quote

OUTCOMES = {
    "refund_full": N_("refunded in full"),
    "refund_partial": N_("refunded in part"),
    "release": N_("released to the seller"),
    "payment_confirmed": N_("payment confirmed"),
    "payment_rejected": N_("payment rejected"),
    "closed": N_("closed without a money action"),
}


CLOSED = N_("closed")


def outcome_words(outcome: str | None) -> str:
    """How a case ended, in the support group's language."""
    return _(OUTCOMES.get(outcome or "", CLOSED))


# A ticket's kind and a deadline's, as the card names them.
KIND_WORDS = {
    TicketKind.DISPUTE: N_("Dispute"),
    TicketKind.PAYMENT: N_("Payment problem"),
    TicketKind.HELP: N_("Help request"),
    TicketKind.UNREACHABLE: N_("Party unreachable"),
}
DEADLINE_WORDS: dict[DeadlineKind, str] = {
    DeadlineKind.EXPIRE_UNPAID: N_("expire unpaid"),
    DeadlineKind.AUTO_CANCEL: N_("auto cancel"),
    DeadlineKind.AUTO_CONFIRM: N_("auto confirm"),
    DeadlineKind.AUTO_REFUND: N_("auto refund"),
}


# How an order was paid, as the card says it.
PAID_VIA = {
    "balance": N_("balance"),
    "external": N_("external"),
    "support": N_("support"),
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
    head = _("🎫 <b>Ticket #{ticket} · {kind}</b>").format(
        ticket=ticket.id, kind=_(KIND_WORDS[ticket.kind])
    )
    if order is not None:
        head += f" · <b>{order.id}</b>"
    if ticket.is_open:
        if ticket.claimed_by:
            state = _("🟢 open · claimed by <b>{agent}</b>").format(
                agent=escape(ticket.claimed_by_name or "?")
            )
        else:
            state = _("🟢 open · <b>unclaimed</b>")
    else:
        state = _closed_state(ticket, people, tz)
    lines = [
        head,
        _("{state} · opened {when}").format(state=state, when=fmt_short(ticket.opened_at, tz)),
    ]
    if ticket.subject:
        lines.append(f"💬 {quote(ticket.subject, 600)}")
    if ticket.opened_by and (
        order is None or ticket.opened_by not in (order.buyer_id, order.seller_id)
    ):
        lines.append(
            _("From: {who}").format(who=_who(people.get(ticket.opened_by), ticket.opened_by))
        )
    if order is not None:
        lines += ["", *_order_lines(order, people, policy, tz, live=ticket.is_open)]
    if timeline:
        lines += ["", _("<b>Timeline</b>")]
        lines += [
            f"• {fmt_short(e.at, tz)} {timeline_entry(e.action)}" if e else f"• {gap}"
            for e, gap in timeline_rows(timeline)
        ]
    if transcript:
        said = []
        for m in transcript[-5:]:
            who = _("Buyer") if order and m.sender_id == order.buyer_id else _("Seller")
            body = quote(m.text, 200) if m.text else f"[{m.kind}]"
            said.append(f"• {who}: {body}")
        # Each part a person wrote is cut above; should the card still be too long for one
        # message, the oldest of the last messages are left out, never the ticket's facts.
        last = _("<b>Last messages</b>")
        while said and not fits("\n".join([*lines, "", last, *said])):
            said.pop(0)
        if said:
            lines += ["", last, *said]
    return "\n".join(lines)


def _closed_state(ticket: Ticket, people: dict[int, UserRecord | None], tz: ZoneInfo) -> str:
    """Who closed the case, when, and how."""
    outcome = outcome_words(ticket.outcome)
    if ticket.closed_by is not None and ticket.closed_by == ticket.claimed_by:
        by = escape(ticket.claimed_by_name or "?")
    elif ticket.closed_by is not None and (user := people.get(ticket.closed_by)) is not None:
        by = escape(user.display_name or "?")
    elif ticket.closed_by is not None:
        by = _("agent {id}").format(id=ticket.closed_by)
    else:
        by = _("the bot")
    if ticket.closed_at:
        return _("⚪ closed ({outcome}) by <b>{by}</b> on {when}").format(
            outcome=outcome, by=by, when=fmt_short(ticket.closed_at, tz)
        )
    return _("⚪ closed ({outcome}) by <b>{by}</b>").format(outcome=outcome, by=by)


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
        f"🧾 {escape(order.title)} · <b>{money(order.amount_minor, cur)}</b> · "
        f"{order.status.label}",
        _("Buyer: {who}").format(who=_who(people.get(order.buyer_id), order.buyer_id)),
        _("Seller: {who}").format(who=_who(people.get(order.seller_id), order.seller_id)),
    ]
    if order.paid_at:
        via = _(PAID_VIA[order.paid_via]) if order.paid_via in PAID_VIA else order.paid_via
        paid = _("Paid {when} ({via})").format(when=fmt_short(order.paid_at, tz), via=via)
        if live:
            paid += "; " + _("escrow {amount}").format(amount=money(order.escrow_minor, cur))
        lines.append(paid)
    if order.delivery_note:
        lines.append(_("📤 Delivery: {note}").format(note=quote(order.delivery_note, 300)))
    rr = order.refund_request
    if rr is not None and rr.status in (RefundStatus.OPEN, RefundStatus.REJECTED):
        asked = {
            (True, True): N_("↩️ Refund request {amount} (full), open"),
            (True, False): N_("↩️ Refund request {amount} (full), rejected"),
            (False, True): N_("↩️ Refund request {amount} (partial), open"),
            (False, False): N_("↩️ Refund request {amount} (partial), rejected"),
        }[rr.full, rr.status is RefundStatus.OPEN]
        lines.append(
            _(asked).format(amount=money(rr.amount_minor, cur))
            + (f": “{quote(rr.rejection_reason, 300)}”" if rr.rejection_reason else "")
        )
    if live and order.dispute_open:
        lines.append(_("⏸ Clocks paused while support has the dispute."))
    elif live:
        for d in open_deadlines(order, policy):
            if d.kind.is_resolution:
                lines.append(
                    _("⏰ {deadline} at {when}").format(
                        deadline=_(DEADLINE_WORDS[d.kind]) if d.kind in DEADLINE_WORDS else d.kind,
                        when=fmt_short(d.due_at, tz),
                    )
                )
    if order.status.finished and order.paid_at is None:
        lines.append(_("No money moved: the order was never paid."))
    elif order.status.finished:
        lines.append(
            _("Settled: {refunded} to buyer, {released} to seller").format(
                refunded=money(order.refunded_minor, cur),
                released=money(order.released_minor, cur),
            )
        )
    elif not live:
        lines.append(_("The order goes on: {status}.").format(status=order.status.label))
    return lines


def ticket_keyboard(ticket: Ticket, order: Order | None) -> InlineKeyboardMarkup | None:
    """The buttons an agent can use on this ticket now."""

    def tap(act: Act) -> TicketTap:
        return TicketTap(act, ticket.id)

    if not ticket.is_open:
        return InlineKeyboardMarkup([[button(_("Transcript"), tap(Act.T_TRANSCRIPT))]])
    claim = (
        button(
            _("Claimed by {agent}").format(agent=ticket.claimed_by_name or "?")[:60],
            tap(Act.T_CLAIM),
        )
        if ticket.claimed_by
        else button(_("Claim"), tap(Act.T_CLAIM))
    )
    rows = [[claim]]
    if order is not None:
        if ticket.kind is TicketKind.PAYMENT and order.status in (
            Status.WAITING_PAYMENT,
            Status.EXPIRED,
        ):
            rows.append(
                [
                    button(_("Confirm payment"), tap(Act.T_PAY_OK)),
                    button(_("Reject payment"), tap(Act.T_PAY_NO)),
                ]
            )
        elif order.status in (Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION):
            rows.append(
                [
                    button(_("Refund in full"), tap(Act.T_REFUND)),
                    button(_("Refund part"), TicketPartialRefund(ticket.id)),
                ]
            )
            rows.append([button(_("Release to seller"), tap(Act.T_RELEASE))])
        rows.append(
            [
                button(_("Ask buyer"), tap(Act.T_ASK_BUYER)),
                button(_("Ask seller"), tap(Act.T_ASK_SELLER)),
            ]
        )
    rows.append(
        [button(_("Transcript"), tap(Act.T_TRANSCRIPT)), button(_("Close"), tap(Act.T_CLOSE))]
    )
    return InlineKeyboardMarkup(rows)


def confirm_label(act: Act, order: Order | None) -> str:
    """The second tap of a ticket button that moves money or cannot be undone: what it does."""
    amount = money(order.amount_minor, order.currency) if order else ""
    labels = {
        Act.T_REFUND: N_("Yes, confirm full refund ({amount})"),
        Act.T_RELEASE: N_("Yes, confirm release to seller ({amount})"),
        Act.T_PAY_OK: N_("Yes, confirm payment received ({amount})"),
        Act.T_PAY_NO: N_("Yes, reject payment ({amount})"),
        Act.T_CLOSE: N_("Yes, close (no money moves)"),
    }
    return _(labels[act]).format(amount=amount)


def partial_label(order: Order, minor: int) -> str:
    """The second tap of a partial refund: both halves of the split."""
    rest = order.amount_minor - minor
    return _("Yes, confirm: {refund} to buyer, {rest} to seller").format(
        refund=format_amount(minor, order.currency), rest=format_amount(rest, order.currency)
    )


def confirm_keyboard(second_tap: TicketCallback, label: str) -> InlineKeyboardMarkup:
    """The second tap of a money action, and the way back."""
    back = TicketTap(Act.T_BACK, second_tap.ticket_id)
    # A row of its own: the label names the money, and must not be cut off on a phone.
    return InlineKeyboardMarkup([[button(label, second_tap)], [button(_("Back"), back)]])


def ticket_news(news: DeskNews) -> str | None:
    """The line posted in a ticket's thread for this news; None when the card, posted or
    redrawn, says it all (a new ticket, a claim)."""
    match news:
        case TicketOpened() | TicketClaimed():
            return None
        case TicketJoined(subject=subject):
            if subject:
                return _("↪️ Raised again by a party: {subject}").format(subject=quote(subject, 600))
            return _("↪️ Raised again by a party.")
        case TicketClosed(outcome=outcome):
            return _("✅ Ticket #{ticket} {outcome}.").format(
                ticket=news.ticket_id, outcome=outcome_words(outcome)
            )
        case TicketSla(reason=reason):
            if reason == "unclaimed":
                return _("⏰ <b>Ticket #{ticket} is still unclaimed.</b>").format(
                    ticket=news.ticket_id
                )
            return _("⏰ <b>Ticket #{ticket} has a party waiting for an answer.</b>").format(
                ticket=news.ticket_id
            )
        case _:
            assert_never(news)
