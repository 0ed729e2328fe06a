"""Every (state x action x actor) case of the order state machine, legal and illegal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import transitions as t
from bot.domain.errors import DomainError, IllegalTransition, NotAllowed
from bot.domain.model import Actor, Offer, Order, Resolution, Role
from bot.domain.policy import Policy

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
POLICY = Policy()
BUYER, SELLER, AGENT, SYSTEM = (
    Actor(Role.BUYER, 1),
    Actor(Role.SELLER, 2),
    Actor(Role.AGENT, 9),
    Actor(Role.SYSTEM),
)
ACTORS = {"buyer": BUYER, "seller": SELLER, "agent": AGENT, "system": SYSTEM}
OFFER = Offer(
    id="OFFER001",
    seller_id=2,
    title="Gift card",
    price_minor=1500,
    currency="MYR",
    created_at=T0,
    updated_at=T0,
)


def _new() -> Order:
    return t.create_order(
        order_id="KAAAAAAA",
        buyer_id=1,
        seller_id=2,
        title="Gift card",
        amount_minor=1000,
        currency="MYR",
        now=T0,
        offer_id=OFFER.id,
    ).order


def _paid() -> Order:
    return t.pay(_new(), SYSTEM, T0, via="external").order


def _delivered() -> Order:
    return t.deliver(_paid(), SELLER, T0 + timedelta(hours=2), "code: ABC").order


def _refund(order: Order) -> Order:
    return t.request_refund(
        order, BUYER, T0 + timedelta(hours=3), POLICY, amount_minor=None, reason="not working"
    ).order


def _rejected() -> Order:
    return t.reject_refund(_refund(_delivered()), SELLER, T0 + timedelta(hours=4), "works").order


def _disputed() -> Order:
    return t.escalate(_rejected(), BUYER, T0 + timedelta(hours=5), "seller lies").order


STATES: dict[str, Callable[[], Order]] = {
    "waiting_payment": _new,
    "waiting_delivery": _paid,
    "undelivered_refund_open": lambda: _refund(_paid()),
    "waiting_confirmation": _delivered,
    "delivered_refund_open": lambda: _refund(_delivered()),
    "refund_rejected": _rejected,
    "disputed": _disputed,
    "completed": lambda: t.confirm(_delivered(), BUYER, T0 + timedelta(hours=3)).order,
    "refunding": lambda: t.cancel(_paid(), SELLER, T0 + timedelta(hours=3)).order,
    "expired": lambda: (
        t.apply_deadline(
            _new(),
            t.DeadlineKind.EXPIRE_UNPAID,
            T0 + POLICY.payment_window,
            T0 + timedelta(hours=2),
            POLICY,
        ).order
    ),
}

NOW = T0 + timedelta(hours=10)
ACTIONS: dict[str, Callable[[Order, Actor], t.Outcome]] = {
    "pay_balance": lambda o, a: t.pay(o, a, NOW, via="balance", buyer_balance=10**6),
    "pay_external": lambda o, a: t.pay(o, a, NOW, via="external"),
    "confirm_payment": lambda o, a: t.pay(o, a, NOW, via="support"),
    "deliver": lambda o, a: t.deliver(o, a, NOW, "here you go"),
    "confirm": lambda o, a: t.confirm(o, a, NOW),
    "cancel": lambda o, a: t.cancel(o, a, NOW),
    "request_refund": lambda o, a: t.request_refund(
        o, a, NOW, POLICY, amount_minor=400, reason="half broken"
    ),
    "withdraw_refund": lambda o, a: t.withdraw_refund(o, a, NOW),
    "approve_refund": lambda o, a: t.approve_refund(o, a, NOW),
    "reject_refund": lambda o, a: t.reject_refund(o, a, NOW, "it works"),
    "escalate": lambda o, a: t.escalate(o, a, NOW, "help"),
    "resolve_refund_full": lambda o, a: t.resolve_dispute(o, a, NOW, Resolution.REFUND_FULL),
    "resolve_release": lambda o, a: t.resolve_dispute(o, a, NOW, Resolution.RELEASE),
    "close_dispute": lambda o, a: t.close_dispute(o, a, NOW),
    "delete": lambda o, a: t.hide(o, a),
    "reorder": lambda o, a: t.reorder(o, a, OFFER, "KBBBBBBB", NOW),
}

# (state, action) -> the actors who may do it. Everything not listed is refused.
LEGAL: dict[tuple[str, str], set[str]] = {
    ("waiting_payment", "pay_balance"): {"buyer"},
    ("waiting_payment", "pay_external"): {"system"},
    ("waiting_payment", "confirm_payment"): {"agent"},
    ("waiting_payment", "cancel"): {"buyer", "seller"},
    ("expired", "confirm_payment"): {"agent"},
    ("expired", "delete"): {"buyer", "seller"},
    ("expired", "reorder"): {"buyer"},
    ("waiting_delivery", "deliver"): {"seller"},
    ("waiting_delivery", "cancel"): {"seller"},
    ("waiting_delivery", "request_refund"): {"buyer"},
    ("waiting_delivery", "escalate"): {"buyer", "seller"},
    ("waiting_delivery", "resolve_refund_full"): {"agent"},
    ("waiting_delivery", "resolve_release"): {"agent"},
    ("undelivered_refund_open", "deliver"): {"seller"},
    ("undelivered_refund_open", "cancel"): {"seller"},
    ("undelivered_refund_open", "withdraw_refund"): {"buyer"},
    ("undelivered_refund_open", "approve_refund"): {"seller", "system"},
    ("undelivered_refund_open", "reject_refund"): {"seller"},
    ("undelivered_refund_open", "escalate"): {"buyer", "seller"},
    ("undelivered_refund_open", "resolve_refund_full"): {"agent"},
    ("undelivered_refund_open", "resolve_release"): {"agent"},
    ("waiting_confirmation", "confirm"): {"buyer", "system"},
    ("waiting_confirmation", "cancel"): {"seller"},
    ("waiting_confirmation", "request_refund"): {"buyer"},
    ("waiting_confirmation", "escalate"): {"buyer", "seller"},
    ("waiting_confirmation", "resolve_refund_full"): {"agent"},
    ("waiting_confirmation", "resolve_release"): {"agent"},
    ("delivered_refund_open", "confirm"): {"buyer"},
    ("delivered_refund_open", "cancel"): {"seller"},
    ("delivered_refund_open", "withdraw_refund"): {"buyer"},
    ("delivered_refund_open", "approve_refund"): {"seller", "system"},
    ("delivered_refund_open", "reject_refund"): {"seller"},
    ("delivered_refund_open", "escalate"): {"buyer", "seller"},
    ("delivered_refund_open", "resolve_refund_full"): {"agent"},
    ("delivered_refund_open", "resolve_release"): {"agent"},
    ("refund_rejected", "confirm"): {"buyer", "system"},
    ("refund_rejected", "cancel"): {"seller"},
    ("refund_rejected", "escalate"): {"buyer", "seller"},
    ("refund_rejected", "resolve_refund_full"): {"agent"},
    ("refund_rejected", "resolve_release"): {"agent"},
    ("disputed", "resolve_refund_full"): {"agent"},
    ("disputed", "resolve_release"): {"agent"},
    ("disputed", "close_dispute"): {"agent"},
    ("completed", "delete"): {"buyer", "seller"},
    ("refunding", "delete"): {"buyer", "seller"},
}

CASES = [(state, action, actor) for state in STATES for action in ACTIONS for actor in ACTORS]


@pytest.mark.parametrize(("state", "action", "actor"), CASES)
def test_transition_table(state: str, action: str, actor: str) -> None:
    order = STATES[state]()
    legal = actor in LEGAL.get((state, action), set())
    if legal:
        outcome = ACTIONS[action](order, ACTORS[actor])
        assert outcome.order.id in (order.id, "KBBBBBBB")
        return
    with pytest.raises(DomainError) as err:
        ACTIONS[action](order, ACTORS[actor])
    assert isinstance(err.value, NotAllowed | IllegalTransition)
    assert err.value.message  # every refusal says why, in words


def test_every_legal_case_names_a_real_state_and_action() -> None:
    for state, action in LEGAL:
        assert state in STATES and action in ACTIONS


def test_an_illegal_action_leaves_the_order_untouched() -> None:
    order = _delivered()
    before = order.model_dump()
    with pytest.raises(DomainError):
        t.deliver(order, SELLER, NOW, "again")
    assert order.model_dump() == before
