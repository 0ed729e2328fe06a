"""What silence does to a refund request, story by story: undelivered orders are refunded whole.

A seller who neither delivers nor answers must never be paid, whatever amount the buyer
proposed; on a delivered order silence grants exactly what was asked. Each row is one
story of a request and how its window ends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import transitions as t
from bot.domain.deadlines import DeadlineKind, next_resolution
from bot.domain.model import Actor, Order, RefundStatus, Role, Status
from bot.domain.policy import Policy
from bot.domain.transitions import unanswered_refund_minor

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
H = timedelta(hours=1)
P = Policy()
BUYER, SELLER, SYSTEM = Actor(Role.BUYER, 1), Actor(Role.SELLER, 2), Actor(Role.SYSTEM)
PRICE = 10_000  # MYR 100.00


def _paid() -> Order:
    order = t.create_order(
        order_id="KAAAAAAA",
        buyer_id=1,
        seller_id=2,
        title="Gift card",
        amount_minor=PRICE,
        currency="MYR",
        now=T0,
    ).order
    return t.pay(order, SYSTEM, T0, via="external").order


def _delivered() -> Order:
    return t.deliver(_paid(), SELLER, T0 + H, "code: ABC").order


def _ask(order: Order, amount: int | None, at: datetime = T0 + 2 * H) -> Order:
    return t.request_refund(order, BUYER, at, P, amount_minor=amount, reason="").order


def _escalated_then_closed(order: Order) -> Order:
    disputed = t.escalate(order, BUYER, T0 + 3 * H, "no answer").order
    return t.close_dispute(disputed, Actor(Role.AGENT, 9), T0 + 5 * H).order


# (story, the order with its open request, refunded by silence, released, final status)
SILENCE: list[tuple[str, Callable[[], Order], int, int, Status]] = [
    ("undelivered, 1.00 of 100.00", lambda: _ask(_paid(), 100), PRICE, 0, Status.REFUNDING),
    ("undelivered, 99.99 of 100.00", lambda: _ask(_paid(), 9_999), PRICE, 0, Status.REFUNDING),
    ("undelivered, full", lambda: _ask(_paid(), None), PRICE, 0, Status.REFUNDING),
    (
        "undelivered partial, support closed the case",
        lambda: _escalated_then_closed(_ask(_paid(), 100)),
        PRICE,
        0,
        Status.REFUNDING,
    ),
    ("delivered, 1.00 of 100.00", lambda: _ask(_delivered(), 100), 100, 9_900, Status.COMPLETED),
    ("delivered, full", lambda: _ask(_delivered(), None), PRICE, 0, Status.REFUNDING),
    (
        "delivered partial, support closed the case",
        lambda: _escalated_then_closed(_ask(_delivered(), 2_500)),
        2_500,
        7_500,
        Status.COMPLETED,
    ),
]


@pytest.mark.parametrize(
    ("make", "refunded", "released", "status"),
    [row[1:] for row in SILENCE],
    ids=[row[0] for row in SILENCE],
)
def test_an_unanswered_request_settles_what_the_card_announced(
    make: Callable[[], Order], refunded: int, released: int, status: Status
) -> None:
    order = make()
    due = next_resolution(order, P)
    assert due is not None and due.kind is DeadlineKind.AUTO_REFUND
    assert unanswered_refund_minor(order) == refunded  # what the card and the reminder say

    out = t.apply_deadline(order, due.kind, due.due_at, due.due_at, P)
    assert (out.order.refunded_minor, out.order.released_minor) == (refunded, released)
    assert out.order.status is status
    assert out.order.refund_request is not None
    assert out.order.refund_request.status is RefundStatus.AUTO_APPROVED
    assert out.txn is not None
    assert sorted((e.account, e.amount_minor) for e in out.txn.entries if e.amount_minor) == sorted(
        [("escrow:KAAAAAAA", -PRICE), ("user:1", refunded)]
        + ([("user:2", released)] if released else [])
    )
    (news,) = out.events
    assert news.payload.to_dict()["amount"] == f"MYR {refunded // 100}.{refunded % 100:02d}"
    assert news.payload.to_dict()["full"] is (refunded == PRICE)


def _approved_by_seller() -> t.Outcome:
    # Both parties agreed on the amount (FAQ: partial refunds need both to agree).
    return t.approve_refund(_ask(_paid(), 100), SELLER, T0 + 3 * H)


def _cancelled_by_seller() -> t.Outcome:
    return t.cancel(_ask(_paid(), 100), SELLER, T0 + 3 * H)


@pytest.mark.parametrize(
    ("make", "refunded"),
    [(_approved_by_seller, 100), (_cancelled_by_seller, PRICE)],
    ids=["seller approves 1.00 undelivered", "seller cancels instead"],
)
def test_a_seller_who_answers_settles_what_they_chose(
    make: Callable[[], t.Outcome], refunded: int
) -> None:
    out = make()
    assert out.order.refunded_minor == refunded
    assert out.order.released_minor == PRICE - refunded


def test_delivering_while_a_partial_request_is_pending_answers_it_and_starts_confirmation() -> None:
    asked = _ask(_paid(), 100)
    delivered = t.deliver(asked, SELLER, T0 + 3 * H, "code: ABC").order

    assert delivered.status is Status.WAITING_CONFIRMATION
    assert delivered.refund_request is not None
    assert delivered.refund_request.status is RefundStatus.SUPERSEDED
    assert next_resolution(delivered, P) == t.Deadline(
        T0 + 3 * H + P.confirm_window, DeadlineKind.AUTO_CONFIRM
    )
    # The buyer can still ask for part of the money on what was delivered; silence then
    # grants that amount only, because the goods arrived.
    again = _ask(delivered, 100, at=T0 + 4 * H)
    assert again.refund_request is not None and again.refund_request.on_delivered
    assert unanswered_refund_minor(again) == 100


def test_the_seller_cannot_dodge_the_full_refund_by_delivering_after_the_window() -> None:
    asked = _ask(_paid(), 100)
    closes = T0 + 2 * H + P.refund_response_undelivered
    due = t.overdue_resolution(asked, closes, P)
    assert due is not None and due.kind is DeadlineKind.AUTO_REFUND
    settled = t.apply_deadline(asked, due.kind, due.due_at, closes, P).order
    assert settled.refunded_minor == PRICE
    with pytest.raises(t.IllegalTransition):
        t.deliver(settled, SELLER, closes, "too late")
