"""Catching up after downtime: the bot was down when deadlines passed; the start sweep
applies each overdue resolution once, tells the right people, and skips stale reminders.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.deadlines import DeadlineKind
from bot.domain.errors import DomainError
from bot.domain.ledger import user_account
from bot.domain.model import Order, Status
from bot.domain.policy import Policy
from bot.ports.storage import Storage
from bot.services.audit import ledger_violations
from bot.services.deadlines import RULES_KEY, DeadlineService
from bot.services.orders import OrderService
from tests.conftest import make_order, make_paid_order

BUYER, SELLER, PRICE = 1, 2, 1250
H = timedelta(hours=1)
Setup = Callable[[OrderService, ManualClock], Awaitable[Order]]


@dataclass
class Engine:
    """The services of one run of the bot."""

    store: Storage
    orders: OrderService
    deadlines: DeadlineService


@asynccontextmanager
async def running(db_url: str, clock: ManualClock, policy: Policy) -> AsyncIterator[Engine]:
    """Open the database as the bot does at start, and close it at shutdown."""
    store = await open_storage(db_url)
    try:
        yield Engine(
            store, OrderService(store, clock, policy), DeadlineService(store, clock, policy)
        )
    finally:
        await store.close()


async def _unpaid(orders: OrderService, clock: ManualClock) -> Order:
    return await make_order(orders, BUYER, SELLER, PRICE)


async def _undelivered(orders: OrderService, clock: ManualClock) -> Order:
    return await make_paid_order(orders, clock, BUYER, SELLER, PRICE)


async def _delivered(orders: OrderService, clock: ManualClock) -> Order:
    paid = await make_paid_order(orders, clock, BUYER, SELLER, PRICE)
    clock.advance(2 * H)
    return await orders.deliver(paid.id, SELLER, "CODE-1234")


async def _refund_on_undelivered(orders: OrderService, clock: ManualClock) -> Order:
    paid = await make_paid_order(orders, clock, BUYER, SELLER, PRICE)
    clock.advance(H)
    return await orders.request_refund(paid.id, BUYER, None, "seller is silent")


async def _refund_on_delivered(orders: OrderService, clock: ManualClock) -> Order:
    delivered = await _delivered(orders, clock)
    clock.advance(H)
    return await orders.request_refund(delivered.id, BUYER, None, "code does not work")


@dataclass(frozen=True)
class Case:
    """An order left in one state over a downtime, and what must happen to it."""

    setup: Setup
    window: timedelta  # from the setup's last move to the resolution
    resolution: DeadlineKind
    # reminders (and the buyer's card gaining "Request refund") due with the resolution
    stale_reminders: int
    status: Status
    close_reason: str
    event: str  # what both parties are told
    to_buyer: int
    to_seller: int


CASES = {
    "unpaid expires at 1 h": Case(
        setup=_unpaid,
        window=H,
        resolution=DeadlineKind.EXPIRE_UNPAID,
        stale_reminders=1,
        status=Status.EXPIRED,
        close_reason="expired",
        event="order_expired",
        to_buyer=0,
        to_seller=0,
    ),
    "refund asked before delivery is granted at 6 h": Case(
        setup=_refund_on_undelivered,
        window=6 * H,
        resolution=DeadlineKind.AUTO_REFUND,
        stale_reminders=1,
        status=Status.REFUNDING,
        close_reason="refund_auto_approved",
        event="refund_approved",
        to_buyer=PRICE,
        to_seller=0,
    ),
    "refund asked after delivery is granted at 24 h": Case(
        setup=_refund_on_delivered,
        window=24 * H,
        resolution=DeadlineKind.AUTO_REFUND,
        stale_reminders=1,
        status=Status.REFUNDING,
        close_reason="refund_auto_approved",
        event="refund_approved",
        to_buyer=PRICE,
        to_seller=0,
    ),
    "undelivered is cancelled at 72 h": Case(
        setup=_undelivered,
        window=72 * H,
        resolution=DeadlineKind.AUTO_CANCEL,
        stale_reminders=3,
        status=Status.REFUNDING,
        close_reason="auto_cancelled",
        event="order_cancelled",
        to_buyer=PRICE,
        to_seller=0,
    ),
    "delivered is confirmed at 72 h": Case(
        setup=_delivered,
        window=72 * H,
        resolution=DeadlineKind.AUTO_CONFIRM,
        stale_reminders=2,
        status=Status.COMPLETED,
        close_reason="auto_confirmed",
        event="order_completed",
        to_buyer=0,
        to_seller=PRICE,
    ),
}
DOWNTIMES = {"just past the deadline": timedelta(minutes=1), "a month late": timedelta(days=30)}


async def _state(store: Storage, order_id: str) -> tuple[object, ...]:
    async with store.read() as tx:
        return (
            await tx.get_order(order_id),
            await tx.all_balances(),
            await tx.outbox_for(order_id),
            await tx.fired_deadlines(order_id),
            await tx.count_deadlines("obsolete"),
        )


@pytest.mark.parametrize("downtime", DOWNTIMES.values(), ids=DOWNTIMES.keys())
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_a_restart_applies_each_overdue_resolution_once_and_skips_stale_reminders(
    db_url: str, clock: ManualClock, policy: Policy, case: Case, downtime: timedelta
) -> None:
    async with running(db_url, clock, policy) as bot:
        order = await case.setup(bot.orders, clock)
        last_move = clock.now()
        async with bot.store.read() as tx:
            pending = await tx.pending_deadlines(order.id)
            heard_before = len(await tx.outbox_for(order.id))
    due = last_move + case.window
    kinds = Counter(d.kind for d in pending)
    assert {(d.kind, d.due_at) for d in pending if d.kind == case.resolution} == {
        (case.resolution.value, due)
    }
    assert sum(kinds.values()) == 1 + case.stale_reminders

    clock.set(due + downtime)  # the bot was down while everything fell due

    async with running(db_url, clock, policy) as bot:
        report = await bot.deadlines.sweep()  # what the scheduler does at start
        async with bot.store.read() as tx:
            done = await tx.get_order(order.id)
            fired = await tx.fired_deadlines(order.id)
            still_pending = await tx.pending_deadlines(order.id)
            outbox = (await tx.outbox_for(order.id))[heard_before:]
            buyer = await tx.balance(user_account(BUYER), "MYR")
            seller = await tx.balance(user_account(SELLER), "MYR")
            keys = await tx.txn_keys(order.id)
        assert (report.applied, report.reminders, report.obsolete, report.failed) == (
            1,
            0,
            case.stale_reminders,
            0,
        )
        assert done is not None
        assert (done.status, done.close_reason, done.closed_at) == (
            case.status,
            case.close_reason,
            clock.now(),
        )
        assert fired == [(case.resolution.value, due)]
        assert still_pending == []
        # Exactly one notice to each party, and none of the reminders that came too late.
        assert sorted((item.kind, item.recipient_id) for item in outbox) == [
            (case.event, BUYER),
            (case.event, SELLER),
        ]
        assert all(item.payload["event"] == case.event for item in outbox)
        assert (buyer, seller) == (case.to_buyer, case.to_seller)
        assert keys.count(f"{order.id}:settle") == (0 if case.status is Status.EXPIRED else 1)
        assert await ledger_violations(bot.store) == []

        before = await _state(bot.store, order.id)
        again = await bot.deadlines.sweep()
        assert again.total == 0
        assert await _state(bot.store, order.id) == before


async def test_a_downtime_ending_between_a_reminder_and_its_deadline_sends_only_the_reminder(
    db_url: str, clock: ManualClock, policy: Policy
) -> None:
    async with running(db_url, clock, policy) as bot:
        delivered = await _delivered(bot.orders, clock)
    assert delivered.delivered_at is not None
    due = delivered.delivered_at + policy.confirm_window
    clock.set(due - 12 * H)  # the 24 h reminder is overdue, the auto-confirm is not

    async with running(db_url, clock, policy) as bot:
        first = await bot.deadlines.sweep()
        second = await bot.deadlines.sweep()
        async with bot.store.read() as tx:
            order = await tx.get_order(delivered.id)
            reminders = [
                i for i in await tx.outbox_for(delivered.id) if i.kind.startswith("remind")
            ]
    # The 24 h reminder, and the buyer's card redrawn with "Request refund" (no message).
    assert (first.applied, first.reminders, first.obsolete) == (0, 2, 0)
    assert second.total == 0
    assert order is not None and order.status is Status.WAITING_CONFIRMATION
    assert [(i.kind, i.recipient_id, i.payload["due_at"]) for i in reminders] == [
        ("remind_confirm", BUYER, due.isoformat())
    ]

    clock.set(due)
    async with running(db_url, clock, policy) as bot:
        last = await bot.deadlines.sweep()
        async with bot.store.read() as tx:
            kinds = [i.kind for i in await tx.outbox_for(delivered.id)]
    assert (last.applied, last.reminders) == (1, 0)
    assert kinds.count("remind_confirm") == 1
    assert kinds.count("order_completed") == 2


async def _late_delivery(orders: OrderService, clock: ManualClock, policy: Policy) -> Order:
    paid = await make_paid_order(orders, clock, BUYER, SELLER, PRICE)
    clock.advance(policy.delivery_window + H)
    return paid


async def _late_rejection(orders: OrderService, clock: ManualClock, policy: Policy) -> Order:
    asked = await _refund_on_delivered(orders, clock)
    clock.advance(policy.refund_response_delivered + H)
    return asked


async def _late_payment(orders: OrderService, clock: ManualClock, policy: Policy) -> Order:
    await orders.top_up(BUYER, PRICE, "MYR", "late-payment")
    order = await make_order(orders, BUYER, SELLER, PRICE)
    clock.advance(policy.payment_window + H)
    return order


@dataclass(frozen=True)
class LateMove:
    """An order whose deadline passed during downtime, and a move that comes too late."""

    setup: Callable[[OrderService, ManualClock, Policy], Awaitable[Order]]
    move: Callable[[OrderService, str], Awaitable[Order]]
    status: Status  # what the deadline makes of the order
    buyer_balance: int


LATE_MOVES = {
    "seller delivers after the auto-cancel": LateMove(
        _late_delivery,
        lambda orders, oid: orders.deliver(oid, SELLER, "CODE-1234"),
        Status.REFUNDING,
        PRICE,
    ),
    "seller rejects after the auto-refund": LateMove(
        _late_rejection,
        lambda orders, oid: orders.reject_refund(oid, SELLER, "the code works"),
        Status.REFUNDING,
        PRICE,
    ),
    "buyer pays after the expiry": LateMove(
        _late_payment,
        lambda orders, oid: orders.pay_from_balance(oid, BUYER),
        Status.EXPIRED,
        PRICE,  # the top-up stays on the balance
    ),
}


@pytest.mark.parametrize("late", LATE_MOVES.values(), ids=LATE_MOVES.keys())
async def test_a_move_arriving_after_its_deadline_but_before_the_sweep_loses_to_the_deadline(
    db_url: str, clock: ManualClock, policy: Policy, late: LateMove
) -> None:
    async with running(db_url, clock, policy) as bot:
        order = await late.setup(bot.orders, clock, policy)
    # The bot restarts; a queued update (or the command line) acts before the start sweep.
    async with running(db_url, clock, policy) as bot:
        with pytest.raises(DomainError):
            await late.move(bot.orders, order.id)
        await bot.deadlines.sweep()
        after = await bot.orders.get(order.id)
        assert await bot.orders.balances(BUYER) == {"MYR": late.buyer_balance}
        assert await ledger_violations(bot.store) == []
    assert after.status is late.status


async def test_an_order_still_resolves_after_a_restart_with_a_longer_delivery_window(
    db_url: str, clock: ManualClock, policy: Policy
) -> None:
    async with running(db_url, clock, policy) as bot:
        paid = await _undelivered(bot.orders, clock)
    longer = policy.model_copy(update={"delivery_window": 96 * H})
    clock.advance(100 * H)  # past both the old (72 h) and the new (96 h) deadline

    async with running(db_url, clock, longer) as bot:
        await bot.deadlines.sweep()
        await bot.deadlines.sweep()  # the scheduler wakes again if anything is left due
        order = await bot.orders.get(paid.id)
        async with bot.store.read() as tx:
            pending = await tx.pending_deadlines(paid.id)
    assert order.status is Status.REFUNDING, (order.status, pending)
    assert pending == []


async def test_a_shorter_window_set_between_runs_applies_to_open_orders_from_the_next_start(
    db_url: str, clock: ManualClock, policy: Policy
) -> None:
    async with running(db_url, clock, policy) as bot:
        assert await bot.deadlines.reconcile() == 0  # nothing open yet: only the rules noted
        paid = await _undelivered(bot.orders, clock)
        assert await bot.deadlines.reconcile() == 0  # same rules: no pass over the orders
    shorter = policy.model_copy(update={"delivery_window": 48 * H})
    clock.advance(49 * H)  # past the new deadline, long before the old one

    async with running(db_url, clock, shorter) as bot:
        assert await bot.deadlines.reconcile() == 1
        report = await bot.deadlines.sweep()
        order = await bot.orders.get(paid.id)
        async with bot.store.read() as tx:
            fired = await tx.fired_deadlines(paid.id)
        assert await bot.orders.balances(BUYER) == {"MYR": PRICE}
        assert await ledger_violations(bot.store) == []
    assert report.applied == 1
    assert (order.status, order.close_reason) == (Status.REFUNDING, "auto_cancelled")
    assert (DeadlineKind.AUTO_CANCEL.value, paid.paid_at + 48 * H) in fired  # type: ignore[operator]

    async with running(db_url, clock, shorter) as bot:  # a plain restart: nothing to redo
        assert await bot.deadlines.reconcile() == 0


async def test_a_move_settles_what_time_decided_without_the_sweep_and_the_sweep_adds_nothing(
    db_url: str, clock: ManualClock, policy: Policy
) -> None:
    async with running(db_url, clock, policy) as bot:
        order = await _delivered(bot.orders, clock)
        clock.advance(policy.confirm_window)
        with pytest.raises(DomainError):
            await bot.orders.request_refund(order.id, BUYER, None, "too late")
        settled = await bot.orders.get(order.id)
        report = await bot.deadlines.sweep()
        async with bot.store.read() as tx:
            outbox = await tx.outbox_for(order.id)
            fired = await tx.fired_deadlines(order.id)
    assert (settled.status, settled.close_reason) == (Status.COMPLETED, "auto_confirmed")
    assert report.applied == 0
    assert [k for k, _ in fired].count(DeadlineKind.AUTO_CONFIRM.value) == 1
    completed = Counter(i.recipient_id for i in outbox if i.kind == "order_completed")
    assert completed == {BUYER: 1, SELLER: 1}


async def test_an_order_bought_from_an_offer_before_the_bot_first_starts_is_not_rederived(
    db_url: str, clock: ManualClock, policy: Policy
) -> None:
    async with running(db_url, clock, policy) as writer:  # the command line, say
        offer = await writer.orders.create_offer(
            seller_id=SELLER, title="Gift card", price_minor=PRICE, currency="MYR"
        )
        await writer.orders.buy_offer(offer.id, BUYER)
        async with writer.store.read() as tx:
            assert await tx.get_meta(RULES_KEY) == policy.model_dump_json()
    async with running(db_url, clock, policy) as bot:
        assert await bot.deadlines.reconcile() == 0  # the bot's start: no pass over the orders
