"""KChat's HTTP client for the Bot API (aiohttp) where it differs from a plain round trip:
its pool, its timeouts and what it raises. The fake server's tests run through it too
(tests/fake_bot_api: every answer, error, upload and download)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.telegram_request import AiohttpRequest
from sandbox.fake_bot_api import FakeTelegram
from sandbox.fake_bot_api.faults import Fault


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_call_before_initialize_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/botX/getMe", "POST")


async def test_nobody_listening_is_a_network_error_and_says_why() -> None:
    client = AiohttpRequest()
    await client.initialize()
    try:
        with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnectorError"):
            await client.post(f"http://127.0.0.1:{_closed_port()}/bot1:x/getMe")
    finally:
        await client.shutdown()


async def test_a_full_pool_times_out_without_sending() -> None:
    async with FakeTelegram() as tg:
        alice = tg.user(1001, "Alice")
        alice.start()
        tg.inject("sendMessage", Fault.timeout())  # holds the one connection
        client = AiohttpRequest(1, pool_timeout=0.2)
        async with Bot(tg.token, base_url=tg.bot_base_url, request=client) as bot:
            held = asyncio.create_task(bot.send_message(1001, "held", read_timeout=2))
            await asyncio.sleep(0.05)
            with pytest.raises(TimedOut):
                await bot.send_message(1001, "waits for the pool")
            with pytest.raises(TimedOut):
                await held
        assert [r.params["text"] for r in tg.requests("sendMessage")] == ["held"]
        assert alice.messages() == []


async def test_shutdown_closes_the_pool_and_initialize_opens_it_again() -> None:
    async with FakeTelegram() as tg:
        client = AiohttpRequest()
        async with Bot(tg.token, base_url=tg.bot_base_url, request=client) as bot:
            assert (await bot.get_me()).is_bot
        with pytest.raises(NetworkError, match="not initialized"):
            await client.post(f"{tg.bot_base_url}{tg.token}/getMe")
        async with Bot(tg.token, base_url=tg.bot_base_url, request=client) as bot:
            assert (await bot.get_me()).is_bot
        assert client.read_timeout == 5.0
