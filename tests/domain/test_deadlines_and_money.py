"""Deadlines follow from state (including pauses); money parsing refuses every bad amount."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import transitions as t
from bot.domain.deadlines import Deadline, DeadlineKind, next_resolution, open_deadlines
from bot.domain.errors import InvalidAmount, StaleDeadline, TooEarly
from bot.domain.ids import find_order_ids, normalize_order_id
from bot.domain.model import Actor, Role, Status
from bot.domain.money import format_amount, parse_amount
from bot.domain.policy import Policy

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
P = Policy()
H = timedelta(hours=1)
BUYER, SELLER, AGENT, SYSTEM = (
    Actor(Role.BUYER, 1),
    Actor(Role.SELLER, 2),
    Actor(Role.AGENT, 9),
    Actor(Role.SYSTEM),
)


def _order() -> t.Order:
    return t.create_order(
        order_id="KAAAAAAA",
        buyer_id=1,
        seller_id=2,
        title="x",
        amount_minor=1000,
        currency="MYR",
        now=T0,
    ).order


def test_unpaid_order_expires_after_the_payment_window_with_a_reminder_before() -> None:
    assert open_deadlines(_order(), P) == [
        Deadline(T0 + timedelta(minutes=45), DeadlineKind.REMIND_PAYMENT),
        Deadline(T0 + H, DeadlineKind.EXPIRE_UNPAID),
    ]


def test_paid_order_reminds_the_seller_at_24h_and_6h_before_auto_cancel() -> None:
    paid = t.pay(_order(), SYSTEM, T0, via="external").order
    assert open_deadlines(paid, P) == [
        Deadline(T0 + H, DeadlineKind.REFUND_OPENS),  # the buyer's card offers a refund
        Deadline(T0 + 48 * H, DeadlineKind.REMIND_DELIVERY),
        Deadline(T0 + 66 * H, DeadlineKind.REMIND_DELIVERY),
        Deadline(T0 + 72 * H, DeadlineKind.AUTO_CANCEL),
    ]


def test_a_refund_request_pauses_the_confirm_clock_and_a_rejection_resumes_it() -> None:
    delivered = t.deliver(t.pay(_order(), SYSTEM, T0, via="external").order, SELLER, T0, "x").order
    asked = t.request_refund(delivered, BUYER, T0 + 10 * H, P, amount_minor=None, reason="").order
    assert next_resolution(asked, P) == Deadline(T0 + 34 * H, DeadlineKind.AUTO_REFUND)
    rejected = t.reject_refund(asked, SELLER, T0 + 15 * H, "it works").order
    # 10 h had passed before the pause; 5 h paused: 62 h remain from T0+15h.
    assert next_resolution(rejected, P) == Deadline(T0 + 77 * H, DeadlineKind.AUTO_CONFIRM)


def test_a_dispute_stops_every_clock_and_closing_it_resumes_the_refund_window() -> None:
    paid = t.pay(_order(), SYSTEM, T0, via="external").order
    asked = t.request_refund(paid, BUYER, T0 + 2 * H, P, amount_minor=None, reason="").order
    disputed = t.escalate(asked, SELLER, T0 + 3 * H, "buyer already got it").order
    assert open_deadlines(disputed, P) == []
    closed = t.close_dispute(disputed, AGENT, T0 + 10 * H).order
    # The 6 h refund window had 5 h left when the dispute opened.
    assert next_resolution(closed, P) == Deadline(T0 + 15 * H, DeadlineKind.AUTO_REFUND)


def test_refund_before_the_minimum_age_is_too_early_and_says_when() -> None:
    paid = t.pay(_order(), SYSTEM, T0, via="external").order
    with pytest.raises(TooEarly) as err:
        t.request_refund(paid, BUYER, T0 + timedelta(minutes=59), P, amount_minor=None, reason="")
    assert err.value.allowed_at == T0 + H


def test_a_reminder_that_came_due_with_its_resolution_is_stale() -> None:
    order = _order()
    with pytest.raises(StaleDeadline):
        t.apply_deadline(
            order, DeadlineKind.REMIND_PAYMENT, T0 + timedelta(minutes=45), T0 + 2 * H, P
        )
    expired = t.apply_deadline(order, DeadlineKind.EXPIRE_UNPAID, T0 + H, T0 + 2 * H, P)
    assert expired.order.status is Status.EXPIRED


def test_a_deadline_from_an_earlier_state_is_stale() -> None:
    paid = t.pay(_order(), SYSTEM, T0, via="external").order
    with pytest.raises(StaleDeadline):
        t.apply_deadline(paid, DeadlineKind.EXPIRE_UNPAID, T0 + H, T0 + 2 * H, P)


def test_partial_refund_approval_splits_the_escrow() -> None:
    paid = t.pay(_order(), SYSTEM, T0, via="external").order
    asked = t.request_refund(paid, BUYER, T0 + 2 * H, P, amount_minor=300, reason="").order
    out = t.approve_refund(asked, SELLER, T0 + 3 * H)
    assert out.order.status is Status.COMPLETED
    assert (out.order.refunded_minor, out.order.released_minor) == (300, 700)
    assert out.txn is not None
    assert {(e.account, e.amount_minor) for e in out.txn.entries} == {
        ("escrow:KAAAAAAA", -1000),
        ("user:1", 300),
        ("user:2", 700),
    }


@pytest.mark.parametrize(
    "text", ["-1", "0", "0.00", "abc", "1.234", "1e5", "", "12..5", "1,00.0.0", "9" * 20]
)
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_amount(text, "MYR")


@pytest.mark.parametrize(
    ("text", "minor"), [("12.50", 1250), ("12.5", 1250), ("RM 3", 300), ("1,000", 100000)]
)
def test_good_amounts_become_minor_units(text: str, minor: int) -> None:
    assert parse_amount(text, "MYR") == minor
    assert format_amount(minor, "MYR") == f"{minor // 100}.{minor % 100:02d}"


def test_order_ids_are_found_in_free_text_in_any_case() -> None:
    assert find_order_ids("my order k1234567 and KABCDEFG, again K1234567") == [
        "K1234567",
        "KABCDEFG",
    ]
    assert normalize_order_id(" kabcdefg ") == "KABCDEFG"
    assert normalize_order_id("K123") is None


def _asked(amount_minor: int, *, delivered: bool) -> t.Order:
    order = t.pay(_order(), SYSTEM, T0, via="external").order
    if delivered:
        order = t.deliver(order, SELLER, T0 + H, "code AAAA").order
    return t.request_refund(order, BUYER, T0 + 2 * H, P, amount_minor=amount_minor, reason="").order


def _due_refund(order: t.Order) -> t.Outcome:
    due = next_resolution(order, P)
    assert due is not None and due.kind is DeadlineKind.AUTO_REFUND
    return t.apply_deadline(order, DeadlineKind.AUTO_REFUND, due.due_at, due.due_at, P)


def test_an_unanswered_partial_refund_on_an_undelivered_order_refunds_the_whole_order() -> None:
    out = _due_refund(_asked(100, delivered=False))
    assert out.order.status is Status.REFUNDING
    assert (out.order.refunded_minor, out.order.released_minor) == (1000, 0)
    assert out.txn is not None
    assert {(e.account, e.amount_minor) for e in out.txn.entries if e.amount_minor} == {
        ("escrow:KAAAAAAA", -1000),
        ("user:1", 1000),
    }
    assert out.events[0].payload.to_dict()["amount"] == "MYR 10.00"
    assert out.events[0].payload.to_dict()["asked"] == "MYR 1.00"


def test_an_unanswered_partial_refund_on_a_delivered_order_refunds_what_was_asked() -> None:
    out = _due_refund(_asked(100, delivered=True))
    assert out.order.status is Status.COMPLETED
    assert (out.order.refunded_minor, out.order.released_minor) == (100, 900)


def test_a_seller_who_approves_a_partial_refund_on_an_undelivered_order_gives_what_was_asked() -> (
    None
):
    out = t.approve_refund(_asked(100, delivered=False), SELLER, T0 + 3 * H)
    assert (out.order.refunded_minor, out.order.released_minor) == (100, 900)


def test_delivering_while_a_partial_request_is_open_makes_silence_refund_only_what_was_asked() -> (
    None
):
    asked = _asked(100, delivered=False)
    assert t.unanswered_refund_minor(asked) == 1000
    delivered = t.deliver(asked, SELLER, T0 + 3 * H, "code AAAA").order
    assert t.unanswered_refund_minor(delivered) == 100
