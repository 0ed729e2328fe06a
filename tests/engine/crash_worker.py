"""Load for the crash test: places, pays, delivers and settles orders and sweeps, forever.

Usage: `python crash_worker.py DBPATH SEED`. The fake clock starts at a fixed time (or
just after the newest order when the database already has some) and jumps ahead every
round; after each round one line `progress ROUND ORDERS FAKE_TIME` goes to stdout. The
worker never stops on its own: the test kills it with SIGKILL.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.domain.errors import DomainError
from bot.domain.ids import ALPHABET, make_order_id
from bot.domain.policy import Policy
from bot.services.deadlines import DeadlineService
from bot.services.orders import OrderService
from bot.timefmt import from_db
from store.sqlite_store import Store

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
BUYERS = (1, 2, 3, 4, 5)
SELLERS = (11, 12, 13)


def resume_time(db: Path) -> datetime:
    """Where the fake clock starts: never before anything already stored."""
    if not db.exists():
        return START
    with closing(sqlite3.connect(db)) as con:
        try:
            row = con.execute("SELECT MAX(updated_at) FROM orders").fetchone()
        except sqlite3.OperationalError:  # killed before the schema was created
            return START
    return from_db(row[0]) + timedelta(minutes=1) if row and row[0] else START


async def work(db: Path, seed: int) -> None:
    rng = random.Random(seed)
    clock = ManualClock(resume_time(db))
    policy = Policy()
    store = await Store.open(f"sqlite:///{db}")
    orders = OrderService(
        store,
        clock,
        policy,
        new_id=lambda: make_order_id([rng.randrange(len(ALPHABET)) for _ in range(7)]),
    )
    deadlines = DeadlineService(store, clock, policy)
    recent: list[str] = []
    placed = 0
    for round_no in range(1, 10**9):
        for _ in range(rng.randint(1, 4)):
            order = await orders.create_order(
                buyer_id=rng.choice(BUYERS),
                seller_id=rng.choice(SELLERS),
                title=rng.choice(["Game key", "Gift card", "Skin"]),
                price_minor=rng.randint(100, 5000),
                currency="MYR",
            )
            recent = [*recent[-40:], order.id]
            placed += 1
        for _ in range(rng.randint(3, 10)):
            await act(orders, rng, rng.choice(recent), round_no)
        clock.advance(timedelta(minutes=rng.randint(5, 90)))
        await deadlines.sweep()
        print(f"progress {round_no} {placed} {clock.now().isoformat()}", flush=True)


async def act(orders: OrderService, rng: random.Random, order_id: str, round_no: int) -> None:
    """One move a party would make on the order; refusals are expected and ignored."""
    order = await orders.get(order_id)
    move = rng.random()
    try:
        if move < 0.25:
            if rng.random() < 0.5:
                await orders.mark_paid_external(order_id)
            else:
                key = f"{order_id}-{round_no}-{rng.getrandbits(48):x}"
                await orders.top_up(order.buyer_id, order.amount_minor, "MYR", key)
                await orders.pay_from_balance(order_id, order.buyer_id)
        elif move < 0.5:
            await orders.deliver(order_id, order.seller_id, "CODE-1234")
        elif move < 0.65:
            await orders.confirm_received(order_id, order.buyer_id)
        elif move < 0.8:
            amount = None if rng.random() < 0.5 else max(1, order.amount_minor // 2)
            await orders.request_refund(order_id, order.buyer_id, amount, "not as described")
        elif move < 0.9:
            await orders.approve_refund(order_id, order.seller_id)
        elif move < 0.95:
            await orders.cancel(order_id, order.seller_id)
        else:
            await orders.withdraw_refund(order_id, order.buyer_id)
    except DomainError:
        pass


if __name__ == "__main__":
    asyncio.run(work(Path(sys.argv[1]), int(sys.argv[2])))
