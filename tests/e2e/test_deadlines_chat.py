"""The marketplace's clocks, seen in the chat: reminders first, then the automatic outcome."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Status
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running, contents, outbox


def _count(user: FakeUser, text: str) -> int:
    return sum(text in c for c in contents(user))


async def test_an_unpaid_order_reminds_the_buyer_at_45_minutes_and_expires_at_one_hour(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order("12.50")
    card = buyer.last_message()
    assert card is not None and "Waiting Payment" in card.content
    assert card.has_button("Pay from balance")

    await kchat.advance(timedelta(minutes=44))
    assert _count(buyer, "Reminder: pay for order") == 0

    await kchat.advance(timedelta(minutes=1))
    reminder = buyer.last_message()
    assert reminder is not None
    assert f"⏰ Reminder: pay for order {oid} before Mon 5 Jan, 18:00 (GMT+8)" in reminder.content
    assert "(in 15 min)" in reminder.content
    assert _count(seller, "Reminder") == 0, "only the buyer, who would lose out, is reminded"
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_PAYMENT

    await kchat.advance(timedelta(minutes=14, seconds=59))
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_PAYMENT
    await kchat.advance(timedelta(seconds=1))

    order = await kchat.services.orders.get(oid)
    assert order.status is Status.EXPIRED and order.close_reason == "expired"
    buyer_card = buyer.last_message()
    assert buyer_card is not None
    assert "⌛ The order expired unpaid. Re-order to buy again." in buyer_card.content
    assert "⌛ Expired · MYR 12.50" in buyer_card.content
    assert buyer_card.has_button("Re-order")
    assert not buyer_card.has_button("Pay from balance")
    seller_card = seller.last_message()
    assert seller_card is not None
    assert "⌛ The order expired unpaid." in seller_card.content
    assert "Expired" in seller_card.content
    assert not seller_card.has_button("Re-order"), "only the buyer re-orders"
    assert "Re-order" not in seller_card.content
    assert "Re-order to buy again at today's price." in buyer_card.content
    # The card shown before the expiry no longer offers to pay.
    assert all(not m.has_button("Pay from balance") for m in buyer.messages())
    assert await outbox(kchat, oid) == [
        (BUYER, "order_created", "sent"),
        (SELLER, "order_created", "sent"),
        (BUYER, "remind_payment", "sent"),
        (BUYER, "order_expired", "sent"),
        (SELLER, "order_expired", "sent"),
    ]
    assert await kchat.services.orders.balances(BUYER) == {}


async def test_an_undelivered_paid_order_is_cancelled_and_refunded_at_72_hours(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")

    await kchat.advance(timedelta(hours=47, minutes=59))
    assert _count(seller, "Reminder: deliver order") == 0
    await kchat.advance(timedelta(minutes=1))
    first = seller.last_message()
    assert first is not None
    assert f"⏰ Reminder: deliver order {oid} before Thu 8 Jan, 17:00 (GMT+8)" in first.content
    assert "(in 1 d 0 h)" in first.content
    assert first.has_button("Deliver")

    await kchat.advance(timedelta(hours=18))
    second = seller.last_message()
    assert second is not None and second.message_id != first.message_id
    assert f"⏰ Reminder: deliver order {oid} before Thu 8 Jan, 17:00 (GMT+8)" in second.content
    assert "(in 6 h 0 min)" in second.content
    assert _count(seller, "Reminder: deliver order") == 2
    assert _count(buyer, "Reminder") == 0
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_DELIVERY
    assert await kchat.services.orders.balances(BUYER) == {}

    await kchat.advance(timedelta(hours=6))
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.REFUNDING and order.close_reason == "auto_cancelled"
    assert order.refunded_minor == 1250 and order.released_minor == 0
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 1250}
    assert await kchat.services.orders.balances(SELLER) == {}
    buyer_news = buyer.last_message()
    assert buyer_news is not None
    assert "✖️ The order was cancelled. MYR 12.50 went back to your KALEOZ balance." in (
        buyer_news.content
    )
    assert "↩️ Refunding · MYR 12.50" in buyer_news.content
    seller_news = seller.last_message()
    assert seller_news is not None and "✖️ The order was cancelled." in seller_news.content
    assert not seller_news.has_button("Deliver")
    kinds = [(r, k) for r, k, state in await outbox(kchat, oid) if state == "sent"]
    assert kinds[-4:] == [
        (SELLER, "remind_delivery"),
        (SELLER, "remind_delivery"),
        (BUYER, "order_cancelled"),
        (SELLER, "order_cancelled"),
    ]

    buyer.send("/balance")
    assert "MYR 12.50" in (await buyer.wait_for_message(contains="balance")).content


async def test_a_delivered_order_is_confirmed_automatically_at_72_hours_after_a_reminder(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("30.00")
    seller.send(f"/deliver {oid} Gift code QWER-5678")
    await kchat.settle()
    delivered = buyer.last_message()
    assert delivered is not None and "QWER-5678" in delivered.content
    assert "⏰ If nothing happens, the order is confirmed as received" in delivered.content

    await kchat.advance(timedelta(hours=47, minutes=59))
    assert _count(buyer, "Reminder") == 0
    await kchat.advance(timedelta(minutes=1))
    reminder = buyer.last_message()
    assert reminder is not None
    assert (
        f"⏰ Reminder: order {oid} is confirmed as received automatically on "
        "Thu 8 Jan, 17:00 (GMT+8). If something is wrong, request a refund before then."
    ) in reminder.content
    assert reminder.has_button("Confirm received") and reminder.has_button("Request refund")
    assert _count(seller, "Reminder") == 0

    await kchat.advance(timedelta(hours=24))
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.COMPLETED and order.close_reason == "auto_confirmed"
    assert await kchat.services.orders.balances(SELLER) == {"MYR": 3000}
    assert await kchat.services.orders.balances(BUYER) == {}
    seller_news = seller.last_message()
    assert seller_news is not None
    assert "✅ Order completed. MYR 30.00 is now in your KALEOZ balance." in seller_news.content
    buyer_news = buyer.last_message()
    assert buyer_news is not None and "✅ Order completed." in buyer_news.content
    assert "Confirmed automatically" in buyer_news.content
    assert not buyer_news.has_button("Request refund")
