"""What lets several instances share one database: the inbox, outbox leases, claimed deadlines
and compare-and-set SLA raises. Each "instance" here is its own service object on its own
connection to the test's database (on PostgreSQL, truly concurrent)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.policy import Policy
from bot.domain.tickets import SupportPolicy, TicketKind
from bot.ports.storage import Storage
from bot.services.deadlines import DeadlineService
from bot.services.inbox import InboxService
from bot.services.notifications import NotificationService
from bot.services.orders import OrderService
from bot.services.support import SupportService
from tests.conftest import make_paid_order

LEASE = timedelta(seconds=30)
SUPPORT_CHAT = -100_555


@pytest.fixture
async def other_store(db_url: str) -> AsyncIterator[Storage]:
    """A second connection to the test's database: another instance's."""
    opened = await open_storage(db_url)
    yield opened
    await opened.close()


# --- the inbox ---------------------------------------------------------------------------


async def test_an_update_is_kept_once_and_a_resend_is_recognised(
    store: Storage, clock: ManualClock
) -> None:
    inbox = InboxService(store, clock, LEASE)
    assert await inbox.keep(10, 1001, '{"update_id": 10}')
    assert not await inbox.keep(10, 1001, '{"update_id": 10}'), "Telegram sent it again"
    assert await inbox.backlog() == (1, timedelta(0))
    [item] = await inbox.claim(10)
    assert (item.update_id, item.chat_key, item.attempts) == (10, 1001, 1)
    assert await inbox.applied(10)
    assert await inbox.backlog() == (0, timedelta(0))
    assert not await inbox.keep(10, 1001, '{"update_id": 10}'), "still known once applied"
    assert await inbox.claim(10) == []


async def test_one_chat_is_applied_in_order_by_one_instance_at_a_time(
    store: Storage, other_store: Storage, clock: ManualClock
) -> None:
    a = InboxService(store, clock, LEASE)
    b = InboxService(other_store, clock, LEASE)
    for update_id, chat in ((1, 1001), (2, 1001), (3, 2002), (4, 1001), (5, None)):
        await a.keep(update_id, chat, "{}")

    taken_by_a = [i.update_id for i in await a.claim(10)]
    assert taken_by_a == [1, 3, 5], "the oldest of each chat, and an update of no chat"
    assert await b.claim(10) == [], "nothing while A holds every chat"

    assert await a.applied(1)
    [next_of_chat] = await b.claim(10)
    assert next_of_chat.update_id == 2, "the chat's next update, to whoever asks"
    assert [i.update_id for i in await a.claim(10)] == [], "4 waits for 2"
    assert await b.applied(2)
    assert [i.update_id for i in await a.claim(10)] == [4]


async def test_an_instance_that_dies_holding_an_update_leaves_it_to_another_after_the_lease(
    store: Storage, other_store: Storage, clock: ManualClock
) -> None:
    dead = InboxService(store, clock, LEASE)
    alive = InboxService(other_store, clock, LEASE)
    await dead.keep(7, 1001, '{"update_id": 7}')
    assert [i.update_id for i in await dead.claim(10)] == [7]

    clock.advance(LEASE - timedelta(seconds=1))
    assert await alive.claim(10) == [], "the lease still holds"
    assert await alive.next_lease_end() == clock.now() + timedelta(seconds=1)
    clock.advance(timedelta(seconds=1))
    [taken] = await alive.claim(10)
    assert (taken.update_id, taken.attempts) == (7, 2)
    assert not await dead.applied(7), "the lease was lost: its word no longer counts"
    assert await alive.applied(7)


async def test_a_stopping_instance_gives_back_what_it_holds_and_applied_updates_are_forgotten(
    store: Storage, other_store: Storage, clock: ManualClock
) -> None:
    stopping = InboxService(store, clock, LEASE)
    other = InboxService(other_store, clock, LEASE)
    await stopping.keep(1, 1001, "{}")
    await stopping.keep(2, 2002, "{}")
    await stopping.claim(10)
    assert await stopping.release() == 2
    assert [i.update_id for i in await other.claim(10)] == [1, 2], "at once, not after the lease"
    assert await other.applied(1)
    clock.advance(timedelta(days=1, seconds=1))
    assert await other.forget_applied() == 1
    assert await other.keep(1, 1001, "{}"), "forgotten after a day (Telegram gave up by then)"


# --- the outbox --------------------------------------------------------------------------


async def test_a_notification_is_claimed_by_one_instance_and_taken_over_after_its_lease(
    store: Storage, other_store: Storage, clock: ManualClock, policy: Policy
) -> None:
    orders = OrderService(store, clock, policy)
    await make_paid_order(orders, clock, buyer=1, seller=2)
    a = NotificationService(store, clock, lease=LEASE)
    b = NotificationService(other_store, clock, lease=LEASE)

    mine = await a.claim(100)
    assert mine, "the order's news"
    assert await b.claim(100) == [], "leased to A"
    clock.advance(LEASE)
    theirs = await b.claim(100)
    assert [n.id for n in theirs] == [n.id for n in mine], "A died: B delivers the same news"
    await b.sent(theirs)
    clock.advance(LEASE)
    assert await a.claim(100) == [] and await b.claim(100) == []


async def test_a_claim_for_one_person_takes_only_their_news_and_leaves_the_rest_ready(
    store: Storage, clock: ManualClock, policy: Policy
) -> None:
    orders = OrderService(store, clock, policy)
    await make_paid_order(orders, clock, buyer=1, seller=2)
    await make_paid_order(orders, clock, buyer=3, seller=4)
    notes = NotificationService(store, clock, lease=LEASE)

    theirs = await notes.claim(100, recipient_id=3)
    assert theirs and {n.recipient_id for n in theirs} == {3}
    assert [n.id for n in theirs] == sorted(n.id for n in theirs), "oldest first"
    rest = await notes.claim(100)
    assert {n.recipient_id for n in rest} == {1, 2, 4}, "the others' news is still ready"
    assert await notes.claim(100, recipient_id=3) == [], "theirs is leased"


async def test_news_for_one_person_is_not_split_between_instances(
    store: Storage, other_store: Storage, clock: ManualClock, policy: Policy
) -> None:
    orders = OrderService(store, clock, policy)
    order = await make_paid_order(orders, clock, buyer=1, seller=2)
    a = NotificationService(store, clock, lease=LEASE)
    b = NotificationService(other_store, clock, lease=LEASE)
    held_by_a = await a.claim(100)
    await orders.deliver(order.id, 2, "CODE-1")  # newer news for the buyer and the seller

    assert await b.claim(100) == [], "both parties have earlier news in A's hands"
    await a.sent(held_by_a)
    later = await b.claim(100)
    assert {n.recipient_id for n in later} == {1, 2}
    assert min(n.id for n in later) > max(n.id for n in held_by_a)


async def test_news_given_back_unsent_is_ready_again_at_once_and_not_counted_as_a_try(
    store: Storage, other_store: Storage, clock: ManualClock, policy: Policy
) -> None:
    orders = OrderService(store, clock, policy)
    await make_paid_order(orders, clock)
    a = NotificationService(store, clock, lease=LEASE)
    b = NotificationService(other_store, clock, lease=LEASE)
    claimed = await a.claim(100)
    await a.release(claimed)
    again = await b.claim(100)
    assert [n.id for n in again] == [n.id for n in claimed]
    assert all(n.attempts == 0 for n in again)


# --- deadlines and service levels ----------------------------------------------------------


async def test_instances_sweeping_at_once_apply_each_due_deadline_exactly_once(
    store: Storage, other_store: Storage, clock: ManualClock, policy: Policy
) -> None:
    orders = OrderService(store, clock, policy)
    paid = [await make_paid_order(orders, clock, buyer=1 + i, seller=500 + i) for i in range(30)]
    clock.advance(policy.delivery_window + timedelta(minutes=1))  # every delivery is late
    sweepers = [
        DeadlineService(s, clock, policy, batch_size=4) for s in (store, other_store, store)
    ]
    reports = await asyncio.gather(*(s.sweep() for s in sweepers))

    assert sum(r.applied for r in reports) == len(paid), reports
    for order in paid:
        after = await orders.get(order.id)
        assert after.refunded_minor == order.amount_minor, "refunded once, not twice"
    async with store.read() as tx:
        assert await tx.due_deadlines(clock.now(), 100) == []


async def test_a_ticket_left_unclaimed_is_raised_again_by_one_instance_only(
    store: Storage, other_store: Storage, clock: ManualClock, policy: Policy
) -> None:
    slas = SupportPolicy(unclaimed_after=timedelta(minutes=15))
    desks = [
        SupportService(s, clock, OrderService(s, clock, policy), slas, SUPPORT_CHAT)
        for s in (store, other_store)
    ]
    ticket, _ = await desks[0].raise_ticket(TicketKind.HELP, order_id=None, user_id=1)
    clock.advance(timedelta(minutes=16))
    raised = await asyncio.gather(desks[0].sweep_sla(), desks[1].sweep_sla())
    assert sorted(raised) == [0, 1]
    async with store.transaction() as tx:
        news = await tx.claim_outbox(clock.now(), 100, clock.now(), "test")
    assert [i.kind for i in news].count("ticket_sla") == 1
    assert (await desks[1].get(ticket.id)).sla_raised_at == clock.now()


# --- the send budget ----------------------------------------------------------------------


async def test_instances_on_one_database_split_the_send_budget_and_take_back_a_dead_ones(
    store: Storage, other_store: Storage, clock: ManualClock
) -> None:
    from handlers.outbound_lanes import LaneRateLimiter
    from handlers.send_share import ALIVE_FOR, SendShare

    a, b, c = (InboxService(s, clock, LEASE) for s in (store, other_store, store))
    lanes = {name: LaneRateLimiter(30) for name in "abc"}
    share = SendShare()
    assert await share.beat(a, lanes["a"]) == 1
    assert lanes["a"].budget == 30, "alone, an instance has the whole budget"
    assert await share.beat(b, lanes["b"]) == 2
    assert await share.beat(a, lanes["a"]) == 2
    assert lanes["a"].budget == lanes["b"].budget == 15
    assert await share.beat(c, lanes["c"]) == 3
    assert await share.beat(a, lanes["a"]) == 3
    assert lanes["a"].budget == lanes["c"].budget == 10

    # c stops and says so: the others take its share at their next beat.
    await c.leave()
    assert await share.beat(a, lanes["a"]) == 2 and lanes["a"].budget == 15

    # b dies without a word: it counts until its last beat runs out, then no more.
    clock.advance(ALIVE_FOR - timedelta(seconds=1))
    assert await share.beat(a, lanes["a"]) == 2
    clock.advance(timedelta(seconds=2))
    assert await share.beat(a, lanes["a"]) == 1 and lanes["a"].budget == 30

    # Started again, it joins in.
    assert await share.beat(b, lanes["b"]) == 2
    assert await share.beat(a, lanes["a"]) == 2 and lanes["a"].budget == 15
