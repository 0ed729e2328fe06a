"""Which of the asker's orders a help-center question means, and what the matcher is told."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.domain import faq_needs as told_as
from bot.domain import transitions as t
from bot.domain.asker_order import asker_order, last_change, meant_order
from bot.domain.deadlines import Deadline, DeadlineKind
from bot.domain.faq_situation import OrderContext
from bot.domain.model import Order, Role, Status
from tests.domain.test_transition_table import BUYER as BUYER_ACTOR
from tests.domain.test_transition_table import POLICY, STATES, SYSTEM, T0
from tests.domain.test_transition_table import SELLER as SELLER_ACTOR

H = timedelta(hours=1)
DAY = timedelta(days=1)
BUYER, SELLER, STRANGER = 1, 2, 3


def _order(oid: str, created: datetime, *, paid: datetime | None = None) -> Order:
    """An order of BUYER from SELLER placed at `created` (and paid at `paid`)."""
    order = t.create_order(
        order_id=oid,
        buyer_id=BUYER,
        seller_id=SELLER,
        title="Gift card",
        amount_minor=1000,
        currency="MYR",
        now=created,
    ).order
    return order if paid is None else t.pay(order, SYSTEM, paid, via="external").order


def _completed(oid: str, at: datetime) -> Order:
    """Paid and delivered an hour before `at`, confirmed received at `at`."""
    paid = _order(oid, at - 2 * H, paid=at - 2 * H)
    delivered = t.deliver(paid, SELLER_ACTOR, at - H, "code").order
    return t.confirm(delivered, BUYER_ACTOR, at).order


def _strangers(oid: str, created: datetime) -> Order:
    """Someone else's order: BUYER and SELLER are not parties to it."""
    return _order(oid, created).model_copy(update={"buyer_id": 7, "seller_id": 8})


OLD_OPEN = _order("KAAAAAA2", T0, paid=T0 + 5 * H)  # placed first, paid later
NEW_UNPAID = _order("KAAAAAA3", T0 + H)  # placed later, untouched since
DONE_YESTERDAY = _completed("KAAAAAA4", T0 + 9 * DAY)
DONE_LONG_AGO = _completed("KAAAAAA5", T0)
FOREIGN = _strangers("KAAAAAA6", T0 + 9 * DAY)
NOW = T0 + 10 * DAY


@pytest.mark.parametrize(
    ("user", "orders", "mentioned", "meant"),
    [
        # Nothing to go on: no line, no context.
        (BUYER, [], [], None),
        (BUYER, [], ["KAAAAAA2"], None),
        # The asker's unfinished order that changed last, whenever it was placed.
        (BUYER, [OLD_OPEN, NEW_UNPAID], [], "KAAAAAA2"),
        # An unfinished order beats a finished one that changed more recently.
        (BUYER, [DONE_YESTERDAY, NEW_UNPAID], [], "KAAAAAA3"),
        # An order of theirs they name wins, in any case, over the one that changed last.
        (BUYER, [OLD_OPEN, NEW_UNPAID], ["KAAAAAA3"], "KAAAAAA3"),
        (BUYER, [OLD_OPEN, NEW_UNPAID], ["kaaaaaa3"], "KAAAAAA3"),
        (BUYER, [OLD_OPEN, DONE_LONG_AGO], ["KAAAAAA5"], "KAAAAAA5"),
        # The first of theirs among the ids named.
        (BUYER, [OLD_OPEN, NEW_UNPAID], ["KZZZZZZZ", "KAAAAAA2", "KAAAAAA3"], "KAAAAAA2"),
        # Someone else's id is passed over exactly like an unknown one, even if it slipped
        # into the list: the pick is the one the asker would get naming nothing.
        (BUYER, [OLD_OPEN, FOREIGN], ["KAAAAAA6"], "KAAAAAA2"),
        (BUYER, [OLD_OPEN, FOREIGN], ["KZZZZZZZ"], "KAAAAAA2"),
        (BUYER, [OLD_OPEN, FOREIGN], [], "KAAAAAA2"),
        (STRANGER, [OLD_OPEN, NEW_UNPAID], ["KAAAAAA2"], None),
        (BUYER, [FOREIGN], ["KAAAAAA6"], None),
        # Nothing unfinished: the latest order changed within the last week, else none.
        (BUYER, [DONE_YESTERDAY, DONE_LONG_AGO], [], "KAAAAAA4"),
        (BUYER, [DONE_LONG_AGO], [], None),
        # The seller's side counts the same.
        (SELLER, [OLD_OPEN, NEW_UNPAID], [], "KAAAAAA2"),
    ],
)
def test_the_order_a_question_means(
    user: int, orders: list[Order], mentioned: list[str], meant: str | None
) -> None:
    picked = meant_order(user, orders, mentioned, NOW)
    assert (picked.id if picked else None) == meant


def test_an_order_changes_when_its_facts_do() -> None:
    assert last_change(NEW_UNPAID) == T0 + H
    assert last_change(OLD_OPEN) == T0 + 5 * H
    assert last_change(STATES["disputed"]()) == T0 + 5 * H  # escalated last
    assert last_change(STATES["undelivered_refund_open"]()) == T0 + 3 * H


def test_a_week_is_the_default_and_can_be_changed() -> None:
    week_later = DONE_YESTERDAY.closed_at
    assert week_later is not None
    at_the_edge = week_later + 7 * DAY
    assert meant_order(BUYER, [DONE_YESTERDAY], [], at_the_edge) == DONE_YESTERDAY
    assert meant_order(BUYER, [DONE_YESTERDAY], [], at_the_edge + H) is None
    assert meant_order(BUYER, [DONE_YESTERDAY], [], at_the_edge, recent=DAY) is None


# (state, asker, hours after T0) -> what the matcher is told. The orders are the transition
# table's: placed and paid at T0, delivered at T0+2h, a refund asked at T0+3h.
@pytest.mark.parametrize(
    ("state", "user", "hours", "context"),
    [
        ("waiting_payment", BUYER, 0.5, OrderContext(Status.WAITING_PAYMENT, Role.BUYER)),
        ("waiting_payment", BUYER, 1, OrderContext(Status.WAITING_PAYMENT, Role.BUYER, True)),
        ("waiting_payment", SELLER, 2, OrderContext(Status.WAITING_PAYMENT, Role.SELLER, True)),
        ("waiting_delivery", BUYER, 71, OrderContext(Status.WAITING_DELIVERY, Role.BUYER)),
        ("waiting_delivery", BUYER, 73, OrderContext(Status.WAITING_DELIVERY, Role.BUYER, True)),
        ("waiting_delivery", SELLER, 5, OrderContext(Status.WAITING_DELIVERY, Role.SELLER)),
        (
            "waiting_confirmation",
            BUYER,
            75,
            OrderContext(Status.WAITING_CONFIRMATION, Role.BUYER, True),
        ),
        # An open refund request pauses the status's clock: never overdue, even after the
        # seller's answer is late (the refund request itself is what the matcher is told).
        (
            "undelivered_refund_open",
            BUYER,
            4,
            OrderContext(Status.WAITING_DELIVERY, Role.BUYER, refund_requested=True),
        ),
        (
            "undelivered_refund_open",
            SELLER,
            80,
            OrderContext(Status.WAITING_DELIVERY, Role.SELLER, refund_requested=True),
        ),
        (
            "delivered_refund_open",
            BUYER,
            4,
            OrderContext(Status.WAITING_CONFIRMATION, Role.BUYER, refund_requested=True),
        ),
        # A rejected request is closed; a dispute stops every clock.
        ("disputed", BUYER, 200, OrderContext(Status.WAITING_CONFIRMATION, Role.BUYER)),
        ("completed", BUYER, 200, OrderContext(Status.COMPLETED, Role.BUYER)),
        ("refunding", SELLER, 4, OrderContext(Status.REFUNDING, Role.SELLER)),
        ("expired", BUYER, 3, OrderContext(Status.EXPIRED, Role.BUYER)),
    ],
)
def test_what_the_matcher_is_told_of_the_order(
    state: str, user: int, hours: float, context: OrderContext
) -> None:
    order = STATES[state]()
    about = asker_order(user, [order], [], T0 + timedelta(hours=hours), POLICY, recent=DAY * 30)
    assert about is not None and about.order == order
    assert about.context == context


@pytest.mark.parametrize(
    ("state", "deadline"),
    [
        ("waiting_payment", Deadline(T0 + H, DeadlineKind.EXPIRE_UNPAID)),
        ("waiting_delivery", Deadline(T0 + 72 * H, DeadlineKind.AUTO_CANCEL)),
        ("waiting_confirmation", Deadline(T0 + 74 * H, DeadlineKind.AUTO_CONFIRM)),
        ("undelivered_refund_open", Deadline(T0 + 9 * H, DeadlineKind.AUTO_REFUND)),
        ("disputed", None),
        ("completed", None),
    ],
)
def test_the_answer_knows_what_happens_next_and_when(state: str, deadline: Deadline | None) -> None:
    about = asker_order(BUYER, [STATES[state]()], [], T0 + 10 * H, POLICY)
    assert about is not None and about.next_deadline == deadline


def _titled(oid: str, title: str, created: datetime) -> Order:
    return _order(oid, created).model_copy(update={"title": title})


NETFLIX_UNPAID = _titled("KBBBBBB2", "Netflix Premium 1 month", T0 + 9 * DAY)
STEAM_DELIVERED = t.deliver(
    t.pay(
        _titled("KBBBBBB3", "Steam Wallet Code MYR 50", T0 + 9 * DAY),
        SYSTEM,
        T0 + 9 * DAY + H,
        via="external",
    ).order,
    SELLER_ACTOR,
    T0 + 9 * DAY + 2 * H,
    "code",
).order
GARENA_CODE_UNPAID = _titled("KBBBBBB4", "Garena Shells Code", T0 + 9 * DAY)


@pytest.mark.parametrize(
    ("words", "told", "meant"),
    [
        # Nothing in the question to go on: the order that changed last.
        ("hello?", (), "KBBBBBB3"),
        # The product named: that order, though the other changed later.
        ("my netflix order, what now", (), "KBBBBBB2"),
        ("NETFLIX???", (), "KBBBBBB2"),
        # What the words tell: a failed payment is about the order waiting for payment...
        ("payment failed", (told_as.PAY_FAILED,), "KBBBBBB2"),
        # ... goods that came, about the one delivered.
        ("the code does not work", (told_as.WRONG,), "KBBBBBB3"),
        # The product named comes first: its order, even if the facts told do not fit it.
        ("the netflix login does not work", (told_as.WRONG,), "KBBBBBB2"),
        # Money back is asked of an order paid for, not of one waiting for payment.
        ("was my money refunded?", (told_as.WANT_REFUND,), "KBBBBBB3"),
        # Facts no order fits change nothing.
        ("i confirmed it", (told_as.CONFIRMED,), "KBBBBBB3"),
    ],
)
def test_the_product_and_the_facts_a_question_names_pick_the_order(
    words: str, told: tuple[str, ...], meant: str
) -> None:
    picked = meant_order(BUYER, [NETFLIX_UNPAID, STEAM_DELIVERED], [], NOW, words=words, told=told)
    assert picked is not None and picked.id == meant


def test_money_asked_back_is_about_the_order_refunded_not_the_unpaid_one() -> None:
    refunded = t.approve_refund(
        t.request_refund(
            STEAM_DELIVERED, BUYER_ACTOR, T0 + 9 * DAY + 3 * H, POLICY, amount_minor=None, reason=""
        ).order,
        SELLER_ACTOR,
        T0 + 9 * DAY + 4 * H,
    ).order
    newer_unpaid = _titled("KBBBBBB7", "Netflix Premium 1 month", T0 + 9 * DAY + 5 * H)
    orders = [refunded, newer_unpaid]
    assert meant_order(BUYER, orders, [], NOW) == newer_unpaid
    picked = meant_order(BUYER, orders, [], NOW, words="refunded?", told=[told_as.WANT_REFUND])
    assert picked == refunded


def test_a_word_every_title_shares_names_no_order() -> None:
    # "code" is in both titles: it tells them apart no more than "order" would.
    orders = [GARENA_CODE_UNPAID, STEAM_DELIVERED]
    for words, meant in [("the code", "KBBBBBB3"), ("garena code", "KBBBBBB4")]:
        picked = meant_order(BUYER, orders, [], NOW, words=words)
        assert picked is not None and picked.id == meant, words


def test_a_product_named_finds_a_recently_finished_order_over_an_unfinished_one() -> None:
    done = _completed("KBBBBBB5", T0 + 9 * DAY).model_copy(update={"title": "Spotify Premium"})
    picked = meant_order(BUYER, [done, NETFLIX_UNPAID], [], NOW, words="my spotify stopped")
    assert picked is not None and picked.id == "KBBBBBB5"
    # Named or not, an order finished longer ago than `recent` is not picked.
    long_ago = _completed("KBBBBBB6", T0).model_copy(update={"title": "Spotify Premium"})
    picked = meant_order(BUYER, [long_ago, NETFLIX_UNPAID], [], NOW, words="my spotify stopped")
    assert picked is not None and picked.id == "KBBBBBB2"
