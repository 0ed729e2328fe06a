"""The connection a transaction runs on, and the query helpers the tables use.

Statements run on the event loop's own thread, on aiosqlite's connection. aiosqlite sends
every call to its worker thread and wakes the loop with the answer: two thread switches, a
queue and a pipe write per statement, which cost more CPU than the statement itself (a
relayed chat message was about twenty of them). The store lets one task at a time use the
connection (`Store._lock`, every call awaited), so nothing else runs on it meanwhile. What
can wait stays on aiosqlite's thread: BEGIN IMMEDIATE, which waits for another process's
write lock for up to the busy timeout, and COMMIT, which waits for the disk (fsync). A
statement inside a transaction that holds the write lock does not wait for anything, and
neither does a read on a WAL database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

Params = Sequence[Any]


class HeldInserts:
    """The connection as one transaction sees it: appends nobody reads back wait, and go
    to SQLite together.

    Each statement is a round trip to aiosqlite's thread. Timeline lines and outbox rows
    are only appended within a transaction, so they are held and sent with one
    `executemany` each just before another statement touches their table, or before the
    commit: a sweep of 200 resolutions sends its 600 such rows in two round trips.
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        # The sqlite3 connection under aiosqlite's (opened with check_same_thread=False).
        self._raw: sqlite3.Connection = db._conn
        self._held: dict[str, list[Params]] = {}
        self._tables: set[str] = set()

    def hold(self, table: str, sql: str, params: Params) -> None:
        """Queue an INSERT into `table` (named in `sql`) until it could matter."""
        self._held.setdefault(sql, []).append(params)
        self._tables.add(table)

    async def flush(self) -> None:
        """Send everything held, in the order it was held per statement."""
        held, self._held, self._tables = self._held, {}, set()
        for sql, rows in held.items():
            self._raw.executemany(sql, rows)

    async def _before(self, sql: str) -> None:
        # Any statement that names a held table (a read, an update) sees the held rows.
        if self._tables and any(table in sql for table in self._tables):
            await self.flush()

    async def execute(self, sql: str, args: Params = ()) -> sqlite3.Cursor:
        await self._before(sql)
        return self._raw.execute(sql, args)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> sqlite3.Cursor:
        await self._before(sql)
        return self._raw.executemany(sql, rows)

    async def execute_fetchall(self, sql: str, args: Params = ()) -> list[sqlite3.Row]:
        await self._before(sql)
        return self._raw.execute(sql, args).fetchall()


class Queries:
    """Base of the store's table groups: all share one connection and transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = HeldInserts(db)

    async def flush(self) -> None:
        """Write held inserts now (the transaction does this before it commits)."""
        await self._db.flush()

    async def _one(self, sql: str, args: Params = ()) -> aiosqlite.Row | None:
        rows = await self._db.execute_fetchall(sql, args)
        return next(iter(rows), None)

    async def _all(self, sql: str, args: Params = ()) -> list[aiosqlite.Row]:
        return list(await self._db.execute_fetchall(sql, args))
