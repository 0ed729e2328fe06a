"""Linking marketplace accounts, on either backend: one-time links, orders that wait for an
account and are created through the order use case when it links, references shared by
orders and waiting orders, and the signing key every instance agrees on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.errors import (
    AccountLinkedElsewhere,
    IllegalTransition,
    LinkExpired,
    LinkForged,
    LinkUsed,
    NotAllowed,
    NotLinked,
    ReferenceTaken,
    TelegramLinkedElsewhere,
    WaitingOrderNotFound,
)
from bot.domain.linking import Party
from bot.domain.model import Status
from bot.domain.policy import Policy
from bot.ports.storage import Storage
from bot.services.accounts import AccountService, Placed
from bot.services.orders import OrderService
from tests.databases import dump

ALICE, SAM, MAL = 1001, 2002, 3003


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Storage]:
    opened = await open_storage(db_url)
    yield opened
    await opened.close()


@pytest.fixture
def orders(store: Storage, clock: ManualClock) -> OrderService:
    return OrderService(store, clock, Policy())


@pytest.fixture
def accounts(store: Storage, clock: ManualClock, orders: OrderService) -> AccountService:
    return AccountService(store, clock, orders, ttl=timedelta(hours=1))


async def _place(accounts: AccountService, buyer: Party, seller: Party, ref: str = "M-1") -> Placed:
    return await accounts.place_order(
        buyer=buyer, seller=seller, title="Gift card", price_minor=1250, currency="MYR",
        reference=ref,
    )  # fmt: skip


async def _outbox_recipients(store: Storage, order_id: str) -> set[int]:
    async with store.read() as tx:
        items = await tx.outbox_for(order_id)
    return {i.recipient_id for i in items}


async def test_a_link_binds_the_account_once_and_creates_what_waited(
    accounts: AccountService, orders: OrderService, store: Storage
) -> None:
    placed = await _place(accounts, Party(account="alice"), Party(telegram_id=SAM))
    assert placed.order is None and placed.waiting_for == ("buyer",)
    assert await orders.orders_of(SAM, None, 10) == []
    link = await accounts.issue_link("alice")
    linked = await accounts.link(link.payload, ALICE)
    assert linked.account == "alice" and len(linked.created) == 1
    order = linked.created[0]
    assert (order.buyer_id, order.seller_id, order.status) == (ALICE, SAM, Status.WAITING_PAYMENT)
    assert await orders.reference_of(order.id) == "M-1"
    waited = await accounts.waiting("M-1")
    assert (waited.state, waited.order_id) == ("created", order.id)
    assert {ALICE, SAM} <= await _outbox_recipients(store, order.id)
    with pytest.raises(LinkUsed):
        await accounts.link(link.payload, ALICE)
    assert (await accounts.show("alice")).telegram_id == ALICE


async def test_an_order_for_two_accounts_waits_for_both(accounts: AccountService) -> None:
    placed = await _place(accounts, Party(account="alice"), Party(account="sam"))
    assert placed.waiting_for == ("buyer", "seller")
    first = await accounts.link((await accounts.issue_link("sam")).payload, SAM)
    assert first.created == ()
    assert (await accounts.waiting("M-1")).state == "waiting"
    second = await accounts.link((await accounts.issue_link("alice")).payload, ALICE)
    assert [(o.buyer_id, o.seller_id) for o in second.created] == [(ALICE, SAM)]


async def test_a_linked_account_gets_its_order_at_once(accounts: AccountService) -> None:
    await accounts.link((await accounts.issue_link("alice")).payload, ALICE)
    placed = await _place(accounts, Party(account="alice"), Party(telegram_id=SAM))
    assert placed.order is not None and placed.order.buyer_id == ALICE


async def test_refused_links_change_nothing(
    accounts: AccountService, clock: ManualClock, db_url: str
) -> None:
    link = await accounts.issue_link("alice")
    before = dump(db_url)
    with pytest.raises(LinkForged):
        await accounts.link(link.payload[:-1] + ("A" if link.payload[-1] != "A" else "B"), ALICE)
    with pytest.raises(LinkForged):
        await accounts.link("link_nonsense", ALICE)
    clock.advance(timedelta(hours=1))
    with pytest.raises(LinkExpired):
        await accounts.link(link.payload, ALICE)
    assert dump(db_url) == before


async def test_an_account_linked_elsewhere_is_refused_without_naming_who(
    accounts: AccountService,
) -> None:
    await accounts.link((await accounts.issue_link("alice")).payload, ALICE)
    with pytest.raises(AccountLinkedElsewhere) as refused:
        await accounts.link((await accounts.issue_link("alice")).payload, MAL)
    assert str(ALICE) not in refused.value.message
    # The same person opening a second link for their own account: fine.
    await accounts.link((await accounts.issue_link("alice")).payload, ALICE)
    # One account per Telegram user: theirs is named to them.
    with pytest.raises(TelegramLinkedElsewhere) as mine:
        await accounts.link((await accounts.issue_link("other")).payload, ALICE)
    assert "alice" in mine.value.message


async def test_unlinking_lets_the_account_link_again_and_new_orders_wait_again(
    accounts: AccountService,
) -> None:
    await accounts.link((await accounts.issue_link("alice")).payload, ALICE)
    assert await accounts.unlink_telegram(ALICE) == "alice"
    with pytest.raises(NotLinked):
        await accounts.unlink_telegram(ALICE)
    placed = await _place(accounts, Party(account="alice"), Party(telegram_id=SAM))
    assert placed.waiting is not None
    await accounts.link((await accounts.issue_link("alice")).payload, MAL)
    assert (await accounts.waiting("M-1")).state == "created"
    assert (await accounts.unlink_account("alice")).telegram_id is None


async def test_a_reference_names_one_order_or_one_waiting_order(
    accounts: AccountService, orders: OrderService
) -> None:
    await _place(accounts, Party(account="alice"), Party(telegram_id=SAM), "R-1")
    with pytest.raises(ReferenceTaken):
        await orders.create_order(
            buyer_id=MAL, seller_id=SAM, title="x", price_minor=1, currency="MYR", reference="R-1"
        )
    with pytest.raises(ReferenceTaken):
        await _place(accounts, Party(telegram_id=MAL), Party(telegram_id=SAM), "R-1")
    await orders.create_order(
        buyer_id=MAL, seller_id=SAM, title="x", price_minor=1, currency="MYR", reference="R-2"
    )
    with pytest.raises(ReferenceTaken):
        await _place(accounts, Party(account="alice"), Party(telegram_id=SAM), "R-2")


async def test_a_waiting_order_is_cancelled_by_reference_and_never_created(
    accounts: AccountService, orders: OrderService
) -> None:
    await _place(accounts, Party(account="alice"), Party(telegram_id=SAM))
    cancelled = await accounts.cancel_waiting("M-1")
    assert cancelled.state == "cancelled"
    assert (await accounts.cancel_waiting("M-1")).state == "cancelled"  # again: no change
    linked = await accounts.link((await accounts.issue_link("alice")).payload, ALICE)
    assert linked.created == () and await orders.orders_of(ALICE, None, 10) == []
    with pytest.raises(WaitingOrderNotFound):
        await accounts.cancel_waiting("nope")


async def test_a_created_waiting_order_is_cancelled_as_an_order(accounts: AccountService) -> None:
    await _place(accounts, Party(account="alice"), Party(telegram_id=SAM))
    await accounts.link((await accounts.issue_link("alice")).payload, ALICE)
    with pytest.raises(IllegalTransition):
        await accounts.cancel_waiting("M-1")


async def test_one_person_on_both_sides_is_refused_and_the_link_still_works(
    accounts: AccountService,
) -> None:
    with pytest.raises(NotAllowed):
        await _place(accounts, Party(account="alice"), Party(account="alice"))
    await _place(accounts, Party(account="alice"), Party(telegram_id=ALICE))
    linked = await accounts.link((await accounts.issue_link("alice")).payload, ALICE)
    assert linked.created == () and len(linked.refused) == 1
    refused = await accounts.waiting("M-1")
    assert refused.state == "refused" and refused.note


async def test_every_instance_signs_with_the_key_the_first_one_kept(
    store: Storage, clock: ManualClock, orders: OrderService
) -> None:
    one = AccountService(store, clock, orders, ttl=timedelta(hours=1))
    two = AccountService(store, clock, orders, ttl=timedelta(hours=1))
    link = await one.issue_link("alice")
    assert (await two.link(link.payload, ALICE)).account == "alice"
    configured = AccountService(store, clock, orders, ttl=timedelta(hours=1), secret="s" * 32)
    with pytest.raises(LinkForged):  # signed with the kept key, checked with another
        await configured.link((await one.issue_link("bob")).payload, SAM)


async def test_both_accounts_linking_at_once_create_the_order_exactly_once(
    accounts: AccountService, orders: OrderService
) -> None:
    await _place(accounts, Party(account="alice"), Party(account="sam"))
    links = [await accounts.issue_link("alice"), await accounts.issue_link("sam")]
    one, two = await asyncio.gather(
        accounts.link(links[0].payload, ALICE), accounts.link(links[1].payload, SAM)
    )
    assert len(one.created) + len(two.created) == 1
    (made,) = await orders.orders_of(ALICE, None, 10)
    assert (made.buyer_id, made.seller_id) == (ALICE, SAM)
    assert (await accounts.waiting("M-1")).order_id == made.id
