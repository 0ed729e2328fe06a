"""Every kind of support ticket, from what raises it to how an agent resolves it.

Through the fake Telegram, in a plain group and in a forum: the ticket card, the agent's
taps, what each party is told, and the books afterwards.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Status
from bot.domain.tickets import TicketKind
from bot.services.audit import ledger_violations
from tests.e2e.support import (
    BUYER,
    RECEIPT_PNG,
    SELLER,
    STRANGER,
    Case,
    Running,
    card,
    cards_in_group,
    case,
    escrow_of,
    in_ticket,
    settlements,
    ticket_of,
    ticket_posts,
)

# --- disputes -------------------------------------------------------------------------------


async def test_a_seller_escalation_is_claimed_and_released_to_the_seller_after_two_taps(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    oid = await k.paid_order("20.00")

    c.seller.tap("Escalate to support")
    await k.settle()

    ticket = await ticket_of(k)
    assert ticket.kind is TicketKind.DISPUTE and ticket.order_id == oid
    assert ticket.opened_by == SELLER
    shown = await card(k)
    for fact in (
        f"Ticket #1 · Dispute · {oid}",
        "unclaimed",
        "MYR 20.00",
        "Waiting Delivery",
        "Buyer: Alice",
        "Seller: Sam",
        "escrow MYR 20.00",
        "Timeline",
        "Escalated to KALEOZ Support",
        "Clocks paused",
    ):
        assert fact in shown.content, f"{fact!r} missing from the card:\n{shown.content}"
    assert shown.button_texts == [
        ["Claim"],
        ["Refund in full", "Refund part"],
        ["Release to seller"],
        ["Ask buyer", "Ask seller"],
        ["Transcript", "Close"],
    ]
    assert len(cards_in_group(k)) == 1
    assert (await k.services.orders.get(oid)).dispute_open
    assert "now with KALEOZ Support (ticket #1)" in c.seller.messages()[-1].content

    claimed = c.group.tap(c.agent, "Claim", shown.message_id)
    await k.settle()
    assert claimed.answer_text == "Claimed. It's yours." and not claimed.show_alert
    shown = await card(k)
    assert "claimed by Aisha" in shown.content and shown.has_button("Claimed by Aisha")
    assert (await ticket_of(k)).claimed_by == c.agent.id

    first = c.group.tap(c.agent, "Release to seller", shown.message_id)
    await k.settle()
    assert first.answer_text == "Tap again to confirm."
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY  # not yet
    assert (await card(k)).button_texts == [
        ["Yes, confirm release to seller (MYR 20.00)"],
        ["Back"],
    ]

    c.group.tap(c.agent, "Yes, confirm release to seller (MYR 20.00)", shown.message_id)
    await k.settle()

    order = await k.services.orders.get(oid)
    assert order.status is Status.COMPLETED
    assert (order.released_minor, order.refunded_minor) == (2000, 0)
    assert await k.services.orders.balances(SELLER) == {"MYR": 2000}
    assert await k.services.orders.balances(BUYER) == {}
    assert await escrow_of(k, oid) == 0 and await settlements(k, oid) == 1
    assert await ledger_violations(k.services.store) == []
    for party in (c.buyer, c.seller):
        news = party.last_message()
        assert news is not None and "KALEOZ Support resolved this order" in news.content
    assert "MYR 20.00 is now in your KALEOZ balance" not in c.buyer.messages()[-1].content
    ticket = await ticket_of(k)
    assert ticket.status == "closed" and ticket.outcome == "release"
    shown = await card(k)
    assert "closed (released to the seller)" in shown.content
    assert shown.button_texts == [["Transcript"]]
    assert any("Ticket #1 released to the seller" in m.content for m in await ticket_posts(k))


async def test_a_dispute_is_refunded_in_part_after_a_bad_amount_is_answered_kindly(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    oid = await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    shown = await card(k)

    c.group.tap(c.agent, "Refund part", shown.message_id)
    await k.settle()
    prompt = (await ticket_posts(k))[-1]
    assert "reply to this message with the amount" in prompt.content
    assert "less than MYR 20.00" in prompt.content

    # While the amount is awaited, what the agent writes answers it: never sent to the buyer.
    await in_ticket(k, c.agent, "One moment, working out the split.")
    await k.settle()
    assert not any("working out the split" in m.content for m in c.buyer.messages())
    not_amount = await c.group.wait_for_message(contains="⚠️")
    assert "/cancel" in not_amount.content and not_amount.force_reply is not None

    c.group.reply(c.agent, prompt, "25.00")
    await k.settle()
    error = await c.group.wait_for_message(contains="⚠️")
    assert "less than MYR 20.00" in error.content and "Reply with an amount" in error.content
    order = await k.services.orders.get(oid)
    assert order.status is Status.WAITING_DELIVERY and order.dispute_open
    assert await escrow_of(k, oid) == 2000
    assert (await ticket_of(k)).is_open

    c.group.reply(c.agent, error, "five ringgit")
    await k.settle()
    again = await c.group.wait_for_message(contains="⚠️")
    assert "Reply with an amount" in again.content
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY

    c.group.reply(c.agent, prompt, "5.00")
    await k.settle()
    question = await c.group.wait_for_message(contains="Refund MYR 5.00 to the buyer")
    assert "pay MYR 15.00 to the seller" in question.content
    assert question.button_texts == [["Yes, confirm: 5.00 to buyer, 15.00 to seller"], ["Back"]]
    assert (await k.services.orders.get(oid)).status is Status.WAITING_DELIVERY

    c.group.tap(c.agent, "Yes, confirm: 5.00 to buyer, 15.00 to seller", question.message_id)
    await k.settle()

    order = await k.services.orders.get(oid)
    assert order.status is Status.COMPLETED
    assert (order.refunded_minor, order.released_minor) == (500, 1500)
    assert await k.services.orders.balances(BUYER) == {"MYR": 500}
    assert await k.services.orders.balances(SELLER) == {"MYR": 1500}
    assert await escrow_of(k, oid) == 0 and await settlements(k, oid) == 1
    assert await ledger_violations(k.services.store) == []
    assert (await ticket_of(k)).outcome == "refund_partial"
    assert "closed (refunded in part)" in (await card(k)).content
    for party in (c.buyer, c.seller):
        assert "KALEOZ Support resolved this order" in party.messages()[-1].content


# --- payment problems -----------------------------------------------------------------------


async def _receipt_ticket(kchat: Running, *, expired: bool) -> tuple[str, Case]:
    """An unpaid (or expired) MYR 20.00 order; the buyer says they paid and sends the slip."""
    c = await case(kchat)
    k = c.k
    oid = await k.order("20.00")
    if expired:
        await k.advance(timedelta(hours=2))
        assert (await k.services.orders.get(oid)).status is Status.EXPIRED
    c.buyer.tap("I already paid")
    await k.settle()
    assert "Send a photo or file of your payment receipt" in c.buyer.messages()[-1].content
    c.buyer.send_photo(RECEIPT_PNG, caption="Maybank transfer 10:42")
    await k.settle()
    return oid, c


async def test_a_receipt_photo_for_an_unpaid_order_is_confirmed_by_an_agent(
    kchat_support: Running,
) -> None:
    k = kchat_support
    oid, c = await _receipt_ticket(k, expired=False)
    ticket = await ticket_of(k)
    assert ticket.kind is TicketKind.PAYMENT and ticket.order_id == oid
    shown = await card(k)
    assert f"Ticket #1 · Payment problem · {oid}" in shown.content
    assert "Paid, but the order shows unpaid: Maybank transfer 10:42" in shown.content
    assert "Waiting Payment" in shown.content
    assert shown.button_texts == [
        ["Claim"],
        ["Confirm payment", "Reject payment"],
        ["Ask buyer", "Ask seller"],
        ["Transcript", "Close"],
    ]
    photos = [m for m in await ticket_posts(k) if m.content_type == "photo"]
    assert len(photos) == 1 and photos[0].file_id is not None
    assert k.tg.file_bytes(photos[0].file_id) == RECEIPT_PNG
    assert "Buyer Alice" in photos[0].content and "Maybank transfer 10:42" in photos[0].content
    assert "Sent to KALEOZ Support (ticket #1)" in c.buyer.messages()[-1].content

    first = c.group.tap(c.agent, "Confirm payment", shown.message_id)
    await k.settle()
    assert first.answer_text == "Tap again to confirm."
    assert (await k.services.orders.get(oid)).status is Status.WAITING_PAYMENT
    c.group.tap(c.agent, "Yes, confirm payment received (MYR 20.00)", shown.message_id)
    await k.settle()

    order = await k.services.orders.get(oid)
    assert order.status is Status.WAITING_DELIVERY and order.paid_via == "support"
    assert order.escrow_minor == 2000 and await escrow_of(k, oid) == 2000
    assert await ledger_violations(k.services.store) == []
    assert "Payment received" in c.buyer.messages()[-1].content
    assert "The buyer paid MYR 20.00" in c.seller.messages()[-1].content
    assert (await ticket_of(k)).outcome == "payment_confirmed"
    assert "closed (payment confirmed)" in (await card(k)).content


async def test_a_receipt_for_an_expired_order_is_confirmed_and_the_order_is_paid_by_support(
    plain: Running,
) -> None:
    k = plain
    oid, c = await _receipt_ticket(k, expired=True)
    shown = await card(k)
    assert "Payment problem" in shown.content and "Expired" in shown.content
    assert any(m.content_type == "photo" for m in await ticket_posts(k))

    c.group.tap(c.agent, "Confirm payment", shown.message_id)
    await k.settle()
    c.group.tap(c.agent, "Yes, confirm payment received (MYR 20.00)", shown.message_id)
    await k.settle()

    order = await k.services.orders.get(oid)
    assert order.status is Status.WAITING_DELIVERY and order.paid_via == "support"
    assert await escrow_of(k, oid) == 2000
    assert await ledger_violations(k.services.store) == []
    assert "Payment received" in c.buyer.messages()[-1].content
    assert "The buyer paid MYR 20.00" in c.seller.messages()[-1].content


async def test_a_rejected_payment_tells_the_buyer_and_leaves_the_order_unpaid(
    plain: Running,
) -> None:
    k = plain
    oid, c = await _receipt_ticket(k, expired=False)
    seller_saw = len(c.seller.messages())
    shown = await card(k)

    c.group.tap(c.agent, "Reject payment", shown.message_id)
    await k.settle()
    assert (await card(k)).button_texts == [["Yes, reject payment (MYR 20.00)"], ["Back"]]
    c.group.tap(c.agent, "Yes, reject payment (MYR 20.00)", shown.message_id)
    await k.settle()

    order = await k.services.orders.get(oid)
    assert order.status is Status.WAITING_PAYMENT and order.paid_at is None
    assert await escrow_of(k, oid) == 0
    assert await ledger_violations(k.services.store) == []
    told = c.buyer.messages()[-1].content
    assert "KALEOZ Support could not confirm your payment" in told and oid in told
    assert len(c.seller.messages()) == seller_saw, "the seller hears nothing of it"
    assert (await ticket_of(k)).outcome == "payment_rejected"
    assert "closed (payment rejected)" in (await card(k)).content


# --- help requests --------------------------------------------------------------------------


async def test_a_question_the_faq_cannot_answer_becomes_a_help_ticket_answered_as_support(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    eve = k.tg.user(STRANGER, "Eve")
    eve.start()
    await k.settle()

    eve.send("Can you recommend a good pizza place in Penang?")
    await k.settle()
    assert "I'm not sure I can answer that" in eve.messages()[-1].content
    eve.tap("Talk to support")
    await k.settle()
    assert "KALEOZ Support has your request (#1)" in eve.messages()[-1].content

    ticket = await ticket_of(k)
    assert ticket.kind is TicketKind.HELP and ticket.order_id is None
    assert ticket.opened_by == STRANGER and ticket.talking_to == STRANGER
    shown = await card(k)
    assert "Ticket #1 · Help request" in shown.content and "From: Eve" in shown.content
    assert shown.button_texts == [["Claim"], ["Transcript", "Close"]]

    eve.send("I can't log in to my KALEOZ account")
    await k.settle()
    assert any("can't log in" in m.content for m in await ticket_posts(k))

    await in_ticket(k, c.agent, "Hello Eve, which email do you sign in with?")
    await k.settle()
    answer = eve.messages()[-1]
    assert answer.content.startswith("🛟 KALEOZ Support")
    assert "Hello Eve, which email do you sign in with?" in answer.content
    assert "Aisha" not in answer.content, "agents stay anonymous to users"

    eve.reply(answer, "eve@example.com")
    await k.settle()
    back = [m for m in await ticket_posts(k) if "eve@example.com" in m.content]
    assert len(back) == 1 and "Eve" in back[0].content
    directions = [m.direction for m in await k.services.support.conversation(1)]
    assert directions == ["from_party", "to_party", "from_party"]

    c.group.tap(c.agent, "Close", shown.message_id)
    await k.settle()
    c.group.tap(c.agent, "Yes, close (no money moves)", shown.message_id)
    await k.settle()
    assert (await ticket_of(k)).status == "closed"
    posts_before = len(await ticket_posts(k))
    eve.send("thanks!")
    await k.settle()
    assert len(await ticket_posts(k)) == posts_before, "a closed ticket takes no more messages"


# --- unreachable parties --------------------------------------------------------------------


async def test_a_seller_who_blocked_the_bot_opens_an_unreachable_ticket_and_the_buyer_is_told(
    plain: Running,
) -> None:
    c = await case(plain)
    k = c.k
    oid = await k.paid_order("20.00")
    c.seller.block_bot()
    await k.settle()
    assert cards_in_group(k) == [], "blocking alone raises nothing: no news was lost yet"
    sent_before = len(k.tg.requests("sendMessage"))

    await k.advance(timedelta(hours=2))
    await k.services.orders.request_refund(oid, BUYER, None, "nothing arrived")
    await k.settle()
    # The 403 turns up while the outbox drains; what it queues (the buyer's notice, the
    # ticket) goes out on the next drain, which the wake-up job runs when the ticket pokes it.
    await k.settle()

    to_seller = [
        r
        for r in k.tg.requests("sendMessage")[sent_before:]
        if str(r.params.get("chat_id")) == str(SELLER)
    ]
    assert to_seller, "the bot tried to tell the seller about the order"
    assert all(r.status == 403 for r in to_seller), "and Telegram refused: blocked"
    told = [m for m in c.buyer.messages() if "blocked this bot" in m.content]
    assert len(told) == 1 and oid in told[0].content
    assert len(cards_in_group(k)) == 1
    ticket = await ticket_of(k)
    assert ticket.kind is TicketKind.UNREACHABLE and ticket.order_id == oid
    shown = await card(k)
    assert "Party unreachable" in shown.content and "The seller blocked the bot" in shown.content
    assert "Waiting Delivery" in shown.content and "Refund request MYR 20.00" in shown.content
    assert shown.button_texts == [
        ["Claim"],
        ["Refund in full", "Refund part"],
        ["Release to seller"],
        ["Ask buyer", "Ask seller"],
        ["Transcript", "Close"],
    ]

    c.group.tap(c.agent, "Claim", shown.message_id)
    await k.settle()
    c.group.tap(c.agent, "Close", shown.message_id)
    await k.settle()
    c.group.tap(c.agent, "Yes, close (no money moves)", shown.message_id)
    await k.settle()

    assert (await ticket_of(k)).outcome == "closed"
    assert "closed (closed without a money action)" in (await card(k)).content
    order = await k.services.orders.get(oid)
    assert order.status is Status.WAITING_DELIVERY and await escrow_of(k, oid) == 2000
    assert await ledger_violations(k.services.store) == []


# --- the card follows the order -------------------------------------------------------------


async def test_a_ticket_card_follows_an_order_that_changes_outside_support(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    oid = await k.order("20.00")
    c.buyer.tap("I already paid")
    await k.settle()
    c.buyer.send_photo(RECEIPT_PNG, caption="bank slip")
    await k.settle()
    before = await card(k)
    assert "Waiting Payment" in before.content
    edits = len(k.tg.requests("editMessageText"))

    # The marketplace's payment arrives after all: no ticket event, yet the card updates.
    await k.services.orders.mark_paid_external(oid)
    await k.settle()

    after = await card(k)
    assert after.message_id == before.message_id, "edited in place, not posted again"
    assert "Waiting Delivery" in after.content and "Waiting Payment" not in after.content
    assert after.content.count("Paid") >= 1
    group_edits = [
        r
        for r in k.tg.requests("editMessageText")[edits:]
        if str(r.params.get("chat_id")) == str(c.group.chat_id)
    ]
    assert len(group_edits) == 1, "one redraw for one change"
    assert (await ticket_of(k)).is_open, "the agent still decides what to do with the ticket"
