"""The marketplace hears what happens to its order: created and paid over the API, delivered
and confirmed in Telegram, each change POSTed by the running bot to the marketplace's
webhook, signed, in order, and verified with the docs' own verify()."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from bot.domain.faq import FaqIndex
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, SELLER
from tests.e2e.test_operator_view import free_port, get, samples, value
from tests.webhook_receiver import doc_verify, receiver


async def test_an_orders_life_reaches_the_marketplace_as_four_verified_events_in_order(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()
    async with receiver() as shop, running_kchat(tmp_path, faq_index, http_port=port) as kchat:
        buyer = kchat.tg.user(BUYER, "Alice")
        buyer.start()
        seller = kchat.tg.user(SELLER, "Sam")
        seller.start()
        await kchat.settle()
        secret = (await kchat.services.webhooks.add(shop.url)).secret
        key = (await kchat.services.api_keys.create("shop", ("read", "write", "money"))).key
        base = f"http://127.0.0.1:{port}/v1"
        order = {
            "buyer": {"telegram_id": BUYER},
            "seller": {"telegram_id": SELLER},
            "title": "Steam Wallet MYR 50",
            "price": "12.50",
            "currency": "MYR",
            "reference": "shop-2001",
        }
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {key}"}) as http:
            async with http.post(f"{base}/orders", json=order) as r:
                assert r.status == 201
                oid = (await r.json())["id"]
            async with http.post(f"{base}/orders/{oid}/payment") as r:
                assert r.status == 200
        await kchat.settle()

        await seller.wait_for_message(contains=oid)
        seller.tap("Deliver")
        await seller.wait_for_message(contains="Send the delivery")
        seller.send("Your code: ABCD-1234")
        await kchat.settle()
        buyer.tap("Confirm received")
        await buyer.wait_for_message(contains="cannot be undone")
        buyer.tap("Yes, confirm received")
        await kchat.settle()

        received = await shop.wait_for(4)
        verify = doc_verify()
        now = kchat.clock.now().timestamp()
        events = [verify(secret, r.body, r.headers["KChat-Signature"], now=now) for r in received]
        assert [e["type"] for e in events] == [
            "order.created",
            "order.paid",
            "order.delivered",
            "order.confirmed",
        ]
        assert {e["data"]["id"] for e in events} == {oid}
        assert {e["data"]["reference"] for e in events} == {"shop-2001"}
        assert events[-1]["data"]["status"] == "completed"
        assert len({e["id"] for e in events}) == 4
        # A byte changed, and the docs' verify() refuses it.
        tampered = received[1].body.replace(b"waiting_delivery", b"completed")
        with pytest.raises(ValueError, match="does not match"):
            verify(secret, tampered, received[1].headers["KChat-Signature"], now=now)
        delivered = await kchat.services.webhooks.deliveries(order_id=oid, status="delivered")
        assert len(delivered) == 4
        assert json.loads(delivered[0].body)["type"] == "order.confirmed"  # newest first
        status, text = await get(port, "/metrics")
        assert status == 200
        scraped = samples(text)
        assert value(scraped, "kchat_webhook_attempts_total", outcome="delivered") == 4
        assert value(scraped, "kchat_webhook_attempts_total", outcome="failed") == 0
