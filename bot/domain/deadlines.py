"""Which deadlines an order has now: derived from its state, so they can never drift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.model import Order, Role, Status
from bot.domain.policy import Policy


class DeadlineKind(StrEnum):
    """Automatic resolutions and the reminders that warn of them."""

    EXPIRE_UNPAID = "expire_unpaid"
    AUTO_CANCEL = "auto_cancel"
    AUTO_CONFIRM = "auto_confirm"
    AUTO_REFUND = "auto_refund"
    REMIND_PAYMENT = "remind_payment"
    REMIND_DELIVERY = "remind_delivery"
    REMIND_CONFIRM = "remind_confirm"
    REMIND_REFUND = "remind_refund"
    # The buyer's card gains "Request refund" (it says when until then): redrawn, no news.
    REFUND_OPENS = "refund_opens"

    @property
    def is_resolution(self) -> bool:
        """An automatic change of the order (expiry, cancel, confirm, refund)."""
        return self in REMINDER_OF

    @property
    def is_reminder(self) -> bool:
        """Reminders tell someone; resolutions change the order."""
        return self.value.startswith("remind_")


# resolution -> (its reminder, who would lose out and is reminded)
REMINDER_OF = {
    DeadlineKind.EXPIRE_UNPAID: (DeadlineKind.REMIND_PAYMENT, Role.BUYER),
    DeadlineKind.AUTO_CANCEL: (DeadlineKind.REMIND_DELIVERY, Role.SELLER),
    DeadlineKind.AUTO_CONFIRM: (DeadlineKind.REMIND_CONFIRM, Role.BUYER),
    DeadlineKind.AUTO_REFUND: (DeadlineKind.REMIND_REFUND, Role.SELLER),
}
RESOLUTION_OF = {rem: res for res, (rem, _) in REMINDER_OF.items()}


@dataclass(frozen=True, order=True)
class Deadline:
    """A moment at which the scheduler must act on an order."""

    due_at: datetime
    kind: DeadlineKind

    @property
    def recipient(self) -> Role | None:
        """Who a reminder goes to (None for resolutions)."""
        res = RESOLUTION_OF.get(self.kind)
        return REMINDER_OF[res][1] if res else None


def next_resolution(order: Order, policy: Policy) -> Deadline | None:
    """The automatic action that will happen next if nobody acts, or None."""
    if order.status.finished or order.dispute_open:
        return None
    rr = order.refund_request
    if rr is not None and rr.is_open:
        window = (
            policy.refund_response_delivered
            if rr.on_delivered
            else policy.refund_response_undelivered
        )
        return Deadline(rr.clock_origin + window, DeadlineKind.AUTO_REFUND)
    phase = {
        Status.WAITING_PAYMENT: (policy.payment_window, DeadlineKind.EXPIRE_UNPAID),
        Status.WAITING_DELIVERY: (policy.delivery_window, DeadlineKind.AUTO_CANCEL),
        Status.WAITING_CONFIRMATION: (policy.confirm_window, DeadlineKind.AUTO_CONFIRM),
    }[order.status]
    return Deadline(order.clock_origin + phase[0], phase[1])


def _leads(kind: DeadlineKind, policy: Policy) -> tuple[timedelta, ...]:
    return {
        DeadlineKind.EXPIRE_UNPAID: policy.payment_reminder_leads,
        DeadlineKind.AUTO_CANCEL: policy.delivery_reminder_leads,
        DeadlineKind.AUTO_CONFIRM: policy.confirm_reminder_leads,
        DeadlineKind.AUTO_REFUND: policy.refund_reminder_leads,
    }[kind]


def refund_opens_at(order: Order, policy: Policy) -> datetime | None:
    """When the buyer may first ask for a refund, while that moment still matters."""
    live = order.status in (Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION)
    if order.paid_at is None or not live or order.dispute_open or order.refund_request:
        return None
    return order.paid_at + policy.refund_min_age


def open_deadlines(order: Order, policy: Policy) -> list[Deadline]:
    """Every deadline the order has now: its next resolution and the reminders before it,
    and the moment a refund may first be requested (the buyer's card changes then)."""
    res = next_resolution(order, policy)
    if res is None:
        return []
    opens = refund_opens_at(order, policy)
    rr = order.refund_request
    started = rr.clock_origin if res.kind is DeadlineKind.AUTO_REFUND and rr else order.clock_origin
    reminder_kind = REMINDER_OF[res.kind][0]
    out = [res]
    for lead in _leads(res.kind, policy):
        at = res.due_at - lead
        # A reminder only makes sense if the window is longer than its lead time.
        if at > started:
            out.append(Deadline(at, reminder_kind))
    if opens is not None:
        out.append(Deadline(opens, DeadlineKind.REFUND_OPENS))
    return sorted(out)
