"""The connection a unit of work runs on, and the query methods every table group uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg

Params = Sequence[Any]


def utc(dt: datetime) -> datetime:
    """An aware datetime as stored (TIMESTAMPTZ); naive ones are refused, as on SQLite."""
    if dt.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return dt.astimezone(UTC)


def opt_utc(dt: datetime | None) -> datetime | None:
    """`utc` for an optional value."""
    return None if dt is None else utc(dt)


def rowcount(status: str) -> int:
    """How many rows a statement touched, from its command tag ("UPDATE 1", "INSERT 0 3")."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class PgQueries:
    """Base of the table groups: one connection, inside or outside a transaction.

    `locking`: the unit of work will write what it reads, so it reads orders FOR UPDATE.
    That is what makes a read-check-write safe across processes (the version check then
    never fails between well-behaved writers; it still guards the rest).
    """

    def __init__(self, con: asyncpg.Connection, *, locking: bool = False) -> None:
        self._con = con
        self._locking = locking

    @property
    def _for_update(self) -> str:
        return " FOR UPDATE" if self._locking else ""

    async def _one(self, sql: str, *args: Any) -> asyncpg.Record | None:
        row: asyncpg.Record | None = await self._con.fetchrow(sql, *args)
        return row

    async def _all(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return list(await self._con.fetch(sql, *args))

    async def _run(self, sql: str, *args: Any) -> int:
        """Execute one statement; the rows it touched."""
        return rowcount(await self._con.execute(sql, *args))

    async def _many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._con.executemany(sql, rows)
