"""SQLite statements run on the event loop's thread; only BEGIN IMMEDIATE when another
process holds the write lock, and COMMIT, wait on aiosqlite's thread. So a transaction that
must wait for another writer waits without blocking the loop, and still gets its turn."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from store.sqlite_store import Store

pytestmark = pytest.mark.sqlite_only("SQLite's write lock")


async def test_a_transaction_waits_for_another_processes_write_lock_without_blocking_the_loop(
    tmp_path: Path,
) -> None:
    db = tmp_path / "k.db"
    store = await Store.open(f"sqlite:///{db}", busy_timeout_ms=5_000)
    try:
        other = sqlite3.connect(db, isolation_level=None)  # another process's connection
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO users (telegram_id) VALUES (42)")

        async def write() -> None:
            async with store.transaction() as tx:
                await tx.ensure_user(43)

        writing = asyncio.create_task(write())
        ticks = 0
        for _ in range(20):  # the loop keeps running while the transaction waits
            await asyncio.sleep(0.01)
            ticks += 1
        assert not writing.done() and ticks == 20
        other.execute("COMMIT")
        await asyncio.wait_for(writing, 5)
        async with store.read() as tx:
            assert await tx.get_user(42) is not None and await tx.get_user(43) is not None
        # The store's connection has its busy timeout back for the next one who waits.
        async with store.read() as tx:
            assert (await tx._db.execute_fetchall("PRAGMA busy_timeout"))[0][0] == 5_000
        other.close()
    finally:
        await store.close()


async def test_a_failed_statement_rolls_back_and_the_connection_goes_on(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite:///{tmp_path / 'k.db'}")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with store.transaction() as tx:
                await tx.ensure_user(7)
                await tx._db.execute("INSERT INTO users (telegram_id) VALUES (7)")
        async with store.transaction() as tx:
            assert await tx.get_user(7) is None
            await tx.ensure_user(8)
        async with store.read() as tx:
            assert await tx.get_user(8) is not None
    finally:
        await store.close()
