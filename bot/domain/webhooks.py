"""Events out to the marketplace: which order news becomes which event, the event's JSON,
its signature, and when a refused delivery is tried again.

The scheme is Stripe's. Each delivery is a POST whose body is the event's JSON and whose
`KChat-Signature` header is `t=<unix seconds>,v1=<hex>`, the hex being HMAC-SHA256 under
the subscriber's secret of `f"{t}.{body}"`. The receiver recomputes it over the raw body
and refuses a timestamp older than its tolerance (a captured request replayed later fails).
Each attempt is signed afresh, so a retry three days on still verifies.

Pure: time is an argument, nothing is read or sent here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.domain import events as ev

SIGNATURE_HEADER = "KChat-Signature"
EVENT_ID_HEADER = "KChat-Event-Id"
EVENT_TYPE_HEADER = "KChat-Event-Type"
DEFAULT_TOLERANCE = timedelta(minutes=5)
# Waits after the 1st, 2nd, ... failed attempt; the last one repeats until the retry window
# (KCHAT_EVENTS_RETRY_FOR, three days by default) would be passed.
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=12),
)
DEFAULT_RETRY_FOR = timedelta(days=3)


class WebhookEventType(StrEnum):
    """Every event a subscriber can receive, by the name it is sent under."""

    CREATED = "order.created"
    PAID = "order.paid"
    DELIVERED = "order.delivered"
    CONFIRMED = "order.confirmed"
    REFUND_REQUESTED = "order.refund_requested"
    REFUND_APPROVED = "order.refund_approved"
    REFUND_REJECTED = "order.refund_rejected"
    REFUND_WITHDRAWN = "order.refund_withdrawn"
    REFUNDED = "order.refunded"
    CANCELLED = "order.cancelled"
    EXPIRED = "order.expired"
    DISPUTED = "order.disputed"
    RESOLVED = "order.resolved"


def webhook_type(payload: ev.Payload) -> WebhookEventType | None:
    """The event an order's news is sent as, or None when it is not an order's change
    (reminders, tickets, chat messages: news for people, not for the marketplace)."""
    match payload:
        case ev.OrderCreated():
            return WebhookEventType.CREATED
        case ev.OrderPaid():
            return WebhookEventType.PAID
        case ev.OrderDelivered():
            return WebhookEventType.DELIVERED
        case ev.OrderCompleted():
            return WebhookEventType.CONFIRMED
        case ev.OrderCancelled(refunded=True):
            # Cancelled after payment: the buyer's money went back to their balance.
            return WebhookEventType.REFUNDED
        case ev.OrderCancelled():
            return WebhookEventType.CANCELLED
        case ev.OrderExpired():
            return WebhookEventType.EXPIRED
        case ev.RefundRequested():
            return WebhookEventType.REFUND_REQUESTED
        case ev.RefundApproved():
            return WebhookEventType.REFUND_APPROVED
        case ev.RefundRejected():
            return WebhookEventType.REFUND_REJECTED
        case ev.RefundWithdrawn():
            return WebhookEventType.REFUND_WITHDRAWN
        case ev.DisputeOpened():
            return WebhookEventType.DISPUTED
        case ev.DisputeResolved() | ev.DisputeClosed():
            return WebhookEventType.RESOLVED
        case _:
            return None


def parse_event_types(text: str) -> tuple[WebhookEventType, ...]:
    """Comma-separated event types (`*` or nothing: every one); ValueError on a stranger."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names or names == ["*"]:
        return ()
    known = {t.value: t for t in WebhookEventType}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"unknown event type {', '.join(unknown)}: use {', '.join(known)} (or * for all)"
        )
    return tuple(t for t in WebhookEventType if t.value in names)


def event_body(
    event_id: str, event_type: WebhookEventType, created: datetime, data: Mapping[str, Any]
) -> str:
    """The event as sent: `{"id", "type", "created" (unix seconds), "data" (the order)}`."""
    return json.dumps(
        {
            "id": event_id,
            "type": event_type.value,
            "created": int(created.timestamp()),
            "data": dict(data),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def signature(secret: str, timestamp: int, body: str) -> str:
    """The hex HMAC-SHA256 of `f"{timestamp}.{body}"` under `secret`."""
    message = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: str, at: datetime) -> str:
    """The `KChat-Signature` value for sending `body` at `at`."""
    t = int(at.timestamp())
    return f"t={t},v1={signature(secret, t, body)}"


class SignatureError(ValueError):
    """The header is missing or malformed, no signature matches, or it is too old."""


@dataclass(frozen=True)
class SignedEvent:
    """A verified delivery: the event and when it was signed."""

    timestamp: int
    event: dict[str, Any]


def verify(
    secret: str,
    body: str,
    header: str,
    now: datetime,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> SignedEvent:
    """Check a delivery as a receiver does (the docs' example does the same in plain code).

    Any `v1` in the header may match (several are sent while a secret is rotated); the
    timestamp must be within `tolerance` of `now`, either way.
    """
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError("no timestamp or no v1 signature in the header")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("no signature matches the body")
    if abs(now.timestamp() - timestamp) > tolerance.total_seconds():
        raise SignatureError("the timestamp is outside the tolerance")
    return SignedEvent(timestamp, json.loads(body))


def next_attempt_at(
    attempts: int, first_attempt_at: datetime, now: datetime, retry_for: timedelta
) -> datetime | None:
    """After `attempts` failed attempts, the first at `first_attempt_at` and the latest at
    `now`: when to try again, or None when that would pass `retry_for` (give up)."""
    if attempts < 1:
        raise ValueError("a retry follows at least one attempt")
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    at = now + wait
    if at > first_attempt_at + retry_for:
        return None
    return at


def retry_schedule(retry_for: timedelta = DEFAULT_RETRY_FOR) -> list[timedelta]:
    """When each attempt happens, after the first, if every one fails promptly (the docs)."""
    offsets: list[timedelta] = []
    elapsed = timedelta(0)
    start = datetime(2000, 1, 1)
    while (at := next_attempt_at(len(offsets) + 1, start, start + elapsed, retry_for)) is not None:
        elapsed = at - start
        offsets.append(elapsed)
    return offsets
