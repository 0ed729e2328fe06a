"""The double-entry ledger (part of `PgTx`): balanced transactions, one per key."""

from __future__ import annotations

from datetime import datetime

from bot.domain.ledger import LedgerTxn
from bot.ports.errors import DuplicateTransaction
from store.postgres.queries import PgQueries, utc


class LedgerTables(PgQueries):
    """Ledger transactions and their entries."""

    async def post(self, txn: LedgerTxn, now: datetime) -> None:
        """Apply a balanced transaction; its key makes a second application impossible.

        Two processes posting one key at once: the second INSERT waits on the first's
        unique key, then inserts nothing, so it is DuplicateTransaction, never an error
        that would abort its transaction.
        """
        txn_id = await self._con.fetchval(
            "INSERT INTO ledger_txns (txn_key, order_id, currency, memo, created_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (txn_key) DO NOTHING RETURNING id",
            txn.key,
            txn.order_id,
            txn.currency,
            txn.memo,
            utc(now),
        )
        if txn_id is None:
            raise DuplicateTransaction(txn.key)
        await self._many(
            "INSERT INTO ledger_entries (txn_id, account, currency, amount_minor) "
            "VALUES ($1, $2, $3, $4)",
            [(txn_id, e.account, txn.currency, e.amount_minor) for e in txn.entries],
        )

    async def balance(self, account: str, currency: str) -> int:
        """An account's balance, derived from its entries."""
        row = await self._one(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries "
            "WHERE account = $1 AND currency = $2",
            account,
            currency,
        )
        return int(row[0]) if row else 0

    async def balances(self, account: str) -> dict[str, int]:
        """An account's balance in every currency it has seen."""
        rows = await self._all(
            "SELECT currency, SUM(amount_minor) FROM ledger_entries WHERE account = $1 "
            'GROUP BY currency ORDER BY currency COLLATE "C"',
            account,
        )
        return {r[0]: int(r[1]) for r in rows}

    async def all_balances(self) -> dict[tuple[str, str], int]:
        """Every (account, currency) balance: invariant checks."""
        rows = await self._all(
            "SELECT account, currency, SUM(amount_minor) FROM ledger_entries "
            "GROUP BY account, currency"
        )
        return {(r[0], r[1]): int(r[2]) for r in rows}

    async def unbalanced_txns(self) -> list[str]:
        """Keys of transactions whose entries do not sum to zero (should be none)."""
        rows = await self._all(
            "SELECT t.txn_key FROM ledger_txns t JOIN ledger_entries e ON e.txn_id = t.id "
            "GROUP BY t.id, t.txn_key HAVING SUM(e.amount_minor) <> 0"
        )
        return [r[0] for r in rows]

    async def txn_keys(self, order_id: str) -> list[str]:
        """Keys of the ledger transactions of one order."""
        rows = await self._all(
            "SELECT txn_key FROM ledger_txns WHERE order_id = $1 ORDER BY id", order_id
        )
        return [r[0] for r in rows]
