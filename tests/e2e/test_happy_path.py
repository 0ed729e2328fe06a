"""An order's whole life through the chat, with the real bot over real HTTP."""

from __future__ import annotations

from bot.domain.model import Status
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running


async def test_buyer_and_seller_take_an_order_from_payment_to_completion(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    card = await seller.wait_for_message(contains=oid)
    assert "Waiting Delivery" in card.content and card.has_button("Deliver")

    seller.tap("Deliver")
    await seller.wait_for_message(contains="Send the delivery")
    seller.send("Your code: ABCD-1234")
    await kchat.settle()
    buyer_card = buyer.last_message()
    assert buyer_card is not None
    assert "Waiting Confirmation" in buyer_card.content
    assert "ABCD-1234" in buyer_card.content
    assert buyer_card.has_button("Confirm received")

    buyer.tap("Confirm received")
    prompt = await buyer.wait_for_message(contains="cannot be undone")
    assert prompt.has_button("Yes, confirm received")
    buyer.tap("Yes, confirm received")
    await kchat.settle()

    order = await kchat.services.orders.get(oid)
    assert order.status is Status.COMPLETED
    assert await kchat.services.orders.balances(SELLER) == {"MYR": 1250}
    assert await kchat.services.orders.balances(BUYER) == {}
    seller_news = seller.last_message()
    assert (
        seller_news is not None and "MYR 12.50 is now in your KALEOZ balance" in seller_news.content
    )
