"""Rules that used to live in Telegram code, now in services: each one without Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.bootstrap import Services, open_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.actions import Action
from bot.domain.errors import OrderNotFound, TooEarly
from bot.domain.input_modes import RULES, InputMode, asks_about_an_order, goes_to_people
from bot.domain.model import Status
from bot.services.agents import REMEMBER_FOR, AgentRoster
from tests.conftest import make_order
from tests.databases import database_url

SUPPORT = -100123
BUYER, SELLER, STRANGER = 1, 2, 3


@pytest.fixture
async def services(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Services]:
    settings = Settings(database_url=database_url(tmp_path, "p.db"), support_chat_id=SUPPORT)
    s = await open_services(settings, clock)
    try:
        yield s
    finally:
        await s.close()


# --- input modes ---------------------------------------------------------------------------


def test_every_input_mode_has_its_rules() -> None:
    assert set(RULES) == set(InputMode)
    assert {m for m in InputMode if asks_about_an_order(m)} == {
        InputMode.DELIVER,
        InputMode.REJECT_REASON,
        InputMode.REFUND_AMOUNT,
        InputMode.RECEIPT,
    }
    assert {m for m in InputMode if goes_to_people(m)} == {
        InputMode.CHAT,
        InputMode.SUPPORT,
        InputMode.RECEIPT,
    }


async def test_a_mode_survives_a_restart_and_an_unknown_stored_mode_is_no_mode(
    tmp_path: Path, clock: ManualClock
) -> None:
    settings = Settings(database_url=database_url(tmp_path, "m.db"))
    s = await open_services(settings, clock)
    await s.chat.set_mode(BUYER, InputMode.REFUND_AMOUNT, "K1234567", prompt=7)
    await s.chat.set_mode(SELLER, InputMode.CHAT, "K1234567")
    async with s.store.transaction() as tx:  # a mode an older or newer version wrote
        await tx.set_mode(SELLER, "gone", None, {}, clock.now())  # type: ignore[arg-type]
    await s.close()
    again = await open_services(settings, clock)
    try:
        mode = await again.chat.mode(BUYER)
        assert mode is not None and mode.mode is InputMode.REFUND_AMOUNT
        assert mode.order_id == "K1234567" and mode.data == {"prompt": 7}
        assert await again.chat.mode(SELLER) is None
    finally:
        await again.close()


# --- which order a bare command means ------------------------------------------------------


async def test_a_bare_command_means_the_only_order_where_it_is_possible(
    services: Services, clock: ManualClock
) -> None:
    s = services
    unpaid = await make_order(s.orders)
    paid = await s.orders.mark_paid_external((await make_order(s.orders)).id)
    pick = await s.orders.pick(SELLER, Action.DELIVER, None)
    assert pick.order is not None and pick.order.id == paid.id and pick.choices == ()
    # The buyer may cancel only before paying: of their two orders, the unpaid one.
    pick = await s.orders.pick(BUYER, Action.CANCEL, None)
    assert pick.order is not None and pick.order.id == unpaid.id
    # Named: that order, whatever else is open.
    pick = await s.orders.pick(BUYER, Action.CANCEL, unpaid.id)
    assert pick.order is not None and pick.order.id == unpaid.id


async def test_a_bare_command_offers_a_choice_when_several_orders_fit(
    services: Services,
) -> None:
    s = services
    a = await s.orders.mark_paid_external((await make_order(s.orders)).id)
    b = await s.orders.mark_paid_external((await make_order(s.orders)).id)
    pick = await s.orders.pick(SELLER, Action.DELIVER, None)
    assert pick.order is None
    assert {o.id for o in pick.choices} == {a.id, b.id}


async def test_a_bare_command_too_early_says_when_and_nothing_fits_is_empty(
    services: Services,
) -> None:
    s = services
    paid = await s.orders.mark_paid_external((await make_order(s.orders)).id)
    delivered = await s.orders.deliver(paid.id, SELLER, "CODE-1")
    assert delivered.status is Status.WAITING_CONFIRMATION
    # A refund opens some time after delivery (refund_min_age): refused, saying when.
    with pytest.raises(TooEarly):
        await s.orders.pick(BUYER, Action.REQUEST_REFUND, None)
    pick = await s.orders.pick(STRANGER, Action.DELIVER, None)
    assert pick.order is None and pick.choices == ()


async def test_a_named_order_of_someone_else_is_not_found(services: Services) -> None:
    order = await make_order(services.orders)
    with pytest.raises(OrderNotFound):
        await services.orders.pick(STRANGER, Action.CANCEL, order.id)


# --- which order a help-center question means ----------------------------------------------


async def test_a_question_means_the_askers_named_order_or_their_latest_open_one(
    services: Services, clock: ManualClock
) -> None:
    s = services
    first = await make_order(s.orders)
    clock.advance(timedelta(minutes=1))
    latest = await make_order(s.orders)
    theirs = await make_order(s.orders, buyer=STRANGER)

    async def meant(user_id: int, ids: list[str]) -> str | None:
        asked = await s.orders.asked_about(user_id, ids)
        return None if asked is None else asked.order.id

    assert await meant(BUYER, []) == latest.id
    assert await meant(BUYER, [first.id]) == first.id
    # Someone else's id is passed over like an unknown one: the asker's own latest order.
    assert await meant(BUYER, [theirs.id]) == await meant(BUYER, ["K0000000"]) == latest.id
    assert await meant(STRANGER, [first.id, "K0000000"]) == theirs.id


# --- who is an agent -----------------------------------------------------------------------


async def test_configured_agents_are_the_agents(clock: ManualClock) -> None:
    asked: list[int] = []

    async def member(user_id: int) -> bool | None:
        asked.append(user_id)
        return True

    roster = AgentRoster([7, 8], SUPPORT, clock)
    assert await roster.is_agent(7, member, in_group=False)
    assert not await roster.is_agent(9, member, in_group=True)
    assert asked == []  # the list decides: Telegram is not asked


async def test_group_members_are_agents_remembered_for_a_while(clock: ManualClock) -> None:
    members = {7}
    asked: list[int] = []

    async def member(user_id: int) -> bool | None:
        asked.append(user_id)
        return user_id in members

    roster = AgentRoster([], SUPPORT, clock)
    assert await roster.is_agent(7, member, in_group=False)
    members.clear()  # left the group, but no join/leave message arrived
    assert await roster.is_agent(7, member, in_group=False)
    assert asked == [7]
    clock.advance(REMEMBER_FOR)
    assert not await roster.is_agent(7, member, in_group=False)
    members.add(7)
    roster.forget([7])  # joined again: asked at once
    assert await roster.is_agent(7, member, in_group=False)
    assert asked == [7, 7, 7]


async def test_when_telegram_cannot_say_the_group_decides_and_nothing_is_remembered(
    clock: ManualClock,
) -> None:
    answers: list[bool | None] = [None, False]

    async def member(user_id: int) -> bool | None:
        return answers.pop(0)

    roster = AgentRoster([], SUPPORT, clock)
    assert await roster.is_agent(7, member, in_group=True)
    assert not await roster.is_agent(7, member, in_group=True)
    assert not await AgentRoster([], None, clock).is_agent(7, member, in_group=True)


# --- someone blocks the bot ----------------------------------------------------------------


async def test_a_block_parks_news_tells_the_other_side_once_and_opens_a_ticket(
    services: Services, clock: ManualClock
) -> None:
    s = services
    order = await s.orders.mark_paid_external((await make_order(s.orders)).id)
    done = await s.orders.mark_paid_external((await make_order(s.orders)).id)
    done = await s.orders.deliver(done.id, SELLER, "CODE")
    done = await s.orders.confirm_received(done.id, BUYER)
    assert done.status.finished
    await s.reachability.blocked(BUYER, [order.id, done.id, "K0000000"], "blocked")
    await s.reachability.blocked(BUYER, [order.id], "blocked")  # the next failed batch

    user = await s.chat.user(BUYER)
    assert user is not None and user.unreachable_since == clock.now()
    told = [
        i for i in await s.orders.notifications(order.id) if i.kind == "counterparty_unreachable"
    ]
    assert [(i.recipient_id, i.payload.get("role")) for i in told] == [(SELLER, "seller")]
    assert not [
        i for i in await s.orders.notifications(done.id) if i.kind == "counterparty_unreachable"
    ]
    tickets = await s.support.on_order(order.id)
    assert [t.kind.value for t in tickets] == ["unreachable"]
