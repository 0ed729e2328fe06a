"""Order events out to the marketplace: subscribers, the deliveries a change queues, and the
sender that POSTs them, signed, retried with backoff, in order per order.

A delivery row is written in the transaction of the change it reports (`queue_order_events`,
called where the outbox is written), so a crash loses none; the sender claims due rows under
a lease, so several instances send at once and a crashed one's rows fall due again.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import aiohttp

from bot.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.events import Event
from bot.domain.model import Order
from bot.domain.webhooks import (
    DEFAULT_RETRY_FOR,
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    WebhookEventType,
    event_body,
    next_attempt_at,
    parse_event_types,
    signature_header,
    webhook_type,
)
from bot.order_json import order_to_json
from bot.ports.records import (
    DueWebhookDelivery,
    NewWebhookDelivery,
    WebhookDelivery,
    WebhookSubscription,
)
from bot.ports.storage import Storage, UnitOfWork
from bot.services.telemetry import NoTelemetry, Telemetry

log = logging.getLogger(__name__)

STATUSES = ("pending", "delivered", "failed")
MAX_URL = 2000
BATCH = 50
USER_AGENT = "KChat-Webhooks/1"


class WebhookNotFound(InvalidInput):
    """No subscriber or delivery has this id."""


@dataclass(frozen=True)
class NewWebhook:
    """A subscriber just added: `secret` is shown this once (and kept, to sign with)."""

    subscription: WebhookSubscription
    secret: str


async def queue_order_events(
    tx: UnitOfWork, order: Order, events: Sequence[Event], now: datetime
) -> None:
    """Queue, inside the caller's transaction, one delivery per subscriber for each of
    `events` that is an order event; the body carries the order as it is now."""
    types = [t for e in events if (t := webhook_type(e.payload)) is not None]
    if not types:
        return
    targets = [
        (sub_id, [t for t in types if not wanted or t.value in wanted])
        for sub_id, wanted in await tx.webhook_targets()
    ]
    if not any(wants for _, wants in targets):
        return
    data = order_to_json(order, await tx.pending_deadlines(order.id))
    data["reference"] = await tx.order_reference(order.id)
    rows = []
    for event_type in types:
        event_id = f"evt_{secrets.token_hex(12)}"
        body = event_body(event_id, event_type, now, data)
        rows += [
            NewWebhookDelivery(sub_id, event_id, event_type.value, order.id, body, now)
            for sub_id, wants in targets
            if event_type in wants
        ]
    await tx.add_webhook_deliveries(rows)


def _check_url(url: str) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        ok = False
    if not ok or len(url) > MAX_URL or any(c.isspace() for c in url):
        raise InvalidInput(f"webhook URL {url[:80]!r}: give an http:// or https:// URL")
    return url


class WebhookService:
    """The operator's side: add, list and remove subscribers; see and retry deliveries."""

    def __init__(self, store: Storage, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def add(self, url: str, events: str = "") -> NewWebhook:
        """A new subscriber for `events` (comma-separated types; empty or `*`: all)."""
        try:
            types = parse_event_types(events)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        secret = f"whsec_{secrets.token_urlsafe(32)}"
        sub = WebhookSubscription(
            id=f"wh_{secrets.token_hex(6)}",
            url=_check_url(url),
            secret=secret,
            events=tuple(t.value for t in types),
            created_at=self.clock.now(),
            removed_at=None,
        )
        async with self.store.transaction() as tx:
            await tx.insert_webhook(sub)
        return NewWebhook(sub, secret)

    async def all(self) -> list[WebhookSubscription]:
        """Every subscriber, removed ones too, oldest first."""
        async with self.store.read() as tx:
            return await tx.webhooks()

    async def remove(self, subscription_id: str) -> WebhookSubscription:
        """Stop sending to a subscriber; what was still pending for it is marked failed."""
        async with self.store.transaction() as tx:
            sub = await tx.remove_webhook(subscription_id.strip(), self.clock.now())
        if sub is None:
            raise WebhookNotFound(f"no webhook subscriber with id {subscription_id[:40]!r}")
        return sub

    async def deliveries(
        self, *, order_id: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[WebhookDelivery]:
        """Deliveries, newest first, of one order and/or in one status."""
        if status is not None and status not in STATUSES:
            raise InvalidInput(f"status {status[:20]!r}: use {', '.join(STATUSES)}")
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit: a whole number from 1 to 1000")
        order_id = order_id.strip().upper() if order_id else None
        async with self.store.read() as tx:
            return await tx.webhook_deliveries(order_id=order_id, status=status, limit=limit)

    async def retry(self, delivery_id: int) -> WebhookDelivery:
        """Send a delivered or failed delivery again, now, with a fresh retry window."""
        async with self.store.transaction() as tx:
            found = await tx.retry_webhook_delivery(delivery_id, self.clock.now())
        if found is None:
            raise WebhookNotFound(f"no webhook delivery with id {delivery_id}")
        if found.status != "pending":
            raise InvalidInput(
                f"delivery {delivery_id} was not queued again: its subscriber was removed"
            )
        return found


class WebhookSender:
    """POSTs due deliveries: 2xx is delivered, anything else is tried again after the
    backoff, until the retry window is over (then failed)."""

    def __init__(
        self,
        store: Storage,
        clock: Clock,
        *,
        timeout: timedelta,
        lease: timedelta,
        retry_for: timedelta = DEFAULT_RETRY_FOR,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        # What the signature's timestamp reads: the receiver checks it against its own
        # clock (a replay window), so a world whose clock is not the wall's signs with the
        # wall's (the sandbox, whose time stands still until fast-forwarded).
        self.signing_clock = clock
        self.timeout = timeout
        # A claim outlives the longest POST, so no other instance takes a row being sent.
        self.lease = max(lease, timeout * 2)
        self.retry_for = retry_for
        self.telemetry: Telemetry = telemetry or NoTelemetry()
        self.owner = f"webhooks-{secrets.token_hex(6)}"
        self._session: aiohttp.ClientSession | None = None
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Something may have been queued: look now rather than at the next poll."""
        self._wake.set()

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            timeout = aiohttp.ClientTimeout(total=self.timeout.total_seconds())
            self._session = aiohttp.ClientSession(timeout=timeout)
        return self._session

    async def send_due(self) -> int:
        """Send everything due now (a delivered event lets the next one of its order go);
        how many attempts were made."""
        attempts = 0
        while True:
            now = self.clock.now()
            async with self.store.transaction() as tx:
                claimed = await tx.claim_webhook_deliveries(
                    now, BATCH, now + self.lease, self.owner
                )
            if not claimed:
                return attempts
            # At most one per (subscriber, order) is claimed: these may go side by side.
            await asyncio.gather(*(self._attempt(due) for due in claimed))
            attempts += len(claimed)

    async def _attempt(self, due: DueWebhookDelivery) -> None:
        d = due.delivery
        started = self.clock.now()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: signature_header(due.secret, d.body, self.signing_clock.now()),
            EVENT_ID_HEADER: d.event_id,
            EVENT_TYPE_HEADER: d.event_type,
        }
        http_status: int | None = None
        error: str | None = None
        try:
            async with self._client().post(
                due.url, data=d.body.encode(), headers=headers, allow_redirects=False
            ) as response:
                http_status = response.status
            if not 200 <= http_status < 300:
                error = f"HTTP {http_status}"
        except TimeoutError:
            error = f"no answer within {self.timeout.total_seconds():g} s"
        except (aiohttp.ClientError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        now = self.clock.now()
        retry_at: datetime | None = None
        if error is None:
            outcome = "delivered"
        else:
            retry_at = next_attempt_at(
                d.attempts + 1, d.first_attempt_at or started, now, self.retry_for
            )
            outcome = "retrying" if retry_at else "failed"
        async with self.store.transaction() as tx:
            recorded = await tx.record_webhook_attempt(
                d.id,
                self.owner,
                now,
                status="pending" if outcome == "retrying" else outcome,
                http_status=http_status,
                error=error,
                next_attempt_at=retry_at,
            )
        if not recorded:
            return  # the lease ran out and another instance took the row over
        self.telemetry.webhook_attempted(outcome)
        if outcome == "failed":
            log.warning(
                "webhook delivery %s (%s of %s) to %s failed for good after %d attempts: %s",
                d.id,
                d.event_type,
                d.order_id,
                due.url,
                d.attempts + 1,
                error,
            )

    async def next_at(self) -> datetime | None:
        """When the earliest pending delivery is due."""
        async with self.store.read() as tx:
            return await tx.next_webhook_at()

    async def run(self, stop: asyncio.Event, poll: timedelta) -> None:
        """Send until `stop` is set: whatever is due, then wait for a poke, the next due
        time or `poll`, whichever comes first. A failure is logged and the loop goes on."""
        while not stop.is_set():
            self._wake.clear()
            wait = poll.total_seconds()
            try:
                await self.send_due()
                nxt = await self.next_at()
                if nxt is not None:
                    # At least a second: a row due but waiting behind an older one (or leased
                    # to another instance) is not this loop's to spin on.
                    wait = min(wait, max((nxt - self.clock.now()).total_seconds(), 1.0))
            except Exception:
                log.exception("sending webhooks failed; trying again in %s", poll)
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            try:
                await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waiters:
                    w.cancel()


def event_types() -> list[str]:
    """Every event type, in the order the docs list them."""
    return [t.value for t in WebhookEventType]


class SenderTask:
    """The sender's loop as a task of the running process (`kchat run`, `kchat api`)."""

    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self, sender: WebhookSender, poll: timedelta) -> None:
        """Start sending in the background."""
        if self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(sender.run(self._stop, poll), name="webhooks")

    async def stop(self) -> None:
        """Stop after the current attempt (an unsent row stays pending: nothing is lost)."""
        if self._task is not None:
            self._stop.set()
            task, self._task = self._task, None
            await task
