"""Marketplace accounts, their one-time links and the orders that wait for them (part of
`PgTx`).

Units of work that lock an account take turns on one advisory lock (ACCOUNTS_LOCK) before
they read it: a link and an order that waits for the same account never miss each other,
two links of the two accounts of one waiting order never both leave it waiting, and since
it is one lock, taken first, they cannot deadlock on the accounts' rows. Linking is rare
and short; orders between Telegram ids never take it. The reference is held by a
transaction-scoped advisory lock of its own, so an order and a waiting order with one
reference never both commit."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from bot.ports.records import AccountRecord, LinkTokenRecord, WaitingOrderRecord
from store.postgres.queries import PgQueries, utc

_WAITING = (
    "reference, buyer_account, buyer_id, seller_account, seller_id, title, price_minor, "
    "currency, created_at, state, order_id, closed_at, note"
)
_ACCOUNT = "account, telegram_id, linked_at, created_at"
# pg_advisory_xact_lock's key for "changing accounts" (the other constants: inbox.py,
# outbox.py, migrations.py).
ACCOUNTS_LOCK = 0x6B636861_74000004
# The two-key form's first key for "a marketplace reference" (its second: the reference's
# hash); the two-key form is a key space of its own.
_REFERENCE_LOCK = 11


def _account(row: asyncpg.Record) -> AccountRecord:
    return AccountRecord(row["account"], row["telegram_id"], row["linked_at"], row["created_at"])


def _waiting(row: asyncpg.Record) -> WaitingOrderRecord:
    return WaitingOrderRecord(**dict(row))


class AccountTables(PgQueries):
    """Accounts, links and waiting orders on PostgreSQL."""

    async def lock_account(self, account: str, now: datetime) -> AccountRecord:
        """The account's row, inserted if new, locked until the transaction ends."""
        await self._con.execute("SELECT pg_advisory_xact_lock($1)", ACCOUNTS_LOCK)
        await self._run(
            "INSERT INTO accounts (account, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            account,
            utc(now),
        )
        row = await self._one(
            f"SELECT {_ACCOUNT} FROM accounts WHERE account = $1 FOR UPDATE", account
        )
        assert row is not None, "inserted above"
        return _account(row)

    async def get_account(self, account: str) -> AccountRecord | None:
        """The account's row, or None."""
        row = await self._one(f"SELECT {_ACCOUNT} FROM accounts WHERE account = $1", account)
        return _account(row) if row else None

    async def account_of_telegram(self, telegram_id: int) -> AccountRecord | None:
        """The account this Telegram user is linked to, or None."""
        row = await self._one(
            f"SELECT {_ACCOUNT} FROM accounts WHERE telegram_id = $1", telegram_id
        )
        return _account(row) if row else None

    async def bind_account(self, account: str, telegram_id: int, now: datetime) -> None:
        """Link the account to the Telegram user."""
        await self._run(
            "UPDATE accounts SET telegram_id = $1, linked_at = $2 WHERE account = $3",
            telegram_id,
            utc(now),
            account,
        )

    async def unbind_account(self, account: str) -> None:
        """Unlink the account."""
        await self._run(
            "UPDATE accounts SET telegram_id = NULL, linked_at = NULL WHERE account = $1",
            account,
        )

    async def insert_link_token(
        self, nonce: str, account: str, expires_at: datetime, now: datetime
    ) -> None:
        """Record an issued link."""
        await self._run(
            "INSERT INTO link_tokens (nonce, account, expires_at, created_at) "
            "VALUES ($1, $2, $3, $4)",
            nonce,
            account,
            utc(expires_at),
            utc(now),
        )

    async def link_token(self, nonce: str) -> LinkTokenRecord | None:
        """The issued link with this nonce, or None."""
        row = await self._one(
            "SELECT nonce, account, expires_at, used_at FROM link_tokens WHERE nonce = $1", nonce
        )
        return LinkTokenRecord(**dict(row)) if row else None

    async def use_link_token(self, nonce: str, telegram_id: int, now: datetime) -> bool:
        """Mark the link used; False if it was used already."""
        done = await self._run(
            "UPDATE link_tokens SET used_at = $1, used_by = $2 "
            "WHERE nonce = $3 AND used_at IS NULL",
            utc(now),
            telegram_id,
            nonce,
        )
        return done == 1

    async def claim_meta(self, name: str, value: str) -> str:
        """Record the fact unless one is recorded; the recorded value."""
        await self._run(
            "INSERT INTO engine_meta (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            name,
            value,
        )
        row = await self._one("SELECT value FROM engine_meta WHERE name = $1", name)
        assert row is not None, "inserted above"
        return str(row[0])

    async def lock_reference(self, reference: str) -> None:
        """Hold the reference until the transaction ends."""
        await self._con.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))", _REFERENCE_LOCK, reference
        )

    async def order_of_reference(self, reference: str) -> str | None:
        """The order the reference names, if any."""
        row = await self._one(
            "SELECT order_id FROM order_references WHERE reference = $1", reference
        )
        return str(row[0]) if row else None

    async def insert_waiting_order(self, waiting: WaitingOrderRecord) -> bool:
        """Keep an order that waits; False if its reference is taken by another."""
        w = waiting
        done = await self._run(
            "INSERT INTO waiting_orders (reference, buyer_account, buyer_id, seller_account, "
            "seller_id, title, price_minor, currency, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            w.reference,
            w.buyer_account,
            w.buyer_id,
            w.seller_account,
            w.seller_id,
            w.title,
            w.price_minor,
            w.currency,
            utc(w.created_at),
        )
        return done == 1

    async def waiting_order(self, reference: str) -> WaitingOrderRecord | None:
        """The waiting order with this reference, or None."""
        row = await self._one(
            f"SELECT {_WAITING} FROM waiting_orders WHERE reference = $1", reference
        )
        return _waiting(row) if row else None

    async def waiting_orders_of(
        self, account: str, state: str | None, limit: int
    ) -> list[WaitingOrderRecord]:
        """Waiting orders naming the account, oldest first."""
        rows = await self._all(
            f"SELECT {_WAITING} FROM waiting_orders "
            "WHERE (buyer_account = $1 OR seller_account = $1) "
            "AND ($2::text IS NULL OR state = $2) ORDER BY created_at, reference LIMIT $3",
            account,
            state,
            limit,
        )
        return [_waiting(r) for r in rows]

    async def close_waiting_order(
        self, reference: str, state: str, order_id: str | None, note: str | None, now: datetime
    ) -> bool:
        """Move a waiting order out of `waiting`; False if it had left it already."""
        done = await self._run(
            "UPDATE waiting_orders SET state = $1, order_id = $2, note = $3, closed_at = $4 "
            "WHERE reference = $5 AND state = 'waiting'",
            state,
            order_id,
            note,
            utc(now),
            reference,
        )
        return done == 1
