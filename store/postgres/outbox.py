"""Notifications to deliver (part of `PgTx`), written in the transaction of their change."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from bot.ports.records import OutboxItem
from store.postgres.queries import PgQueries, utc

# pg_advisory_xact_lock's key for "claiming notifications" (claims take turns).
OUTBOX_CLAIM_LOCK = 0x6B636861_74000003

_ITEM_COLS = "id, order_id, recipient_id, kind, payload, created_at, attempts"
_INSERT = (
    "INSERT INTO outbox (order_id, recipient_id, kind, payload, created_at, next_attempt_at) "
    "VALUES ($1, $2, $3, $4, $5, $6)"
)


def _relay_waiting(table: str = "outbox") -> str:
    """Relays (kinds "relay" and "relay_edit") not gone out yet; the same terms as the partial
    index outbox_relay_queue, so that look-ups use it."""
    return f"{table}.kind IN ('relay', 'relay_edit') AND {table}.state IN ('pending', 'held')"


def _item(r: asyncpg.Record) -> OutboxItem:
    return OutboxItem(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6])


class OutboxTables(PgQueries):
    """The outbox."""

    async def add_outbox(
        self,
        order_id: str | None,
        recipient_id: int,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        """Queue a notification in the same transaction as the change it reports."""
        at = utc(now)
        await self._run(_INSERT, order_id, recipient_id, kind, json.dumps(payload), at, at)

    async def add_relay_outbox(
        self,
        order_id: str,
        recipient_id: int,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
        next_attempt_at: datetime,
    ) -> int:
        """Queue a relayed message or edit (in the transaction that keeps it); its row id."""
        row_id = await self._con.fetchval(
            f"{_INSERT} RETURNING id",
            order_id,
            recipient_id,
            kind,
            json.dumps(payload),
            utc(now),
            utc(next_attempt_at),
        )
        return int(row_id)

    async def add_relay_outboxes(
        self, rows: Sequence[tuple[str, int, str, dict[str, Any], datetime, datetime]]
    ) -> list[int]:
        """`add_relay_outbox` for many (order, recipient, kind, payload, now, next attempt),
        one statement per 500; their row ids, in order."""
        ids: list[int] = []
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            payloads = [json.dumps(r[3]) for r in chunk]
            marks = ",".join(
                "(" + ", ".join(f"${6 * i + k}" for k in range(1, 7)) + ")"
                for i in range(len(chunk))
            )
            found = await self._all(
                "INSERT INTO outbox (order_id, recipient_id, kind, payload, created_at, "
                f"next_attempt_at) VALUES {marks} RETURNING id, payload",
                *[
                    v
                    for r, payload in zip(chunk, payloads, strict=True)
                    for v in (r[0], r[1], r[2], payload, utc(r[4]), utc(r[5]))
                ],
            )
            by_payload = {str(f[1]): int(f[0]) for f in found}  # each payload names its row
            ids += [by_payload[payload] for payload in payloads]
        return ids

    async def relays_queued_for(self, recipient_ids: Iterable[int]) -> set[int]:
        """Which of these people have a relay still waiting (pending or held)."""
        wanted = sorted(set(recipient_ids))
        if not wanted:
            return set()
        rows = await self._all(
            "SELECT DISTINCT recipient_id FROM outbox WHERE recipient_id = ANY($1::bigint[]) "
            f"AND {_relay_waiting()}",
            wanted,
        )
        return {int(r[0]) for r in rows}

    async def mark_outbox_sent_many(self, item_ids: Sequence[int], now: datetime) -> None:
        """These notifications reached Telegram."""
        await self._run(
            "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1, "
            "lease_until = NULL WHERE id = ANY($2::bigint[])",
            utc(now),
            list(item_ids),
        )

    async def relay_queued_for(self, recipient_id: int) -> bool:
        """True if a relay to this person is still waiting (pending or held)."""
        row = await self._one(
            f"SELECT 1 FROM outbox WHERE recipient_id = $1 AND {_relay_waiting()} LIMIT 1",
            recipient_id,
        )
        return row is not None

    async def outbox_state(self, item_id: int) -> tuple[str, int] | None:
        """(pending, held, sent or failed; how many times it was tried)."""
        row = await self._one("SELECT state, attempts FROM outbox WHERE id = $1", item_id)
        return (str(row[0]), int(row[1])) if row else None

    async def fail_outbox(self, item_id: int, error: str) -> None:
        """Telegram refused it for good: stop trying (and let what queued behind it go)."""
        await self._run(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $1, "
            "lease_until = NULL "
            "WHERE id = $2",
            error[:500],
            item_id,
        )

    async def claim_outbox(
        self,
        now: datetime,
        limit: int,
        lease_until: datetime,
        owner: str,
        recipient_id: int | None = None,
    ) -> list[OutboxItem]:
        """Take notifications ready to send, oldest first, leased until `lease_until`.

        Claims take turns (an advisory lock held to the end of the transaction), so what
        one instance holds is seen by the next claim: nothing is taken for a person while
        earlier news to them is leased to another owner, and a relay waits for earlier
        relays. (What one owner claims it sends in order.) `recipient_id`: only theirs.
        """
        await self._con.execute("SELECT pg_advisory_xact_lock($1)", OUTBOX_CLAIM_LOCK)
        rows = await self._all(
            "UPDATE outbox SET lease_until = $3, next_attempt_at = $3, lease_owner = $4 "
            "WHERE id IN (SELECT id FROM outbox "
            "WHERE state = 'pending' AND next_attempt_at <= $1 "
            "AND ($5::bigint IS NULL OR recipient_id = $5) AND NOT ("
            f"{_relay_waiting()} AND EXISTS (SELECT 1 FROM outbox AS ahead WHERE "
            "ahead.recipient_id = outbox.recipient_id AND ahead.id < outbox.id AND "
            f"{_relay_waiting('ahead')})) "
            "AND NOT EXISTS (SELECT 1 FROM outbox AS held WHERE held.lease_until > $1 "
            "AND held.recipient_id = outbox.recipient_id AND held.id < outbox.id "
            "AND held.state = 'pending' AND held.lease_owner <> $4) "
            f"ORDER BY id LIMIT $2) RETURNING {_ITEM_COLS}",
            utc(now),
            limit,
            utc(lease_until),
            owner,
            recipient_id,
        )
        return sorted((_item(r) for r in rows), key=lambda i: i.id)

    async def release_outbox(self, item_ids: Sequence[int], at: datetime) -> None:
        """Give claimed notifications back unsent, to be tried at `at` (not an attempt)."""
        await self._run(
            "UPDATE outbox SET next_attempt_at = $1, lease_until = NULL "
            "WHERE id = ANY($2::bigint[]) AND state = 'pending'",
            utc(at),
            list(item_ids),
        )

    async def outbox_for(self, order_id: str) -> list[OutboxItem]:
        """Every notification of one order, in order."""
        rows = await self._all(
            f"SELECT {_ITEM_COLS} FROM outbox WHERE order_id = $1 ORDER BY id", order_id
        )
        return [_item(r) for r in rows]

    async def mark_outbox_sent(self, item_id: int, now: datetime) -> None:
        """The notification reached Telegram."""
        await self._run(
            "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1, "
            "lease_until = NULL WHERE id = $2",
            utc(now),
            item_id,
        )

    async def retry_outbox(self, item_id: int, at: datetime, error: str) -> None:
        """Try the notification again at `at`."""
        await self._run(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2, "
            "lease_until = NULL "
            "WHERE id = $3",
            utc(at),
            error[:500],
            item_id,
        )

    async def hold_outbox_for(self, recipient_id: int, error: str) -> None:
        """Park a recipient's pending notifications (they blocked the bot)."""
        await self._run(
            "UPDATE outbox SET state = 'held', last_error = $1, lease_until = NULL "
            "WHERE recipient_id = $2 AND state = 'pending'",
            error[:500],
            recipient_id,
        )

    async def release_outbox_for(self, recipient_id: int, now: datetime) -> int:
        """Deliver a returning user's parked notifications."""
        return await self._run(
            "UPDATE outbox SET state = 'pending', next_attempt_at = $1 "
            "WHERE recipient_id = $2 AND state = 'held'",
            utc(now),
            recipient_id,
        )

    async def outbox_backlog(self) -> tuple[int, datetime | None]:
        """How many notifications are pending, and when the oldest of them was queued."""
        row = await self._one(
            "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE state = 'pending'"
        )
        return (int(row[0]), row[1]) if row else (0, None)

    async def next_outbox_at(self) -> datetime | None:
        """When the next pending notification becomes ready."""
        row = await self._one("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
        return row[0] if row else None
