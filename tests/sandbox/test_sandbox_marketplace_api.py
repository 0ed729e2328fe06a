"""The sandbox serves the marketplace API (KCHAT_HTTP_PORT set) against the world it shows."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import aiohttp

from bot.domain.faq import FaqIndex
from sandbox.runner import Sandbox
from sandbox.world import BUYER, SELLER
from tests.sandbox.conftest import eventually, sandbox_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_an_order_created_over_the_api_appears_in_the_buyers_pane(
    tmp_path: Path, sandbox_faq: FaqIndex
) -> None:
    port = _free_port()
    sandbox = Sandbox(sandbox_settings(tmp_path, http_port=port), sandbox_faq)
    await sandbox.start()
    try:
        api = sandbox.marketplace_api()
        assert api is not None and api["url"] == f"http://127.0.0.1:{port}"
        assert (await sandbox.snapshot())["marketplace_api"] == api
        headers = {"Authorization": f"Bearer {api['key']}", "Idempotency-Key": "sb-1"}
        order: dict[str, Any] = {
            "buyer": {"telegram_id": BUYER.id},
            "seller": {"telegram_id": SELLER.id},
            "title": "Steam Wallet MYR 50",
            "price": "12.50",
            "reference": "shop-1",
        }
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{api['url']}/v1/orders", json=order, headers=headers) as r:
                assert r.status == 201, await r.text()
                order_id = (await r.json())["id"]
            async with http.get(f"{api['url']}/v1/orders/{order_id}") as r:
                assert r.status == 401  # the key is needed: the sandbox serves the real API

        async def card() -> bool:
            await sandbox.settle()
            return any(
                order_id in m.text for m in sandbox.world.buyer.history() if m.text is not None
            )

        await eventually(card, "the order's card in the buyer's chat")

        # Reset: a new world, and a new key; the old one is refused there.
        old_key = api["key"]
        await sandbox.reset()
        fresh = sandbox.marketplace_api()
        assert fresh is not None and fresh["key"] != old_key
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                f"{api['url']}/v1/orders/{order_id}",
                headers={"Authorization": f"Bearer {old_key}"},
            ) as r,
        ):
            assert r.status == 401
    finally:
        await sandbox.stop()


async def test_without_an_http_port_there_is_no_api_and_no_key(
    tmp_path: Path, sandbox_faq: FaqIndex
) -> None:
    sandbox = Sandbox(sandbox_settings(tmp_path), sandbox_faq)
    await sandbox.start()
    try:
        assert sandbox.marketplace_api() is None
        assert (await sandbox.snapshot())["marketplace_api"] is None
        assert await sandbox.world.services.api_keys.all() == []
    finally:
        await sandbox.stop()
