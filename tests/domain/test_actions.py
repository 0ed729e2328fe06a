"""Which actions a party has: the card's buttons and the prompts' refusals agree with the
transitions, and a closed window offers nothing until the scheduler has acted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from bot.domain.actions import Action, available_actions, check_action
from bot.domain.errors import IllegalTransition, OrderNotFound
from bot.domain.model import Order
from tests.domain.test_transition_table import POLICY, T0, _delivered, _new, _paid

SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("make", "closes", "party", "open_actions", "words"),
    [
        (_new, T0 + POLICY.payment_window, 1, {Action.PAY, Action.CANCEL}, "expires unpaid"),
        (
            _paid,
            T0 + POLICY.delivery_window,
            2,
            {Action.DELIVER, Action.CANCEL, Action.ESCALATE},
            "cancelled and refunded",
        ),
        (
            _delivered,
            T0 + timedelta(hours=2) + POLICY.confirm_window,
            1,
            {Action.CONFIRM, Action.REQUEST_REFUND, Action.ESCALATE},
            "confirmed as received",
        ),
    ],
    ids=["unpaid", "undelivered", "delivered"],
)
def test_a_closed_window_offers_no_action_and_says_why(
    make: Callable[[], Order],
    closes: datetime,
    party: int,
    open_actions: set[Action],
    words: str,
) -> None:
    order = make()
    before = set(available_actions(order, party, closes - SECOND, POLICY))
    assert open_actions <= before
    assert available_actions(order, party, closes, POLICY) == []
    for action in open_actions:
        with pytest.raises(IllegalTransition, match=f"Time is up on order {order.id}: .*{words}"):
            check_action(order, party, closes, POLICY, action)


def test_a_stranger_has_no_actions_and_is_told_the_order_does_not_exist() -> None:
    order = _paid()
    assert available_actions(order, 77, T0, POLICY) == []
    with pytest.raises(OrderNotFound):
        check_action(order, 77, T0, POLICY, Action.DELIVER)
