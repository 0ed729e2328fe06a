"""Listing with /sell, buying through the shared link, paying from balance, re-ordering."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.model import Status
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running, outbox


async def _list_offer(
    seller: FakeUser, title: str = "Netflix Gift Card", price: str = "20.00"
) -> str:
    """The seller lists an item with /sell, answering its two questions; returns the offer id."""
    seller.send("/sell")
    ask_title = await seller.wait_for_message(contains="What are you selling?")
    assert ask_title.force_reply is not None and "/cancel" in ask_title.content
    seller.send(title)
    await seller.wait_for_message(contains=f"Price for {title}?")
    seller.send(price)
    listed = await seller.wait_for_message(contains="✅ Listed")
    assert f"✅ Listed: {title} at MYR {price}." in listed.content
    link = re.search(r"https://t\.me/kchat_test_bot\?start=offer_(\w+)", listed.content)
    assert link is not None, listed.content
    return link.group(1)


async def _open_and_buy(kchat: Running, buyer: FakeUser, offer_id: str, price: str) -> str:
    buyer.start(f"offer_{offer_id}")
    offer = await buyer.wait_for_message(contains="Price:")
    assert offer.has_button("Buy now") and f"MYR {price}" in offer.content
    buyer.tap("Buy now")
    alert = await buyer.wait_for_alert("placed")
    found = re.search(r"Order (K\w{7}) placed\.", alert)
    assert found is not None, alert
    await kchat.settle()
    return found.group(1)


async def test_a_listed_offer_is_bought_through_its_link_and_paid_from_the_balance(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    offer_id = await _list_offer(seller)
    await kchat.services.orders.top_up(BUYER, 2500, "MYR", key="test-topup")

    oid = await _open_and_buy(kchat, buyer, offer_id, "20.00")
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.WAITING_PAYMENT and order.amount_minor == 2000
    assert order.offer_id == offer_id and order.seller_id == SELLER
    card = buyer.last_message()
    assert card is not None and oid in card.content and "Netflix Gift Card" in card.content
    assert card.has_button("Pay from balance")
    seller_card = seller.last_message()
    assert seller_card is not None and "🛒 You have a new order." in seller_card.content

    buyer.tap("Pay from balance")
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).paid_at is None, "not before the second tap"
    buyer.tap("Yes, pay MYR 20.00 from my balance")
    assert await buyer.wait_for_alert("Paid") == "Paid from your KALEOZ balance."
    await kchat.settle()
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.WAITING_DELIVERY and order.paid_via == "balance"
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 500}
    paid = seller.last_message()
    assert paid is not None and "💰 The buyer paid MYR 20.00. Please deliver." in paid.content
    assert paid.has_button("Deliver")
    buyer_card = buyer.last_message()
    assert buyer_card is not None and "Waiting Delivery" in buyer_card.content
    assert not buyer_card.has_button("Pay from balance")


async def test_paying_without_enough_balance_is_refused_kindly_and_changes_nothing(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    offer_id = await _list_offer(seller, "Spotify Premium 1 month", "15.90")
    await kchat.services.orders.top_up(BUYER, 1000, "MYR", key="small-topup")
    oid = await _open_and_buy(kchat, buyer, offer_id, "15.90")
    before = await outbox(kchat, oid)

    buyer.tap("Pay from balance")
    await kchat.settle()
    record = buyer.tap("Yes, pay MYR 15.90 from my balance")
    alert = await buyer.wait_for_alert("balance")
    await kchat.settle()
    assert record.show_alert
    assert alert == "Your balance is MYR 10.00; the order needs MYR 15.90."
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.WAITING_PAYMENT and order.paid_at is None
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 1000}
    assert await outbox(kchat, oid) == before
    card = buyer.last_message()
    assert card is not None and card.has_button("Back"), "the question stays, Back to the card"


async def test_sell_in_one_line_and_a_seller_opening_their_own_link(
    kchat: Running, seller: FakeUser
) -> None:
    await kchat.settle()
    seller.send("/sell Razer Gold 100 | 45.00")
    listed = await seller.wait_for_message(contains="✅ Listed")
    assert "Razer Gold 100 at MYR 45.00" in listed.content
    link = re.search(r"start=offer_(\w+)", listed.content)
    assert link is not None
    seller.start(f"offer_{link.group(1)}")
    own = await seller.wait_for_message(contains="your own offer")
    assert not own.buttons


async def test_an_unknown_offer_link_says_the_offer_is_gone(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.start("offer_O1234567")
    reply = await buyer.wait_for_message(contains="no longer available")
    assert "Welcome to KChat" in reply.content and not reply.buttons


async def test_reordering_an_expired_order_takes_the_new_price_and_says_so(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order("12.50")
    await kchat.advance(timedelta(hours=1))
    old = await kchat.services.orders.get(oid)
    assert old.status is Status.EXPIRED and old.offer_id is not None
    await kchat.services.orders.set_offer_price(old.offer_id, SELLER, 1490)

    buyer.tap("Re-order")
    alert = await buyer.wait_for_alert("New order")
    await kchat.settle()
    found = re.search(r"New order (K\w{7}) placed\.", alert)
    assert found is not None, alert
    assert "The price changed from MYR 12.50 to MYR 14.90." in alert
    new = await kchat.services.orders.get(found.group(1))
    assert new.status is Status.WAITING_PAYMENT and new.amount_minor == 1490
    assert new.reorder_of == oid and new.offer_id == old.offer_id
    assert (await kchat.services.orders.get(oid)).amount_minor == 1250, "the old price is kept"

    card = buyer.last_message()
    assert card is not None and new.id in card.content
    assert "🕐 Waiting Payment · MYR 14.90" in card.content
    assert "The price changed from MYR 12.50 to MYR 14.90." in card.content
    assert card.has_button("Pay from balance")
    seller_card = seller.last_message()
    assert seller_card is not None and new.id in seller_card.content
    assert "🛒 You have a new order. The price changed from MYR 12.50 to MYR 14.90." in (
        seller_card.content
    )


async def test_reordering_at_the_same_price_does_not_mention_a_price_change(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order("12.50")
    await kchat.advance(timedelta(hours=1))
    buyer.tap("Re-order")
    alert = await buyer.wait_for_alert("New order")
    assert "price" not in alert
    await kchat.settle()
    new_orders = await kchat.services.orders.orders_of(BUYER, [Status.WAITING_PAYMENT])
    assert [o.reorder_of for o in new_orders] == [oid]
    assert new_orders[0].amount_minor == 1250
    card = buyer.last_message()
    assert card is not None and new_orders[0].id in card.content
    assert "🛒 Order placed. Pay within the time shown" in card.content
    assert "price changed" not in card.content


async def test_re_order_tapped_again_on_the_old_card_shows_the_order_it_placed(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order("12.50")
    await kchat.advance(timedelta(hours=1))
    old_card = await kchat.services.chat.card(oid, BUYER)
    assert old_card is not None
    buyer.tap("Re-order")
    await buyer.wait_for_alert("New order")
    await kchat.settle()
    [placed] = await kchat.services.orders.orders_of(BUYER, [Status.WAITING_PAYMENT])

    again = buyer.tap_data(old_card.message_id, f"k1|reo|{oid}|")
    await kchat.settle()

    assert again.answer_text == f"You already re-ordered this: order {placed.id}."
    assert [o.id for o in await kchat.services.orders.orders_of(BUYER)] == [placed.id, oid]
    card = buyer.last_message()
    assert card is not None and placed.id in card.content and card.has_button("Pay from balance")


async def test_a_double_tap_on_buy_now_places_one_order_and_shows_it(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    offer_id = await _list_offer(seller)
    buyer.start(f"offer_{offer_id}")
    offer = await buyer.wait_for_message(contains="Price:")

    first = buyer.tap("Buy now", offer.message_id)
    second = buyer.tap("Buy now", offer.message_id)
    await kchat.settle()

    placed = await kchat.services.orders.orders_of(BUYER, [Status.WAITING_PAYMENT])
    assert len(placed) == 1
    assert first.answer_text == f"Order {placed[0].id} placed."
    assert second.answer_text == (
        f"You already ordered this: order {placed[0].id} is waiting for payment."
    )
    card = buyer.last_message()
    assert card is not None and placed[0].id in card.content and card.has_button("Pay from balance")

    # Once that order is over (expired), the same item can be bought again.
    await kchat.advance(timedelta(hours=1))
    buyer.tap("Buy now", offer.message_id)
    await kchat.settle()
    again = await kchat.services.orders.orders_of(BUYER, [Status.WAITING_PAYMENT])
    assert len(again) == 1 and again[0].id != placed[0].id
