"""Order events out: subscribers, deliveries queued with the change they report, and the
sender POSTing them to a real HTTP receiver, signed, retried on a fake clock, in order per
order, once each across instances. Runs on both backends (KCHAT_TEST_BACKEND)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.errors import InvalidInput, ReferenceTaken
from bot.ports.storage import Storage
from bot.services.orders import OrderService
from bot.services.webhooks import WebhookSender, WebhookService
from tests.conftest import make_order, make_paid_order
from tests.webhook_receiver import Receiver, doc_verify, receiver

LEASE = timedelta(seconds=30)


class Counted:
    """Telemetry that remembers what the sender reported."""

    def __init__(self) -> None:
        self.outcomes: list[str] = []

    def transitions_applied(self, actions: object) -> None:
        """Not counted here."""

    def faq_asked(self, answered: bool) -> None:
        """Not counted here."""

    def webhook_attempted(self, outcome: str) -> None:
        """A delivery attempt ended so."""
        self.outcomes.append(outcome)


@pytest.fixture
def hooks(store: Storage, clock: ManualClock) -> WebhookService:
    return WebhookService(store, clock)


@pytest.fixture
async def rec() -> AsyncIterator[Receiver]:
    async with receiver() as r:
        yield r


@pytest.fixture
async def sender(store: Storage, clock: ManualClock) -> AsyncIterator[WebhookSender]:
    s = WebhookSender(store, clock, timeout=timedelta(seconds=5), lease=LEASE, telemetry=Counted())
    yield s
    await s.close()


@pytest.fixture
async def other_store(db_url: str) -> AsyncIterator[Storage]:
    """A second connection to the test's database: another instance's."""
    opened = await open_storage(db_url)
    yield opened
    await opened.close()


def _events(rec: Receiver) -> list[dict[str, object]]:
    return [json.loads(r.body) for r in rec.received]


# --- subscribers ---------------------------------------------------------------------------


async def test_a_subscriber_is_added_with_a_secret_listed_and_removed(
    hooks: WebhookService,
) -> None:
    made = await hooks.add("https://shop.example.com/kchat", "order.paid,order.created")
    assert made.secret.startswith("whsec_") and len(made.secret) > 40
    assert made.subscription.events == ("order.created", "order.paid")
    [listed] = await hooks.all()
    assert (listed.id, listed.secret, listed.removed_at) == (
        made.subscription.id,
        made.secret,
        None,
    )
    removed = await hooks.remove(made.subscription.id)
    assert removed.removed_at is not None
    with pytest.raises(InvalidInput):
        await hooks.remove("wh_nobody")


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("ftp://shop.example.com/x", ""),
        ("shop.example.com/x", ""),
        ("https:///nohost", ""),
        ("https://shop.example.com/a b", ""),
        ("https://shop.example.com/x", "order.shipped"),
    ],
)
async def test_a_bad_url_or_event_type_adds_nothing(
    hooks: WebhookService, url: str, events: str
) -> None:
    with pytest.raises(InvalidInput):
        await hooks.add(url, events)
    assert await hooks.all() == []


# --- what a change queues ------------------------------------------------------------------


async def test_a_change_queues_one_delivery_per_interested_subscriber_with_the_order_then(
    hooks: WebhookService, orders: OrderService, clock: ManualClock
) -> None:
    every = (await hooks.add("https://a.example.com/e")).subscription
    paid_only = (await hooks.add("https://b.example.com/e", "order.paid")).subscription
    order = await make_paid_order(orders, clock)
    queued = await hooks.deliveries(order_id=order.id)
    got = sorted((d.subscription_id, d.event_type) for d in queued)
    assert got == sorted(
        [(every.id, "order.created"), (every.id, "order.paid"), (paid_only.id, "order.paid")]
    )
    assert {d.status for d in queued} == {"pending"}
    bodies = {(d.subscription_id, d.event_type): json.loads(d.body) for d in queued}
    created = bodies[every.id, "order.created"]
    assert created["data"]["status"] == "waiting_payment" and created["data"]["id"] == order.id
    paid = bodies[every.id, "order.paid"]
    assert paid["data"]["status"] == "waiting_delivery" and paid["data"]["paid_via"] == "external"
    assert paid["created"] == int(clock.now().timestamp())
    # One event, one id, whoever receives it.
    assert paid["id"] == bodies[paid_only.id, "order.paid"]["id"]
    assert paid["id"] != created["id"]


async def test_without_subscribers_a_change_queues_nothing(
    hooks: WebhookService, orders: OrderService, clock: ManualClock
) -> None:
    await make_paid_order(orders, clock)
    assert await hooks.deliveries() == []


async def test_the_created_event_carries_the_reference_and_a_refused_creation_queues_none(
    hooks: WebhookService, orders: OrderService
) -> None:
    await hooks.add("https://a.example.com/e")
    first = await orders.create_order(
        buyer_id=1, seller_id=2, title="Key", price_minor=100, currency="MYR", reference="r-1"
    )
    with pytest.raises(ReferenceTaken):
        await orders.create_order(
            buyer_id=3, seller_id=2, title="Key", price_minor=100, currency="MYR", reference="r-1"
        )
    [only] = await hooks.deliveries()
    assert only.order_id == first.id
    assert json.loads(only.body)["data"]["reference"] == "r-1"


# --- sending -------------------------------------------------------------------------------


async def test_an_orders_events_arrive_signed_and_in_order(
    hooks: WebhookService,
    orders: OrderService,
    clock: ManualClock,
    sender: WebhookSender,
    rec: Receiver,
) -> None:
    made = await hooks.add(rec.url)
    order = await make_paid_order(orders, clock)
    await orders.deliver(order.id, 2, "code ABCD")
    await orders.confirm_received(order.id, 1)
    assert await sender.send_due() == 4
    verify = doc_verify()
    now = clock.now().timestamp()
    events = [
        verify(made.secret, r.body, r.headers["KChat-Signature"], now=now) for r in rec.received
    ]
    assert [e["type"] for e in events] == [
        "order.created",
        "order.paid",
        "order.delivered",
        "order.confirmed",
    ]
    assert [e["data"]["status"] for e in events] == [
        "waiting_payment",
        "waiting_delivery",
        "waiting_confirmation",
        "completed",
    ]
    first = rec.received[0].headers
    assert first["KChat-Event-Id"] == events[0]["id"]
    assert first["KChat-Event-Type"] == "order.created"
    assert first["Content-Type"] == "application/json"
    assert {d.status for d in await hooks.deliveries()} == {"delivered"}
    assert sender.telemetry.outcomes == ["delivered"] * 4  # type: ignore[attr-defined]
    assert await sender.send_due() == 0, "nothing is sent twice"


async def test_a_refused_event_is_retried_on_schedule_and_holds_back_its_orders_later_events(
    hooks: WebhookService,
    orders: OrderService,
    clock: ManualClock,
    sender: WebhookSender,
    rec: Receiver,
) -> None:
    await hooks.add(rec.url)
    broken = await make_paid_order(orders, clock)
    fine = await make_order(orders, buyer=5)
    rec.refuse = lambda event_type, order_id: order_id == broken.id
    assert await sender.send_due() == 2
    assert rec.types(broken.id) == ["order.created"]  # paid waits behind it
    assert rec.types(fine.id) == ["order.created"]  # another order does not wait
    [created, paid] = sorted(
        await hooks.deliveries(order_id=broken.id, status="pending"), key=lambda d: d.id
    )
    assert (created.attempts, created.last_status) == (1, 500)
    assert created.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert paid.attempts == 0

    clock.advance(timedelta(seconds=59))
    assert await sender.send_due() == 0
    clock.advance(timedelta(seconds=1))
    assert await sender.send_due() == 1
    assert rec.types(broken.id) == ["order.created"] * 2
    [created, paid] = sorted(
        await hooks.deliveries(order_id=broken.id, status="pending"), key=lambda d: d.id
    )
    assert (created.attempts, paid.attempts) == (2, 0)
    assert created.next_attempt_at == clock.now() + timedelta(minutes=5)
    assert await sender.next_at() == created.next_attempt_at, "paid waits: not due before it"

    rec.refuse = lambda event_type, order_id: False  # the receiver is mended
    clock.advance(timedelta(minutes=5))
    assert await sender.send_due() == 2, "the held-back event follows at once"
    assert rec.types(broken.id) == ["order.created"] * 3 + ["order.paid"]
    assert {d.status for d in await hooks.deliveries()} == {"delivered"}
    assert sender.telemetry.outcomes.count("retrying") == 2  # type: ignore[attr-defined]


async def test_an_event_refused_for_three_days_fails_then_the_next_goes_and_retry_resends(
    hooks: WebhookService,
    orders: OrderService,
    clock: ManualClock,
    sender: WebhookSender,
    rec: Receiver,
) -> None:
    await hooks.add(rec.url)
    order = await make_paid_order(orders, clock)
    rec.refuse = lambda event_type, order_id: event_type == "order.created"
    start = clock.now()
    await sender.send_due()
    while (nxt := await sender.next_at()) is not None and rec.types(order.id)[-1:] != [
        "order.paid"
    ]:
        clock.set(max(nxt, clock.now()))
        await sender.send_due()
    [failed] = await hooks.deliveries(status="failed")
    assert (failed.event_type, failed.attempts, failed.last_status) == ("order.created", 11, 500)
    assert failed.last_attempt_at is not None
    assert failed.last_attempt_at - start <= timedelta(days=3)
    assert rec.types(order.id) == ["order.created"] * 11 + ["order.paid"]
    assert sender.telemetry.outcomes.count("failed") == 1  # type: ignore[attr-defined]

    rec.refuse = lambda event_type, order_id: False
    retried = await hooks.retry(failed.id)
    assert retried.status == "pending"
    assert await sender.send_due() == 1
    delivered = await hooks.deliveries(order_id=order.id, status="delivered")
    assert sorted(d.event_type for d in delivered) == ["order.created", "order.paid"]
    with pytest.raises(InvalidInput):
        await hooks.retry(10_000)


async def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
    store: Storage, hooks: WebhookService, orders: OrderService, clock: ManualClock, rec: Receiver
) -> None:
    await hooks.add(rec.url)
    await make_order(orders)
    rec.hang = True
    quick = WebhookSender(store, clock, timeout=timedelta(seconds=0.2), lease=LEASE)
    try:
        assert await quick.send_due() == 1
    finally:
        await quick.close()
    [d] = await hooks.deliveries()
    assert (d.status, d.attempts, d.last_status) == ("pending", 1, None)
    assert d.last_error is not None and "no answer" in d.last_error


async def test_an_unreachable_receiver_is_a_failed_attempt(
    hooks: WebhookService, orders: OrderService, sender: WebhookSender
) -> None:
    await hooks.add("http://127.0.0.1:9/nothing-listens")
    await make_order(orders)
    assert await sender.send_due() == 1
    [d] = await hooks.deliveries()
    assert (d.status, d.attempts) == ("pending", 1)
    assert d.last_error


async def test_two_instances_sending_at_once_send_each_event_once_and_in_order(
    store: Storage,
    other_store: Storage,
    hooks: WebhookService,
    orders: OrderService,
    clock: ManualClock,
    rec: Receiver,
) -> None:
    await hooks.add(rec.url)
    ids = []
    for buyer in range(3, 9):
        order = await make_paid_order(orders, clock, buyer=buyer)
        await orders.deliver(order.id, 2, "code")
        ids.append(order.id)
    a = WebhookSender(store, clock, timeout=timedelta(seconds=5), lease=LEASE)
    b = WebhookSender(other_store, clock, timeout=timedelta(seconds=5), lease=LEASE)
    try:
        sent = await asyncio.gather(a.send_due(), b.send_due(), a.send_due(), b.send_due())
    finally:
        await a.close()
        await b.close()
    assert sum(sent) == 18
    for oid in ids:
        assert rec.types(oid) == ["order.created", "order.paid", "order.delivered"]
    assert len({e["id"] for e in _events(rec)}) == 18


async def test_a_claim_left_by_a_stopped_instance_falls_due_when_its_lease_ends(
    store: Storage,
    hooks: WebhookService,
    orders: OrderService,
    clock: ManualClock,
    sender: WebhookSender,
    rec: Receiver,
) -> None:
    await hooks.add(rec.url)
    await make_order(orders)
    now = clock.now()
    async with store.transaction() as tx:
        [taken] = await tx.claim_webhook_deliveries(now, 10, now + LEASE, "stopped-instance")
    assert await sender.send_due() == 0, "leased to the other instance"
    clock.advance(LEASE)
    assert await sender.send_due() == 1
    assert rec.types() == ["order.created"]
    async with store.transaction() as tx:
        late = await tx.record_webhook_attempt(
            taken.delivery.id,
            "stopped-instance",
            clock.now(),
            status="failed",
            http_status=None,
            error="late",
            next_attempt_at=None,
        )
    assert not late, "the instance that lost its lease records nothing"
    [d] = await hooks.deliveries()
    assert d.status == "delivered"


async def test_removing_a_subscriber_fails_what_was_pending_for_it(
    hooks: WebhookService, orders: OrderService, clock: ManualClock, sender: WebhookSender
) -> None:
    made = await hooks.add("https://a.example.com/e")
    await make_paid_order(orders, clock)
    await hooks.remove(made.subscription.id)
    failed = await hooks.deliveries(status="failed")
    assert len(failed) == 2 and {d.last_error for d in failed} == {"subscriber removed"}
    assert await sender.send_due() == 0
    with pytest.raises(InvalidInput, match="removed"):
        await hooks.retry(failed[0].id)
    await make_order(orders, buyer=9)
    assert len(await hooks.deliveries()) == 2, "nothing more is queued for it"
