"""The order and its facts: plain data, changed only by `bot.domain.transitions`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Status(StrEnum):
    """The statuses the FAQ shows users ("How do I track my order status?")."""

    WAITING_PAYMENT = "waiting_payment"
    WAITING_DELIVERY = "waiting_delivery"
    WAITING_CONFIRMATION = "waiting_confirmation"
    COMPLETED = "completed"
    REFUNDING = "refunding"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        """The status in the FAQ's words."""
        return _LABELS[self]

    @property
    def in_words(self) -> str:
        """The status inside a sentence: a finished refund is "Refunded" (the FAQ's status
        name "Refunding" stays on cards and lists)."""
        return "Refunded" if self is Status.REFUNDING else _LABELS[self]

    @property
    def finished(self) -> bool:
        """True once nothing more can happen to the order's money."""
        return self in (Status.COMPLETED, Status.REFUNDING, Status.EXPIRED)


_LABELS = {
    Status.WAITING_PAYMENT: "Waiting Payment",
    Status.WAITING_DELIVERY: "Waiting Delivery",
    Status.WAITING_CONFIRMATION: "Waiting Confirmation",
    Status.COMPLETED: "Completed",
    Status.REFUNDING: "Refunding",
    Status.EXPIRED: "Expired",
}


class Role(StrEnum):
    """Who is acting on an order."""

    BUYER = "buyer"
    SELLER = "seller"
    AGENT = "agent"  # a support agent
    SYSTEM = "system"  # the scheduler and the marketplace's payment intake


@dataclass(frozen=True)
class Actor:
    """A role, and the Telegram id behind it when there is a person."""

    role: Role
    user_id: int | None = None


SYSTEM = Actor(Role.SYSTEM)


class RefundStatus(StrEnum):
    """Where a refund request stands."""

    OPEN = "open"
    APPROVED = "approved"
    AUTO_APPROVED = "auto_approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"  # the seller delivered instead, or support took over


class RefundRequest(BaseModel):
    """A buyer's request for money back: full or a proposed partial amount."""

    model_config = ConfigDict(frozen=True)

    amount_minor: int
    full: bool
    reason: str
    opened_at: datetime
    on_delivered: bool  # decides the seller's response window
    status: RefundStatus = RefundStatus.OPEN
    answered_at: datetime | None = None
    rejection_reason: str | None = None
    # Start of the response window, moved forward by time spent paused under a dispute.
    clock_origin: datetime
    paused_since: datetime | None = None

    @property
    def is_open(self) -> bool:
        """True while the seller still has to answer."""
        return self.status is RefundStatus.OPEN


class Resolution(StrEnum):
    """How support settles a dispute."""

    REFUND_FULL = "refund_full"
    REFUND_PARTIAL = "refund_partial"
    RELEASE = "release"


class Dispute(BaseModel):
    """An escalation to support; while open, every automatic clock of the order stops."""

    model_config = ConfigDict(frozen=True)

    opened_by: Role
    reason: str
    opened_at: datetime
    resolution: Resolution | None = None
    refund_minor: int | None = None
    closed_at: datetime | None = None
    closed_by: int | None = None
    note: str | None = None

    @property
    def is_open(self) -> bool:
        """True until support resolves or closes it."""
        return self.closed_at is None


class Order(BaseModel):
    """An order with its price locked at creation."""

    model_config = ConfigDict(frozen=True)

    id: str
    offer_id: str | None = None
    buyer_id: int
    seller_id: int
    title: str
    amount_minor: int
    currency: str
    status: Status = Status.WAITING_PAYMENT
    created_at: datetime
    paid_at: datetime | None = None
    paid_via: str | None = None
    delivered_at: datetime | None = None
    delivery_note: str | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None
    # Why a party cancelled, in their words (one of CANCEL_REASONS), shown to the other side.
    cancel_note: str | None = None
    refunded_minor: int = 0
    released_minor: int = 0
    # Start of the running phase's clock (payment, delivery or confirmation), moved
    # forward by any time the clock spent paused by a refund request or a dispute.
    clock_origin: datetime
    paused_since: datetime | None = None
    refund_request: RefundRequest | None = None
    dispute: Dispute | None = None
    hidden_for: tuple[int, ...] = ()
    reorder_of: str | None = None
    version: int = 0

    @property
    def settled(self) -> bool:
        """True once the escrow has been paid out (it can happen only once)."""
        return self.paid_at is not None and self.status in (Status.COMPLETED, Status.REFUNDING)

    @property
    def escrow_minor(self) -> int:
        """What the order's escrow account should hold now."""
        if self.paid_at is None or self.settled:
            return 0
        return self.amount_minor

    @property
    def refund_open(self) -> bool:
        """True while a refund request waits for the seller."""
        return self.refund_request is not None and self.refund_request.is_open

    @property
    def dispute_open(self) -> bool:
        """True while support owns the order."""
        return self.dispute is not None and self.dispute.is_open

    def role_of(self, user_id: int) -> Role | None:
        """The user's role on this order, or None for a stranger."""
        if user_id == self.buyer_id:
            return Role.BUYER
        if user_id == self.seller_id:
            return Role.SELLER
        return None

    def party_id(self, role: Role) -> int:
        """Telegram id of the buyer or the seller."""
        if role is Role.BUYER:
            return self.buyer_id
        if role is Role.SELLER:
            return self.seller_id
        raise ValueError(f"{role} is not a party to an order")


class Offer(BaseModel):
    """A seller's item with its current price; orders copy the price when placed."""

    model_config = ConfigDict(frozen=True)

    id: str
    seller_id: int
    title: str
    price_minor: int
    currency: str
    active: bool = True
    created_at: datetime
    updated_at: datetime
