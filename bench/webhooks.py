"""What order events cost a transition: create + pay + deliver + confirm through
`OrderService` (one transaction each), with no webhook subscriber and with one, in the same
run on fresh databases. With a subscriber each transition also reads the order's deadlines
and reference and writes one delivery row carrying the order's JSON; nothing is sent here
(the sender works apart from the transition, on its own task).

Run: python -m bench.webhooks [--orders 500] [--rounds 3]
     [--url postgresql://postgres@127.0.0.1:5432/postgres]
The last line is one JSON object with the figures (median of the rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.policy import Policy
from bot.services.orders import OrderService
from bot.services.webhooks import WebhookService

TRANSITIONS_PER_ORDER = 4


async def _fresh_url(server: str | None, folder: Path) -> tuple[str, str | None]:
    name = f"kchat_bench_{uuid.uuid4().hex[:10]}"
    if server is None:
        return f"sqlite:///{folder / name}.db", None
    import asyncpg

    con = await asyncpg.connect(server)
    try:
        await con.execute(f'CREATE DATABASE "{name}"')
    finally:
        await con.close()
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    store = await open_storage(url, migrate=True)
    await store.close()
    return url, name


async def _drop(server: str | None, name: str | None) -> None:
    if server is None or name is None:
        return
    import asyncpg

    con = await asyncpg.connect(server)
    try:
        await con.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await con.close()


async def transitions_per_second(url: str, orders_n: int, subscribers: int) -> tuple[float, float]:
    """create, pay, deliver, confirm on `orders_n` orders; transitions a second, and this
    process's CPU microseconds a transition (steadier on a shared machine)."""
    store = await open_storage(url)
    try:
        clock = ManualClock()
        orders = OrderService(store, clock, Policy())
        hooks = WebhookService(store, clock)
        for i in range(subscribers):
            await hooks.add(f"https://shop{i}.example.com/events")
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(orders_n):
            order = await orders.create_order(
                buyer_id=1000 + i, seller_id=2, title="Game key", price_minor=1250, currency="MYR"
            )
            await orders.mark_paid_external(order.id)
            await orders.deliver(order.id, 2, "code")
            await orders.confirm_received(order.id, 1000 + i)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if subscribers:
            queued = await hooks.deliveries(limit=1000)
            assert len(queued) == min(1000, orders_n * TRANSITIONS_PER_ORDER * subscribers)
        moved = orders_n * TRANSITIONS_PER_ORDER
        return moved / elapsed, cpu / moved * 1e6
    finally:
        await store.close()


async def main(orders_n: int, rounds: int, server: str | None) -> dict[str, object]:
    figures: dict[int, list[float]] = {0: [], 1: []}
    cpu: dict[int, list[float]] = {0: [], 1: []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            for subscribers in (0, 1):  # alternate, so drift hits both alike
                url, name = await _fresh_url(server, Path(folder))
                try:
                    rate, us = await transitions_per_second(url, orders_n, subscribers)
                finally:
                    await _drop(server, name)
                figures[subscribers].append(rate)
                cpu[subscribers].append(us)
    none, one = (statistics.median(figures[k]) for k in (0, 1))
    cpu_none, cpu_one = (statistics.median(cpu[k]) for k in (0, 1))
    result: dict[str, object] = {
        "backend": "postgres" if server else "sqlite",
        "orders": orders_n,
        "rounds": rounds,
        "transitions_per_s_no_subscriber": round(none, 1),
        "transitions_per_s_one_subscriber": round(one, 1),
        "ratio_one_to_none": round(one / none, 3),
        "cpu_us_per_transition_no_subscriber": round(cpu_none),
        "cpu_us_per_transition_one_subscriber": round(cpu_one),
        "cpu_ratio_one_to_none": round(cpu_one / cpu_none, 3),
        "all_rounds": {str(k): [round(x, 1) for x in v] for k, v in figures.items()},
    }
    print(
        f"{result['backend']}: {none:.0f} transitions/s without a subscriber, {one:.0f} with "
        f"one: {one / none:.2f}x; CPU {cpu_none:.0f} vs {cpu_one:.0f} µs a transition "
        f"({cpu_one / cpu_none:.2f}x)"
    )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--url", default=None, help="a PostgreSQL server (default: SQLite)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.orders, args.rounds, args.url))))
