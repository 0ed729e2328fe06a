"""Service levels by the fake clock: an untouched ticket is raised again in the group.

`running.advance` runs the deadline sweep; the bot's wake-up job then runs the support
sweep, which `sla_sweep` does here.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.domain.faq import FaqIndex
from tests.e2e.support import (
    Case,
    Running,
    card,
    case,
    in_ticket,
    sla_sweep,
    support_kchat,
    ticket_of,
    ticket_posts,
)

UNCLAIMED = "⏰ Ticket #1 is still unclaimed."
UNANSWERED = "⏰ Ticket #1 has a party waiting for an answer."


async def raised(k: Running, text: str) -> int:
    """How many times the ticket was raised again with this text."""
    return sum(1 for m in await ticket_posts(k) if m.content == text)


async def disputed(k: Running) -> Case:
    c = await case(k)
    await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    return c


async def test_an_unclaimed_ticket_is_raised_again_after_fifteen_minutes_and_not_before(
    kchat_support: Running,
) -> None:
    k = kchat_support
    c = await disputed(k)
    opened = (await ticket_of(k)).opened_at
    assert await k.services.support.next_sla_at() == opened + timedelta(minutes=15)

    await k.advance(timedelta(minutes=14, seconds=59))
    assert await sla_sweep(k) == 0
    assert await raised(k, UNCLAIMED) == 0

    await k.advance(timedelta(seconds=1))
    assert await sla_sweep(k) == 1
    assert await raised(k, UNCLAIMED) == 1
    assert (await ticket_of(k)).sla_raised_at == opened + timedelta(minutes=15)
    assert await sla_sweep(k) == 0, "raised once, not on every sweep"

    await k.advance(timedelta(minutes=15))
    assert await sla_sweep(k) == 1
    assert await raised(k, UNCLAIMED) == 2

    c.group.tap(c.agent, "Claim", (await card(k)).message_id)
    await k.settle()
    await k.advance(timedelta(minutes=20))
    assert await sla_sweep(k) == 0
    assert await raised(k, UNCLAIMED) == 2, "a claimed ticket is no longer unclaimed"
    assert not any("⏰ Ticket" in m.content for m in c.buyer.messages() + c.seller.messages())


async def test_the_unclaimed_service_level_follows_its_setting(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with support_kchat(tmp_path, faq_index, sla_unclaimed=timedelta(minutes=5)) as k:
        await disputed(k)
        await k.advance(timedelta(minutes=4))
        assert await sla_sweep(k) == 0
        await k.advance(timedelta(minutes=1))
        assert await sla_sweep(k) == 1
        assert await raised(k, UNCLAIMED) == 1


async def test_a_claimed_ticket_whose_party_got_no_answer_is_raised_after_an_hour(
    plain: Running,
) -> None:
    k = plain
    c = await disputed(k)
    c.group.tap(c.agent, "Claim", (await card(k)).message_id)
    await k.settle()
    await k.advance(timedelta(minutes=10))
    c.buyer.send("Any news? I still have no code.")
    await k.settle()
    wrote = (await ticket_of(k)).last_party_at
    assert wrote is not None

    await k.advance(timedelta(minutes=59, seconds=59))
    assert await sla_sweep(k) == 0
    assert await raised(k, UNANSWERED) == 0

    await k.advance(timedelta(seconds=1))
    assert await sla_sweep(k) == 1
    assert await raised(k, UNANSWERED) == 1
    assert await raised(k, UNCLAIMED) == 0
    assert (await ticket_of(k)).sla_raised_at == wrote + timedelta(hours=1)


async def test_an_agent_answer_stops_the_unanswered_reminder_until_the_party_writes_again(
    plain: Running,
) -> None:
    k = plain
    c = await disputed(k)
    c.group.tap(c.agent, "Claim", (await card(k)).message_id)
    await k.settle()
    await k.advance(timedelta(minutes=10))
    c.buyer.send("Any news?")
    await k.settle()
    await k.advance(timedelta(minutes=30))
    await in_ticket(k, c.agent, "Checking with the seller now.")
    await k.settle()
    assert "Checking with the seller now." in c.buyer.messages()[-1].content
    assert await k.services.support.next_sla_at() is None

    await k.advance(timedelta(hours=3))
    assert await sla_sweep(k) == 0
    assert await raised(k, UNANSWERED) == 0

    c.buyer.send("It's been hours, hello?")
    await k.settle()
    await k.advance(timedelta(minutes=59))
    assert await sla_sweep(k) == 0
    await k.advance(timedelta(minutes=1))
    assert await sla_sweep(k) == 1
    assert await raised(k, UNANSWERED) == 1
