"""The order events' subscribers and deliveries (part of `PgTx`).

Several instances send at once: a claim locks the rows it takes (`FOR UPDATE SKIP LOCKED`,
so two claims never wait for each other nor take the same row) and leases them by moving
their next attempt to the lease's end. A delivery behind an older pending one of the same
subscriber and order is not taken, whoever holds the older one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.ports.records import (
    DueWebhookDelivery,
    NewWebhookDelivery,
    WebhookDelivery,
    WebhookSubscription,
)
from store.postgres.queries import PgQueries, opt_utc, utc
from store.webhook_store import DELIVERY_COLUMNS, WAITS_BEHIND, delivery, subscription

_SUB_COLUMNS = "id, url, secret, events, created_at, removed_at"


def _same(value: datetime | None) -> datetime | None:
    return value


def _sub(row: object) -> WebhookSubscription:
    return subscription(row, _same)


def _delivery(row: object) -> WebhookDelivery:
    return delivery(row, _same)


class WebhookTables(PgQueries):
    """Subscribers and deliveries on PostgreSQL."""

    async def insert_webhook(self, subscription: WebhookSubscription) -> None:
        """Store a new subscriber."""
        s = subscription
        await self._run(
            f"INSERT INTO webhook_subscriptions ({_SUB_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL)",
            s.id,
            s.url,
            s.secret,
            ",".join(s.events),
            utc(s.created_at),
        )

    async def webhooks(self) -> list[WebhookSubscription]:
        """Every subscriber, removed ones too, oldest first."""
        rows = await self._all(
            f"SELECT {_SUB_COLUMNS} FROM webhook_subscriptions ORDER BY created_at, id"
        )
        return [_sub(r) for r in rows]

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
        await self._run(
            "UPDATE webhook_subscriptions SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL",
            utc(now),
            subscription_id,
        )
        await self._run(
            "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, "
            "last_error = 'subscriber removed' WHERE subscription_id = $1 AND status = 'pending'",
            subscription_id,
        )
        row = await self._one(
            f"SELECT {_SUB_COLUMNS} FROM webhook_subscriptions WHERE id = $1", subscription_id
        )
        return _sub(row) if row else None

    async def add_webhook_deliveries(self, rows: Sequence[NewWebhookDelivery]) -> None:
        """Queue deliveries, due at once, in the transaction of the change they report."""
        await self._many(
            "INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, order_id, "
            "body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
            [
                (r.subscription_id, r.event_id, r.event_type, r.order_id, r.body, utc(r.created_at))
                for r in rows
            ],
        )

    async def webhook_deliveries(
        self, *, order_id: str | None, status: str | None, limit: int
    ) -> list[WebhookDelivery]:
        """Deliveries, newest first, of one order and/or in one status."""
        rows = await self._all(
            f"SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries "
            "WHERE ($1::text IS NULL OR order_id = $1) AND ($2::text IS NULL OR status = $2) "
            "ORDER BY id DESC LIMIT $3",
            order_id,
            status,
            limit,
        )
        return [_delivery(r) for r in rows]

    async def get_webhook_delivery(self, delivery_id: int) -> WebhookDelivery | None:
        """One delivery by id."""
        row = await self._one(
            f"SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1", delivery_id
        )
        return _delivery(row) if row else None

    async def claim_webhook_deliveries(
        self, now: datetime, limit: int, lease_until: datetime, owner: str
    ) -> list[DueWebhookDelivery]:
        """Take due deliveries, the oldest pending one of each (subscriber, order)."""
        columns = ", ".join(f"d.{c.strip()}" for c in DELIVERY_COLUMNS.split(","))
        rows = await self._all(
            "WITH due AS (SELECT d.id FROM webhook_deliveries AS d "
            f"WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND NOT {WAITS_BEHIND} "
            "ORDER BY d.id LIMIT $2 FOR UPDATE SKIP LOCKED) "
            "UPDATE webhook_deliveries AS d SET next_attempt_at = $3, lease_until = $3, "
            "lease_owner = $4 FROM due, webhook_subscriptions AS s "
            "WHERE d.id = due.id AND s.id = d.subscription_id "
            f"RETURNING {columns}, s.url, s.secret",
            utc(now),
            limit,
            utc(lease_until),
            owner,
        )
        claimed = [DueWebhookDelivery(_delivery(r), str(r["url"]), str(r["secret"])) for r in rows]
        return sorted(claimed, key=lambda c: c.delivery.id)

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
        updated = await self._run(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, "
            "first_attempt_at = COALESCE(first_attempt_at, $2), last_attempt_at = $2, "
            "last_status = $3, last_error = $4, next_attempt_at = $5, lease_owner = NULL, "
            "lease_until = NULL WHERE id = $6 AND lease_owner = $7 AND status = 'pending'",
            status,
            utc(now),
            http_status,
            error,
            opt_utc(next_attempt_at),
            delivery_id,
            owner,
        )
        return updated == 1

    async def retry_webhook_delivery(
        self, delivery_id: int, now: datetime
    ) -> WebhookDelivery | None:
        """Send a delivery (delivered, failed, or pending and not being sent) again from now
        on, with a fresh retry window; None if unknown."""
        await self._run(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, "
            "first_attempt_at = NULL, lease_owner = NULL, lease_until = NULL "
            "WHERE id = $2 AND (status <> 'pending' OR lease_until IS NULL OR lease_until <= $1) "
            "AND subscription_id IN "
            "(SELECT id FROM webhook_subscriptions WHERE removed_at IS NULL)",
            utc(now),
            delivery_id,
        )
        return await self.get_webhook_delivery(delivery_id)

    async def next_webhook_at(self) -> datetime | None:
        """When the earliest pending delivery not waiting behind another is due."""
        row = await self._one(
            "SELECT MIN(d.next_attempt_at) FROM webhook_deliveries AS d "
            f"WHERE d.status = 'pending' AND NOT {WAITS_BEHIND}"
        )
        return row[0] if row and row[0] else None
