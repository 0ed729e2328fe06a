"""Orders, offers, the per-user "Deleted" flags and each order's timeline (part of `PgTx`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import asyncpg

from bot.domain.model import Offer, Order, Status
from bot.ports.errors import ConcurrentUpdate
from bot.ports.records import LogEntry
from store.postgres.queries import PgQueries, utc

_OFFER_COLS = "id, seller_id, title, price_minor, currency, active, created_at, updated_at"


def _order(row: asyncpg.Record) -> Order:
    # The version column is the truth; the body's copy may lag by design.
    return Order.model_validate_json(row[0]).model_copy(update={"version": row[1]})


def _offer(row: asyncpg.Record) -> Offer:
    return Offer(
        id=row[0],
        seller_id=row[1],
        title=row[2],
        price_minor=row[3],
        currency=row[4],
        active=bool(row[5]),
        created_at=row[6],
        updated_at=row[7],
    )


class OrderTables(PgQueries):
    """Orders and offers."""

    async def get_order(self, order_id: str) -> Order | None:
        """The order with this id, or None (locked until commit in a transaction)."""
        row = await self._one(
            f"SELECT body, version FROM orders WHERE id = $1{self._for_update}", order_id
        )
        return None if row is None else _order(row)

    async def get_orders(self, order_ids: Sequence[str]) -> dict[str, Order]:
        """Several orders by id in one query (locked in id order, so two batches never
        wait for each other in a circle)."""
        if not order_ids:
            return {}
        rows = await self._all(
            "SELECT body, version FROM orders WHERE id = ANY($1::text[]) "
            f"ORDER BY id{self._for_update}",
            list(order_ids),
        )
        orders = [_order(r) for r in rows]
        return {o.id: o for o in orders}

    async def insert_order(self, order: Order, now: datetime) -> None:
        """Store a new order (version 1)."""
        stored = order.model_copy(update={"version": 1})
        await self._run(
            "INSERT INTO orders (id, buyer_id, seller_id, status, created_at, updated_at, "
            "version, body) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
            order.id,
            order.buyer_id,
            order.seller_id,
            order.status.value,
            utc(order.created_at),
            utc(now),
            stored.model_dump_json(),
        )

    async def update_order(self, order: Order, expected_version: int, now: datetime) -> Order:
        """Write `order` only if nobody changed it since `expected_version` was read."""
        stored = order.model_copy(update={"version": expected_version + 1})
        done = await self._run(
            "UPDATE orders SET status = $1, updated_at = $2, version = $3, body = $4 "
            "WHERE id = $5 AND version = $6",
            order.status.value,
            utc(now),
            expected_version + 1,
            stored.model_dump_json(),
            order.id,
            expected_version,
        )
        if done != 1:
            raise ConcurrentUpdate(order.id)
        return stored

    async def set_hidden(self, order_id: str, user_ids: Iterable[int]) -> None:
        """Mirror the order's per-user "Deleted" flags (lists filter on it in SQL)."""
        await self._run("DELETE FROM order_hidden WHERE order_id = $1", order_id)
        rows = [(order_id, uid) for uid in user_ids]
        if rows:
            await self._many(
                "INSERT INTO order_hidden (order_id, user_id) VALUES ($1, $2) "
                "ON CONFLICT DO NOTHING",
                rows,
            )

    async def order_exists(self, order_id: str) -> bool:
        """True if the id is taken."""
        return await self._one("SELECT 1 FROM orders WHERE id = $1", order_id) is not None

    async def orders_of(
        self,
        user_id: int,
        statuses: Iterable[Status] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[Order]:
        """A user's orders as buyer or seller, newest activity first, except those they deleted."""
        wanted = [s.value for s in statuses or []]
        rows = await self._all(
            "SELECT body, version FROM orders WHERE (buyer_id = $1 OR seller_id = $1) "
            "AND NOT EXISTS (SELECT 1 FROM order_hidden h "
            "WHERE h.order_id = orders.id AND h.user_id = $1) "
            "AND (cardinality($2::text[]) = 0 OR status = ANY($2::text[])) "
            "ORDER BY updated_at DESC, created_at DESC, id LIMIT $3 OFFSET $4",
            user_id,
            wanted,
            limit,
            offset,
        )
        return [_order(r) for r in rows]

    async def count_orders(self, status: Status | None = None) -> int:
        """How many orders there are (optionally in one status)."""
        if status is None:
            row = await self._one("SELECT COUNT(*) FROM orders")
        else:
            row = await self._one("SELECT COUNT(*) FROM orders WHERE status = $1", status.value)
        return int(row[0]) if row else 0

    async def all_orders(self) -> list[Order]:
        """Every order (operators' checks and tests)."""
        rows = await self._all("SELECT body, version FROM orders ORDER BY created_at, id")
        return [_order(r) for r in rows]

    async def open_orders_after(self, after_id: str, limit: int) -> list[Order]:
        """Unfinished orders with ids after `after_id`, in id order (for batched passes)."""
        live = [s.value for s in Status if not s.finished]
        rows = await self._all(
            "SELECT body, version FROM orders WHERE status = ANY($1::text[]) AND id > $2 "
            f"ORDER BY id LIMIT $3{self._for_update}",
            live,
            after_id,
            limit,
        )
        return [_order(r) for r in rows]

    # --- offers ---------------------------------------------------------------------

    async def get_offer(self, offer_id: str) -> Offer | None:
        """The offer with this id, or None."""
        row = await self._one(f"SELECT {_OFFER_COLS} FROM offers WHERE id = $1", offer_id)
        return _offer(row) if row else None

    async def find_offer(self, seller_id: int, title: str, currency: str) -> Offer | None:
        """A seller's active offer with exactly this title and currency."""
        row = await self._one(
            f"SELECT {_OFFER_COLS} FROM offers WHERE seller_id = $1 AND title = $2 "
            "AND currency = $3 AND active = 1 ORDER BY created_at LIMIT 1",
            seller_id,
            title,
            currency,
        )
        return _offer(row) if row else None

    async def save_offer(self, offer: Offer) -> None:
        """Insert or update an offer."""
        await self._run(
            "INSERT INTO offers (id, seller_id, title, price_minor, currency, active, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET "
            "title = excluded.title, price_minor = excluded.price_minor, "
            "active = excluded.active, updated_at = excluded.updated_at",
            offer.id,
            offer.seller_id,
            offer.title,
            offer.price_minor,
            offer.currency,
            1 if offer.active else 0,
            utc(offer.created_at),
            utc(offer.updated_at),
        )

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
        await self._run(
            "INSERT INTO order_log (order_id, at, actor_role, actor_id, action, detail) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            order_id,
            utc(at),
            actor_role,
            actor_id,
            action,
            detail,
        )

    async def reordered_as(self, order_id: str) -> str | None:
        """The order placed by re-ordering `order_id`, if it was re-ordered."""
        row = await self._one(
            "SELECT detail FROM order_log WHERE order_id = $1 AND action = 'reorder' LIMIT 1",
            order_id,
        )
        return str(row[0]) if row else None

    async def timeline(self, order_id: str) -> list[LogEntry]:
        """The order's timeline, oldest first."""
        rows = await self._all(
            "SELECT at, actor_role, actor_id, action, detail FROM order_log "
            "WHERE order_id = $1 ORDER BY id",
            order_id,
        )
        return [LogEntry(r[0], r[1], r[2], r[3], r[4]) for r in rows]
