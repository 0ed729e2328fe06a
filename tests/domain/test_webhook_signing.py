"""Order events out: which news is which event, the body, the signature and its check, and
the retry schedule."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import events as ev
from bot.domain.webhooks import (
    BACKOFF,
    DEFAULT_RETRY_FOR,
    SignatureError,
    WebhookEventType,
    event_body,
    next_attempt_at,
    parse_event_types,
    retry_schedule,
    signature,
    signature_header,
    verify,
    webhook_type,
)
from tests.webhook_receiver import doc_verify

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SECRET = "whsec_test"


def test_a_signed_body_verifies_and_gives_the_event_back() -> None:
    body = event_body("evt_1", WebhookEventType.PAID, NOW, {"id": "K1234567"})
    header = signature_header(SECRET, body, NOW)
    signed = verify(SECRET, body, header, NOW + timedelta(seconds=10))
    assert signed.timestamp == int(NOW.timestamp())
    assert signed.event == {
        "id": "evt_1",
        "type": "order.paid",
        "created": int(NOW.timestamp()),
        "data": {"id": "K1234567"},
    }


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    assert signature("k", 1, "{}") == hmac.new(b"k", b"1.{}", hashlib.sha256).hexdigest()
    assert signature_header("k", "{}", datetime.fromtimestamp(1, UTC)) == (
        f"t=1,v1={signature('k', 1, '{}')}"
    )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, header: (body.replace("K1", "K2"), header),  # another body
        lambda body, header: (body, header.replace("t=", "t=1")),  # another timestamp
        lambda body, header: (body, header.split(",")[0]),  # no signature
        lambda body, header: (body, "v1=" + header.split("v1=")[1]),  # no timestamp
        lambda body, header: (body, ""),
        lambda body, header: (body, "garbage"),
    ],
)
def test_a_tampered_delivery_is_refused(tamper: object) -> None:
    body = event_body("evt_1", WebhookEventType.PAID, NOW, {"id": "K1"})
    header = signature_header(SECRET, body, NOW)
    bad_body, bad_header = tamper(body, header)  # type: ignore[operator]
    with pytest.raises(SignatureError):
        verify(SECRET, bad_body, bad_header, NOW)


def test_another_secret_does_not_verify() -> None:
    body = "{}"
    with pytest.raises(SignatureError, match="matches"):
        verify("whsec_other", body, signature_header(SECRET, body, NOW), NOW)


def test_any_of_several_v1_signatures_may_match_while_a_secret_is_rotated() -> None:
    body = "{}"
    good = signature_header(SECRET, body, NOW).split("v1=")[1]
    header = f"t={int(NOW.timestamp())},v1={'0' * 64},v1={good}"
    assert verify(SECRET, body, header, NOW).timestamp == int(NOW.timestamp())


@pytest.mark.parametrize(
    ("age", "ok"),
    [
        (timedelta(0), True),
        (timedelta(minutes=5), True),
        (timedelta(minutes=5, seconds=1), False),  # a replay
        (-timedelta(minutes=5), True),
        (-timedelta(minutes=5, seconds=1), False),  # signed "in the future": a clock off
    ],
)
def test_the_timestamp_must_fall_within_the_tolerance(age: timedelta, ok: bool) -> None:
    body = "{}"
    header = signature_header(SECRET, body, NOW)
    if ok:
        verify(SECRET, body, header, NOW + age)
    else:
        with pytest.raises(SignatureError, match="tolerance"):
            verify(SECRET, body, header, NOW + age)


@given(
    secret=st.text(min_size=1, max_size=60),
    data=st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=5),
    at=st.integers(min_value=0, max_value=4_000_000_000),
)
def test_the_docs_verify_accepts_exactly_what_the_domain_signs(
    secret: str, data: dict[str, str], at: int
) -> None:
    when = datetime.fromtimestamp(at, UTC)
    body = event_body("evt_x", WebhookEventType.CREATED, when, data)
    header = signature_header(secret, body, when)
    docs = doc_verify()
    assert docs(secret, body.encode(), header, now=at) == json.loads(body)
    assert verify(secret, body, header, when).event == json.loads(body)
    with pytest.raises(ValueError):
        docs(secret + "x", body.encode(), header, now=at)
    with pytest.raises(ValueError):
        docs(secret, body.encode(), header, now=at + 301)


def test_the_retry_schedule_backs_off_then_repeats_every_12_hours_for_three_days() -> None:
    schedule = retry_schedule()
    minutes = [int(x.total_seconds() // 60) for x in schedule]
    assert minutes[:6] == [1, 6, 36, 156, 456, 1056]  # 1m, +5m, +30m, +2h, +5h, +10h
    gaps = [b - a for a, b in itertools.pairwise(schedule)]
    assert gaps[5:] == [timedelta(hours=12)] * (len(gaps) - 5)
    assert schedule[-1] <= DEFAULT_RETRY_FOR < schedule[-1] + timedelta(hours=12)
    assert len(schedule) + 1 == 11  # attempts in all


@given(attempts=st.integers(min_value=1, max_value=200), late=st.integers(0, 10**6))
def test_a_retry_never_falls_after_the_window_and_never_waits_less_than_its_backoff(
    attempts: int, late: int
) -> None:
    first = NOW
    now = NOW + timedelta(seconds=late)
    at = next_attempt_at(attempts, first, now, DEFAULT_RETRY_FOR)
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    if at is None:
        assert now + wait > first + DEFAULT_RETRY_FOR
    else:
        assert at == now + wait and at <= first + DEFAULT_RETRY_FOR


def test_every_order_change_the_issue_lists_has_an_event_type() -> None:
    news = {
        ev.OrderCreated(): "order.created",
        ev.OrderPaid(via="external"): "order.paid",
        ev.OrderDelivered(): "order.delivered",
        ev.OrderCompleted(): "order.confirmed",
        ev.RefundRequested(amount="1.00", full=True, reason="x"): "order.refund_requested",
        ev.RefundApproved(amount="1.00", automatic=False, full=True): "order.refund_approved",
        ev.RefundRejected(reason="x"): "order.refund_rejected",
        ev.RefundWithdrawn(): "order.refund_withdrawn",
        ev.OrderCancelled(by="seller", refunded=True): "order.refunded",
        ev.OrderCancelled(by="buyer"): "order.cancelled",
        ev.OrderExpired(): "order.expired",
        ev.DisputeOpened(by="buyer", reason="x"): "order.disputed",
        ev.DisputeResolved(resolution="refund", refund="1.00", released="0.00"): "order.resolved",
        ev.DisputeClosed(): "order.resolved",
    }
    assert [webhook_type(p) for p in news] == [WebhookEventType(v) for v in news.values()]
    assert {WebhookEventType(v) for v in news.values()} == set(WebhookEventType)


def test_news_that_is_not_an_order_change_sends_no_event() -> None:
    assert webhook_type(ev.RemindPayment(due_at=NOW)) is None
    assert webhook_type(ev.RefundAvailable()) is None
    assert webhook_type(ev.TicketOpened(ticket_id=1)) is None


def test_event_types_are_parsed_in_a_stable_order_and_strangers_refused() -> None:
    assert parse_event_types("") == () and parse_event_types(" * ") == ()
    assert parse_event_types("order.paid, ORDER.CREATED") == (
        WebhookEventType.CREATED,
        WebhookEventType.PAID,
    )
    with pytest.raises(ValueError, match=r"order\.shipped"):
        parse_event_types("order.paid,order.shipped")
