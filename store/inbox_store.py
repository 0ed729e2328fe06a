"""The durable inbox (part of `Tx`): updates kept before they are acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.ports.records import InboxItem
from bot.timefmt import from_db, to_db
from store.queries import Queries


class InboxTables(Queries):
    """Updates in, one lease at a time per chat (SQLite has one writer: claims take turns)."""

    async def keep_update(
        self, update_id: int, chat_key: int | None, body: str, now: datetime
    ) -> bool:
        """Keep an update as it arrives; False if it was kept before (Telegram sent it again)."""
        cur = await self._db.execute(
            "INSERT INTO inbox (update_id, chat_key, body, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (update_id) DO NOTHING",
            (update_id, chat_key, body, to_db(now)),
        )
        return cur.rowcount == 1

    async def claim_updates(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> list[InboxItem]:
        """Take the oldest pending update of chats nobody holds, leased to `token`."""
        rows = await self._all(
            "UPDATE inbox SET lease_until = ?, lease_token = ?, attempts = attempts + 1 "
            "WHERE update_id IN (SELECT i.update_id FROM inbox AS i "
            "WHERE i.state = 'pending' AND (i.lease_until IS NULL OR i.lease_until <= ?) "
            "AND (i.chat_key IS NULL OR NOT EXISTS (SELECT 1 FROM inbox AS ahead "
            "WHERE ahead.state = 'pending' AND ahead.chat_key = i.chat_key "
            "AND ahead.update_id < i.update_id)) "
            "ORDER BY i.update_id LIMIT ?) "
            "RETURNING update_id, chat_key, body, attempts",
            (to_db(lease_until), token, to_db(now), limit),
        )
        items = [InboxItem(int(r[0]), r[1], str(r[2]), int(r[3])) for r in rows]
        return sorted(items, key=lambda i: i.update_id)

    async def take_update(
        self, update_id: int, now: datetime, lease_until: datetime, token: str
    ) -> bool:
        """Claim this one update if it is the oldest pending of its chat and not leased."""
        cur = await self._db.execute(
            "UPDATE inbox SET lease_until = ?, lease_token = ?, attempts = attempts + 1 "
            "WHERE update_id = ? AND state = 'pending' "
            "AND (lease_until IS NULL OR lease_until <= ?) "
            "AND (chat_key IS NULL OR NOT EXISTS (SELECT 1 FROM inbox AS ahead "
            "WHERE ahead.state = 'pending' AND ahead.chat_key = inbox.chat_key "
            "AND ahead.update_id < inbox.update_id))",
            (to_db(lease_until), token, update_id, to_db(now)),
        )
        return cur.rowcount == 1

    async def finish_updates(self, update_ids: Sequence[int], token: str, now: datetime) -> int:
        """These updates were applied; how many were still leased to `token`."""
        done = 0
        ids = list(update_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            cur = await self._db.execute(
                "UPDATE inbox SET state = 'applied', done_at = ?, lease_until = NULL "
                f"WHERE update_id IN ({marks}) AND lease_token = ? AND state = 'pending'",
                (to_db(now), *chunk, token),
            )
            done += cur.rowcount
        return done

    async def release_updates(self, token: str | None) -> int:
        """End the leases `token` holds on pending updates (None: everyone's)."""
        cur = await self._db.execute(
            "UPDATE inbox SET lease_until = NULL WHERE state = 'pending' "
            "AND lease_until IS NOT NULL AND (? IS NULL OR lease_token = ?)",
            (token, token),
        )
        return cur.rowcount

    async def next_update_at(self) -> datetime | None:
        """When the earliest lease on a pending update runs out."""
        row = await self._one("SELECT MIN(lease_until) FROM inbox WHERE state = 'pending'")
        return from_db(row[0]) if row and row[0] else None

    async def forget_updates(self, before: datetime) -> int:
        """Drop applied updates finished before `before`."""
        cur = await self._db.execute(
            "DELETE FROM inbox WHERE state = 'applied' AND done_at < ?", (to_db(before),)
        )
        return cur.rowcount

    async def inbox_backlog(self) -> tuple[int, datetime | None]:
        """How many updates wait to be applied, and when the oldest of them arrived."""
        row = await self._one(
            "SELECT COUNT(*), MIN(received_at) FROM inbox WHERE state = 'pending'"
        )
        if row is None:
            return 0, None
        return int(row[0]), (from_db(row[1]) if row[1] else None)

    async def beat_instance(self, token: str, now: datetime, alive_until: datetime) -> int:
        """Renew this instance's row, forget the dead ones, count the living."""
        await self._db.execute("DELETE FROM instances WHERE alive_until <= ?", (to_db(now),))
        await self._db.execute(
            "INSERT INTO instances (token, started_at, alive_until) VALUES (?, ?, ?) "
            "ON CONFLICT (token) DO UPDATE SET alive_until = excluded.alive_until",
            (token, to_db(now), to_db(alive_until)),
        )
        row = await self._one("SELECT COUNT(*) FROM instances")
        return int(row[0]) if row is not None else 1

    async def drop_instance(self, token: str) -> None:
        """This instance no longer counts."""
        await self._db.execute("DELETE FROM instances WHERE token = ?", (token,))
