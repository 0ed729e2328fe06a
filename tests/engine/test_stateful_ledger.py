"""A random walk through the order engine keeps the books right after every single step.

Hypothesis drives every use case (as the right party, the wrong one, or a stranger),
moves a fake clock and sweeps, replays the last call as a duplicate delivery, and
reopens the database; after each step the ledger, the order states and the deadline
rows are checked against each other.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import ClassVar, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.deadlines import next_resolution, open_deadlines
from bot.domain.errors import DomainError
from bot.domain.ids import make_order_id
from bot.domain.ledger import escrow_account
from bot.domain.model import Order, RefundStatus, Resolution, Status
from bot.domain.policy import Policy
from bot.services.audit import ledger_violations
from bot.services.deadlines import DeadlineService, SweepReport
from bot.services.orders import OrderService
from tests.conftest import make_order
from tests.databases import database_url

BUYERS = (101, 102, 103)
SELLERS = (201, 202)
STRANGER = 555
AGENT = 900
TITLES = ("Game key", "Gift card", "Skin")
MAX_ORDERS = 8

T = TypeVar("T")
Call = Callable[[], Awaitable[object]]
OrderFilter = Callable[[Order], bool]
# Refusals a repeated call may give: the core's, and the ledger's duplicate key (top-ups).
REFUSALS = (DomainError,)


@dataclass(frozen=True)
class LastCall:
    """The previous step's service call, so it can be delivered a second time."""

    name: str
    call: Call
    refused_with: type[BaseException] | None
    is_sweep: bool = False


def _paid(o: Order) -> bool:
    return o.status in (Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION)


def _unpaid(o: Order) -> bool:
    return o.status in (Status.WAITING_PAYMENT, Status.EXPIRED)


def _expired(o: Order) -> bool:
    return o.status is Status.EXPIRED


def _undisputed(o: Order) -> bool:
    return _paid(o) and not o.dispute_open


class OrderEngineMachine(RuleBasedStateMachine):
    """The order engine on a real database of its own, driven by one private event loop."""

    base_dir: ClassVar[Path]
    _runs: ClassVar[itertools.count[int]] = itertools.count()

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.url = database_url(self.base_dir, f"walk-{next(self._runs)}.db")
        self.clock = ManualClock()
        self.policy = Policy()
        self._ids = itertools.count(1)
        self._topups = itertools.count(1)
        self.last: LastCall | None = None
        self.known: list[Order] = []  # the orders as of the last invariant check
        # Steps taken, and when the cheap always-possible rules last ran: hypothesis favours
        # rules with few arguments, so these are rationed to leave room for the order's life.
        self.steps = 0
        self.ran_at: dict[str, int] = {}
        self.store = self.run(open_storage(self.url))
        self._build_services()

    def _build_services(self) -> None:
        self.orders = OrderService(self.store, self.clock, self.policy, new_id=self._new_id)
        self.deadlines = DeadlineService(self.store, self.clock, self.policy)

    def _new_id(self) -> str:
        n = next(self._ids)
        digits = []
        for _ in range(7):
            n, digit = divmod(n, 31)
            digits.append(digit)
        return make_order_id(digits)

    def run(self, step: Awaitable[T]) -> T:
        return self.loop.run_until_complete(step)

    def teardown(self) -> None:
        self.run(self.store.close())
        self.loop.close()

    # --- helpers -------------------------------------------------------------------------

    def _rested(self, name: str, every: int) -> bool:
        return self.steps - self.ran_at.get(name, -every) >= every

    def _turn(self, choices: list[str]) -> list[str]:
        """Rotate by the step count: hypothesis prefers first choices, so vary which is first."""
        k = self.steps % len(choices)
        return choices[k:] + choices[:k]

    def _who(self, data: st.DataObject, order: Order, intended: str) -> int:
        """The intended party most of the time, else the other party or a stranger."""
        choices = [intended] * 4 + ["buyer", "seller", "stranger"]
        choice = data.draw(st.sampled_from(choices), label="who")
        return {"buyer": order.buyer_id, "seller": order.seller_id}.get(choice, STRANGER)

    def _do(self, name: str, call: Call) -> None:
        """Run one service call; refusals are part of the walk."""
        refused: type[BaseException] | None = None
        try:
            self.run(call())
        except REFUSALS as exc:
            refused = type(exc)
        self.last = LastCall(name, call, refused)

    async def _snapshot(self) -> tuple[object, ...]:
        async with self.store.read() as tx:
            orders = await tx.all_orders()
            return (
                await tx.all_balances(),
                [o.model_dump_json() for o in orders],
                [len(await tx.outbox_for(o.id)) for o in orders],
                [await tx.pending_deadlines(o.id) for o in orders],
                [await tx.fired_deadlines(o.id) for o in orders],
                await tx.count_deadlines("obsolete"),
            )

    # --- rules -------------------------------------------------------------------------

    @initialize()
    def open_shop(self) -> None:
        for buyer, seller in zip(BUYERS, itertools.cycle(SELLERS), strict=False):
            self.run(self.orders.top_up(buyer, 3000, "MYR", f"start-{buyer}"))
            self.run(make_order(self.orders, buyer, seller, 700 + buyer))

    @precondition(lambda self: len(self.known) < MAX_ORDERS and self._rested("create", 4))
    @rule(
        buyer=st.sampled_from(BUYERS),
        seller=st.sampled_from(SELLERS),
        title=st.sampled_from(TITLES),
        price=st.integers(1, 5000),
    )
    def create_order(self, buyer: int, seller: int, title: str, price: int) -> None:
        self.ran_at["create"] = self.steps
        order = self.run(
            self.orders.create_order(
                buyer_id=buyer, seller_id=seller, title=title, price_minor=price, currency="MYR"
            )
        )
        assert order.status is Status.WAITING_PAYMENT
        self.last = None  # placing an order is not idempotent by itself

    @precondition(lambda self: self._rested("top_up", 4) and any(map(_unpaid, self.known)))
    @rule(user=st.sampled_from(BUYERS), amount=st.integers(1, 6000))
    def top_up(self, user: int, amount: int) -> None:
        self.ran_at["top_up"] = self.steps
        key = f"walk-{next(self._topups)}"
        self._do("top_up", lambda: self.orders.top_up(user, amount, "MYR", key))

    @rule(data=st.data())
    def someone_acts_on_an_order(self, data: st.DataObject) -> None:
        """A party or support acts: mostly a move that fits the order, sometimes any move."""
        live = [o.id for o in self.known if not o.status.finished]
        done = [o.id for o in self.known if o.status.finished]
        finished_one = not live or (bool(done) and data.draw(st.integers(0, 3), label="done") == 3)
        oid = data.draw(st.sampled_from(self._turn(done if finished_one else live)), label="order")
        order = next(o for o in self.known if o.id == oid)
        fitting = [name for name, fits in MOVES.items() if fits(order)]
        misfire = not fitting or data.draw(st.integers(0, 5), label="misfire") == 5
        name = data.draw(
            st.sampled_from(self._turn(list(MOVES) if misfire else fitting)), label="move"
        )
        getattr(self, f"_{name}")(data, order)

    # The moves, each as whoever it is meant for (or, sometimes, someone else).

    def _pay(self, data: st.DataObject, o: Order) -> None:
        via = data.draw(st.sampled_from(["balance", "external", "support"]), label="via")
        if via == "support":  # support confirms a payment, even after expiry
            self._do("confirm_payment", lambda: self.orders.confirm_payment(o.id, AGENT))
        elif via == "external":
            self._do("mark_paid_external", lambda: self.orders.mark_paid_external(o.id))
        else:
            user = self._who(data, o, "buyer")
            self._do("pay_from_balance", lambda: self.orders.pay_from_balance(o.id, user))

    def _deliver(self, data: st.DataObject, o: Order) -> None:
        note = data.draw(st.sampled_from(["CODE-1234", "key: ABC", ""]), label="note")
        user = self._who(data, o, "seller")
        self._do("deliver", lambda: self.orders.deliver(o.id, user, note))

    def _confirm_received(self, data: st.DataObject, o: Order) -> None:
        user = self._who(data, o, "buyer")
        self._do("confirm_received", lambda: self.orders.confirm_received(o.id, user))

    def _cancel(self, data: st.DataObject, o: Order) -> None:
        user = self._who(data, o, data.draw(st.sampled_from(["seller", "buyer"]), label="by"))
        self._do("cancel", lambda: self.orders.cancel(o.id, user))

    def _request_refund(self, data: st.DataObject, o: Order) -> None:
        # A refund may be asked for only an hour after payment: often let time pass first.
        wait = data.draw(st.sampled_from([61, 150, 0]), label="wait")
        if wait:
            self.clock.advance(timedelta(minutes=wait))
            self.run(self.deadlines.sweep())
        kinds = ["partial", "full", "partial", "exact", "zero", "negative", "too_much"]
        kind = data.draw(st.sampled_from(kinds), label="amount")
        amount = {
            "full": None,
            "partial": max(1, o.amount_minor // 3),
            "exact": o.amount_minor,
            "zero": 0,
            "negative": -5,
            "too_much": o.amount_minor + 1,
        }[kind]
        user = self._who(data, o, "buyer")
        self._do(
            "request_refund",
            lambda: self.orders.request_refund(o.id, user, amount, "not as described"),
        )

    def _withdraw_refund(self, data: st.DataObject, o: Order) -> None:
        user = self._who(data, o, "buyer")
        self._do("withdraw_refund", lambda: self.orders.withdraw_refund(o.id, user))

    def _approve_refund(self, data: st.DataObject, o: Order) -> None:
        user = self._who(data, o, "seller")
        self._do("approve_refund", lambda: self.orders.approve_refund(o.id, user))

    def _reject_refund(self, data: st.DataObject, o: Order) -> None:
        reason = data.draw(st.sampled_from(["it works", "", "   ", "x" * 501]), label="reason")
        user = self._who(data, o, "seller")
        self._do("reject_refund", lambda: self.orders.reject_refund(o.id, user, reason))

    def _escalate(self, data: st.DataObject, o: Order) -> None:
        user = self._who(data, o, data.draw(st.sampled_from(["buyer", "seller"]), label="by"))
        self._do("escalate", lambda: self.orders.escalate(o.id, user, "please help"))

    def _resolve_dispute(self, data: st.DataObject, o: Order) -> None:
        resolution = data.draw(st.sampled_from(list(Resolution)), label="resolution")
        share = data.draw(st.integers(0, 4), label="quarters")
        refund = o.amount_minor * share // 4 if resolution is Resolution.REFUND_PARTIAL else None
        self._do(
            "resolve_dispute",
            lambda: self.orders.resolve_dispute(o.id, AGENT, resolution, refund, "checked"),
        )

    def _close_dispute(self, data: st.DataObject, o: Order) -> None:
        self._do("close_dispute", lambda: self.orders.close_dispute(o.id, AGENT, "talked"))

    def _hide(self, data: st.DataObject, o: Order) -> None:
        user = self._who(data, o, data.draw(st.sampled_from(["buyer", "seller"]), label="by"))
        self._do("hide", lambda: self.orders.hide(o.id, user))

    def _reorder(self, data: st.DataObject, o: Order) -> None:
        if len(self.known) >= MAX_ORDERS:
            return
        user = self._who(data, o, "buyer")
        self._do("reorder", lambda: self.orders.reorder(o.id, user))

    @precondition(lambda self: self._rested("sweep", 3))
    @rule(minutes=st.sampled_from([120, 120, 120, 6000]).flatmap(lambda m: st.integers(1, m)))
    def advance_clock_and_sweep(self, minutes: int) -> None:
        self.ran_at["sweep"] = self.steps
        self.clock.advance(timedelta(minutes=minutes))
        self.run(self.deadlines.sweep())
        self.last = LastCall("sweep", self.deadlines.sweep, None, is_sweep=True)

    @precondition(lambda self: self.last is not None and self._rested("again", 3))
    @rule()
    def deliver_the_last_call_again(self) -> None:
        self.ran_at["again"] = self.steps
        last = self.last
        assert last is not None
        before = self.run(self._snapshot())
        try:
            result = self.run(last.call())
        except REFUSALS as exc:
            assert last.refused_with in (None, type(exc)), (last.name, exc)
        else:
            if last.is_sweep:
                assert isinstance(result, SweepReport) and result.total == 0, result
            else:  # only a top-up returns on a replay: False, "already applied"
                assert result is False, f"{last.name} was applied twice"
        assert self.run(self._snapshot()) == before, f"repeating {last.name} changed state"

    @precondition(lambda self: self._rested("reopen", 8))
    @rule()
    def reopen_the_store(self) -> None:
        self.ran_at["reopen"] = self.steps
        self.run(self.store.close())
        self.store = self.run(open_storage(self.url))
        self._build_services()
        self.last = None

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def books_orders_and_deadlines_agree(self) -> None:
        self.steps += 1
        self.run(self._check())

    async def _check(self) -> None:
        assert await ledger_violations(self.store) == []
        async with self.store.read() as tx:
            balances = await tx.all_balances()
            orders = await tx.all_orders()
            self.known = orders
            pending = {o.id: await tx.pending_deadlines(o.id) for o in orders}
            keys = {o.id: await tx.txn_keys(o.id) for o in orders}
        totals: dict[str, int] = {}
        for (_, currency), amount in balances.items():
            totals[currency] = totals.get(currency, 0) + amount
        assert all(v == 0 for v in totals.values()), f"money appeared or vanished: {totals}"
        for o in orders:
            escrow = balances.get((escrow_account(o.id), o.currency), 0)
            _assert_one_mind(o, escrow, keys[o.id])
            rows = {(r.kind, r.due_at) for r in pending[o.id]}
            if o.status.finished:
                assert escrow == 0, f"{o.id} finished with {escrow} in escrow"
                assert rows == set(), f"{o.id} finished but still has deadlines {rows}"
                continue
            expected = {(d.kind.value, d.due_at) for d in open_deadlines(o, self.policy)}
            assert rows <= expected, f"{o.id} has deadlines its state does not imply: {rows}"
            resolution = next_resolution(o, self.policy)
            if resolution is not None:
                wanted = (resolution.kind.value, resolution.due_at)
                assert wanted in rows, f"{o.id} lost its next resolution {wanted}"


def _may_ask_refund(o: Order) -> bool:
    rr = o.refund_request
    return _undisputed(o) and (
        rr is None or rr.status not in (RefundStatus.OPEN, RefundStatus.REJECTED)
    )


# Each move and the orders whose state allows it (the party or the time may still not).
MOVES: dict[str, OrderFilter] = {
    "pay": _unpaid,
    "deliver": lambda o: o.status is Status.WAITING_DELIVERY and not o.dispute_open,
    "confirm_received": lambda o: o.status is Status.WAITING_CONFIRMATION and not o.dispute_open,
    # A seller cancels a paid order when the buyer asks (misfires try it anywhere).
    "cancel": lambda o: o.status is Status.WAITING_PAYMENT or (o.refund_open and _undisputed(o)),
    "request_refund": _may_ask_refund,
    "withdraw_refund": lambda o: o.refund_open and not o.dispute_open,
    "approve_refund": lambda o: o.refund_open and not o.dispute_open,
    "reject_refund": lambda o: o.refund_open and not o.dispute_open,
    "escalate": _undisputed,
    "resolve_dispute": lambda o: o.dispute_open,
    "close_dispute": lambda o: o.dispute_open,
    "hide": lambda o: o.status.finished,
    "reorder": _expired,
}


def _assert_one_mind(o: Order, escrow: int, keys: list[str]) -> None:
    """The status, the timestamps, the money and the ledger keys tell one story."""
    pay, settle = f"{o.id}:pay", f"{o.id}:settle"
    assert keys.count(pay) <= 1 and keys.count(settle) <= 1, keys
    assert (o.paid_at is not None) == (pay in keys), f"{o.id}: paid_at vs ledger {keys}"
    assert o.settled == (settle in keys), f"{o.id}: settled vs ledger {keys}"
    if o.refund_open or o.dispute_open:
        assert _paid(o), f"{o.id} is {o.status} with an open request or dispute"
    if o.refund_request is not None and o.refund_request.on_delivered:
        assert o.delivered_at is not None
    if o.status is Status.WAITING_PAYMENT:
        assert o.paid_at is None and o.closed_at is None and escrow == 0
    elif o.status is Status.EXPIRED:
        assert o.paid_at is None and o.closed_at is not None and escrow == 0
    elif o.status is Status.WAITING_DELIVERY:
        assert o.paid_at is not None and o.delivered_at is None and o.closed_at is None
        assert escrow == o.amount_minor
    elif o.status is Status.WAITING_CONFIRMATION:
        assert o.paid_at is not None and o.delivered_at is not None and o.closed_at is None
        assert escrow == o.amount_minor
    else:
        assert o.settled and o.closed_at is not None
        assert o.refunded_minor + o.released_minor == o.amount_minor
        if o.status is Status.REFUNDING:
            assert o.refunded_minor == o.amount_minor and o.released_minor == 0
        else:
            assert o.released_minor > 0


def test_a_random_walk_through_the_engine_never_breaks_the_books(tmp_path: Path) -> None:
    OrderEngineMachine.base_dir = tmp_path
    run_state_machine_as_test(
        OrderEngineMachine,
        settings=settings(
            max_examples=60,
            stateful_step_count=40,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


async def test_an_expired_order_revived_by_support_is_no_longer_deleted_for_its_buyer(
    orders: OrderService, deadlines: DeadlineService, clock: ManualClock
) -> None:
    order = await make_order(orders, buyer=1, seller=2)
    clock.advance(timedelta(hours=2))
    await deadlines.sweep()
    await orders.hide(order.id, 1)

    revived = await orders.confirm_payment(order.id, AGENT)

    assert revived.status is Status.WAITING_DELIVERY
    assert 1 not in revived.hidden_for
    assert [o.id for o in await orders.orders_of(1)] == [order.id]
