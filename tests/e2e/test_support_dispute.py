"""A dispute from the buyer's tap to the agent's one-tap resolution, in both group kinds."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Status
from bot.services.audit import ledger_violations
from tests.e2e.support import AGENT, BUYER, SELLER, Running


async def test_rejected_refund_escalated_and_refunded_in_full_by_an_agent(
    kchat_support: Running,
) -> None:
    k = kchat_support
    group = k.group
    assert group is not None
    buyer, seller, agent = (
        k.tg.user(BUYER, "Alice"),
        k.tg.user(SELLER, "Sam"),
        k.tg.user(AGENT, "Aisha"),
    )
    buyer.start()
    seller.start()
    await k.settle()
    oid = await k.paid_order("20.00")
    await k.services.orders.deliver(oid, SELLER, "code XYZ")
    k.clock.advance(timedelta(hours=2))
    await k.services.orders.request_refund(oid, BUYER, None, "code does not work")
    await k.services.orders.reject_refund(oid, SELLER, "it works for me")
    await k.settle()

    buyer.tap("Escalate to support")
    await k.settle()
    card = await group.wait_for_message(contains="Ticket #1")
    assert oid in card.content and "unclaimed" in card.content
    assert "it works for me" in card.content  # the seller's rejection reason, at a glance
    order = await k.services.orders.get(oid)
    assert order.dispute_open

    buyer.send("I tried the code twice, it says invalid")
    await k.settle()
    relayed = [
        m for m in group.messages(thread_id=card.message_thread_id) if "invalid" in m.content
    ]
    assert relayed, "the buyer's message reaches the ticket"

    group.tap(agent, "Claim", card.message_id)
    await k.settle()
    assert "claimed by" in (k.tg.message(card.chat_id, card.message_id) or card).content

    group.tap(agent, "Refund in full", card.message_id)
    await k.settle()
    group.tap(agent, "Yes, confirm full refund (MYR 20.00)", card.message_id)
    await k.settle()

    order = await k.services.orders.get(oid)
    assert order.status is Status.REFUNDING and order.refunded_minor == 2000
    assert await k.services.orders.balances(BUYER) == {"MYR": 2000}
    assert await ledger_violations(k.services.store) == []
    news = buyer.last_message()
    assert news is not None and "resolved" in news.content


async def test_a_stranger_tapping_a_ticket_button_is_refused_and_nothing_changes(
    kchat_support: Running,
) -> None:
    k = kchat_support
    group = k.group
    assert group is not None
    buyer, seller = k.tg.user(BUYER, "Alice"), k.tg.user(SELLER, "Sam")
    buyer.start()
    seller.start()
    outsider = k.tg.user(9999, "Mallory")
    await k.settle()
    oid = await k.paid_order("20.00")
    buyer.tap("Escalate to support")
    await k.settle()
    card = await group.wait_for_message(contains="Ticket #1")
    group.add_member(outsider)
    await k.settle()
    k.tg.state.set_membership(
        group.chat_id,
        outsider.id,
        __import__("sandbox.fake_bot_api.state", fromlist=["MemberStatus"]).MemberStatus.LEFT,
    )
    record = group.tap(outsider, "Refund in full", card.message_id)
    await k.settle()
    assert record.show_alert and "Only KALEOZ Support agents" in (record.answer_text or "")
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY
