"""Small things a user notices: whole timelines, "your" money, finished words, whole words."""

from __future__ import annotations

import re
from datetime import timedelta

from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running


async def test_a_long_timeline_keeps_order_placed_and_says_how_many_are_hidden(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    orders = kchat.services.orders
    await orders.deliver(oid, SELLER, "code ABCD")
    await kchat.advance(timedelta(hours=1))
    for _ in range(2):
        await orders.request_refund(oid, BUYER, None)
        await orders.withdraw_refund(oid, BUYER)
    await kchat.settle()

    card = buyer.last_message()
    assert card is not None
    timeline = card.content.split("Timeline\n", 1)[1].splitlines()
    assert len(timeline) == 6
    assert timeline[0].endswith("Order placed") and timeline[1] == "• … 2 more"
    assert timeline[-1].endswith("Refund request withdrawn")


async def test_the_buyer_reads_your_balance_and_refunded_in_sentences(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    card = buyer.last_message()
    assert card is not None
    assert "cancelled and refunded to your KALEOZ balance on" in card.content
    seller_card = seller.last_message()
    assert seller_card is not None and "refunded to the buyer's KALEOZ balance" in (
        seller_card.content
    )

    await kchat.advance(timedelta(hours=72))  # never delivered: refunded automatically
    card = buyer.last_message()
    assert card is not None
    assert "Refunding · MYR 12.50" in card.content  # the FAQ's status name on the card
    assert "Refunded: MYR 12.50 went back to your KALEOZ balance." in card.content
    assert "the buyer's" not in card.content
    seller_card = seller.last_message()
    assert seller_card is not None
    assert "Refunded: MYR 12.50 went back to the buyer's KALEOZ balance." in seller_card.content

    buyer.send(f"/confirm {oid}")
    refused = await buyer.wait_for_message(contains="you can't")
    assert refused.content == f"⚠️ Order {oid} is Refunded; you can't confirm receipt now."


async def test_order_list_buttons_cut_titles_at_a_word_with_an_ellipsis(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    await kchat.order("12.50", title="Mobile Legends Diamond Pack 1000")
    buyer.send("/orders")
    listing = await buyer.wait_for_message(contains="Your orders")
    [label] = [b.text for b in listing.flat_buttons if b.text.startswith("K")]
    assert label.endswith(" · Waiting Payment · Mobile Legends Diamond…")


async def test_an_own_share_link_pasted_as_text_opens_the_offer(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    seller.send("/sell Razer Gold 100 | 45.00")
    listed = await seller.wait_for_message(contains="start=offer_")
    found = re.search(r"t\.me/(\w+)\?start=offer_(\w+)", listed.content)
    assert found is not None
    bot, offer = found.groups()
    for pasted in (f"https://t.me/{bot}?start=offer_{offer}", f"t.me/{bot}?start=offer_{offer}"):
        buyer.send(pasted)
        shown = await buyer.wait_for_message(contains="Razer Gold 100")
        assert shown.has_button("Buy now"), pasted
    buyer.send(f"t.me/some_other_bot?start=offer_{offer}")
    other = await buyer.wait_for_message()
    assert not other.has_button("Buy now")
