"""The connection a transaction runs on, and one-round-trip query helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite


class Queries:
    """Base of the store's table groups: all share one connection and transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    # One round trip to aiosqlite's thread per query (a cursor would take three).
    async def _one(self, sql: str, args: Sequence[Any] = ()) -> aiosqlite.Row | None:
        rows = await self._db.execute_fetchall(sql, args)
        return next(iter(rows), None)

    async def _all(self, sql: str, args: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._db.execute_fetchall(sql, args))
