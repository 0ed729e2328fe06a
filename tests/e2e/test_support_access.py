"""Only support agents act on tickets: non-members, leavers and people off the configured
list are refused, and nothing they do reaches a party or moves money."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.faq import FaqIndex
from bot.domain.model import Status
from bot.services.audit import ledger_violations
from handlers.views.callback_data import Act
from tests.e2e.support import (
    AGENT,
    Running,
    card,
    case,
    escrow_of,
    group_tap_data,
    in_ticket,
    support_kchat,
    ticket_button_data,
    ticket_of,
)

REFUSED = "Only KALEOZ Support agents can do this."
BEN = 7008
CARD_BUTTONS = [
    "Claim",
    "Refund in full",
    "Refund part",
    "Release to seller",
    "Ask buyer",
    "Ask seller",
    "Transcript",
    "Close",
]


@pytest.fixture(params=[False, True], ids=["plain-group", "forum"])
async def listed(
    request: pytest.FixtureRequest, tmp_path: Path, faq_index: FaqIndex
) -> AsyncIterator[Running]:
    """KCHAT_SUPPORT_AGENTS lists only Aisha; Ben is in the group all the same."""
    async with support_kchat(
        tmp_path,
        faq_index,
        forum=request.param,
        agents=((AGENT, "Aisha"), (BEN, "Ben")),
        support_agents=(AGENT,),
    ) as running:
        yield running


async def test_someone_who_left_the_group_is_refused_on_every_ticket_button(
    plain: Running,
) -> None:
    c = await case(plain)
    k = c.k
    oid = await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    mallory = k.tg.user(9999, "Mallory")
    c.group.add_member(mallory)
    c.group.remove_member(mallory)
    await k.settle()
    shown = await card(k)
    before = await ticket_of(k)
    group_posts = len(c.group.messages())
    buyer_saw, seller_saw = len(c.buyer.messages()), len(c.seller.messages())

    taps = [c.group.tap(mallory, text, shown.message_id) for text in CARD_BUTTONS]
    # ...and the second taps, as if a client still showed them.
    taps += [
        group_tap_data(k, mallory, shown.message_id, ticket_button_data(1, act, "y"))
        for act in (Act.T_REFUND, Act.T_RELEASE, Act.T_CLOSE)
    ]
    taps.append(
        group_tap_data(k, mallory, shown.message_id, ticket_button_data(1, Act.T_PART, "y500"))
    )
    await k.settle()

    assert all(t.show_alert and t.answer_text == REFUSED for t in taps), [
        (t.data, t.answer_text) for t in taps
    ]
    assert await ticket_of(k) == before
    assert (await card(k)).button_texts == shown.button_texts
    assert len(c.group.messages()) == group_posts, "no prompt, post or transcript"
    assert len(c.buyer.messages()) == buyer_saw and len(c.seller.messages()) == seller_saw
    order = await k.services.orders.get(oid)
    assert order.status is Status.WAITING_DELIVERY and order.dispute_open
    assert await escrow_of(k, oid) == 2000
    assert await ledger_violations(k.services.store) == []


async def test_an_agent_who_leaves_the_group_is_refused_at_once(plain: Running) -> None:
    c = await case(plain)
    k = c.k
    oid = await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    ben = k.tg.user(BEN, "Ben")
    c.group.add_member(ben)
    await k.settle()
    shown = await card(k)

    allowed = c.group.tap(ben, "Transcript", shown.message_id)
    await k.settle()
    assert not allowed.show_alert, "Ben is an agent while he is a member"

    c.group.remove_member(ben)
    await k.settle()
    refused = c.group.tap(ben, "Claim", shown.message_id)
    await k.settle()

    assert refused.show_alert and refused.answer_text == REFUSED
    assert (await ticket_of(k)).claimed_by is None
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY


async def test_a_group_member_not_on_the_configured_agent_list_is_refused(
    listed: Running,
) -> None:
    c = await case(listed)
    k = c.k
    oid = await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    ben = k.tg.user(BEN, "Ben")
    shown = await card(k)
    buyer_saw = len(c.buyer.messages())

    claim = c.group.tap(ben, "Claim", shown.message_id)
    refund = c.group.tap(ben, "Refund in full", shown.message_id)
    await k.settle()
    assert claim.show_alert and claim.answer_text == REFUSED
    assert refund.show_alert and refund.answer_text == REFUSED
    assert (await ticket_of(k)).claimed_by is None
    assert (await card(k)).button_texts == shown.button_texts

    await in_ticket(k, ben, "Hi, Ben from the warehouse here")
    await in_ticket(k, ben, "/note not an agent's note")
    await k.settle()
    assert len(c.buyer.messages()) == buyer_saw, "nothing Ben writes reaches the buyer"
    assert await k.services.support.notes(1) == []
    assert await k.services.support.conversation(1) == []

    ok = c.group.tap(c.agent, "Claim", shown.message_id)
    await k.settle()
    assert ok.answer_text == "Claimed. It's yours."
    assert (await ticket_of(k)).claimed_by == AGENT
    await in_ticket(k, c.agent, "Aisha from KALEOZ Support here")
    await k.settle()
    assert "Aisha from KALEOZ Support here" in c.buyer.messages()[-1].content
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY
