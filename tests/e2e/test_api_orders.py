"""An order the marketplace creates and pays over the API of a running bot reaches its
buyer and seller in Telegram, as one made in the chat or on the command line does."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.domain.faq import FaqIndex
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, SELLER
from tests.e2e.test_operator_view import free_port


async def test_an_order_created_and_paid_over_the_api_shows_on_both_cards(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()
    async with running_kchat(tmp_path, faq_index, http_port=port) as kchat:
        buyer = kchat.tg.user(BUYER, "Alice")
        buyer.start()
        seller = kchat.tg.user(SELLER, "Sam")
        seller.start()
        await kchat.settle()
        key = (await kchat.services.api_keys.create("shop", ("read", "write", "money"))).key
        auth = {"Authorization": f"Bearer {key}"}
        base = f"http://127.0.0.1:{port}/v1"
        body = {
            "buyer": {"telegram_id": BUYER},
            "seller": {"telegram_id": SELLER},
            "title": "Steam Wallet MYR 50",
            "price": "12.50",
            "currency": "MYR",
            "reference": "shop-1001",
        }
        async with aiohttp.ClientSession(headers=auth) as http:
            async with http.post(f"{base}/orders", json=body) as r:
                assert r.status == 201
                oid = (await r.json())["id"]
            await kchat.settle()
            card = await buyer.wait_for_message(contains=oid)
            assert "Waiting Payment" in card.content
            async with http.post(
                f"{base}/orders/{oid}/payment", headers={"Idempotency-Key": "p"}
            ) as r:
                assert r.status == 200 and (await r.json())["status"] == "waiting_delivery"
            await kchat.settle()
            seller_card = await seller.wait_for_message(contains=oid)
            assert "Waiting Delivery" in seller_card.content and seller_card.has_button("Deliver")
            async with http.get(f"{base}/orders/{oid}") as r:
                shown = await r.json()
        assert shown["reference"] == "shop-1001" and shown["paid_via"] == "external"
        assert (await kchat.services.orders.get(oid)).status.value == "waiting_delivery"
