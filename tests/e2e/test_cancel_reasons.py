"""A seller who cancels says why; both sides then read one consistent story."""

from __future__ import annotations

from bot.domain.model import Status
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import Running


async def test_a_seller_cancelling_an_unpaid_order_picks_a_reason_the_buyer_reads(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    oid = await kchat.order()
    card = seller.last_message()
    assert card is not None and card.has_button("Cancel")
    seller.tap("Cancel", card.message_id)
    prompt = await seller.wait_for_message(contains="Tell the buyer why")
    assert "It has not been paid, so no money moves." in prompt.content
    assert prompt.has_button("Cancel: out of stock") and prompt.has_button("Keep the order")
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_PAYMENT

    seller.tap("Cancel: out of stock", prompt.message_id)
    await kchat.settle()
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.EXPIRED and order.close_reason == "cancelled_by_seller"
    assert order.cancel_note == "out of stock"

    news = buyer.last_message()
    assert news is not None
    assert "✖️ The seller cancelled the order (out of stock)." in news.content
    assert "⌛ Expired (cancelled by the seller before payment)" in news.content
    assert "The seller cancelled this order before payment (out of stock)." in news.content
    assert "expired unpaid" not in news.content
    assert not news.has_button("Re-order")
    mine = seller.last_message()
    assert mine is not None
    assert "⌛ Expired (cancelled by you before payment)" in mine.content


async def test_a_seller_cancelling_a_paid_order_says_why_and_the_buyer_is_refunded(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.paid_order()
    seller.tap("Cancel")
    prompt = await seller.wait_for_message(contains="Tell the buyer why")
    assert "MYR 12.50 goes back to the buyer's KALEOZ balance" in prompt.content
    seller.tap("Cancel and refund: can't deliver in time", prompt.message_id)
    await kchat.settle()
    assert await kchat.services.orders.balances(1001) == {"MYR": 1250}
    news = buyer.last_message()
    assert news is not None
    assert (
        "✖️ The seller cancelled the order (can't deliver in time). MYR 12.50 went back to "
        "your KALEOZ balance."
    ) in news.content


async def test_a_forged_reason_is_refused_and_changes_nothing(
    kchat: Running, seller: FakeUser
) -> None:
    from tests.e2e.support import tap_data

    oid = await kchat.order()
    record = tap_data(kchat, seller, f"k1|cxy|{oid}|bogus")
    await kchat.tg.wait_for(lambda: record.answered, what="an answer")
    assert record.answer_text == "Please pick one of the reasons offered."
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_PAYMENT
