"""Marketplace accounts, their one-time links and the orders that wait for them (part of
`Tx`). SQLite has one writer at a time, so a transaction's reads hold until it commits:
the locks the port asks for are already there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.ports.records import AccountRecord, LinkTokenRecord, WaitingOrderRecord
from bot.timefmt import from_db, to_db
from store.queries import Queries

_WAITING = (
    "reference, buyer_account, buyer_id, seller_account, seller_id, title, price_minor, "
    "currency, created_at, state, order_id, closed_at, note"
)


def _ts(value: Any) -> datetime | None:
    return from_db(value) if value else None


def _account(row: Any) -> AccountRecord:
    return AccountRecord(str(row[0]), row[1], _ts(row[2]), _ts(row[3]))


def _waiting(row: Any) -> WaitingOrderRecord:
    return WaitingOrderRecord(
        reference=str(row[0]),
        buyer_account=row[1],
        buyer_id=row[2],
        seller_account=row[3],
        seller_id=row[4],
        title=str(row[5]),
        price_minor=int(row[6]),
        currency=str(row[7]),
        created_at=from_db(row[8]),
        state=str(row[9]),
        order_id=row[10],
        closed_at=_ts(row[11]),
        note=row[12],
    )


class AccountTables(Queries):
    """Accounts, links and waiting orders on SQLite."""

    async def lock_account(self, account: str, now: datetime) -> AccountRecord:
        """The account's row, inserted if new."""
        await self._db.execute(
            "INSERT INTO accounts (account, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (account, to_db(now)),
        )
        found = await self.get_account(account)
        assert found is not None, "inserted above"
        return found

    async def get_account(self, account: str) -> AccountRecord | None:
        """The account's row, or None."""
        row = await self._one(
            "SELECT account, telegram_id, linked_at, created_at FROM accounts WHERE account = ?",
            (account,),
        )
        return _account(row) if row else None

    async def account_of_telegram(self, telegram_id: int) -> AccountRecord | None:
        """The account this Telegram user is linked to, or None."""
        row = await self._one(
            "SELECT account, telegram_id, linked_at, created_at FROM accounts "
            "WHERE telegram_id = ?",
            (telegram_id,),
        )
        return _account(row) if row else None

    async def bind_account(self, account: str, telegram_id: int, now: datetime) -> None:
        """Link the account to the Telegram user."""
        await self._db.execute(
            "UPDATE accounts SET telegram_id = ?, linked_at = ? WHERE account = ?",
            (telegram_id, to_db(now), account),
        )

    async def unbind_account(self, account: str) -> None:
        """Unlink the account."""
        await self._db.execute(
            "UPDATE accounts SET telegram_id = NULL, linked_at = NULL WHERE account = ?",
            (account,),
        )

    async def insert_link_token(
        self, nonce: str, account: str, expires_at: datetime, now: datetime
    ) -> None:
        """Record an issued link."""
        await self._db.execute(
            "INSERT INTO link_tokens (nonce, account, expires_at, created_at) VALUES (?, ?, ?, ?)",
            (nonce, account, to_db(expires_at), to_db(now)),
        )

    async def link_token(self, nonce: str) -> LinkTokenRecord | None:
        """The issued link with this nonce, or None."""
        row = await self._one(
            "SELECT nonce, account, expires_at, used_at FROM link_tokens WHERE nonce = ?",
            (nonce,),
        )
        return (
            LinkTokenRecord(str(row[0]), str(row[1]), from_db(row[2]), _ts(row[3])) if row else None
        )

    async def use_link_token(self, nonce: str, telegram_id: int, now: datetime) -> bool:
        """Mark the link used; False if it was used already."""
        cur = await self._db.execute(
            "UPDATE link_tokens SET used_at = ?, used_by = ? WHERE nonce = ? AND used_at IS NULL",
            (to_db(now), telegram_id, nonce),
        )
        return cur.rowcount == 1

    async def claim_meta(self, name: str, value: str) -> str:
        """Record the fact unless one is recorded; the recorded value."""
        await self._db.execute(
            "INSERT INTO engine_meta (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (name, value),
        )
        row = await self._one("SELECT value FROM engine_meta WHERE name = ?", (name,))
        assert row is not None, "inserted above"
        return str(row[0])

    async def lock_reference(self, reference: str) -> None:
        """Nothing to do: one writer at a time."""

    async def order_of_reference(self, reference: str) -> str | None:
        """The order the reference names, if any."""
        row = await self._one(
            "SELECT order_id FROM order_references WHERE reference = ?", (reference,)
        )
        return str(row[0]) if row else None

    async def insert_waiting_order(self, waiting: WaitingOrderRecord) -> bool:
        """Keep an order that waits; False if its reference is taken by another."""
        w = waiting
        cur = await self._db.execute(
            "INSERT INTO waiting_orders (reference, buyer_account, buyer_id, seller_account, "
            "seller_id, title, price_minor, currency, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                w.reference,
                w.buyer_account,
                w.buyer_id,
                w.seller_account,
                w.seller_id,
                w.title,
                w.price_minor,
                w.currency,
                to_db(w.created_at),
            ),
        )
        return cur.rowcount == 1

    async def waiting_order(self, reference: str) -> WaitingOrderRecord | None:
        """The waiting order with this reference, or None."""
        row = await self._one(
            f"SELECT {_WAITING} FROM waiting_orders WHERE reference = ?", (reference,)
        )
        return _waiting(row) if row else None

    async def waiting_orders_of(
        self, account: str, state: str | None, limit: int
    ) -> list[WaitingOrderRecord]:
        """Waiting orders naming the account, oldest first."""
        rows = await self._all(
            f"SELECT {_WAITING} FROM waiting_orders "
            "WHERE (buyer_account = ? OR seller_account = ?) AND (? IS NULL OR state = ?) "
            "ORDER BY created_at, reference LIMIT ?",
            (account, account, state, state, limit),
        )
        return [_waiting(r) for r in rows]

    async def close_waiting_order(
        self, reference: str, state: str, order_id: str | None, note: str | None, now: datetime
    ) -> bool:
        """Move a waiting order out of `waiting`; False if it had left it already."""
        cur = await self._db.execute(
            "UPDATE waiting_orders SET state = ?, order_id = ?, note = ?, closed_at = ? "
            "WHERE reference = ? AND state = 'waiting'",
            (state, order_id, note, to_db(now), reference),
        )
        return cur.rowcount == 1
