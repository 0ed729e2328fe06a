"""Production figures: PostgreSQL against SQLite, one to three instances, the inbox's cost.

1. Transitions per second: pay + deliver + confirm cycles through OrderService (one
   transaction per transition), SQLite with one task (one writer), PostgreSQL with one and
   with eight concurrent tasks; CPU time of this process per transition beside the rate.
2. Catch-up: N overdue orders in mixed open states (bench.engine's set) resolved by the
   real `DeadlineService.sweep`, on SQLite, then on PostgreSQL by one, two and three
   instances at once (separate processes, each its own services). After each run: every
   order resolved exactly once (as many resolutions as orders, no open order, nothing
   due) and the ledger clean.
3. Inbox overhead: bench.relay's relay through KChat's handlers with the network stubbed,
   once handed to the update processor directly (no inbox) and once through the durable
   update queue (kept, claimed, applied), on SQLite: time and CPU per update.

Run: python -m bench.instances [-n 20000] [--cycles 300] [--messages 2000]
     [--url postgresql://postgres@127.0.0.1:5432/postgres]
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from telegram import Update

from bench.engine import AFTER_DOWNTIME, T0, populate
from bench.relay import _buyer, _update, open_chats, relay_app
from bot.bootstrap import open_services, open_storage
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.model import Status
from bot.domain.policy import Policy
from bot.services.deadlines import DeadlineService
from bot.services.orders import OrderService
from sandbox.world import bot_idle

ORDERS_PER_TXN = 1000


# --- scratch databases -----------------------------------------------------------------


async def _pg_admin(server: str, sql: str) -> None:
    import asyncpg

    con = await asyncpg.connect(server)
    try:
        await con.execute(sql)
    finally:
        await con.close()


class Scratch:
    """A fresh database per measurement: SQLite files in a folder, PostgreSQL databases on
    the server (dropped at the end, even on failure)."""

    def __init__(self, server: str, folder: Path) -> None:
        self.server, self.folder = server, folder
        self.made: list[str] = []

    async def url(self, backend: str) -> str:
        name = f"kchat_bench_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            return f"sqlite:///{self.folder / name}.db"
        await _pg_admin(self.server, f'CREATE DATABASE "{name}"')
        self.made.append(name)
        url = urlunsplit(urlsplit(self.server)._replace(path=f"/{name}"))
        store = await open_storage(url, migrate=True)
        await store.close()
        return url

    async def drop(self) -> None:
        for name in self.made:
            await _pg_admin(self.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- 1. transitions per second -----------------------------------------------------------


async def transitions(url: str, cycles: int, tasks: int) -> dict[str, float]:
    """pay + deliver + confirm on `cycles` orders from `tasks` concurrent tasks."""
    store = await open_storage(url)
    clock, policy = ManualClock(T0), Policy()
    orders = OrderService(store, clock, policy)
    try:
        placed = [
            await orders.create_order(
                buyer_id=1000 + i, seller_id=5000 + i, title="Key", price_minor=500, currency="MYR"
            )
            for i in range(cycles)
        ]

        async def work(share: list[str]) -> None:
            for oid in share:
                order = await orders.mark_paid_external(oid)
                await orders.deliver(order.id, order.seller_id, "CODE")
                await orders.confirm_received(order.id, order.buyer_id)

        ids = [o.id for o in placed]
        shares = [ids[k::tasks] for k in range(tasks)]
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(work(s) for s in shares))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        done = [(await orders.get(o.id)).status for o in placed].count(Status.COMPLETED)
        assert done == cycles, done
    finally:
        await store.close()
    moved = 3 * cycles
    return {"per_s": moved / wall, "cpu_ms": cpu / moved * 1e3}


# --- 2. catch-up ------------------------------------------------------------------------


async def sweep_probe(url: str) -> dict[str, float]:
    """One instance's start sweep after the downtime (run in its own process)."""
    store = await open_storage(url)
    try:
        sweeper = DeadlineService(store, ManualClock(AFTER_DOWNTIME), Policy())
        began = time.time()
        cpu = time.process_time()
        report = await sweeper.sweep()
        return {
            "began": began,
            "ended": time.time(),
            "applied": report.applied,
            "rows": report.total,
            "failed": report.failed,
            "cpu": time.process_time() - cpu,
        }
    finally:
        await store.close()


def _run_probes(url: str, instances: int) -> list[dict[str, float]]:
    root = Path(__file__).resolve().parents[1]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.instances", "--sweep-probe", url],
            cwd=root,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(instances)
    ]
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        assert proc.returncode == 0, out
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


async def catch_up(url: str, n: int, instances: int) -> dict[str, float]:
    """Seed n overdue orders, sweep them with `instances` processes, verify, report."""
    policy = Policy()
    await populate(url, n, policy)
    runs = await asyncio.to_thread(_run_probes, url, instances)
    wall = max(r["ended"] for r in runs) - min(r["began"] for r in runs)
    applied = sum(int(r["applied"]) for r in runs)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    services = await open_services(settings, ManualClock(AFTER_DOWNTIME), create=False)
    try:
        async with services.store.read() as tx:
            left = await tx.due_deadlines(AFTER_DOWNTIME, 1)
            still_open = sum([await tx.count_orders(s) for s in Status if not s.finished], 0)
        problems = await services.orders.ledger_problems()
    finally:
        await services.close()
    assert applied == n and not left and still_open == 0 and not problems, (
        applied,
        left,
        still_open,
        problems[:3],
    )
    rows = sum(int(r["rows"]) for r in runs)
    return {"per_s": n / wall, "rows": rows, "seconds": wall, "cpu_s": sum(r["cpu"] for r in runs)}


# --- 3. inbox overhead ------------------------------------------------------------------


async def relay(folder: Path, n: int, through_inbox: bool) -> dict[str, float]:
    """Relay n buyer messages; through the durable queue or straight to the processor."""
    app = relay_app(folder / f"relay-{uuid.uuid4().hex[:6]}.db")
    async with app:
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        s = app.bot_data.services
        orders = await open_chats(app)
        updates = [Update.de_json(_update(i + 1, _buyer(i)), app.bot) for i in range(n)]
        cpu, wall = time.process_time(), time.perf_counter()
        if through_inbox:
            # As Telegram's webhook delivers: up to 40 connections at once.
            for start in range(0, n, 40):
                await asyncio.gather(
                    *(app.update_queue.put(u) for u in updates[start : start + 40])
                )
            await bot_idle(app, timeout=600)
        else:
            await asyncio.gather(
                *(app.update_processor.process_update(u, app.process_update(u)) for u in updates)
            )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        kept = sum([len(await s.chat.transcript(oid)) for oid in orders], 0)
        assert kept == n, kept
        await app.stop()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
    return {"us_per_update": wall / n * 1e6, "cpu_us": cpu / n * 1e6}


# --- the run ----------------------------------------------------------------------------


async def _best(
    rounds: int, measure: Callable[[], Awaitable[dict[str, float]]]
) -> dict[str, float]:
    """The median round by its first figure (a shared machine jitters)."""
    runs = [await measure() for _ in range(rounds)]
    key = next(iter(runs[0]))
    return sorted(runs, key=lambda r: r[key])[len(runs) // 2]


async def main(a: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Scratch(a.url, Path(tmp))
        try:
            print(f"1. transitions per second ({a.cycles} orders x 3 transitions)")
            sq = await transitions(await scratch.url("sqlite"), a.cycles, 1)
            pg1 = await transitions(await scratch.url("postgres"), a.cycles, 1)
            pg8 = await transitions(await scratch.url("postgres"), a.cycles, 8)
            for name, r in (
                ("SQLite, 1 task", sq),
                ("PostgreSQL, 1 task", pg1),
                ("PostgreSQL, 8 tasks", pg8),
            ):
                print(f"   {name:22} {r['per_s']:8.0f}/s  {r['cpu_ms']:.2f} ms CPU each")
            out["transitions_per_s"] = {
                "sqlite": sq["per_s"],
                "pg_1": pg1["per_s"],
                "pg_8": pg8["per_s"],
            }
            out["transition_cpu_ms"] = {
                "sqlite": sq["cpu_ms"],
                "pg_1": pg1["cpu_ms"],
                "pg_8": pg8["cpu_ms"],
            }
            out["pg_vs_sqlite_transitions"] = {
                "1": pg1["per_s"] / sq["per_s"],
                "8": pg8["per_s"] / sq["per_s"],
            }
            print(
                f"   PostgreSQL / SQLite: {pg1['per_s'] / sq['per_s']:.2f}x (1 task), "
                f"{pg8['per_s'] / sq['per_s']:.2f}x (8 tasks)"
            )

            print(f"2. catch-up of {a.orders} overdue orders")
            runs = {"sqlite_1": await catch_up(await scratch.url("sqlite"), a.orders, 1)}
            for k in (1, 2, 3):
                runs[f"pg_{k}"] = await catch_up(await scratch.url("postgres"), a.orders, k)
            for name, r in runs.items():
                print(
                    f"   {name:10} {r['per_s']:8.0f} resolutions/s, {r['rows']:.0f} deadline rows "
                    f"({r['seconds']:.1f} s, {r['cpu_s']:.1f} s CPU)"
                )
            out["catchup_per_s"] = {k: r["per_s"] for k, r in runs.items()}
            out["catchup_deadline_rows"] = runs["sqlite_1"]["rows"]
            out["catchup_speedup_vs_1_instance"] = {
                k: runs[f"pg_{k}"]["per_s"] / runs["pg_1"]["per_s"] for k in (2, 3)
            }
            out["catchup_pg_vs_sqlite"] = runs["pg_1"]["per_s"] / runs["sqlite_1"]["per_s"]
            print(
                f"   PostgreSQL / SQLite (1 instance): {out['catchup_pg_vs_sqlite']:.2f}x; "
                f"2 and 3 instances / 1: {out['catchup_speedup_vs_1_instance'][2]:.2f}x, "
                f"{out['catchup_speedup_vs_1_instance'][3]:.2f}x"
            )
        finally:
            await scratch.drop()

        print(f"3. inbox overhead ({a.messages} relayed messages, SQLite, median of 3)")
        direct = await _best(3, lambda: relay(Path(tmp), a.messages, False))
        kept = await _best(3, lambda: relay(Path(tmp), a.messages, True))
        print(
            f"   no inbox    {direct['us_per_update']:7.0f} us/update "
            f"{direct['cpu_us']:6.0f} us CPU"
        )
        print(f"   with inbox  {kept['us_per_update']:7.0f} us/update {kept['cpu_us']:6.0f} us CPU")
        out["inbox_us_per_update"] = {
            "without": direct["us_per_update"],
            "with": kept["us_per_update"],
        }
        out["inbox_cpu_us"] = {"without": direct["cpu_us"], "with": kept["cpu_us"]}
        out["inbox_overhead_ratio"] = kept["us_per_update"] / direct["us_per_update"]
        out["inbox_cpu_ratio"] = kept["cpu_us"] / direct["cpu_us"]
        print(
            f"   with / without: {out['inbox_overhead_ratio']:.2f}x time, "
            f"{out['inbox_cpu_ratio']:.2f}x CPU"
        )
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--orders", type=int, default=20_000)
    parser.add_argument("--cycles", type=int, default=300)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sweep-probe", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sweep_probe:
        print(json.dumps(asyncio.run(sweep_probe(args.sweep_probe))))
    else:
        print(json.dumps(asyncio.run(main(args))))
