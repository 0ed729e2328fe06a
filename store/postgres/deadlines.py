"""Deadlines as rows, and the engine's recorded facts (part of `PgTx`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain.deadlines import Deadline
from bot.ports.records import DueDeadline
from store.postgres.queries import PgQueries, utc


class DeadlineTables(PgQueries):
    """Pending and fired deadlines; engine_meta."""

    async def replace_deadlines(self, order_id: str, deadlines: Iterable[Deadline]) -> None:
        """Make the order's pending deadlines exactly `deadlines`; fired ones stay fired.

        Callers hold the order's row lock (they derived `deadlines` from it), so two
        replacements of one order's deadlines never interleave.
        """
        await self._run("DELETE FROM deadlines WHERE order_id = $1 AND state = 'pending'", order_id)
        rows = [(order_id, d.kind.value, utc(d.due_at)) for d in deadlines]
        if rows:  # a finished order has none: spare the round trip
            await self._many(
                "INSERT INTO deadlines (order_id, kind, due_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (order_id, kind, due_at) DO NOTHING",
                rows,
            )

    async def claim_due_deadlines(self, now: datetime, limit: int) -> list[DueDeadline]:
        """The pending deadlines due by `now` whose orders no other transaction holds; their
        orders are locked for this one.

        The lock is taken on the order, not the deadline row: everyone who changes an
        order's deadlines holds the order, so holding it is holding them. SKIP LOCKED never
        waits, so sweeps of several instances share the work without a deadlock; should an
        instance die, its transaction rolls back and the rows are due again for the next.
        """
        rows = await self._all(
            "SELECT d.id, d.order_id, d.kind, d.due_at FROM deadlines AS d "
            "JOIN orders AS o ON o.id = d.order_id "
            "WHERE d.state = 'pending' AND d.due_at <= $1 ORDER BY d.due_at, d.id LIMIT $2 "
            "FOR UPDATE OF o SKIP LOCKED",
            utc(now),
            limit,
        )
        return [DueDeadline(r[0], r[1], r[2], r[3]) for r in rows]

    async def due_deadlines(self, now: datetime, limit: int) -> list[DueDeadline]:
        """Pending deadlines due at or before `now`, oldest first."""
        rows = await self._all(
            "SELECT id, order_id, kind, due_at FROM deadlines "
            "WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at, id LIMIT $2",
            utc(now),
            limit,
        )
        return [DueDeadline(r[0], r[1], r[2], r[3]) for r in rows]

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending deadline falls due."""
        row = await self._one("SELECT MIN(due_at) FROM deadlines WHERE state = 'pending'")
        return row[0] if row else None

    async def deadline_backlog(self, now: datetime, overdue_before: datetime) -> tuple[int, int]:
        """How many pending deadlines are due at `now`, and how many of them were due before
        `overdue_before`."""
        row = await self._one(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE due_at < $1) FROM deadlines "
            "WHERE state = 'pending' AND due_at <= $2",
            utc(overdue_before),
            utc(now),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def pending_deadlines(self, order_id: str) -> list[DueDeadline]:
        """An order's pending deadlines."""
        rows = await self._all(
            "SELECT id, order_id, kind, due_at FROM deadlines "
            "WHERE order_id = $1 AND state = 'pending' ORDER BY due_at, id",
            order_id,
        )
        return [DueDeadline(r[0], r[1], r[2], r[3]) for r in rows]

    async def finish_due_deadline(
        self, order_id: str, kind: str, due_at: datetime, now: datetime
    ) -> bool:
        """Mark the order's pending deadline of `kind` at `due_at` done (applied in a move)."""
        done = await self._run(
            "UPDATE deadlines SET state = 'done', done_at = $1 "
            "WHERE order_id = $2 AND kind = $3 AND due_at = $4 AND state = 'pending'",
            utc(now),
            order_id,
            kind,
            utc(due_at),
        )
        return done == 1

    async def finish_deadline(self, deadline_id: int, state: str, now: datetime) -> bool:
        """Mark a pending deadline done or obsolete; False if it was no longer pending."""
        done = await self._run(
            "UPDATE deadlines SET state = $1, done_at = $2 WHERE id = $3 AND state = 'pending'",
            state,
            utc(now),
            deadline_id,
        )
        return done == 1

    async def count_deadlines(self, state: str) -> int:
        """How many deadlines are in a state."""
        row = await self._one("SELECT COUNT(*) FROM deadlines WHERE state = $1", state)
        return int(row[0]) if row else 0

    async def fired_deadlines(self, order_id: str) -> list[tuple[str, datetime]]:
        """(kind, due_at) of an order's deadlines that fired."""
        rows = await self._all(
            "SELECT kind, due_at FROM deadlines WHERE order_id = $1 AND state = 'done' "
            "ORDER BY due_at",
            order_id,
        )
        return [(r[0], r[1]) for r in rows]

    # --- engine facts -------------------------------------------------------------------

    async def get_meta(self, name: str) -> str | None:
        """A recorded fact about the engine, or None."""
        row = await self._one("SELECT value FROM engine_meta WHERE name = $1", name)
        return str(row[0]) if row else None

    async def set_meta(self, name: str, value: str) -> None:
        """Record a fact about the engine."""
        await self._run(
            "INSERT INTO engine_meta (name, value) VALUES ($1, $2) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            name,
            value,
        )
