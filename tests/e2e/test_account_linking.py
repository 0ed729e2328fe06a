"""A marketplace user's account linked to their Telegram through the one-time link the API
hands out: the order the marketplace created for the account before it was linked waits
(202) and opens in the chat, for both parties, the moment the link is opened; the link works
once; /unlink undoes it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiohttp

from bot.domain.faq import FaqIndex
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, SELLER
from tests.e2e.test_operator_view import free_port

ACCOUNT = "shop-user-7"


async def test_an_order_for_an_unlinked_buyer_waits_and_opens_when_they_link(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()
    async with running_kchat(tmp_path, faq_index, http_port=port) as kchat:
        seller = kchat.tg.user(SELLER, "Sam")
        seller.start()
        buyer = kchat.tg.user(BUYER, "Alice")
        other = kchat.tg.user(BUYER + 50, "Mallory")
        await kchat.settle()
        key = (await kchat.services.api_keys.create("shop", ("read", "write", "money"))).key
        base = f"http://127.0.0.1:{port}/v1"
        body = {
            "buyer": {"account": ACCOUNT},
            "seller": {"telegram_id": SELLER},
            "title": "Steam Wallet MYR 50",
            "price": "12.50",
            "reference": "shop-2001",
        }
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {key}"}) as http:
            async with http.post(f"{base}/orders", json=body) as r:
                assert r.status == 202
                waiting = await r.json()
            assert (waiting["state"], waiting["waiting_for"]) == ("waiting", ["buyer"])
            assert waiting["order_id"] is None
            await kchat.settle()
            assert not any("Steam Wallet" in m.content for m in seller.messages())

            async with http.post(f"{base}/accounts/{ACCOUNT}/link") as r:
                assert r.status == 201
                link = await r.json()
            assert link["url"] == f"https://t.me/kchat_test_bot?start={link['token']}"
            assert link["token"].startswith("link_") and len(link["token"]) <= 64

            buyer.start(link["token"])
            await kchat.settle()
            said = await buyer.wait_for_message(contains="linked to your marketplace account")
            assert ACCOUNT in said.content
            async with http.get(f"{base}/waiting-orders/shop-2001") as r:
                created = await r.json()
            oid = created["order_id"]
            assert created["state"] == "created" and oid
            card = await buyer.wait_for_message(
                predicate=lambda m: oid in m.content and "Waiting Payment" in m.content
            )
            assert card.has_button("Pay from balance") or card.flat_buttons
            seller_card = await seller.wait_for_message(contains=oid)
            assert "Steam Wallet MYR 50" in seller_card.content
            order = await kchat.services.orders.get(oid)
            assert (order.buyer_id, order.seller_id, order.amount_minor) == (BUYER, SELLER, 1250)
            async with http.get(f"{base}/accounts/{ACCOUNT}/orders") as r:
                listed = await r.json()
            assert [o["id"] for o in listed["orders"]] == [oid] and listed["waiting"] == []
            assert listed["orders"][0]["reference"] == "shop-2001"

            # The link works once: for someone else, and for the same person.
            other.start(link["token"])
            await kchat.settle()
            await other.wait_for_message(contains="used already")
            buyer.start(link["token"])
            await kchat.settle()
            await buyer.wait_for_message(contains="used already")
            async with http.get(f"{base}/accounts/{ACCOUNT}") as r:
                assert (await r.json())["telegram_id"] == BUYER

            buyer.send("/unlink")
            await kchat.settle()
            asked = await buyer.wait_for_message(contains="Unlink your Telegram")
            assert asked.has_button("Yes, unlink") and asked.has_button("No, keep it")
            buyer.tap("Yes, unlink", asked)
            await kchat.settle()
            await buyer.wait_for_message(contains="Unlinked from the marketplace account")
            async with http.get(f"{base}/accounts/{ACCOUNT}") as r:
                shown = await r.json()
            assert (shown["linked"], shown["telegram_id"]) == (False, None)
            # The order made while linked stays the buyer's.
            assert (await kchat.services.orders.get(oid)).buyer_id == BUYER


async def test_an_expired_or_forged_link_is_refused_kindly_and_links_nothing(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with running_kchat(tmp_path, faq_index, bot_username="kchat_test_bot") as kchat:
        buyer = kchat.tg.user(BUYER, "Alice")
        issued = await kchat.services.accounts.issue_link(ACCOUNT)
        forged = issued.payload[:-2] + ("AA" if not issued.payload.endswith("AA") else "BB")
        buyer.start(forged)
        await kchat.settle()
        await buyer.wait_for_message(contains="This link is not valid")
        kchat.clock.advance(timedelta(hours=1, seconds=1))
        buyer.start(issued.payload)
        await kchat.settle()
        await buyer.wait_for_message(contains="This link has expired")
        assert (await kchat.services.accounts.show(ACCOUNT)).telegram_id is None
        buyer.send("/unlink")
        await kchat.settle()
        await buyer.wait_for_message(contains="not linked to a marketplace account")
