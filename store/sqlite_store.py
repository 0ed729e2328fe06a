"""The SQLite store: one connection, one transaction at a time, conditional updates.

Each use case runs inside `Store.transaction()`: BEGIN IMMEDIATE takes SQLite's write
lock first (so a read-check-write cannot interleave with another process), and order
updates are conditional on the version read, so a lost update is impossible even on a
database without that lock.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.deadlines import Deadline
from bot.domain.ledger import LedgerTxn
from bot.domain.model import Offer, Order, Status
from bot.ports.errors import ConcurrentUpdate, DuplicateTransaction
from bot.ports.records import DueDeadline, LogEntry, OutboxItem, UserRecord
from bot.timefmt import from_db, to_db
from store.account_store import AccountTables
from store.api_store import ApiTables
from store.chat_store import ChatTables
from store.connection import BUSY_TIMEOUT_MS, connect, schema_version
from store.help_store import HelpTables
from store.inbox_store import InboxTables
from store.support_store import SupportTables
from store.webhook_store import WebhookTables


def _relay_waiting(table: str = "outbox") -> str:
    """Relays (kinds "relay" and "relay_edit") not gone out yet; the same terms as the partial
    index outbox_relay_queue, so that look-ups use it."""
    return f"{table}.kind IN ('relay', 'relay_edit') AND {table}.state IN ('pending', 'held')"


def _opt_ts(value: str | None) -> datetime | None:
    return from_db(value) if value else None


class Tx(
    ChatTables, SupportTables, HelpTables, InboxTables, ApiTables, AccountTables, WebhookTables
):
    """The operations available inside one transaction."""

    # --- orders ---------------------------------------------------------------------

    async def get_order(self, order_id: str) -> Order | None:
        """The order with this id, or None."""
        row = await self._one("SELECT body, version FROM orders WHERE id = ?", (order_id,))
        if row is None:
            return None
        return _order(row)

    async def get_orders(self, order_ids: Sequence[str]) -> dict[str, Order]:
        """Several orders by id in one query."""
        if not order_ids:
            return {}
        marks = ",".join("?" for _ in order_ids)
        rows = await self._all(f"SELECT body, version FROM orders WHERE id IN ({marks})", order_ids)
        orders = [
            Order.model_validate_json(r[0]).model_copy(update={"version": r[1]}) for r in rows
        ]
        return {o.id: o for o in orders}

    async def insert_order(self, order: Order, now: datetime) -> None:
        """Store a new order (version 1)."""
        stored = order.model_copy(update={"version": 1})
        await self._db.execute(
            "INSERT INTO orders (id, buyer_id, seller_id, status, created_at, updated_at, "
            "version, body) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
            (
                order.id,
                order.buyer_id,
                order.seller_id,
                order.status.value,
                to_db(order.created_at),
                to_db(now),
                stored.model_dump_json(),
            ),
        )

    async def update_order(self, order: Order, expected_version: int, now: datetime) -> Order:
        """Write `order` only if nobody changed it since `expected_version` was read."""
        stored = order.model_copy(update={"version": expected_version + 1})
        cur = await self._db.execute(
            "UPDATE orders SET status = ?, updated_at = ?, version = ?, body = ? "
            "WHERE id = ? AND version = ?",
            (
                order.status.value,
                to_db(now),
                expected_version + 1,
                stored.model_dump_json(),
                order.id,
                expected_version,
            ),
        )
        if cur.rowcount != 1:
            raise ConcurrentUpdate(order.id)
        return stored

    async def set_hidden(self, order_id: str, user_ids: Iterable[int]) -> None:
        """Mirror the order's per-user "Deleted" flags (lists filter on it in SQL)."""
        await self._db.execute("DELETE FROM order_hidden WHERE order_id = ?", (order_id,))
        rows = [(order_id, uid) for uid in user_ids]
        if rows:
            await self._db.executemany(
                "INSERT INTO order_hidden (order_id, user_id) VALUES (?, ?)", rows
            )

    async def order_exists(self, order_id: str) -> bool:
        """True if the id is taken."""
        return await self._one("SELECT 1 FROM orders WHERE id = ?", (order_id,)) is not None

    async def orders_of(
        self,
        user_id: int,
        statuses: Iterable[Status] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[Order]:
        """A user's orders as buyer or seller, newest activity first, except those they deleted."""
        args: list[Any] = [user_id, user_id, user_id]
        where = (
            "(buyer_id = ? OR seller_id = ?) AND NOT EXISTS (SELECT 1 FROM order_hidden h "
            "WHERE h.order_id = orders.id AND h.user_id = ?)"
        )
        wanted = list(statuses or [])
        if wanted:
            where += f" AND status IN ({','.join('?' for _ in wanted)})"
            args += [s.value for s in wanted]
        rows = await self._all(
            f"SELECT body, version FROM orders WHERE {where} "
            "ORDER BY updated_at DESC, created_at DESC, id LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )
        return [_order(r) for r in rows]

    async def count_orders(self, status: Status | None = None) -> int:
        """How many orders there are (optionally in one status)."""
        if status is None:
            row = await self._one("SELECT COUNT(*) FROM orders")
        else:
            row = await self._one("SELECT COUNT(*) FROM orders WHERE status = ?", (status.value,))
        return int(row[0]) if row else 0

    async def all_orders(self) -> list[Order]:
        """Every order (operators' checks and tests)."""
        rows = await self._all("SELECT body, version FROM orders ORDER BY created_at, id")
        return [_order(r) for r in rows]

    # --- offers ---------------------------------------------------------------------

    async def get_offer(self, offer_id: str) -> Offer | None:
        """The offer with this id, or None."""
        row = await self._one(
            "SELECT id, seller_id, title, price_minor, currency, active, created_at, updated_at "
            "FROM offers WHERE id = ?",
            (offer_id,),
        )
        return _offer(row) if row else None

    async def find_offer(self, seller_id: int, title: str, currency: str) -> Offer | None:
        """A seller's active offer with exactly this title and currency."""
        row = await self._one(
            "SELECT id, seller_id, title, price_minor, currency, active, created_at, updated_at "
            "FROM offers WHERE seller_id = ? AND title = ? AND currency = ? AND active = 1 "
            "ORDER BY created_at LIMIT 1",
            (seller_id, title, currency),
        )
        return _offer(row) if row else None

    async def save_offer(self, offer: Offer) -> None:
        """Insert or update an offer."""
        await self._db.execute(
            "INSERT INTO offers (id, seller_id, title, price_minor, currency, active, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "title = excluded.title, price_minor = excluded.price_minor, "
            "active = excluded.active, updated_at = excluded.updated_at",
            (
                offer.id,
                offer.seller_id,
                offer.title,
                offer.price_minor,
                offer.currency,
                1 if offer.active else 0,
                to_db(offer.created_at),
                to_db(offer.updated_at),
            ),
        )

    # --- ledger -----------------------------------------------------------------------

    async def post(self, txn: LedgerTxn, now: datetime) -> None:
        """Apply a balanced transaction; its key makes a second application impossible."""
        cur = await self._db.execute(
            "INSERT INTO ledger_txns (txn_key, order_id, currency, memo, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (txn_key) DO NOTHING",
            (txn.key, txn.order_id, txn.currency, txn.memo, to_db(now)),
        )
        if cur.rowcount != 1:
            raise DuplicateTransaction(txn.key)
        for e in txn.entries:
            self._db.hold(
                "ledger_entries",
                "INSERT INTO ledger_entries (txn_id, account, currency, amount_minor) "
                "VALUES (?, ?, ?, ?)",
                (cur.lastrowid, e.account, txn.currency, e.amount_minor),
            )

    async def balance(self, account: str, currency: str) -> int:
        """An account's balance, derived from its entries."""
        row = await self._one(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries "
            "WHERE account = ? AND currency = ?",
            (account, currency),
        )
        return int(row[0]) if row else 0

    async def balances(self, account: str) -> dict[str, int]:
        """An account's balance in every currency it has seen."""
        rows = await self._all(
            "SELECT currency, SUM(amount_minor) FROM ledger_entries WHERE account = ? "
            "GROUP BY currency ORDER BY currency",
            (account,),
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
            "SELECT txn_key FROM ledger_txns WHERE order_id = ? ORDER BY id", (order_id,)
        )
        return [r[0] for r in rows]

    # --- deadlines --------------------------------------------------------------------

    async def replace_deadlines(self, order_id: str, deadlines: Iterable[Deadline]) -> None:
        """Make the order's pending deadlines exactly `deadlines`; fired ones stay fired."""
        await self._db.execute(
            "DELETE FROM deadlines WHERE order_id = ? AND state = 'pending'", (order_id,)
        )
        rows = [(order_id, d.kind.value, to_db(d.due_at)) for d in deadlines]
        if rows:  # a finished order has none: spare the round trip
            await self._db.executemany(
                "INSERT INTO deadlines (order_id, kind, due_at) VALUES (?, ?, ?) "
                "ON CONFLICT (order_id, kind, due_at) DO NOTHING",
                rows,
            )

    async def claim_due_deadlines(self, now: datetime, limit: int) -> list[DueDeadline]:
        """The pending deadlines due by `now` (one writer at a time: the transaction holds
        them all)."""
        return await self.due_deadlines(now, limit)

    async def due_deadlines(self, now: datetime, limit: int) -> list[DueDeadline]:
        """Pending deadlines due at or before `now`, oldest first."""
        rows = await self._all(
            "SELECT id, order_id, kind, due_at FROM deadlines "
            "WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (to_db(now), limit),
        )
        return [DueDeadline(r[0], r[1], r[2], from_db(r[3])) for r in rows]

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending deadline falls due."""
        row = await self._one("SELECT MIN(due_at) FROM deadlines WHERE state = 'pending'")
        return _opt_ts(row[0]) if row else None

    async def deadline_backlog(self, now: datetime, overdue_before: datetime) -> tuple[int, int]:
        """How many pending deadlines are due at `now`, and how many of them were due before
        `overdue_before`."""
        row = await self._one(
            "SELECT COUNT(*), COALESCE(SUM(due_at < ?), 0) FROM deadlines "
            "WHERE state = 'pending' AND due_at <= ?",
            (to_db(overdue_before), to_db(now)),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def pending_deadlines(self, order_id: str) -> list[DueDeadline]:
        """An order's pending deadlines."""
        rows = await self._all(
            "SELECT id, order_id, kind, due_at FROM deadlines "
            "WHERE order_id = ? AND state = 'pending' ORDER BY due_at, id",
            (order_id,),
        )
        return [DueDeadline(r[0], r[1], r[2], from_db(r[3])) for r in rows]

    async def finish_due_deadline(
        self, order_id: str, kind: str, due_at: datetime, now: datetime
    ) -> bool:
        """Mark the order's pending deadline of `kind` at `due_at` done (applied in a move)."""
        cur = await self._db.execute(
            "UPDATE deadlines SET state = 'done', done_at = ? "
            "WHERE order_id = ? AND kind = ? AND due_at = ? AND state = 'pending'",
            (to_db(now), order_id, kind, to_db(due_at)),
        )
        return cur.rowcount == 1

    async def finish_deadline(self, deadline_id: int, state: str, now: datetime) -> bool:
        """Mark a pending deadline done or obsolete; False if it was no longer pending."""
        cur = await self._db.execute(
            "UPDATE deadlines SET state = ?, done_at = ? WHERE id = ? AND state = 'pending'",
            (state, to_db(now), deadline_id),
        )
        return cur.rowcount == 1

    async def count_deadlines(self, state: str) -> int:
        """How many deadlines are in a state."""
        row = await self._one("SELECT COUNT(*) FROM deadlines WHERE state = ?", (state,))
        return int(row[0]) if row else 0

    async def fired_deadlines(self, order_id: str) -> list[tuple[str, datetime]]:
        """(kind, due_at) of an order's deadlines that fired."""
        rows = await self._all(
            "SELECT kind, due_at FROM deadlines WHERE order_id = ? AND state = 'done' "
            "ORDER BY due_at",
            (order_id,),
        )
        return [(r[0], from_db(r[1])) for r in rows]

    # --- outbox -----------------------------------------------------------------------

    async def add_outbox(
        self,
        order_id: str | None,
        recipient_id: int,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        """Queue a notification in the same transaction as the change it reports."""
        self._db.hold(
            "outbox",
            "INSERT INTO outbox (order_id, recipient_id, kind, payload, created_at, "
            "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
            (order_id, recipient_id, kind, json.dumps(payload), to_db(now), to_db(now)),
        )

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
        cur = await self._db.execute(
            "INSERT INTO outbox (order_id, recipient_id, kind, payload, created_at, "
            "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
            (order_id, recipient_id, kind, json.dumps(payload), to_db(now), to_db(next_attempt_at)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def add_relay_outboxes(
        self, rows: Sequence[tuple[str, int, str, dict[str, Any], datetime, datetime]]
    ) -> list[int]:
        """`add_relay_outbox` for many (order, recipient, kind, payload, now, next attempt),
        one statement per 500; their row ids, in order."""
        ids: list[int] = []
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            payloads = [json.dumps(r[3]) for r in chunk]
            found = await self._all(
                "INSERT INTO outbox (order_id, recipient_id, kind, payload, created_at, "
                f"next_attempt_at) VALUES {','.join(['(?, ?, ?, ?, ?, ?)'] * len(chunk))} "
                "RETURNING id, payload",
                [
                    v
                    for r, payload in zip(chunk, payloads, strict=True)
                    for v in (r[0], r[1], r[2], payload, to_db(r[4]), to_db(r[5]))
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
            f"SELECT DISTINCT recipient_id FROM outbox WHERE recipient_id IN "
            f"({','.join('?' * len(wanted))}) AND {_relay_waiting()}",
            wanted,
        )
        return {int(r[0]) for r in rows}

    async def mark_outbox_sent_many(self, item_ids: Sequence[int], now: datetime) -> None:
        """These notifications reached Telegram."""
        await self._db.executemany(
            "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, "
            "lease_until = NULL WHERE id = ?",
            [(to_db(now), i) for i in item_ids],
        )

    async def relay_queued_for(self, recipient_id: int) -> bool:
        """True if a relay to this person is still waiting (pending or held)."""
        row = await self._one(
            f"SELECT 1 FROM outbox WHERE recipient_id = ? AND {_relay_waiting()} LIMIT 1",
            (recipient_id,),
        )
        return row is not None

    async def outbox_state(self, item_id: int) -> tuple[str, int] | None:
        """(pending, held, sent or failed; how many times it was tried)."""
        row = await self._one("SELECT state, attempts FROM outbox WHERE id = ?", (item_id,))
        return (str(row[0]), int(row[1])) if row else None

    async def fail_outbox(self, item_id: int, error: str) -> None:
        """Telegram refused it for good: stop trying (and let what queued behind it go)."""
        await self._db.execute(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, "
            "lease_until = NULL "
            "WHERE id = ?",
            (error[:500], item_id),
        )

    async def claim_outbox(
        self,
        now: datetime,
        limit: int,
        lease_until: datetime,
        owner: str,
        recipient_id: int | None = None,
    ) -> list[OutboxItem]:
        """Take notifications ready to send, oldest first, leased until `lease_until`; a relay
        waits for earlier relays to the same person, and nothing is taken for a person while
        earlier news to them is leased to another owner. `recipient_id`: only theirs."""
        at = to_db(now)
        only = "" if recipient_id is None else "AND recipient_id = ? "
        whose: tuple[int, ...] = () if recipient_id is None else (recipient_id,)
        rows = await self._all(
            "UPDATE outbox SET lease_until = ?, next_attempt_at = ?, lease_owner = ? "
            "WHERE id IN (SELECT id FROM outbox "
            f"WHERE state = 'pending' AND next_attempt_at <= ? {only}AND NOT ("
            f"{_relay_waiting()} AND EXISTS (SELECT 1 FROM outbox AS ahead WHERE "
            "ahead.recipient_id = outbox.recipient_id AND ahead.id < outbox.id AND "
            f"{_relay_waiting('ahead')})) "
            "AND NOT EXISTS (SELECT 1 FROM outbox AS held WHERE held.lease_until > ? "
            "AND held.recipient_id = outbox.recipient_id AND held.id < outbox.id "
            "AND held.state = 'pending' AND held.lease_owner <> ?) "
            "ORDER BY id LIMIT ?) "
            "RETURNING id, order_id, recipient_id, kind, payload, created_at, attempts",
            (to_db(lease_until), to_db(lease_until), owner, at, *whose, at, owner, limit),
        )
        items = [
            OutboxItem(r[0], r[1], r[2], r[3], json.loads(r[4]), from_db(r[5]), r[6]) for r in rows
        ]
        return sorted(items, key=lambda i: i.id)

    async def release_outbox(self, item_ids: Sequence[int], at: datetime) -> None:
        """Give claimed notifications back unsent, to be tried at `at` (not an attempt)."""
        await self._db.executemany(
            "UPDATE outbox SET next_attempt_at = ?, lease_until = NULL "
            "WHERE id = ? AND state = 'pending'",
            [(to_db(at), i) for i in item_ids],
        )

    async def outbox_for(self, order_id: str) -> list[OutboxItem]:
        """Every notification of one order, in order."""
        rows = await self._all(
            "SELECT id, order_id, recipient_id, kind, payload, created_at, attempts FROM outbox "
            "WHERE order_id = ? ORDER BY id",
            (order_id,),
        )
        return [
            OutboxItem(r[0], r[1], r[2], r[3], json.loads(r[4]), from_db(r[5]), r[6]) for r in rows
        ]

    async def mark_outbox_sent(self, item_id: int, now: datetime) -> None:
        """The notification reached Telegram."""
        await self._db.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, "
            "lease_until = NULL WHERE id = ?",
            (to_db(now), item_id),
        )

    async def retry_outbox(self, item_id: int, at: datetime, error: str) -> None:
        """Try the notification again at `at`."""
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, "
            "lease_until = NULL "
            "WHERE id = ?",
            (to_db(at), error[:500], item_id),
        )

    async def hold_outbox_for(self, recipient_id: int, error: str) -> None:
        """Park a recipient's pending notifications (they blocked the bot)."""
        await self._db.execute(
            "UPDATE outbox SET state = 'held', last_error = ?, lease_until = NULL "
            "WHERE recipient_id = ? AND state = 'pending'",
            (error[:500], recipient_id),
        )

    async def release_outbox_for(self, recipient_id: int, now: datetime) -> int:
        """Deliver a returning user's parked notifications."""
        cur = await self._db.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ? "
            "WHERE recipient_id = ? AND state = 'held'",
            (to_db(now), recipient_id),
        )
        return cur.rowcount

    async def next_outbox_at(self) -> datetime | None:
        """When the next pending notification becomes ready."""
        row = await self._one("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
        return _opt_ts(row[0]) if row else None

    async def outbox_backlog(self) -> tuple[int, datetime | None]:
        """How many notifications are pending, and when the oldest of them was queued."""
        row = await self._one(
            "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE state = 'pending'"
        )
        return (int(row[0]), _opt_ts(row[1])) if row else (0, None)

    # --- order log ----------------------------------------------------------------------

    async def log(
        self,
        order_id: str,
        at: datetime,
        actor_role: str,
        actor_id: int | None,
        action: str,
        detail: str = "",
    ) -> None:
        """Append a line to the order's timeline."""
        self._db.hold(
            "order_log",
            "INSERT INTO order_log (order_id, at, actor_role, actor_id, action, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (order_id, to_db(at), actor_role, actor_id, action, detail),
        )

    async def reordered_as(self, order_id: str) -> str | None:
        """The order placed by re-ordering `order_id`, if it was re-ordered."""
        row = await self._one(
            "SELECT detail FROM order_log WHERE order_id = ? AND action = 'reorder' LIMIT 1",
            (order_id,),
        )
        return str(row[0]) if row else None

    async def timeline(self, order_id: str) -> list[LogEntry]:
        """The order's timeline, oldest first."""
        rows = await self._all(
            "SELECT at, actor_role, actor_id, action, detail FROM order_log "
            "WHERE order_id = ? ORDER BY id",
            (order_id,),
        )
        return [LogEntry(from_db(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    # --- users ------------------------------------------------------------------------

    async def touch_user(
        self,
        telegram_id: int,
        now: datetime,
        display_name: str | None = None,
        username: str | None = None,
        started: bool = False,
        language_code: str | None = None,
    ) -> None:
        """Record that a user was seen (and started the bot, when `started`)."""
        await self._db.execute(
            "INSERT INTO users (telegram_id, display_name, username, started_at, last_seen_at, "
            "telegram_language) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET "
            "display_name = COALESCE(NULLIF(excluded.display_name, ''), users.display_name), "
            "username = COALESCE(excluded.username, users.username), "
            "started_at = COALESCE(users.started_at, excluded.started_at), "
            "last_seen_at = excluded.last_seen_at, "
            "telegram_language = COALESCE(excluded.telegram_language, users.telegram_language)",
            (
                telegram_id,
                display_name or "",
                username,
                to_db(now) if started else None,
                to_db(now),
                language_code,
            ),
        )

    async def ensure_user(self, telegram_id: int) -> None:
        """Make sure a row exists for a user named by intake before they open the bot."""
        await self._db.execute(
            "INSERT INTO users (telegram_id) VALUES (?) ON CONFLICT (telegram_id) DO NOTHING",
            (telegram_id,),
        )

    async def get_user(self, telegram_id: int) -> UserRecord | None:
        """What is known of a user."""
        row = await self._one(
            "SELECT telegram_id, display_name, username, started_at, last_seen_at, "
            "unreachable_since, timezone, language, telegram_language FROM users "
            "WHERE telegram_id = ?",
            (telegram_id,),
        )
        if row is None:
            return None
        return UserRecord(
            row[0],
            row[1],
            row[2],
            _opt_ts(row[3]),
            _opt_ts(row[4]),
            _opt_ts(row[5]),
            row[6],
            row[7],
            row[8],
        )

    async def set_language(self, telegram_id: int, language: str | None) -> None:
        """The language the user chose for the bot (None: their Telegram's)."""
        await self.ensure_user(telegram_id)
        await self._db.execute(
            "UPDATE users SET language = ? WHERE telegram_id = ?", (language, telegram_id)
        )

    async def set_timezone(self, telegram_id: int, timezone: str | None) -> None:
        """The user's time zone for dates the bot shows them (None: the bot's default)."""
        await self.ensure_user(telegram_id)
        await self._db.execute(
            "UPDATE users SET timezone = ? WHERE telegram_id = ?", (timezone, telegram_id)
        )

    async def set_unreachable(self, telegram_id: int, since: datetime | None) -> None:
        """Mark a user as having blocked the bot (or clear it)."""
        await self._db.execute(
            "UPDATE users SET unreachable_since = ? WHERE telegram_id = ?",
            (to_db(since) if since else None, telegram_id),
        )

    # --- engine facts -------------------------------------------------------------------

    async def get_meta(self, name: str) -> str | None:
        """A recorded fact about the engine, or None."""
        row = await self._one("SELECT value FROM engine_meta WHERE name = ?", (name,))
        return str(row[0]) if row else None

    async def set_meta(self, name: str, value: str) -> None:
        """Record a fact about the engine."""
        await self._db.execute(
            "INSERT INTO engine_meta (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    async def open_orders_after(self, after_id: str, limit: int) -> list[Order]:
        """Unfinished orders with ids after `after_id`, in id order (for batched passes)."""
        live = [s.value for s in Status if not s.finished]
        marks = ", ".join("?" for _ in live)
        rows = await self._all(
            f"SELECT body, version FROM orders WHERE status IN ({marks}) AND id > ? "
            "ORDER BY id LIMIT ?",
            (*live, after_id, limit),
        )
        return [_order(r) for r in rows]

    # --- idempotency ----------------------------------------------------------------------


def _order(row: aiosqlite.Row) -> Order:
    # The version column is the truth; the body's copy may lag by design.
    return Order.model_validate_json(row[0]).model_copy(update={"version": row[1]})


def _offer(row: aiosqlite.Row) -> Offer:
    return Offer(
        id=row[0],
        seller_id=row[1],
        title=row[2],
        price_minor=row[3],
        currency=row[4],
        active=bool(row[5]),
        created_at=from_db(row[6]),
        updated_at=from_db(row[7]),
    )


class Store:
    """The database behind one connection; transactions are serialized in-process."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection cannot interleave two transactions: tasks take turns.
        self._lock = asyncio.Lock()
        self._busy_timeout_ms: int | None = None  # the connection's, read at first use

    @classmethod
    async def open(
        cls, url: str, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> Store:
        """Connect, apply migrations, and return the store.

        Without `create`, a missing database is DatabaseMissing instead of a new empty one.
        """
        return cls(await connect(url, create=create, busy_timeout_ms=busy_timeout_ms))

    async def schema_version(self) -> int:
        """The highest migration applied to this database."""
        async with self._lock:
            return await schema_version(self._db)

    async def close(self) -> None:
        """Close the connection (waiting for a running transaction to finish)."""
        async with self._lock:
            await self._db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """One atomic unit of work: everything inside commits together or not at all."""
        async with self._lock:
            await self._begin()
            try:
                tx = Tx(self._db)
                yield tx
                await tx.flush()
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE on the loop's thread when the write lock is free (the usual case:
        no thread switch, see store/queries.py); when another process holds it, wait for it
        on aiosqlite's thread, up to the busy timeout, as before."""
        raw = self._db._conn
        if self._busy_timeout_ms is None:
            self._busy_timeout_ms = int(raw.execute("PRAGMA busy_timeout").fetchone()[0])
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        finally:
            raw.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
        await self._db.execute("BEGIN IMMEDIATE")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Reads between our own transactions; each statement sees one committed state."""
        async with self._lock:
            yield Tx(self._db)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        """Several reads that must agree even while other processes write (audits)."""
        async with self._lock:
            await self._db.execute("BEGIN")
            try:
                yield Tx(self._db)
            finally:
                await self._db.execute("ROLLBACK")
