"""Two agents at once: one claim wins, and two different money resolutions settle once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.errors import DomainError
from bot.domain.faq import FaqIndex
from bot.domain.model import Order, Resolution, Status
from bot.services.audit import ledger_violations
from handlers.views.callback_data import Act
from tests.e2e.support import (
    AGENT,
    BUYER,
    SELLER,
    Case,
    Running,
    card,
    case,
    escrow_of,
    group_tap_data,
    settlements,
    support_kchat,
    ticket_button_data,
    ticket_of,
    ticket_posts,
)

BEN = 7008


@pytest.fixture
async def two_agents(tmp_path: Path, faq_index: FaqIndex) -> AsyncIterator[Running]:
    """A plain support group with two agents: Aisha and Ben."""
    async with support_kchat(
        tmp_path, faq_index, agents=((AGENT, "Aisha"), (BEN, "Ben"))
    ) as running:
        yield running


async def disputed(k: Running) -> tuple[Case, str]:
    """A paid MYR 20.00 order the buyer escalated: ticket #1, unclaimed."""
    c = await case(k)
    oid = await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    return c, oid


async def assert_settled_once(k: Running, oid: str) -> Order:
    """The order settled exactly once, one way, and the books balance."""
    order = await k.services.orders.get(oid)
    assert order.status in (Status.REFUNDING, Status.COMPLETED)
    assert order.refunded_minor + order.released_minor == 2000
    assert await settlements(k, oid) == 1
    assert await escrow_of(k, oid) == 0
    buyer, seller = (
        await k.services.orders.balances(BUYER),
        await k.services.orders.balances(SELLER),
    )
    assert (buyer.get("MYR", 0), seller.get("MYR", 0)) == (
        order.refunded_minor,
        order.released_minor,
    )
    assert await ledger_violations(k.services.store) == []
    return order


async def test_two_agents_tapping_claim_at_once_leave_exactly_one_holder(
    two_agents: Running,
) -> None:
    k = two_agents
    c, oid = await disputed(k)
    ben = k.tg.user(BEN, "Ben")
    shown = await card(k)

    taps = {
        AGENT: c.group.tap(c.agent, "Claim", shown.message_id),
        BEN: c.group.tap(ben, "Claim", shown.message_id),
    }
    await k.settle()

    ticket = await ticket_of(k)
    assert ticket.claimed_by in taps
    winner, loser = ticket.claimed_by, ({AGENT, BEN} - {ticket.claimed_by}).pop()
    assert taps[winner].answer_text == "Claimed. It's yours." and not taps[winner].show_alert
    assert taps[loser].show_alert
    assert f"{ticket.claimed_by_name} already claimed this." == taps[loser].answer_text
    shown = await card(k)
    assert f"claimed by {ticket.claimed_by_name}" in shown.content
    assert shown.has_button(f"Claimed by {ticket.claimed_by_name}")

    # The other agent cannot start a money action on it either: the card stays as it is.
    other = c.agent if loser == AGENT else ben
    refused = c.group.tap(other, "Refund in full", shown.message_id)
    await k.settle()
    assert refused.show_alert and "is working this ticket" in (refused.answer_text or "")
    assert (await card(k)).button_texts == shown.button_texts
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY
    assert (await ticket_of(k)).claimed_by == winner


async def test_two_money_resolutions_at_once_through_the_service_settle_once(
    two_agents: Running,
) -> None:
    k = two_agents
    c, oid = await disputed(k)
    support = k.services.support

    results = await asyncio.gather(
        support.resolve(1, AGENT, Resolution.REFUND_FULL),
        support.resolve(1, AGENT, Resolution.RELEASE),
        return_exceptions=True,
    )
    await k.settle()

    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], DomainError), lost[0]
    order = await assert_settled_once(k, oid)
    ticket = await ticket_of(k)
    expected = "refund_full" if order.status is Status.REFUNDING else "release"
    assert ticket.status == "closed" and ticket.outcome == expected
    assert (order.refunded_minor, order.released_minor) in ((2000, 0), (0, 2000))
    closed = [m for m in await ticket_posts(k) if m.content.startswith("✅ Ticket #1")]
    assert len(closed) == 1
    for party in (c.buyer, c.seller):
        resolved = [m for m in party.messages() if "KALEOZ Support resolved" in m.content]
        assert len(resolved) == 1


async def test_two_agents_confirming_different_resolutions_at_once_settle_once(
    two_agents: Running,
) -> None:
    k = two_agents
    c, oid = await disputed(k)
    ben = k.tg.user(BEN, "Ben")
    shown = await card(k)

    # Both start on the unclaimed ticket before either sees the other's tap.
    c.group.tap(c.agent, "Refund in full", shown.message_id)
    c.group.tap(ben, "Release to seller", shown.message_id)
    await k.settle()
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY

    # Then both confirm: Aisha on the screen she still has, Ben on the redrawn card.
    aisha_yes = group_tap_data(
        k, c.agent, shown.message_id, ticket_button_data(1, Act.T_REFUND, "y")
    )
    ben_yes = c.group.tap(ben, "Yes, confirm release to seller (MYR 20.00)", shown.message_id)
    await k.settle()

    order = await assert_settled_once(k, oid)
    refunded = order.status is Status.REFUNDING
    winner, loser = (aisha_yes, ben_yes) if refunded else (ben_yes, aisha_yes)
    assert winner.answer_text == "Done." and not winner.show_alert
    assert loser.show_alert and "already closed" in (loser.answer_text or "")
    ticket = await ticket_of(k)
    assert ticket.outcome == ("refund_full" if refunded else "release")
    assert (await card(k)).button_texts == [["Transcript"]]
