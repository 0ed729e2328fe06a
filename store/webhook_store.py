"""The order events' subscribers and deliveries (part of `Tx`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.ports.records import (
    DueWebhookDelivery,
    NewWebhookDelivery,
    WebhookDelivery,
    WebhookSubscription,
)
from bot.timefmt import from_db, to_db
from store.queries import Queries

_SUB_COLUMNS = "id, url, secret, events, created_at, removed_at"
DELIVERY_COLUMNS = (
    "id, subscription_id, event_id, event_type, order_id, body, status, attempts, "
    "created_at, next_attempt_at, first_attempt_at, last_attempt_at, last_status, last_error"
)
# A pending delivery waits while an older one to the same subscriber about the same order
# is pending: one order's events arrive in order.
WAITS_BEHIND = (
    "EXISTS (SELECT 1 FROM webhook_deliveries AS ahead "
    "WHERE ahead.subscription_id = d.subscription_id AND ahead.order_id = d.order_id "
    "AND ahead.status = 'pending' AND ahead.id < d.id)"
)


def _opt(value: Any) -> datetime | None:
    return from_db(value) if value else None


def subscription(row: Any, parse: Any = from_db) -> WebhookSubscription:
    """A subscriber from its row (`_SUB_COLUMNS`)."""
    return WebhookSubscription(
        id=str(row[0]),
        url=str(row[1]),
        secret=str(row[2]),
        events=tuple(e for e in str(row[3]).split(",") if e),
        created_at=parse(row[4]),
        removed_at=parse(row[5]) if row[5] else None,
    )


def delivery(row: Any, parse: Any = _opt) -> WebhookDelivery:
    """A delivery from its row (`DELIVERY_COLUMNS`)."""
    return WebhookDelivery(
        id=int(row[0]),
        subscription_id=str(row[1]),
        event_id=str(row[2]),
        event_type=str(row[3]),
        order_id=str(row[4]),
        body=str(row[5]),
        status=str(row[6]),
        attempts=int(row[7]),
        created_at=parse(row[8]),
        next_attempt_at=parse(row[9]),
        first_attempt_at=parse(row[10]),
        last_attempt_at=parse(row[11]),
        last_status=row[12],
        last_error=row[13],
    )


class WebhookTables(Queries):
    """Subscribers and deliveries on SQLite (one writer: a claim never races another)."""

    async def insert_webhook(self, subscription: WebhookSubscription) -> None:
        """Store a new subscriber."""
        s = subscription
        await self._db.execute(
            f"INSERT INTO webhook_subscriptions ({_SUB_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL)",
            (s.id, s.url, s.secret, ",".join(s.events), to_db(s.created_at)),
        )

    async def webhooks(self) -> list[WebhookSubscription]:
        """Every subscriber, removed ones too, oldest first."""
        rows = await self._all(
            f"SELECT {_SUB_COLUMNS} FROM webhook_subscriptions ORDER BY created_at, id"
        )
        return [subscription(r) for r in rows]

    async def webhook_targets(self) -> list[tuple[str, tuple[str, ...]]]:
        """The subscribers not removed, as (id, event types)."""
        rows = await self._all(
            "SELECT id, events FROM webhook_subscriptions WHERE removed_at IS NULL ORDER BY id"
        )
        return [(str(r[0]), tuple(e for e in str(r[1]).split(",") if e)) for r in rows]

    async def remove_webhook(
        self, subscription_id: str, now: datetime
    ) -> WebhookSubscription | None:
        """Stop sending to this subscriber (its pending deliveries fail); None if unknown."""
        await self._db.execute(
            "UPDATE webhook_subscriptions SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            (to_db(now), subscription_id),
        )
        await self._db.execute(
            "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, "
            "last_error = 'subscriber removed' WHERE subscription_id = ? AND status = 'pending'",
            (subscription_id,),
        )
        row = await self._one(
            f"SELECT {_SUB_COLUMNS} FROM webhook_subscriptions WHERE id = ?", (subscription_id,)
        )
        return subscription(row) if row else None

    async def add_webhook_deliveries(self, rows: Sequence[NewWebhookDelivery]) -> None:
        """Queue deliveries, due at once, in the transaction of the change they report
        (held, like the outbox's rows, and written with the next statement on the table or
        the commit: nothing in the transition reads them back)."""
        for r in rows:
            self._db.hold(
                "webhook_deliveries",
                "INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, "
                "order_id, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    r.subscription_id,
                    r.event_id,
                    r.event_type,
                    r.order_id,
                    r.body,
                    to_db(r.created_at),
                    to_db(r.created_at),
                ),
            )

    async def webhook_deliveries(
        self, *, order_id: str | None, status: str | None, limit: int
    ) -> list[WebhookDelivery]:
        """Deliveries, newest first, of one order and/or in one status."""
        where, args = [], []
        if order_id is not None:
            where.append("order_id = ?")
            args.append(order_id)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        rows = await self._all(
            f"SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries {clause}ORDER BY id DESC LIMIT ?",
            (*args, limit),
        )
        return [delivery(r) for r in rows]

    async def get_webhook_delivery(self, delivery_id: int) -> WebhookDelivery | None:
        """One delivery by id."""
        row = await self._one(
            f"SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?", (delivery_id,)
        )
        return delivery(row) if row else None

    async def claim_webhook_deliveries(
        self, now: datetime, limit: int, lease_until: datetime, owner: str
    ) -> list[DueWebhookDelivery]:
        """Take due deliveries, the oldest pending one of each (subscriber, order).

        The lease moves the row's next attempt to `lease_until`: if this instance dies
        mid-send, the row falls due again then.
        """
        columns = ", ".join(f"d.{c.strip()}" for c in DELIVERY_COLUMNS.split(","))
        rows = await self._all(
            f"SELECT {columns}, s.url, s.secret FROM webhook_deliveries AS d "
            "JOIN webhook_subscriptions AS s ON s.id = d.subscription_id "
            f"WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND NOT {WAITS_BEHIND} "
            "ORDER BY d.id LIMIT ?",
            (to_db(now), limit),
        )
        if not rows:
            return []
        ids = [int(r[0]) for r in rows]
        await self._db.execute(
            "UPDATE webhook_deliveries SET next_attempt_at = ?, lease_until = ?, lease_owner = ? "
            f"WHERE id IN ({', '.join('?' * len(ids))})",
            (to_db(lease_until), to_db(lease_until), owner, *ids),
        )
        return [DueWebhookDelivery(delivery(r), str(r[14]), str(r[15])) for r in rows]

    async def record_webhook_attempt(
        self,
        delivery_id: int,
        owner: str,
        now: datetime,
        *,
        status: str,
        http_status: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> bool:
        """An attempt ended; False if `owner` had lost the lease meanwhile."""
        cur = await self._db.execute(
            "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, "
            "first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?, "
            "last_status = ?, last_error = ?, next_attempt_at = ?, lease_owner = NULL, "
            "lease_until = NULL WHERE id = ? AND lease_owner = ? AND status = 'pending'",
            (
                status,
                to_db(now),
                to_db(now),
                http_status,
                error,
                to_db(next_attempt_at) if next_attempt_at else None,
                delivery_id,
                owner,
            ),
        )
        return cur.rowcount == 1

    async def retry_webhook_delivery(
        self, delivery_id: int, now: datetime
    ) -> WebhookDelivery | None:
        """Send a delivery (delivered, failed, or pending and not being sent) again from now
        on, with a fresh retry window; None if unknown."""
        await self._db.execute(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, "
            "first_attempt_at = NULL, lease_owner = NULL, lease_until = NULL "
            "WHERE id = ? AND (status <> 'pending' OR lease_until IS NULL OR lease_until <= ?) "
            "AND subscription_id IN "
            "(SELECT id FROM webhook_subscriptions WHERE removed_at IS NULL)",
            (to_db(now), delivery_id, to_db(now)),
        )
        return await self.get_webhook_delivery(delivery_id)

    async def next_webhook_at(self) -> datetime | None:
        """When the earliest pending delivery not waiting behind another is due."""
        row = await self._one(
            "SELECT MIN(d.next_attempt_at) FROM webhook_deliveries AS d "
            f"WHERE d.status = 'pending' AND NOT {WAITS_BEHIND}"
        )
        return from_db(row[0]) if row and row[0] else None
