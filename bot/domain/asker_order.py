"""Which of the asker's own orders a help-center question most likely means.

A question in the chat ("paid already, still nothing") is usually about one order, and the
chat knows the asker's orders: the answer can be about that order and say so. The order is
picked from what the asker owns only: one the question names by id; else the ones whose
product it names ("my Netflix order"); among those, the ones whose status fits what the
question tells ("payment failed" is about an order waiting for payment, "the code does not
work" about one delivered); and of those the unfinished one that changed last.

An id the question names that is not theirs (someone else's, or none at all) is passed
over exactly like an id that does not exist, so nothing in the answer tells a stranger
that an order exists. Pure: the orders and `now` are given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import faq_needs as told_as
from bot.domain.deadlines import Deadline, DeadlineKind, next_resolution
from bot.domain.faq_situation import OrderContext
from bot.domain.ids import normalize_order_id
from bot.domain.model import Order, Role, Status
from bot.domain.policy import Policy

# With nothing unfinished, an order that changed this recently is still what "my order"
# means (a refund that just came back, an order completed yesterday); an older one is not.
RECENT = timedelta(days=7)

# The statuses an order can have when a question tells this of it.
_UNPAID = frozenset({Status.WAITING_PAYMENT, Status.EXPIRED})
_CAME = frozenset({Status.WAITING_CONFIRMATION, Status.COMPLETED})
_PAID_FOR = frozenset({Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION, Status.REFUNDING})
_STATUSES_TOLD: dict[str, frozenset[Status]] = {
    told_as.UNPAID: _UNPAID,
    told_as.PAY_FAILED: _UNPAID,
    told_as.STATUS_UNPAID: _UNPAID,
    told_as.EXPIRED: _UNPAID,
    told_as.NOT_RECEIVED: frozenset({Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION}),
    told_as.MARKED_DELIVERED: frozenset({Status.WAITING_CONFIRMATION}),
    told_as.WRONG: _CAME,
    told_as.PARTIAL: _CAME,
    told_as.RECEIVED: _CAME,
    told_as.CONFIRMED: frozenset({Status.COMPLETED}),
    told_as.REFUNDING: frozenset({Status.REFUNDING}),
    # Money back is asked of an order paid for, never of one still waiting for payment.
    told_as.WANT_REFUND: _PAID_FOR,
    told_as.REFUND_OPEN: _PAID_FOR,
    told_as.REFUND_REJECTED: _PAID_FOR,
}
# Words of a product's title too common to tell one order from another.
_NOT_A_PRODUCT = frozenset(
    {"the", "and", "for", "with", "from", "of", "to", "in", "on", "a", "an", "my", "your", "one"}
)
_WORD = re.compile(r"[a-z0-9]+")


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


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower())) - _NOT_A_PRODUCT


def _narrowed(pool: list[Order], keep: Callable[[Order], int]) -> list[Order]:
    """The orders `keep` scores highest, when it scores any above zero; else all of them."""
    best = max((keep(o) for o in pool), default=0)
    return [o for o in pool if keep(o) == best] if best > 0 else pool


def meant_order(
    user_id: int,
    orders: Sequence[Order],
    mentioned: Sequence[str],
    now: datetime,
    *,
    words: str = "",
    told: Iterable[str] = (),
    recent: timedelta = RECENT,
) -> Order | None:
    """The asker's order the question most likely means, or None.

    `orders` are the asker's orders (any order in it they are not a party to is ignored);
    `mentioned` are the order ids the question names, in the order written; `words` the
    question, and `told` the facts its words tell (situation slots, see
    `bot.domain.faq_needs`).
    """
    own = {o.id: o for o in orders if o.role_of(user_id) in (Role.BUYER, Role.SELLER)}
    for text in mentioned:
        named = own.get(normalize_order_id(text) or "")
        if named is not None:
            return named
    # Unfinished orders, and those finished within `recent` ("the refund that just came").
    pool = [o for o in own.values() if not o.status.finished or now - last_change(o) <= recent]
    asked = _words(words)
    # A word of one product's title that the others' do not share names that order.
    titles = {o.id: _words(o.title) for o in pool}
    common = set.intersection(*titles.values()) if titles else set()
    pool = _narrowed(pool, lambda o: len((titles[o.id] - common) & asked))
    facts = [_STATUSES_TOLD[slot] for slot in told if slot in _STATUSES_TOLD]
    pool = _narrowed(pool, lambda o: sum(o.status in statuses for statuses in facts))
    unfinished = _latest(o for o in pool if not o.status.finished)
    return unfinished if unfinished is not None else _latest(pool)


def asker_order(
    user_id: int,
    orders: Sequence[Order],
    mentioned: Sequence[str],
    now: datetime,
    policy: Policy,
    *,
    words: str = "",
    told: Iterable[str] = (),
    recent: timedelta = RECENT,
) -> AskerOrder | None:
    """The order a question most likely means (see `meant_order`) and what the chat knows
    of it now; None when the asker has no order the question could be about."""
    order = meant_order(user_id, orders, mentioned, now, words=words, told=told, recent=recent)
    if order is None:
        return None
    role = order.role_of(user_id)
    assert role is not None  # meant_order picks only the asker's own orders
    return AskerOrder(
        order=order,
        context=order_context(order, role, now, policy),
        next_deadline=next_resolution(order, policy),
    )
