"""What happened that someone must be told: every kind of news the outbox carries, typed.

Shape: one frozen dataclass per kind. Each payload class names its `EventKind` and who may
hear it (`audience`), so an event is just a payload and its recipients:

    Event(OrderPaid(via="balance"), (Role.BUYER, Role.SELLER))

Its kind is the payload's, so a kind can never travel with another kind's data, and news
addressed to someone outside its audience fails at once.

The outbox stores `kind.value` and `payload.to_dict()`: the kind names and keys of before,
so rows already in a database read back. `payload_from(kind, stored)` ignores keys it does
not know (the envelope the services add: "event", "role", "actor_id") and defaults the
fields older rows lack; an unknown kind or a malformed payload raises `UnreadableEvent`,
for the deliverer to set the row aside.

The kinds fall in three groups, each delivered by code that names every member (`match`
and `typing.assert_never`, so a new kind fails type checking until it has its text):

- `PartyNews`: a buyer or seller is told (the notifier's headlines);
- `DeskNews`: the support group's ticket cards;
- `ChatRelay`: the order chat's messages and edits (the sender's own words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar, TypeAlias, get_args

from pydantic import TypeAdapter, ValidationError

from bot.domain.deadlines import DeadlineKind
from bot.domain.model import Role


class EventKind(StrEnum):
    """Every kind of outbox row, by the name it is stored under."""

    ORDER_CREATED = "order_created"
    ORDER_PAID = "order_paid"
    ORDER_DELIVERED = "order_delivered"
    ORDER_COMPLETED = "order_completed"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_EXPIRED = "order_expired"
    REFUND_REQUESTED = "refund_requested"
    REFUND_APPROVED = "refund_approved"
    REFUND_REJECTED = "refund_rejected"
    REFUND_WITHDRAWN = "refund_withdrawn"
    REFUND_AVAILABLE = "refund_available"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_RESOLVED = "dispute_resolved"
    DISPUTE_CLOSED = "dispute_closed"
    # Reminders are stored under their deadline's name (DeadlineKind.REMIND_*).
    REMIND_PAYMENT = "remind_payment"
    REMIND_DELIVERY = "remind_delivery"
    REMIND_CONFIRM = "remind_confirm"
    REMIND_REFUND = "remind_refund"
    SUPPORT_CLOSED = "support_closed"
    PAYMENT_REJECTED = "payment_rejected"
    COUNTERPARTY_UNREACHABLE = "counterparty_unreachable"
    TICKET_OPENED = "ticket_opened"
    TICKET_JOINED = "ticket_joined"
    TICKET_CLAIMED = "ticket_claimed"
    TICKET_CLOSED = "ticket_closed"
    TICKET_SLA = "ticket_sla"
    RELAY = "relay"
    RELAY_EDIT = "relay_edit"


PARTIES = frozenset({Role.BUYER, Role.SELLER})
BUYER_ONLY = frozenset({Role.BUYER})
SELLER_ONLY = frozenset({Role.SELLER})
SUPPORT_GROUP = frozenset({Role.AGENT})  # the support group's chat


class UnreadableEvent(ValueError):
    """A stored row names no kind we know, or its payload does not fit its kind."""


@dataclass(frozen=True, kw_only=True)
class _Payload:
    """What every payload has: its kind, who may hear it, and its stored form."""

    kind: ClassVar[EventKind]
    audience: ClassVar[frozenset[Role]]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready fields, as the outbox stores them (times in ISO 8601)."""
        return {f.name: _stored(getattr(self, f.name)) for f in fields(self)}


def _stored(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


@dataclass(frozen=True, kw_only=True)
class AboutTicket(_Payload):
    """News that names a support ticket."""

    ticket_id: int


# --- news for a buyer or seller ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OrderCreated(_Payload):
    """An order was placed; a re-order names the expired order and its price."""

    kind = EventKind.ORDER_CREATED
    audience = PARTIES
    reorder_of: str | None = None
    old_price: str | None = None


@dataclass(frozen=True, kw_only=True)
class OrderPaid(_Payload):
    """Paid from the balance, externally, or confirmed by support."""

    kind = EventKind.ORDER_PAID
    audience = PARTIES
    via: str


@dataclass(frozen=True, kw_only=True)
class OrderDelivered(_Payload):
    """The seller delivered."""

    kind = EventKind.ORDER_DELIVERED
    audience = PARTIES


@dataclass(frozen=True, kw_only=True)
class OrderCompleted(_Payload):
    """The buyer confirmed receipt, or the confirm window ran out (`automatic`)."""

    kind = EventKind.ORDER_COMPLETED
    audience = PARTIES
    automatic: bool = False


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(_Payload):
    """Cancelled `by` a party or the system; `refunded` when money went back."""

    kind = EventKind.ORDER_CANCELLED
    audience = PARTIES
    by: str
    refunded: bool = False
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class OrderExpired(_Payload):
    """Unpaid in time."""

    kind = EventKind.ORDER_EXPIRED
    audience = PARTIES


@dataclass(frozen=True, kw_only=True)
class RefundRequested(_Payload):
    """The buyer asked for `amount` (display form) back."""

    kind = EventKind.REFUND_REQUESTED
    audience = PARTIES
    amount: str
    full: bool
    reason: str


@dataclass(frozen=True, kw_only=True)
class RefundApproved(_Payload):
    """`amount` went back to the buyer; `asked` is what they had asked for."""

    kind = EventKind.REFUND_APPROVED
    audience = PARTIES
    amount: str
    automatic: bool
    full: bool
    asked: str | None = None  # rows written before the amount asked was recorded


@dataclass(frozen=True, kw_only=True)
class RefundRejected(_Payload):
    """The seller said no, and why."""

    kind = EventKind.REFUND_REJECTED
    audience = PARTIES
    reason: str


@dataclass(frozen=True, kw_only=True)
class RefundWithdrawn(_Payload):
    """The buyer took the request back."""

    kind = EventKind.REFUND_WITHDRAWN
    audience = PARTIES


@dataclass(frozen=True, kw_only=True)
class RefundAvailable(_Payload):
    """The buyer may now ask for a refund (the card is redrawn; nobody is pinged)."""

    kind = EventKind.REFUND_AVAILABLE
    audience = BUYER_ONLY


@dataclass(frozen=True, kw_only=True)
class DisputeOpened(_Payload):
    """A party handed the order to support."""

    kind = EventKind.DISPUTE_OPENED
    audience = PARTIES
    by: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class DisputeResolved(_Payload):
    """Support settled the order (amounts in display form)."""

    kind = EventKind.DISPUTE_RESOLVED
    audience = PARTIES
    resolution: str
    refund: str
    released: str


@dataclass(frozen=True, kw_only=True)
class DisputeClosed(_Payload):
    """Support closed the case without moving money."""

    kind = EventKind.DISPUTE_CLOSED
    audience = PARTIES


@dataclass(frozen=True, kw_only=True)
class Reminder(_Payload):
    """A warning that an automatic resolution happens at `due_at`."""

    due_at: datetime


@dataclass(frozen=True, kw_only=True)
class RemindPayment(Reminder):
    """Pay, or the order expires."""

    kind = EventKind.REMIND_PAYMENT
    audience = BUYER_ONLY


@dataclass(frozen=True, kw_only=True)
class RemindDelivery(Reminder):
    """Deliver, or the order is cancelled and refunded."""

    kind = EventKind.REMIND_DELIVERY
    audience = SELLER_ONLY


@dataclass(frozen=True, kw_only=True)
class RemindConfirm(Reminder):
    """The order is confirmed received unless the buyer speaks up."""

    kind = EventKind.REMIND_CONFIRM
    audience = BUYER_ONLY


@dataclass(frozen=True, kw_only=True)
class RemindRefund(Reminder):
    """Answer the refund request, or it is granted."""

    kind = EventKind.REMIND_REFUND
    audience = SELLER_ONLY


@dataclass(frozen=True, kw_only=True)
class SupportClosed(AboutTicket):
    """An agent closed the case this person opened (with or without an order)."""

    kind = EventKind.SUPPORT_CLOSED
    audience = PARTIES


@dataclass(frozen=True, kw_only=True)
class PaymentRejected(AboutTicket):
    """Support could not find the payment the buyer reported."""

    kind = EventKind.PAYMENT_REJECTED
    audience = BUYER_ONLY


@dataclass(frozen=True, kw_only=True)
class CounterpartyUnreachable(_Payload):
    """The other side blocked the bot."""

    kind = EventKind.COUNTERPARTY_UNREACHABLE
    audience = PARTIES


# --- news for the support group ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TicketOpened(AboutTicket):
    """A new ticket: its card goes up."""

    kind = EventKind.TICKET_OPENED
    audience = SUPPORT_GROUP


@dataclass(frozen=True, kw_only=True)
class TicketJoined(AboutTicket):
    """A party raised an open ticket again (`by`: who, when a person)."""

    kind = EventKind.TICKET_JOINED
    audience = SUPPORT_GROUP
    subject: str
    by: int | None


@dataclass(frozen=True, kw_only=True)
class TicketClaimed(AboutTicket):
    """An agent took the ticket."""

    kind = EventKind.TICKET_CLAIMED
    audience = SUPPORT_GROUP
    agent: str


@dataclass(frozen=True, kw_only=True)
class TicketClosed(AboutTicket):
    """The ticket closed with `outcome` (a resolution, a payment decision, or "closed")."""

    kind = EventKind.TICKET_CLOSED
    audience = SUPPORT_GROUP
    outcome: str


@dataclass(frozen=True, kw_only=True)
class TicketSla(AboutTicket):
    """A ticket left "unclaimed" or "unanswered" too long."""

    kind = EventKind.TICKET_SLA
    audience = SUPPORT_GROUP
    reason: str


# --- the order chat ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Relay(_Payload):
    """Transcript message `message` to copy to the other side, under `header`."""

    kind = EventKind.RELAY
    audience = PARTIES
    message: int
    header: str
    reply_to: int | None


@dataclass(frozen=True, kw_only=True)
class RelayEdit(_Payload):
    """Edit `edit` of transcript message `message`, to apply to its copy."""

    kind = EventKind.RELAY_EDIT
    audience = PARTIES
    edit: int
    message: int
    header: str


PartyNews: TypeAlias = (
    OrderCreated
    | OrderPaid
    | OrderDelivered
    | OrderCompleted
    | OrderCancelled
    | OrderExpired
    | RefundRequested
    | RefundApproved
    | RefundRejected
    | RefundWithdrawn
    | RefundAvailable
    | DisputeOpened
    | DisputeResolved
    | DisputeClosed
    | RemindPayment
    | RemindDelivery
    | RemindConfirm
    | RemindRefund
    | SupportClosed
    | PaymentRejected
    | CounterpartyUnreachable
)
DeskNews: TypeAlias = TicketOpened | TicketJoined | TicketClaimed | TicketClosed | TicketSla
ChatRelay: TypeAlias = Relay | RelayEdit
Payload: TypeAlias = PartyNews | DeskNews | ChatRelay

PAYLOAD_OF: Mapping[EventKind, type[Payload]] = {
    cls.kind: cls for group in (PartyNews, DeskNews, ChatRelay) for cls in get_args(group)
}

# The reminder each reminder deadline sends (the kinds share their names).
REMINDER_NEWS: Mapping[
    DeadlineKind, type[RemindPayment | RemindDelivery | RemindConfirm | RemindRefund]
] = {
    DeadlineKind.REMIND_PAYMENT: RemindPayment,
    DeadlineKind.REMIND_DELIVERY: RemindDelivery,
    DeadlineKind.REMIND_CONFIRM: RemindConfirm,
    DeadlineKind.REMIND_REFUND: RemindRefund,
}


@cache
def _adapter(kind: EventKind) -> TypeAdapter[Payload]:
    # Built on first use: a validator per kind, most of them never needed by a process.
    return TypeAdapter(PAYLOAD_OF[kind])


def payload_from(kind: str, stored: Mapping[str, Any]) -> Payload:
    """The typed payload of a stored row; UnreadableEvent if the kind or data don't fit."""
    try:
        known = EventKind(kind)
    except ValueError:
        raise UnreadableEvent(f"unknown event kind {kind!r}") from None
    try:
        return _adapter(known).validate_python(dict(stored))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'payload'}: {e['msg']}" for e in exc.errors()
        )
        raise UnreadableEvent(f"{kind}: {problems}") from None


@dataclass(frozen=True)
class Event:
    """News a transition owes some of the order's parties; its kind is its payload's."""

    payload: Payload
    recipients: tuple[Role, ...]

    def __post_init__(self) -> None:
        strays = set(self.recipients) - self.payload.audience
        if strays:
            who = ", ".join(sorted(strays))
            raise ValueError(f"{self.kind} is not news for the {who}")

    @property
    def kind(self) -> EventKind:
        """What happened."""
        return self.payload.kind
