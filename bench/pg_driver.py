"""PostgreSQL driver choice: asyncpg against psycopg 3 on the store's typical transaction.

Each operation is one transaction through a pool, the shape of an order transition: read
the order row, update it conditionally on its version, insert two ledger entries and one
outbox row. Both drivers run the same statements on the same server (in a scratch schema,
dropped after), N operations from C concurrent tasks; reported are operations per second
and the process's CPU seconds per operation (user + system, the client's cost: the
server's is the same SQL for both), with the ratios from the same run.

Only the chosen driver (asyncpg) is a dependency; psycopg is measured when installed
(`pip install "psycopg[binary,pool]"`) and skipped, saying so, when not.

Run: python -m bench.pg_driver [--url postgresql://postgres@127.0.0.1/postgres] [-n 3000]
     [-c CONCURRENCY] [-r ROUNDS]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

SCHEMA_SQL = """
CREATE TABLE orders (id TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE ledger_entries (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txn_key TEXT NOT NULL, account TEXT NOT NULL, amount_minor BIGINT NOT NULL);
CREATE TABLE outbox (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id TEXT, recipient_id BIGINT NOT NULL, payload TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now())
"""
ORDERS = 200  # rows the operations spread over (contention stays low, as in real traffic)
BODY = json.dumps({"title": "Steam Wallet MYR 50", "amount_minor": 5000, "pad": "x" * 300})

Op = Callable[[int], Awaitable[None]]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def _measure(name: str, op: Op, n: int, concurrency: int) -> dict[str, Any]:
    for i in range(min(100, n)):  # warm the pool and the prepared statements
        await op(i)
    queue = iter(range(n))

    async def worker() -> None:
        for i in queue:
            await op(i)

    cpu, wall = _cpu(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return {"driver": name, "ops_per_s": n / wall, "cpu_ms_per_op": 1000 * cpu / n}


async def _asyncpg(url: str, schema: str, n: int, concurrency: int) -> dict[str, Any]:
    import asyncpg

    pool = await asyncpg.create_pool(
        url, min_size=concurrency, max_size=concurrency, server_settings={"search_path": schema}
    )

    async def op(i: int) -> None:
        oid = f"K{i % ORDERS:07d}"
        async with pool.acquire() as con, con.transaction():
            row = await con.fetchrow("SELECT version, body FROM orders WHERE id = $1", oid)
            assert row is not None
            done = await con.execute(
                "UPDATE orders SET version = $1, body = $2 WHERE id = $3 AND version = $4",
                row[0] + 1,
                row[1],
                oid,
                row[0],
            )
            if done != "UPDATE 1":
                return
            await con.executemany(
                "INSERT INTO ledger_entries (txn_key, account, amount_minor) VALUES ($1, $2, $3)",
                [(f"{oid}:{i}", "external", -5000), (f"{oid}:{i}", f"escrow:{oid}", 5000)],
            )
            await con.execute(
                "INSERT INTO outbox (order_id, recipient_id, payload) VALUES ($1, $2, $3)",
                oid,
                1001,
                '{"kind": "paid"}',
            )

    try:
        return await _measure("asyncpg", op, n, concurrency)
    finally:
        await pool.close()


async def _psycopg(url: str, schema: str, n: int, concurrency: int) -> dict[str, Any] | None:
    try:
        from psycopg_pool import AsyncConnectionPool
    except ImportError:
        return None

    pool = AsyncConnectionPool(
        url,
        min_size=concurrency,
        max_size=concurrency,
        kwargs={"options": f"-c search_path={schema}"},
        open=False,
    )
    await pool.open(wait=True)

    async def op(i: int) -> None:
        oid = f"K{i % ORDERS:07d}"
        async with pool.connection() as con, con.transaction():
            cur = await con.execute("SELECT version, body FROM orders WHERE id = %s", (oid,))
            row = await cur.fetchone()
            assert row is not None
            cur = await con.execute(
                "UPDATE orders SET version = %s, body = %s WHERE id = %s AND version = %s",
                (row[0] + 1, row[1], oid, row[0]),
            )
            if cur.rowcount != 1:
                return
            async with con.cursor() as c:
                await c.executemany(
                    "INSERT INTO ledger_entries (txn_key, account, amount_minor) "
                    "VALUES (%s, %s, %s)",
                    [(f"{oid}:{i}", "external", -5000), (f"{oid}:{i}", f"escrow:{oid}", 5000)],
                )
            await con.execute(
                "INSERT INTO outbox (order_id, recipient_id, payload) VALUES (%s, %s, %s)",
                (oid, 1001, '{"kind": "paid"}'),
            )

    try:
        return await _measure("psycopg", op, n, concurrency)
    finally:
        await pool.close()


async def main(url: str, n: int, concurrency: int, rounds: int) -> None:
    import asyncpg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}; SET search_path = {schema}; {SCHEMA_SQL}")
        await admin.executemany(
            "INSERT INTO orders (id, version, body) VALUES ($1, 1, $2)",
            [(f"K{i:07d}", BODY) for i in range(ORDERS)],
        )
        # Alternating rounds, so a neighbour's load on a shared machine hits both drivers;
        # the median round of each is reported.
        runs: dict[str, list[dict[str, Any]]] = {"asyncpg": [], "psycopg": []}
        for _ in range(rounds):
            runs["asyncpg"].append(await _asyncpg(url, schema, n, concurrency))
            other = await _psycopg(url, schema, n, concurrency)
            if other is not None:
                runs["psycopg"].append(other)
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()
    print(f"{n} transactions x {rounds} rounds, {concurrency} concurrent (pool of {concurrency})")
    if not runs["psycopg"]:
        print("  psycopg is not installed: measured asyncpg only")
    medians = {name: _median(found) for name, found in runs.items() if found}
    for name, r in medians.items():
        print(f"  {name:<8} {r['ops_per_s']:8.0f} ops/s  {r['cpu_ms_per_op']:.3f} ms CPU/op")
    if len(medians) == 2:
        a, p = medians["asyncpg"], medians["psycopg"]
        print(
            f"  asyncpg/psycopg: {a['ops_per_s'] / p['ops_per_s']:.2f}x ops/s, "
            f"{p['cpu_ms_per_op'] / a['cpu_ms_per_op']:.2f}x less CPU per op"
        )


def _median(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in ("ops_per_s", "cpu_ms_per_op")}


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    p.add_argument("-n", type=int, default=3000)
    p.add_argument("-c", "--concurrency", type=int, default=8)
    p.add_argument("-r", "--rounds", type=int, default=3)
    a = p.parse_args()
    asyncio.run(main(a.url, a.n, a.concurrency, a.rounds))
