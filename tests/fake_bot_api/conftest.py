"""Fixtures: a running FakeTelegram and real python-telegram-bot clients wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

from bot.telegram_request import AiohttpRequest
from sandbox.fake_bot_api import FakeTelegram

# Short long-poll timeout keeps shutdown prompt; the fake answers polls at once on stop anyway.
POLL_TIMEOUT = 1

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Polling = Callable[[AnyApplication], AbstractAsyncContextManager[AnyApplication]]


def build_application(tg: FakeTelegram) -> AnyApplication:
    """An Application pointed at the fake, as production code would build it."""
    return (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.bot_base_url)
        .base_file_url(tg.file_base_url)
        .build()
    )


@asynccontextmanager
async def _polling(app: AnyApplication) -> AsyncIterator[AnyApplication]:
    """Run `app` with updater polling for the duration of the block."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=POLL_TIMEOUT, poll_interval=0)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram listening on a free port of 127.0.0.1."""
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture(params=["httpx", "aiohttp"])
async def bot(tg: FakeTelegram, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    """A bare PTB Bot talking to the fake, through PTB's own HTTP client and through the
    one KChat uses (bot/telegram_request.py): both must see Telegram's answers, errors,
    timeouts, uploads and downloads alike."""
    clients: dict[str, Any] = {}
    if request.param == "aiohttp":
        clients = {"request": AiohttpRequest(), "get_updates_request": AiohttpRequest(1)}
    async with Bot(
        tg.token, base_url=tg.bot_base_url, base_file_url=tg.file_base_url, **clients
    ) as client:
        yield client


@pytest.fixture
def app(tg: FakeTelegram) -> AnyApplication:
    """An Application talking to the fake; add handlers, then `async with polling(app)`."""
    return build_application(tg)


@pytest.fixture
def polling() -> Polling:
    """`async with polling(app):` runs the app with updater polling inside the block."""
    return _polling
