"""The durable inbox (part of `PgTx`): updates kept before they are acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.ports.records import InboxItem
from store.postgres.queries import PgQueries, utc

# pg_advisory_xact_lock's key for "claiming updates": claims take turns across instances,
# so that the oldest pending update of a chat is never taken by two of them at once.
INBOX_CLAIM_LOCK = 0x6B636861_74000002


class InboxTables(PgQueries):
    """Updates in, one lease at a time per chat."""

    async def keep_update(
        self, update_id: int, chat_key: int | None, body: str, now: datetime
    ) -> bool:
        """Keep an update as it arrives; False if it was kept before (Telegram sent it again)."""
        kept = await self._run(
            "INSERT INTO inbox (update_id, chat_key, body, received_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (update_id) DO NOTHING",
            update_id,
            chat_key,
            body,
            utc(now),
        )
        return kept == 1

    async def claim_updates(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> list[InboxItem]:
        """Take the oldest pending update of chats nobody holds, leased to `token`."""
        await self._con.execute("SELECT pg_advisory_xact_lock($1)", INBOX_CLAIM_LOCK)
        rows = await self._all(
            "UPDATE inbox SET lease_until = $2, lease_token = $3, attempts = attempts + 1 "
            "WHERE update_id IN (SELECT i.update_id FROM inbox AS i "
            "WHERE i.state = 'pending' AND (i.lease_until IS NULL OR i.lease_until <= $1) "
            "AND (i.chat_key IS NULL OR NOT EXISTS (SELECT 1 FROM inbox AS ahead "
            "WHERE ahead.state = 'pending' AND ahead.chat_key = i.chat_key "
            "AND ahead.update_id < i.update_id)) "
            "ORDER BY i.update_id LIMIT $4) "
            "RETURNING update_id, chat_key, body, attempts",
            utc(now),
            utc(lease_until),
            token,
            limit,
        )
        items = [InboxItem(int(r[0]), r[1], str(r[2]), int(r[3])) for r in rows]
        return sorted(items, key=lambda i: i.update_id)

    async def take_update(
        self, update_id: int, now: datetime, lease_until: datetime, token: str
    ) -> bool:
        """Claim this one update if it is the oldest pending of its chat and not leased
        (taking turns with every other claim)."""
        await self._con.execute("SELECT pg_advisory_xact_lock($1)", INBOX_CLAIM_LOCK)
        taken = await self._run(
            "UPDATE inbox SET lease_until = $3, lease_token = $4, attempts = attempts + 1 "
            "WHERE update_id = $1 AND state = 'pending' "
            "AND (lease_until IS NULL OR lease_until <= $2) "
            "AND (chat_key IS NULL OR NOT EXISTS (SELECT 1 FROM inbox AS ahead "
            "WHERE ahead.state = 'pending' AND ahead.chat_key = inbox.chat_key "
            "AND ahead.update_id < inbox.update_id))",
            update_id,
            utc(now),
            utc(lease_until),
            token,
        )
        return taken == 1

    async def finish_updates(self, update_ids: Sequence[int], token: str, now: datetime) -> int:
        """These updates were applied; how many were still leased to `token`."""
        return await self._run(
            "UPDATE inbox SET state = 'applied', done_at = $1, lease_until = NULL "
            "WHERE update_id = ANY($2::bigint[]) AND lease_token = $3 AND state = 'pending'",
            utc(now),
            list(update_ids),
            token,
        )

    async def release_updates(self, token: str | None) -> int:
        """End the leases `token` holds on pending updates (None: everyone's)."""
        return await self._run(
            "UPDATE inbox SET lease_until = NULL WHERE state = 'pending' "
            "AND lease_until IS NOT NULL AND ($1::text IS NULL OR lease_token = $1)",
            token,
        )

    async def next_update_at(self) -> datetime | None:
        """When the earliest lease on a pending update runs out."""
        row = await self._one("SELECT MIN(lease_until) FROM inbox WHERE state = 'pending'")
        return row[0] if row else None

    async def forget_updates(self, before: datetime) -> int:
        """Drop applied updates finished before `before`."""
        return await self._run(
            "DELETE FROM inbox WHERE state = 'applied' AND done_at < $1", utc(before)
        )

    async def inbox_backlog(self) -> tuple[int, datetime | None]:
        """How many updates wait to be applied, and when the oldest of them arrived."""
        row = await self._one(
            "SELECT COUNT(*), MIN(received_at) FROM inbox WHERE state = 'pending'"
        )
        return (int(row[0]), row[1]) if row else (0, None)

    async def beat_instance(self, token: str, now: datetime, alive_until: datetime) -> int:
        """Renew this instance's row, forget the dead ones, count the living."""
        await self._run("DELETE FROM instances WHERE alive_until <= $1", utc(now))
        await self._run(
            "INSERT INTO instances (token, started_at, alive_until) VALUES ($1, $2, $3) "
            "ON CONFLICT (token) DO UPDATE SET alive_until = excluded.alive_until",
            token,
            utc(now),
            utc(alive_until),
        )
        row = await self._one("SELECT COUNT(*) FROM instances")
        return int(row[0]) if row is not None else 1

    async def drop_instance(self, token: str) -> None:
        """This instance no longer counts."""
        await self._run("DELETE FROM instances WHERE token = $1", token)
