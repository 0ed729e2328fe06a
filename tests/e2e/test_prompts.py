"""Every question that waits for typed input opens a reply (ForceReply) with a hint, and
what an agent types while the bot waits for their amount never reaches a customer."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Status
from sandbox.fake_bot_api.harness import FakeUser, MessageView
from tests.e2e.support import (
    SUPPORT_CHAT,
    Case,
    Running,
    card,
    case,
    escrow_of,
    in_ticket,
    ticket_of,
    ticket_posts,
)


def _asks_for_a_reply(prompt: MessageView, *, selective: bool = False) -> None:
    force = prompt.force_reply
    assert force is not None, f"no ForceReply on {prompt.content!r}"
    placeholder = force.get("input_field_placeholder")
    assert isinstance(placeholder, str) and 1 <= len(placeholder) <= 64
    assert bool(force.get("selective")) is selective
    assert "/cancel" in prompt.content or "Reply to this message" in prompt.content


async def test_every_question_to_a_buyer_or_seller_opens_a_reply_with_a_hint(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    seller.send("/sell")
    _asks_for_a_reply(await seller.wait_for_message(contains="What are you selling?"))
    seller.send("Steam Wallet 50")
    _asks_for_a_reply(await seller.wait_for_message(contains="Price for"))
    seller.send("/cancel")
    await kchat.settle()

    unpaid = await kchat.order("12.50")
    buyer.tap("I already paid")
    _asks_for_a_reply(await buyer.wait_for_message(contains="payment receipt"))
    buyer.send("/cancel")
    await kchat.settle()
    await kchat.services.orders.mark_paid_external(unpaid)
    await kchat.settle()

    seller.send(f"/deliver {unpaid}")
    _asks_for_a_reply(await seller.wait_for_message(contains="Send the delivery"))
    seller.send("CODE-1234")
    await kchat.settle()
    await kchat.advance(timedelta(hours=1))

    buyer.send(f"/order {unpaid}")
    await kchat.settle()
    buyer.tap("Request refund")
    await kchat.settle()
    buyer.tap("Partial refund")
    _asks_for_a_reply(await buyer.wait_for_message(contains="Type the amount you want back"))
    buyer.send("5.00")
    await kchat.settle()

    seller.send(f"/order {unpaid}")
    await kchat.settle()
    seller.tap("Reject refund")
    _asks_for_a_reply(await seller.wait_for_message(contains="why you reject the refund"))
    seller.send("It works")
    await kchat.settle()
    assert (await kchat.services.orders.get(unpaid)).refund_request is not None


async def _amount_asked(c: Case) -> MessageView:
    k = c.k
    c.buyer.tap("Escalate to support")
    await k.settle()
    c.group.tap(c.agent, "Refund part", (await card(k)).message_id)
    await k.settle()
    prompt = (await ticket_posts(k))[-1]
    assert "reply to this message with the amount" in prompt.content
    return prompt


async def test_an_amount_typed_without_reply_is_the_answer_and_never_reaches_the_buyer(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    oid = await k.paid_order("20.00")
    prompt = await _amount_asked(c)
    _asks_for_a_reply(prompt, selective=True)
    mentions = [e for e in prompt.entities if e.get("type") == "text_mention"]
    assert [e["user"]["id"] for e in mentions] == [c.agent.id], "the agent it is for"
    before = len(c.buyer.messages())

    await in_ticket(k, c.agent, "5.00")  # in the topic, or replying to the card: no Reply
    await k.settle()

    question = await c.group.wait_for_message(contains="Refund MYR 5.00 to the buyer")
    assert question.button_texts == [["Yes, confirm: 5.00 to buyer, 15.00 to seller"], ["Back"]]
    assert len(c.buyer.messages()) == before
    assert not any("5.00" in m.text for m in await k.services.support.conversation(1))
    assert await k.services.chat.mode(c.agent.id) is None
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY
    assert await escrow_of(k, oid) == 2000


async def test_an_amount_typed_loose_in_a_plain_group_is_the_answer(plain: Running) -> None:
    c = await case(plain)
    await plain.paid_order("20.00")
    await _amount_asked(c)
    c.group.send(c.agent, "4.50")  # not a reply to anything
    await plain.settle()
    await c.group.wait_for_message(contains="Refund MYR 4.50 to the buyer")
    assert not any("4.50" in m.content for m in c.buyer.messages())


async def test_an_agent_can_cancel_the_question_and_talk_to_the_buyer_again(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    await k.paid_order("20.00")
    await _amount_asked(c)
    ticket = await ticket_of(k)
    assert k.group is not None
    k.group.send(c.agent, "/cancel", thread_id=ticket.topic_id)
    await k.settle()
    said = await c.group.wait_for_message(contains="no partial refund on ticket #1")
    assert said.chat_id == SUPPORT_CHAT
    assert await k.services.chat.mode(c.agent.id) is None

    c.group.tap(c.agent, "Ask buyer", (await card(k)).message_id)
    await k.settle()
    asked = [m for m in c.buyer.messages() if "would like to hear from you" in m.content]
    assert asked, "the buyer was asked"
    _asks_for_a_reply(asked[-1])
    await in_ticket(k, c.agent, "Which code did you get?")
    await k.settle()
    assert "Which code did you get?" in c.buyer.messages()[-1].content
