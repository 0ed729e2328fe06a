"""Which of the asker's own orders a help-center question most likely means.

A question in the chat ("paid already, still nothing") is usually about one order, and the
chat knows the asker's orders: the answer can be about that order and say so. The order is
picked from what the asker owns only. An id the question names that is not theirs (someone
else's, or none at all) is passed over exactly like an id that does not exist, so nothing
in the answer tells a stranger that an order exists. Pure: the orders and `now` are given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.deadlines import Deadline, DeadlineKind, next_resolution
from bot.domain.faq_situation import OrderContext
from bot.domain.ids import normalize_order_id
from bot.domain.model import Order, Role
from bot.domain.policy import Policy

# With nothing unfinished, an order that changed this recently is still what "my order"
# means (a refund that just came back, an order completed yesterday); an older one is not.
RECENT = timedelta(days=7)


@dataclass(frozen=True)
class AskerOrder:
    """The order a question is about, and what the chat says of it."""

    order: Order
    context: OrderContext
    # What happens next if nobody acts, and when (None once finished or while support has
    # the order): the answer says until when the one whose turn it is has.
    next_deadline: Deadline | None


def last_change(order: Order) -> datetime:
    """When the order last changed, from its own facts (placed, paid, delivered, closed, a
    refund request or dispute opened or answered)."""
    moments = [order.created_at, order.paid_at, order.delivered_at, order.closed_at]
    if order.refund_request is not None:
        moments += [order.refund_request.opened_at, order.refund_request.answered_at]
    if order.dispute is not None:
        moments += [order.dispute.opened_at, order.dispute.closed_at]
    return max(m for m in moments if m is not None)


def order_context(order: Order, role: Role, now: datetime, policy: Policy) -> OrderContext:
    """What the matcher is told of `order`, as the party in `role` sees it at `now`."""
    due = next_resolution(order, policy)
    # Only the status's own clock (payment, delivery, confirmation) makes an order
    # overdue: an open refund request or dispute pauses that clock, and the refund
    # request is told apart by `refund_requested`.
    overdue = due is not None and due.kind is not DeadlineKind.AUTO_REFUND and due.due_at <= now
    return OrderContext(
        status=order.status,
        role=role,
        overdue=overdue,
        refund_requested=order.refund_open,
    )


def _latest(orders: Iterable[Order]) -> Order | None:
    # Ties (two orders changed at the same moment) go to the newer order, then the id, so
    # the same records always give the same pick.
    return max(orders, key=lambda o: (last_change(o), o.created_at, o.id), default=None)


def meant_order(
    user_id: int,
    orders: Sequence[Order],
    mentioned: Sequence[str],
    now: datetime,
    *,
    recent: timedelta = RECENT,
) -> Order | None:
    """The asker's order the question most likely means, or None.

    `orders` are the asker's orders (any order in it they are not a party to is ignored);
    `mentioned` are the order ids the question names, in the order written.
    """
    own = {o.id: o for o in orders if o.role_of(user_id) in (Role.BUYER, Role.SELLER)}
    for text in mentioned:
        named = own.get(normalize_order_id(text) or "")
        if named is not None:
            return named
    unfinished = _latest(o for o in own.values() if not o.status.finished)
    if unfinished is not None:
        return unfinished
    return _latest(o for o in own.values() if now - last_change(o) <= recent)


def asker_order(
    user_id: int,
    orders: Sequence[Order],
    mentioned: Sequence[str],
    now: datetime,
    policy: Policy,
    *,
    recent: timedelta = RECENT,
) -> AskerOrder | None:
    """The order a question most likely means (see `meant_order`) and what the chat knows
    of it now; None when the asker has no order the question could be about."""
    order = meant_order(user_id, orders, mentioned, now, recent=recent)
    if order is None:
        return None
    role = order.role_of(user_id)
    assert role is not None  # meant_order picks only the asker's own orders
    return AskerOrder(
        order=order,
        context=order_context(order, role, now, policy),
        next_deadline=next_resolution(order, policy),
    )
