"""Which actions a party can take on an order right now: found by dry-running the rules.

Deriving the buttons from the transitions themselves means a card can never offer an
action the core would refuse. One that is merely early (a refund request before
KCHAT_REFUND_MIN_AGE) is not offered either: the card says when it becomes possible,
and is redrawn then (`DeadlineKind.REFUND_OPENS`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from bot.domain import transitions as t
from bot.domain.deadlines import DeadlineKind
from bot.domain.errors import DomainError, IllegalTransition, OrderNotFound, TooEarly, Words
from bot.domain.model import Actor, Offer, Order, Role
from bot.domain.policy import Policy


class Action(StrEnum):
    """A party's possible actions, in the order cards show them."""

    PAY = "pay"
    DELIVER = "deliver"
    CONFIRM = "confirm"
    APPROVE_REFUND = "approve_refund"
    REJECT_REFUND = "reject_refund"
    REQUEST_REFUND = "request_refund"
    WITHDRAW_REFUND = "withdraw_refund"
    CANCEL = "cancel"
    ESCALATE = "escalate"
    REORDER = "reorder"
    DELETE = "delete"


OVERDUE = {
    DeadlineKind.EXPIRE_UNPAID: Words("it expires unpaid now."),
    DeadlineKind.AUTO_CANCEL: Words("it is being cancelled and refunded to the buyer."),
    DeadlineKind.AUTO_CONFIRM: Words("it is being confirmed as received."),
    DeadlineKind.AUTO_REFUND: Words("the refund is being approved automatically."),
}


def _overdue(order: Order, kind: DeadlineKind) -> Words:
    """What the scheduler is applying; an unanswered request refunds an undelivered order."""
    if kind is DeadlineKind.AUTO_REFUND and t.silence_refunds_whole_order(order):
        return Words("it was not delivered, so the whole order is being refunded to the buyer.")
    return OVERDUE[kind]


def _probe(policy: Policy) -> dict[Action, Callable[[Order, Actor, datetime], t.Outcome]]:
    return {
        Action.PAY: lambda o, a, n: t.pay(o, a, n, via="balance", buyer_balance=o.amount_minor),
        Action.DELIVER: lambda o, a, n: t.deliver(o, a, n, "probe"),
        Action.CONFIRM: t.confirm,
        Action.APPROVE_REFUND: t.approve_refund,
        Action.REJECT_REFUND: lambda o, a, n: t.reject_refund(o, a, n, "probe"),
        Action.REQUEST_REFUND: lambda o, a, n: t.request_refund(
            o, a, n, policy, amount_minor=None, reason=""
        ),
        Action.WITHDRAW_REFUND: t.withdraw_refund,
        Action.CANCEL: t.cancel,
        Action.ESCALATE: lambda o, a, n: t.escalate(o, a, n, ""),
        Action.REORDER: lambda o, a, n: t.reorder(o, a, _probe_offer(o, n), "KPROBE00", n),
        Action.DELETE: lambda o, a, n: t.hide(o, a),
    }


def _probe_offer(order: Order, now: datetime) -> Offer:
    return Offer(
        id=order.offer_id or "probe",
        seller_id=order.seller_id,
        title=order.title,
        price_minor=order.amount_minor,
        currency=order.currency,
        created_at=now,
        updated_at=now,
    )


def check_action(order: Order, user_id: int, now: datetime, policy: Policy, action: Action) -> None:
    """Raise the core's own refusal if `user_id` cannot take `action` on `order` at `now`.

    For actions that first show a prompt or ask a question (confirm, refund, deliver,
    cancel): the refusal comes before the prompt, in the words the action itself would use.
    """
    role = order.role_of(user_id)
    if role is None:
        raise OrderNotFound(order.id)
    due = t.overdue_resolution(order, now, policy)
    if due is not None:
        # The window closed a moment ago and the scheduler is applying what it decided;
        # any move would be refused after it (OrderService settles it first).
        raise IllegalTransition(
            Words("Time is up on order {order}: {what}"),
            order=order.id,
            what=_overdue(order, due.kind),
        )
    if action is Action.REORDER and order.offer_id is None:
        raise IllegalTransition(
            Words("This order was not placed from an offer, so it can't be re-ordered.")
        )
    _probe(policy)[action](order, Actor(role, user_id), now)  # pure: the outcome is discarded


def available_actions(order: Order, user_id: int, now: datetime, policy: Policy) -> list[Action]:
    """The actions `user_id` may take on `order` at `now` (empty for strangers)."""
    if order.role_of(user_id) is None:
        return []
    found = []
    for action in Action:
        try:
            check_action(order, user_id, now, policy, action)
        except DomainError:
            continue  # merely early ones too: the card says when instead (upcoming_actions)
        found.append(action)
    return found


def upcoming_actions(
    order: Order, user_id: int, now: datetime, policy: Policy
) -> dict[Action, datetime]:
    """Actions `user_id` cannot take yet but will be able to, with the moment they open."""
    if order.role_of(user_id) is None:
        return {}
    found = {}
    for action in Action:
        try:
            check_action(order, user_id, now, policy, action)
        except TooEarly as early:
            found[action] = early.allowed_at
        except DomainError:
            continue
    return found


def whose_turn(order: Order) -> Role | None:
    """Who is expected to act next (None when nobody is, or support is)."""
    if order.status.finished or order.dispute_open:
        return None
    if order.refund_open:
        return Role.SELLER
    return {
        "waiting_payment": Role.BUYER,
        "waiting_delivery": Role.SELLER,
        "waiting_confirmation": Role.BUYER,
    }.get(order.status.value)
