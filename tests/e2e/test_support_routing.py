"""Where support messages go: one ticket per case, the party an agent talks to, forum
topics that come back when deleted, internal notes, and chatter the bot leaves alone."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.tickets import Ticket, TicketKind
from sandbox.fake_bot_api.faults import Fault
from sandbox.fake_bot_api.harness import FakeGroup, MessageView
from tests.e2e.support import (
    BUYER,
    RECEIPT_PNG,
    SELLER,
    SUPPORT_CHAT,
    Running,
    card,
    cards_in_group,
    case,
    in_ticket,
    sla_sweep,
    ticket_of,
    ticket_posts,
)


def posts_in(group: FakeGroup, topic_id: int | None) -> list[MessageView]:
    """The bot's posts in a forum topic, without the topic's "created" service message."""
    return [
        m for m in group.messages(thread_id=topic_id) if m.content_type != "forum_topic_created"
    ]


async def open_tickets(k: Running) -> list[Ticket]:
    """Every open ticket in the store."""
    async with k.services.store.read() as tx:
        return await tx.all_open_tickets()


# --- one ticket per order and kind ----------------------------------------------------------


async def test_both_parties_escalating_at_once_share_one_ticket(kchat_support: Running) -> None:
    c = await case(kchat_support)
    k = c.k
    oid = await k.paid_order("20.00")

    buyer_tap = c.buyer.tap("Escalate to support")
    seller_tap = c.seller.tap("Escalate to support")  # before the bot redrew the seller's card
    await k.settle()

    assert buyer_tap.answer_text == "Sent to KALEOZ Support." and not buyer_tap.show_alert
    assert seller_tap.answer_text == "Sent to KALEOZ Support." and not seller_tap.show_alert
    assert [t.id for t in await open_tickets(k)] == [1]
    assert len(cards_in_group(k)) == 1
    raised = [m for m in await ticket_posts(k) if "Raised again by a party" in m.content]
    assert len(raised) == 1
    for party in (c.buyer, c.seller):
        assert any("now with KALEOZ Support (ticket #1)" in m.content for m in party.messages())
    order = await k.services.orders.get(oid)
    assert order.dispute_open
    async with k.services.store.read() as tx:
        timeline = [e.action for e in await tx.timeline(oid)]
    assert timeline.count("escalate") == 1

    c.seller.send("The code was delivered by email, check spam")
    c.buyer.send("Nothing in spam either")
    await k.settle()
    said = [m.content for m in await ticket_posts(k)]
    assert any("Seller Sam" in s and "check spam" in s for s in said)
    assert any("Buyer Alice" in s and "Nothing in spam" in s for s in said)


async def test_a_second_receipt_joins_the_open_payment_ticket(plain: Running) -> None:
    c = await case(plain)
    k = c.k
    await k.order("20.00")
    c.buyer.tap("I already paid")
    await k.settle()
    c.buyer.send_photo(RECEIPT_PNG, caption="first slip")
    await k.settle()

    c.buyer.tap("I already paid")
    await k.settle()
    c.buyer.send_photo(RECEIPT_PNG, caption="second slip, from the other bank")
    await k.settle()

    assert [(t.id, t.kind) for t in await open_tickets(k)] == [(1, TicketKind.PAYMENT)]
    assert len(cards_in_group(k)) == 1
    posts = await ticket_posts(k)
    assert [m.content_type for m in posts] == ["photo", "text", "photo"]
    assert "Raised again by a party" in posts[1].content
    assert "second slip, from the other bank" in posts[2].content
    assert c.buyer.messages()[-1].content == "🛟 Sent to KALEOZ Support (ticket #1)."


# --- who an agent's message goes to ---------------------------------------------------------


async def test_ask_seller_then_ask_buyer_send_the_agents_messages_to_that_party(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    oid = await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    shown = await card(k)

    asked = c.group.tap(c.agent, "Ask seller", shown.message_id)
    await k.settle()
    assert asked.answer_text == "Asked the seller."
    assert (await ticket_of(k)).talking_to == SELLER
    invite = c.seller.messages()[-1]
    assert "KALEOZ Support" in invite.content and oid in invite.content
    assert any("Now talking to the seller" in m.content for m in await ticket_posts(k))
    buyer_saw = len(c.buyer.messages())

    await in_ticket(k, c.agent, "Please send the delivery screenshot.")
    await k.settle()
    to_seller = c.seller.messages()[-1]
    assert to_seller.content.startswith(f"🛟 KALEOZ Support · order {oid}:")
    assert "Please send the delivery screenshot." in to_seller.content
    assert "Aisha" not in to_seller.content
    assert len(c.buyer.messages()) == buyer_saw, "the buyer does not see what goes to the seller"

    c.seller.reply(to_seller, "Sent it at 10:00, here is the code: ABCD")
    await k.settle()
    from_seller = [m for m in await ticket_posts(k) if "ABCD" in m.content]
    assert len(from_seller) == 1 and "Seller Sam" in from_seller[0].content

    c.group.tap(c.agent, "Ask buyer", shown.message_id)
    await k.settle()
    assert (await ticket_of(k)).talking_to == BUYER
    seller_saw = len(c.seller.messages())
    await in_ticket(k, c.agent, "Did you try the code ABCD?")
    await k.settle()
    assert "Did you try the code ABCD?" in c.buyer.messages()[-1].content
    assert len(c.seller.messages()) == seller_saw

    # A reply to a party's message in the group goes to that party, whoever is being asked.
    c.group.reply(c.agent, from_seller[0], "Thanks, checking with the buyer.")
    await k.settle()
    assert "Thanks, checking with the buyer." in c.seller.messages()[-1].content
    assert "Thanks, checking" not in c.buyer.messages()[-1].content


async def test_a_deleted_forum_topic_is_recreated_with_its_card_on_the_next_post(
    forum: Running,
) -> None:
    c = await case(forum)
    k = c.k
    oid = await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    first = await ticket_of(k)
    name = f"#1 Dispute · {oid}"
    assert c.group.topic(name).message_thread_id == first.topic_id
    assert first.topic_id is not None

    assert await k.app.bot.delete_forum_topic(SUPPORT_CHAT, first.topic_id)
    assert c.group.topics() == []

    c.buyer.send("Hello? Is anyone there?")
    await k.settle()

    topic = await c.group.wait_for_topic(name)
    assert topic.message_thread_id != first.topic_id
    again = await ticket_of(k)
    assert again.topic_id == topic.message_thread_id
    in_topic = posts_in(c.group, topic.message_thread_id)
    assert in_topic[0].content.startswith("🎫 Ticket #1 · Dispute") and in_topic[0].buttons
    assert in_topic[0].message_id == again.card_message_id
    assert "Is anyone there?" in in_topic[-1].content

    await in_ticket(k, c.agent, "Yes, looking into it now.")
    await k.settle()
    assert "Yes, looking into it now." in c.buyer.messages()[-1].content

    # Deleted again, the next thing to arrive is a photo: the topic comes back for it too.
    assert await k.app.bot.delete_forum_topic(SUPPORT_CHAT, topic.message_thread_id)
    c.buyer.send_photo(RECEIPT_PNG, caption="the error I get")
    await k.settle()
    third = await ticket_of(k)
    assert third.topic_id not in (None, first.topic_id, topic.message_thread_id)
    assert [t.name for t in c.group.topics()] == [name]
    posts = posts_in(c.group, third.topic_id)
    assert posts[0].message_id == third.card_message_id
    assert posts[-1].content_type == "photo" and "the error I get" in posts[-1].content
    assert c.buyer.messages()[-1].content == "🛟 Sent to KALEOZ Support (ticket #1)."


# --- internal notes -------------------------------------------------------------------------


async def test_an_internal_note_never_reaches_the_parties_and_is_in_the_transcript(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    c.buyer.send("The code says already redeemed")
    await k.settle()
    buyer_saw, seller_saw = len(c.buyer.messages()), len(c.seller.messages())

    await in_ticket(k, c.agent, "/note Seller had two similar disputes last month")
    await k.settle()
    saved = await c.group.wait_for_message(contains="Internal note saved")
    assert "parties never see it" in saved.content
    await in_ticket(k, c.agent, "/note")
    await k.settle()
    assert (await c.group.wait_for_message(contains="⚠️")).content.startswith(
        "⚠️ Write the note after /note."
    )

    notes = await k.services.support.notes(1)
    assert [(n.agent_name, n.text) for n in notes] == [
        ("Aisha", "Seller had two similar disputes last month")
    ]
    assert len(c.buyer.messages()) == buyer_saw and len(c.seller.messages()) == seller_saw
    assert not any("similar disputes" in m.content for m in c.buyer.messages())
    assert not any("similar disputes" in m.content for m in c.seller.messages())

    shown = await card(k)
    c.group.tap(c.agent, "Transcript", shown.message_id)
    await k.settle()
    doc = await c.group.wait_for_message(predicate=lambda m: m.content_type == "document")
    assert doc.file_name == "ticket-1-transcript.txt" and doc.file_id is not None
    ticket = await ticket_of(k)
    if ticket.topic_id is not None:
        assert doc.message_thread_id == ticket.topic_id
    else:
        assert doc.reply_to_message_id == ticket.card_message_id
    text = k.tg.file_bytes(doc.file_id).decode()
    assert text.startswith("Ticket #1 (Dispute)")
    assert "[note by Aisha" in text and "Seller had two similar disputes last month" in text
    assert "party -> support" in text and "already redeemed" in text
    assert len(c.buyer.messages()) == buyer_saw and len(c.seller.messages()) == seller_saw


# --- chatter ----------------------------------------------------------------------------------


async def test_ordinary_chatter_in_the_group_gets_no_reply(kchat_support: Running) -> None:
    c = await case(kchat_support)
    k = c.k
    await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    colleague = k.tg.user(7008, "Ben")
    c.group.add_member(colleague)
    await k.settle()
    bot_posts = len(c.group.messages())
    buyer_saw, seller_saw = len(c.buyer.messages()), len(c.seller.messages())
    requests = len(k.tg.log.entries)

    hello = c.group.send(c.agent, "Morning all, who is on shift today?")
    await k.settle()
    c.group.reply(colleague, hello, "Me until 3pm")
    c.group.send(colleague, "Lunch order is in the pinned message")
    await k.settle()

    assert len(c.group.messages()) == bot_posts, "the bot said nothing in the group"
    assert len(c.buyer.messages()) == buyer_saw and len(c.seller.messages()) == seller_saw
    spoke = [
        e.method
        for e in k.tg.log.entries[requests:]
        if e.method in ("sendMessage", "copyMessage", "sendDocument", "editMessageText")
    ]
    assert spoke == []
    assert await k.services.support.conversation(1) == []


async def test_a_reply_to_a_bot_post_that_is_no_ticket_card_is_not_silently_dropped(
    plain: Running,
) -> None:
    c = await case(plain)
    k = c.k
    await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    # The bot's posts under the card (an SLA nudge, "Raised again"...) are not the card.
    k.clock.advance(timedelta(minutes=16))
    assert await sla_sweep(k) == 1
    [raised] = [m for m in await ticket_posts(k) if "is still unclaimed" in m.content]
    buyer_saw = len(c.buyer.messages())

    c.group.reply(c.agent, raised.message_id, "Checking with both of you now")
    await k.settle()

    hint = c.group.last_message()
    assert hint is not None and hint.from_bot
    assert hint.content.startswith("I can't tell which ticket this is for, so it was not sent.")
    assert len(c.buyer.messages()) == buyer_saw
    assert await k.services.support.conversation(1) == []
    # Someone who is not an agent gets no such answer (the bot ignores them).
    outsider = k.tg.user(7009, "Nadia")
    c.group.add_member(outsider)
    await k.settle()
    before = len(c.group.messages())
    k.tg.inject("getChatMember", Fault.api_error(400, "Bad Request: user not found"))
    c.group.reply(outsider, raised.message_id, "hello?")
    await k.settle()
    assert len(c.group.messages()) == before, "the bot said nothing to her"


async def test_an_agent_closing_and_reopening_a_topic_is_no_message_for_the_party(
    forum: Running,
) -> None:
    """Telegram tells the bot "topic closed" as a service message: it has nothing to relay."""
    c = await case(forum)
    k = c.k
    await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    ticket = await ticket_of(k)
    assert ticket.topic_id is not None
    c.group.set_status(c.agent, "administrator")
    bot_posts = len(c.group.messages())
    buyer_saw, seller_saw = len(c.buyer.messages()), len(c.seller.messages())
    requests = len(k.tg.log.entries)

    c.group.close_topic(c.agent, ticket.topic_id)
    await k.settle()
    c.group.reopen_topic(c.agent, ticket.topic_id)
    await k.settle()

    assert len(c.group.messages()) == bot_posts, "no 'not delivered' notice in the topic"
    assert len(c.buyer.messages()) == buyer_saw and len(c.seller.messages()) == seller_saw
    spoke = [
        e.method
        for e in k.tg.log.entries[requests:]
        if e.method in ("sendMessage", "copyMessage", "sendDocument", "editMessageText")
    ]
    assert spoke == []
    assert await k.services.support.conversation(1) == []
