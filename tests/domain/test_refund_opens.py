"""When a refund request opens: said from the policy, never offered early, redrawn on time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import transitions as t
from bot.domain.actions import Action, available_actions, check_action, upcoming_actions
from bot.domain.deadlines import DeadlineKind, open_deadlines
from bot.domain.errors import StaleDeadline, TooEarly
from bot.domain.model import Role
from bot.domain.policy import Policy, spoken
from tests.domain.test_transition_table import (
    POLICY,
    SELLER,
    STATES,
    T0,
    _delivered,
    _new,
    _paid,
)

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(seconds=1), "1 second"),
        (timedelta(seconds=30), "30 seconds"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=90), "1 hour 30 minutes"),
        (H, "1 hour"),
        (6 * H, "6 hours"),
        (timedelta(hours=72), "3 days"),
        (timedelta(days=2, hours=3, minutes=4), "2 days 3 hours"),
    ],
)
def test_a_window_is_said_as_people_say_it(duration: timedelta, words: str) -> None:
    assert spoken(duration) == words


@pytest.mark.parametrize("minimum", [timedelta(minutes=30), H, timedelta(minutes=90)])
def test_a_refund_is_not_offered_before_the_minimum_age_and_the_refusal_says_so(
    minimum: timedelta,
) -> None:
    policy = Policy(refund_min_age=minimum)
    paid = _paid()  # paid at T0
    early = T0 + minimum - timedelta(seconds=1)
    assert Action.REQUEST_REFUND not in available_actions(paid, 1, early, policy)
    assert upcoming_actions(paid, 1, early, policy) == {Action.REQUEST_REFUND: T0 + minimum}
    with pytest.raises(TooEarly) as refused:
        check_action(paid, 1, early, policy, Action.REQUEST_REFUND)
    assert refused.value.message == (
        f"A refund can be requested from {spoken(minimum)} after payment."
    )
    assert refused.value.allowed_at == T0 + minimum

    assert Action.REQUEST_REFUND in available_actions(paid, 1, T0 + minimum, policy)
    assert upcoming_actions(paid, 1, T0 + minimum, policy) == {}
    assert upcoming_actions(paid, 2, early, policy) == {}  # the seller never asks for one


# (state, whether the buyer's card still waits for the refund window to open)
@pytest.mark.parametrize(
    ("state", "opens"),
    [
        ("waiting_payment", False),
        ("waiting_delivery", True),
        ("waiting_confirmation", True),
        ("undelivered_refund_open", False),
        ("delivered_refund_open", False),
        ("refund_rejected", False),
        ("disputed", False),
        ("completed", False),
        ("refunding", False),
        ("expired", False),
    ],
)
def test_only_a_live_paid_order_without_a_request_waits_for_the_refund_window(
    state: str, opens: bool
) -> None:
    kinds = [d.kind for d in open_deadlines(STATES[state](), POLICY)]
    assert (DeadlineKind.REFUND_OPENS in kinds) is opens


def test_the_window_opening_redraws_the_buyers_card_and_changes_nothing() -> None:
    order = _delivered()
    (opens,) = [d for d in open_deadlines(order, POLICY) if d.kind is DeadlineKind.REFUND_OPENS]
    assert opens.due_at == T0 + POLICY.refund_min_age
    out = t.apply_deadline(order, opens.kind, opens.due_at, opens.due_at, POLICY)
    assert not out.changed and out.order == order and out.txn is None
    (event,) = out.events
    assert (event.kind, event.recipients) == ("refund_available", (Role.BUYER,))


def test_after_downtime_the_opening_is_skipped_when_the_order_resolves_anyway() -> None:
    order = _paid()
    late = T0 + POLICY.delivery_window
    with pytest.raises(StaleDeadline):
        t.apply_deadline(order, DeadlineKind.REFUND_OPENS, T0 + POLICY.refund_min_age, late, POLICY)


def test_the_moment_does_not_move_when_the_seller_delivers() -> None:
    delivered = t.deliver(_paid(), SELLER, T0 + timedelta(minutes=20), "code").order
    opens = [d for d in open_deadlines(delivered, POLICY) if d.kind is DeadlineKind.REFUND_OPENS]
    assert [d.due_at for d in opens] == [T0 + POLICY.refund_min_age]
    assert DeadlineKind.REFUND_OPENS not in {d.kind for d in open_deadlines(_new(), POLICY)}
