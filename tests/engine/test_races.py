"""Conflicting moves on one order at the same moment: exactly one wins, money moves once.

Every race runs twice: on one connection (tasks of one process) and on two connections
to the same file (the bot and the command line as separate processes would).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import pytest

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.deadlines import DeadlineKind
from bot.domain.errors import DomainError, IllegalTransition
from bot.domain.ledger import user_account
from bot.domain.model import Order, RefundStatus, Status
from bot.domain.policy import Policy
from bot.ports.storage import Storage
from bot.services.audit import ledger_violations
from bot.services.deadlines import DeadlineService, SweepReport
from bot.services.orders import OrderService
from tests.conftest import make_order, make_paid_order

BUYER, SELLER, PRICE = 1, 2, 1250
TERMINAL = {"order_completed", "order_cancelled", "refund_approved", "order_expired"}
Contender = Callable[[], Awaitable[object]]


@dataclass
class Sides:
    """The bot's services and the command line's, on one or two connections."""

    bot: OrderService
    bot_sweep: DeadlineService
    cli: OrderService
    cli_sweep: DeadlineService
    store: Storage


@pytest.fixture(params=["one connection", "two connections"])
async def sides(
    request: pytest.FixtureRequest,
    store: Storage,
    db_url: str,
    clock: ManualClock,
    policy: Policy,
) -> AsyncIterator[Sides]:
    other = store
    if request.param == "two connections":
        other = await open_storage(db_url)
    yield Sides(
        bot=OrderService(store, clock, policy),
        bot_sweep=DeadlineService(store, clock, policy),
        cli=OrderService(other, clock, policy),
        cli_sweep=DeadlineService(other, clock, policy),
        store=store,
    )
    if other is not store:
        await other.close()


def _first_to_last(names: tuple[str, ...]) -> str:
    return " then ".join(names)


async def _race(contenders: dict[str, Contender], order: tuple[str, ...]) -> dict[str, object]:
    """Start the named contenders in `order` at once; each result or the exception raised."""
    results = await asyncio.gather(*(contenders[n]() for n in order), return_exceptions=True)
    return dict(zip(order, results, strict=True))


def _winners(results: dict[str, object]) -> list[str]:
    """Who changed the order: calls that returned, sweeps that applied a resolution."""
    won = []
    for name, result in results.items():
        if isinstance(result, SweepReport):
            assert result.failed == 0
            if result.applied:
                won.append(name)
        elif isinstance(result, BaseException):
            assert isinstance(result, DomainError), f"{name} crashed: {result!r}"
        else:
            won.append(name)
    return won


async def _settled_once(store: Storage, order_id: str) -> Order:
    """The books are right, the order settled exactly once, and each party heard it once."""
    assert await ledger_violations(store) == []
    async with store.read() as tx:
        order = await tx.get_order(order_id)
        keys = await tx.txn_keys(order_id)
        outbox = await tx.outbox_for(order_id)
        pending = await tx.pending_deadlines(order_id)
    assert order is not None and order.status.finished
    assert keys == [f"{order_id}:pay", f"{order_id}:settle"]
    assert pending == []
    heard = Counter(item.recipient_id for item in outbox if item.kind in TERMINAL)
    assert heard == {order.buyer_id: 1, order.seller_id: 1}
    return order


async def _balance(store: Storage, user_id: int) -> int:
    async with store.read() as tx:
        return await tx.balance(user_account(user_id), "MYR")


async def _delivered_order(orders: OrderService, clock: ManualClock) -> Order:
    paid = await make_paid_order(orders, clock, BUYER, SELLER, PRICE)
    clock.advance(timedelta(hours=5))
    return await orders.deliver(paid.id, SELLER, "CODE-1234")


SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    "start_order", list(itertools.permutations(["confirm", "cancel", "sweep"])), ids=_first_to_last
)
async def test_a_second_before_the_confirm_deadline_exactly_one_of_confirm_and_cancel_wins(
    sides: Sides, clock: ManualClock, policy: Policy, start_order: tuple[str, ...]
) -> None:
    delivered = await _delivered_order(sides.bot, clock)
    assert delivered.delivered_at is not None
    clock.set(delivered.delivered_at + policy.confirm_window - SECOND)

    results = await _race(
        {
            "confirm": lambda: sides.bot.confirm_received(delivered.id, BUYER),
            "cancel": lambda: sides.cli.cancel(delivered.id, SELLER),
            "sweep": sides.bot_sweep.sweep,
        },
        start_order,
    )

    [winner] = _winners(results)
    order = await _settled_once(sides.store, delivered.id)
    expected = {
        "confirm": (Status.COMPLETED, "confirmed", 0, PRICE),
        "cancel": (Status.REFUNDING, "cancelled_by_seller", PRICE, 0),
    }[winner]
    assert (
        order.status,
        order.close_reason,
        await _balance(sides.store, BUYER),
        await _balance(sides.store, SELLER),
    ) == expected
    loser = "cancel" if winner == "confirm" else "confirm"
    assert isinstance(results[loser], IllegalTransition)


@pytest.mark.parametrize(
    "start_order", list(itertools.permutations(["confirm", "cancel", "sweep"])), ids=_first_to_last
)
async def test_at_the_confirm_deadline_the_auto_confirm_wins_once_whoever_comes_first(
    sides: Sides, clock: ManualClock, policy: Policy, start_order: tuple[str, ...]
) -> None:
    delivered = await _delivered_order(sides.bot, clock)
    assert delivered.delivered_at is not None
    clock.set(delivered.delivered_at + policy.confirm_window)  # exactly the due time

    results = await _race(
        {
            "confirm": lambda: sides.bot.confirm_received(delivered.id, BUYER),
            "cancel": lambda: sides.cli.cancel(delivered.id, SELLER),
            "sweep": sides.bot_sweep.sweep,
        },
        start_order,
    )

    # The window is closed: whichever transaction runs first applies the auto-confirm
    # (the sweep, or a party's move settling what time decided) and the moves are refused.
    assert isinstance(results["confirm"], IllegalTransition)
    assert isinstance(results["cancel"], IllegalTransition)
    order = await _settled_once(sides.store, delivered.id)
    assert (
        order.status,
        order.close_reason,
        await _balance(sides.store, BUYER),
        await _balance(sides.store, SELLER),
    ) == (Status.COMPLETED, "auto_confirmed", 0, PRICE)
    async with sides.store.read() as tx:
        fired = await tx.fired_deadlines(delivered.id)
    assert [kind for kind, _ in fired].count(DeadlineKind.AUTO_CONFIRM.value) == 1


@pytest.mark.parametrize(
    ("start_order", "before"),
    [
        (order, before)
        for order in [
            ("deliver", "sweep"),
            ("sweep", "deliver"),
            ("cancel", "sweep"),
            ("sweep", "cancel"),
        ]
        for before in (SECOND, timedelta(0))
    ],
    ids=lambda v: _first_to_last(v) if isinstance(v, tuple) else f"{v.total_seconds():.0f}s before",
)
async def test_at_the_delivery_deadline_a_last_second_move_and_the_auto_cancel_cannot_both_win(
    sides: Sides,
    clock: ManualClock,
    policy: Policy,
    start_order: tuple[str, ...],
    before: timedelta,
) -> None:
    paid = await make_paid_order(sides.bot, clock, BUYER, SELLER, PRICE)
    clock.set(clock.now() + policy.delivery_window - before)

    results = await _race(
        {
            "deliver": lambda: sides.cli.deliver(paid.id, SELLER, "CODE-1234"),
            "cancel": lambda: sides.cli.cancel(paid.id, SELLER),
            "sweep": sides.bot_sweep.sweep,
        },
        start_order,
    )

    move = next(n for n in start_order if n != "sweep")
    assert await ledger_violations(sides.store) == []
    async with sides.store.read() as tx:
        order = await tx.get_order(paid.id)
        keys = await tx.txn_keys(paid.id)
        pending = await tx.pending_deadlines(paid.id)
    assert order is not None
    if before:  # still inside the window: the seller's move wins, the sweep finds nothing
        assert _winners(results) == [move]
    else:  # the window closed: the auto-cancel wins, the move is refused
        assert isinstance(results[move], IllegalTransition)
    if before and move == "deliver":
        assert order.status is Status.WAITING_CONFIRMATION
        assert keys == [f"{paid.id}:pay"]
        assert DeadlineKind.AUTO_CONFIRM in {d.kind for d in pending}
        assert await _balance(sides.store, BUYER) == 0
    else:
        await _settled_once(sides.store, paid.id)
        reason = "cancelled_by_seller" if before else "auto_cancelled"
        assert (order.status, order.close_reason) == (Status.REFUNDING, reason)
        assert await _balance(sides.store, BUYER) == PRICE
    assert await _balance(sides.store, SELLER) == 0


async def test_a_double_tap_on_confirm_settles_once(sides: Sides, clock: ManualClock) -> None:
    delivered = await _delivered_order(sides.bot, clock)

    results = await _race(
        {
            "tap 1": lambda: sides.bot.confirm_received(delivered.id, BUYER),
            "tap 2": lambda: sides.cli.confirm_received(delivered.id, BUYER),
        },
        ("tap 1", "tap 2"),
    )

    assert len(_winners(results)) == 1
    assert sum(isinstance(r, IllegalTransition) for r in results.values()) == 1
    order = await _settled_once(sides.store, delivered.id)
    assert order.status is Status.COMPLETED
    assert await _balance(sides.store, SELLER) == PRICE


async def test_a_double_tap_on_pay_from_balance_takes_the_money_once(
    sides: Sides, clock: ManualClock
) -> None:
    await sides.bot.top_up(BUYER, 2 * PRICE, "MYR", "double-tap")
    order = await make_order(sides.bot, BUYER, SELLER, PRICE)

    results = await _race(
        {
            "tap 1": lambda: sides.bot.pay_from_balance(order.id, BUYER),
            "tap 2": lambda: sides.cli.pay_from_balance(order.id, BUYER),
        },
        ("tap 1", "tap 2"),
    )

    assert len(_winners(results)) == 1
    assert await ledger_violations(sides.store) == []
    async with sides.store.read() as tx:
        keys = await tx.txn_keys(order.id)
        paid = await tx.get_order(order.id)
    assert keys == [f"{order.id}:pay"]
    assert paid is not None and paid.status is Status.WAITING_DELIVERY
    assert await _balance(sides.store, BUYER) == PRICE


@pytest.mark.parametrize(
    "start_order", [("approve", "reject"), ("reject", "approve")], ids=_first_to_last
)
async def test_approve_and_reject_of_the_same_refund_cannot_both_happen(
    sides: Sides, clock: ManualClock, start_order: tuple[str, ...]
) -> None:
    delivered = await _delivered_order(sides.bot, clock)
    await sides.bot.request_refund(delivered.id, BUYER, None, "code does not work")
    clock.advance(timedelta(hours=2))

    results = await _race(
        {
            "approve": lambda: sides.bot.approve_refund(delivered.id, SELLER),
            "reject": lambda: sides.cli.reject_refund(delivered.id, SELLER, "the code works"),
        },
        start_order,
    )

    [winner] = _winners(results)
    loser = next(r for n, r in results.items() if n != winner)
    assert isinstance(loser, IllegalTransition)
    assert await ledger_violations(sides.store) == []
    async with sides.store.read() as tx:
        order = await tx.get_order(delivered.id)
        keys = await tx.txn_keys(delivered.id)
        pending = await tx.pending_deadlines(delivered.id)
    assert order is not None and order.refund_request is not None
    if winner == "approve":
        await _settled_once(sides.store, delivered.id)
        assert order.status is Status.REFUNDING
        assert order.refund_request.status is RefundStatus.APPROVED
        assert await _balance(sides.store, BUYER) == PRICE
    else:
        assert order.status is Status.WAITING_CONFIRMATION
        assert order.refund_request.status is RefundStatus.REJECTED
        assert keys == [f"{delivered.id}:pay"]
        # The confirm clock runs again (with the paused time added back).
        assert DeadlineKind.AUTO_CONFIRM in {d.kind for d in pending}
        assert await _balance(sides.store, BUYER) == 0


async def test_many_orders_raced_by_two_schedulers_and_both_parties_each_settle_once(
    sides: Sides, clock: ManualClock, policy: Policy
) -> None:
    delivered = [await _delivered_order(sides.bot, clock) for _ in range(12)]
    # Deliveries are hours apart: the first half is due by now, the rest are not yet.
    clock.set(delivered[5].delivered_at + policy.confirm_window)  # type: ignore[operator]
    due = {o.id for o in delivered[:6]}

    contenders: list[Contender] = [sides.bot_sweep.sweep, sides.cli_sweep.sweep]
    for i, o in enumerate(delivered):
        contenders.insert(i % 3, partial(sides.bot.confirm_received, o.id, BUYER))
        contenders.append(partial(sides.cli.cancel, o.id, SELLER))
    results = await asyncio.gather(*(c() for c in contenders), return_exceptions=True)

    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    by_hand = [r for r in results if isinstance(r, Order)]
    assert sorted(o.id for o in by_hand) == sorted(o.id for o in delivered if o.id not in due)
    assert sum(r.applied for r in results if isinstance(r, SweepReport)) <= len(due)
    reasons: Counter[str | None] = Counter()
    for o in delivered:
        settled = await _settled_once(sides.store, o.id)
        assert (settled.close_reason == "auto_confirmed") == (o.id in due)
        reasons[settled.close_reason] += 1
    assert reasons["auto_confirmed"] == len(due)
    assert reasons["confirmed"] + reasons["cancelled_by_seller"] == len(delivered) - len(due)


async def test_a_double_tap_on_reorder_places_one_new_order(
    orders: OrderService, deadlines: DeadlineService, clock: ManualClock, store: Storage
) -> None:
    order = await make_order(orders, BUYER, SELLER, PRICE)
    clock.advance(timedelta(hours=2))
    await deadlines.sweep()

    results = await asyncio.gather(
        orders.reorder(order.id, BUYER), orders.reorder(order.id, BUYER), return_exceptions=True
    )

    async with store.read() as tx:
        placed = [o for o in await tx.all_orders() if o.reorder_of == order.id]
    assert len(placed) == 1
    assert sum(isinstance(r, DomainError) for r in results) == 1
