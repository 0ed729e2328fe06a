"""Refund requests through the chat: approved, rejected, answered by the clock, partial."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import RefundStatus, Status
from bot.services.audit import ledger_violations
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running, contents


async def _paid_and_aged(kchat: Running, price: str = "12.50") -> str:
    """A paid order old enough for a refund request (one hour after payment)."""
    oid = await kchat.paid_order(price)
    await kchat.advance(timedelta(hours=1))
    return oid


async def _delivered_and_aged(kchat: Running, price: str = "12.50") -> str:
    oid = await kchat.paid_order(price)
    await kchat.services.orders.deliver(oid, SELLER, "code ABCD-1234")
    await kchat.settle()
    await kchat.advance(timedelta(hours=1))
    return oid


async def _request_full_refund(buyer: FakeUser, oid: str) -> None:
    buyer.tap("Request refund")
    prompt = await buyer.wait_for_message(contains=f"Request a refund for order {oid}")
    assert prompt.has_button("Partial refund") and prompt.has_button("Back")
    buyer.tap("Full refund")
    assert await buyer.wait_for_alert("Refund requested") == "Refund requested."


async def test_seller_approves_a_full_refund_and_the_buyer_gets_the_money_back(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _paid_and_aged(kchat)
    await _request_full_refund(buyer, oid)
    await kchat.settle()

    order = await kchat.services.orders.get(oid)
    assert order.refund_open and order.refund_request is not None
    assert order.refund_request.full and order.refund_request.amount_minor == 1250
    asked = seller.last_message()
    assert asked is not None
    assert "↩️ The buyer asked for a refund of MYR 12.50." in asked.content
    assert "Your turn: deliver the order, or approve or reject the refund." in asked.content
    assert asked.has_button("Approve refund") and asked.has_button("Reject refund")
    buyer_card = buyer.last_message()
    assert buyer_card is not None
    assert "Waiting for the seller to answer your refund request" in buyer_card.content

    seller.tap("Approve refund")
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).refund_open, "not before the second tap"
    seller.tap("Yes, refund MYR 12.50 to the buyer")
    assert await seller.wait_for_alert("Refund approved") == "Refund approved."
    await kchat.settle()

    order = await kchat.services.orders.get(oid)
    assert order.status is Status.REFUNDING
    assert order.refund_request is not None
    assert order.refund_request.status is RefundStatus.APPROVED
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 1250}
    assert await kchat.services.orders.balances(SELLER) == {}
    news = buyer.last_message()
    assert news is not None
    assert "↩️ Refund of MYR 12.50 approved. It is in your KALEOZ balance." in news.content
    assert "↩️ Refunding · MYR 12.50" in news.content
    seller_card = seller.last_message()
    assert seller_card is not None and not seller_card.has_button("Approve refund")
    assert await ledger_violations(kchat.services.store) == []


async def test_seller_rejects_with_a_reason_and_the_buyer_can_escalate(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _delivered_and_aged(kchat)
    await _request_full_refund(buyer, oid)
    await kchat.settle()

    seller.tap("Reject refund")
    prompt = await seller.wait_for_message(contains="why you reject the refund")
    assert oid in prompt.content and prompt.force_reply is not None
    seller.send("The code works, I tested it before sending")
    await kchat.settle()

    order = await kchat.services.orders.get(oid)
    assert order.status is Status.WAITING_CONFIRMATION and not order.refund_open
    assert order.refund_request is not None
    assert order.refund_request.status is RefundStatus.REJECTED
    assert order.refund_request.rejection_reason == "The code works, I tested it before sending"
    seller_card = seller.last_message()
    assert seller_card is not None and "❌ You rejected the refund request." in seller_card.content
    news = buyer.last_message()
    assert news is not None
    assert "❌ The seller rejected your refund request." in news.content
    assert "Seller's reason: The code works, I tested it before sending" in news.content
    assert news.has_button("Escalate to support")
    assert not news.has_button("Request refund")
    assert await kchat.services.orders.balances(BUYER) == {}

    buyer.tap("Escalate to support")
    await buyer.wait_for_message(contains="is now with KALEOZ Support")
    await kchat.settle()
    order = await kchat.services.orders.get(oid)
    assert order.dispute_open and order.status is Status.WAITING_CONFIRMATION


async def test_an_unanswered_refund_on_an_undelivered_order_is_approved_after_6_hours(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _paid_and_aged(kchat)
    await _request_full_refund(buyer, oid)
    await kchat.settle()

    await kchat.advance(timedelta(hours=4, minutes=59))
    assert not any("Reminder: answer the refund" in c for c in contents(seller))
    await kchat.advance(timedelta(minutes=1))
    reminder = seller.last_message()
    assert reminder is not None
    assert (
        f"⏰ Reminder: answer the refund request on order {oid} before Tue 6 Jan, 00:00 (GMT+8), "
        "or it is approved automatically."
    ) in reminder.content
    assert reminder.has_button("Approve refund") and reminder.has_button("Deliver")
    assert (await kchat.services.orders.get(oid)).refund_open

    await kchat.advance(timedelta(hours=1))
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.REFUNDING
    assert order.refund_request is not None
    assert order.refund_request.status is RefundStatus.AUTO_APPROVED
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 1250}
    news = buyer.last_message()
    assert news is not None
    assert "approved automatically (no answer in time). It is in your KALEOZ balance." in (
        news.content
    )
    seller_news = seller.last_message()
    assert seller_news is not None
    assert "↩️ Refund of MYR 12.50 approved automatically (no answer in time)." in (
        seller_news.content
    )


async def test_an_unanswered_refund_on_a_delivered_order_is_approved_after_24_hours(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _delivered_and_aged(kchat)
    await _request_full_refund(buyer, oid)
    await kchat.settle()

    await kchat.advance(timedelta(hours=22, minutes=59))
    assert not any("Reminder: answer the refund" in c for c in contents(seller))
    await kchat.advance(timedelta(minutes=1))
    reminder = seller.last_message()
    assert reminder is not None
    assert f"⏰ Reminder: answer the refund request on order {oid} before Tue 6 Jan, 18:00" in (
        reminder.content
    )
    assert reminder.has_button("Approve refund") and reminder.has_button("Reject refund")
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_CONFIRMATION

    await kchat.advance(timedelta(hours=1))
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.REFUNDING and order.refunded_minor == 1250
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 1250}
    assert await kchat.services.orders.balances(SELLER) == {}
    news = buyer.last_message()
    assert news is not None and "approved automatically" in news.content


async def test_a_partial_refund_typed_after_a_tap_splits_the_money_once_the_seller_agrees(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _delivered_and_aged(kchat)
    buyer.tap("Request refund")
    await buyer.wait_for_message(contains="you propose an amount")
    buyer.tap("Partial refund")
    prompt = await buyer.wait_for_message(contains="Type the amount you want back")
    assert "at most MYR 12.50" in prompt.content and prompt.force_reply is not None
    buyer.send("5.00")
    await kchat.settle()

    order = await kchat.services.orders.get(oid)
    assert order.refund_request is not None and order.refund_open
    assert order.refund_request.amount_minor == 500 and not order.refund_request.full
    card = buyer.last_message()
    assert card is not None
    assert "↩️ Refund request: MYR 5.00 (partial), waiting for the seller" in card.content
    asked = seller.last_message()
    assert asked is not None and "↩️ The buyer asked for a refund of MYR 5.00." in asked.content

    seller.tap("Approve refund")
    await kchat.settle()
    seller.tap("Yes, refund MYR 5.00 to the buyer")
    await seller.wait_for_alert("Refund approved")
    await kchat.settle()

    order = await kchat.services.orders.get(oid)
    assert order.status is Status.COMPLETED
    assert order.refunded_minor == 500 and order.released_minor == 750
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 500}
    assert await kchat.services.orders.balances(SELLER) == {"MYR": 750}
    news = buyer.last_message()
    assert news is not None
    assert "↩️ Refund of MYR 5.00 approved. It is in your KALEOZ balance." in news.content
    assert "MYR 5.00 was refunded to the buyer and MYR 7.50 paid to the seller." in news.content
    assert await ledger_violations(kchat.services.store) == []


async def test_refund_command_with_an_amount_asks_for_a_partial_refund(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _delivered_and_aged(kchat)
    buyer.send("/refund 5.00")
    card = await buyer.wait_for_message(contains="Refund request: MYR 5.00 (partial)")
    assert oid in card.content
    await kchat.settle()
    order = await kchat.services.orders.get(oid)
    assert order.refund_request is not None and order.refund_request.amount_minor == 500
    asked = seller.last_message()
    assert asked is not None and "↩️ The buyer asked for a refund of MYR 5.00." in asked.content

    seller.tap("Approve refund")
    await kchat.settle()
    seller.tap("Yes, refund MYR 5.00 to the buyer")
    await seller.wait_for_alert("Refund approved")
    await kchat.settle()
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 500}
    assert await kchat.services.orders.balances(SELLER) == {"MYR": 750}


async def test_refund_command_naming_the_order_and_an_amount(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _paid_and_aged(kchat)
    await kchat.paid_order("40.00")  # a second order: the id picks which one
    buyer.send(f"/refund {oid} 5.00")
    await buyer.wait_for_message(contains="Refund request: MYR 5.00 (partial)")
    order = await kchat.services.orders.get(oid)
    assert order.refund_request is not None and order.refund_request.amount_minor == 500


async def test_an_unanswered_partial_refund_on_an_undelivered_order_refunds_the_whole_order(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _paid_and_aged(kchat, price="100.00")
    buyer.send("/refund 1.00")
    card = await buyer.wait_for_message(contains="Refund request: MYR 1.00 (partial)")
    # Said in advance, on both cards: silence refunds the whole order, not the seller.
    promise = "the whole order (MYR 100.00, not only the MYR 1.00 asked) is refunded to the buyer"
    assert promise.replace("the buyer", "you") in card.content
    await kchat.settle()
    asked = seller.last_message()
    assert asked is not None and promise in asked.content

    await kchat.advance(timedelta(hours=5))
    reminder = seller.last_message()
    assert reminder is not None and "Reminder: answer the refund request" in reminder.content
    assert promise in reminder.content

    await kchat.advance(timedelta(hours=1))
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.REFUNDING
    assert (order.refunded_minor, order.released_minor) == (10000, 0)
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 10000}
    assert await kchat.services.orders.balances(SELLER) == {}
    news = buyer.last_message()
    assert news is not None
    assert "↩️ Refund of MYR 100.00 approved automatically (no answer in time)." in news.content
    assert await ledger_violations(kchat.services.store) == []


async def test_a_refund_in_another_currency_or_with_a_rounding_amount_is_refused_kindly(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await _paid_and_aged(kchat)
    for typed, says in (
        ("$5", "is not an amount in MYR"),
        ("5,5", "is not an amount in MYR"),
        ("5.001", "at most 2 decimal places"),
        ("1.0000000000000000000000000001", "at most 2 decimal places"),
    ):
        buyer.send(f"/refund {oid} {typed}")
        reply = await buyer.wait_for_message()
        assert says in reply.content, typed
    await kchat.settle()
    order = await kchat.services.orders.get(oid)
    assert order.refund_request is None
