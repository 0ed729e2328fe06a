"""The real KChat application, over real HTTP, against the fake Telegram Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application, load_faq
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.faq import FaqIndex
from handlers.outbound_lanes import LaneRateLimiter, Pacing
from sandbox.fake_bot_api import FakeTelegram
from sandbox.fake_bot_api.harness import FakeUser
from tests.databases import database_url
from tests.e2e.support import BUYER, SELLER, STRANGER, Running, support_kchat


@pytest.fixture(scope="session")
def faq_index() -> FaqIndex:
    """The shipped help-center index (built once: it is immutable)."""
    return load_faq(Settings(_env_file=None))  # type: ignore[call-arg]


def _test_limiter(budget: int) -> LaneRateLimiter:
    """The bot's own limiter, lanes, budget and group limits as in production, but without
    a private chat's one-a-second pace: that pace is real time (tests/test_outbound_lanes.py
    checks it on a fake clock), and a test that sends a chat ten messages would wait for it."""
    pacing = Pacing(
        budget=budget,
        burst=max(1.0, min(5.0, budget / 6)),
        chat_per_second=1000.0,
        chat_burst=1000.0,
    )
    return LaneRateLimiter(budget, pacing=pacing)


@asynccontextmanager
async def running_kchat(
    tmp_path: Path, faq_index: FaqIndex, *, users: Iterable[int] = (), **overrides: Any
) -> AsyncIterator[Running]:
    """KChat polling a fake Telegram, on a fresh database and a fake clock; `users` exist in
    Telegram before the bot starts (they wrote to it while it was down)."""
    async with FakeTelegram() as tg:
        for user_id in users:
            tg.user(user_id, f"User {user_id}")
            tg.state.open_private_chat(user_id)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            telegram_api_base_url=tg.bot_base_url,
            telegram_api_file_url=tg.file_base_url,
            database_url=database_url(tmp_path),
            **{"poll_interval": timedelta(seconds=30), "flood_limit": 1000, **overrides},
        )
        clock = ManualClock()
        app = build_application(
            settings, clock, tg.token, faq_index, limiter=_test_limiter(settings.send_budget)
        )
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0)
        running = Running(tg, app, clock)
        try:
            yield running
        finally:
            await app.updater.stop()
            await app.stop()
            assert app.post_shutdown is not None
            await app.post_shutdown(app)
            await app.shutdown()


@pytest.fixture
async def kchat(tmp_path: Path, faq_index: FaqIndex) -> AsyncIterator[Running]:
    """KChat without a support group."""
    async with running_kchat(tmp_path, faq_index) as running:
        yield running


@pytest.fixture(params=[False, True], ids=["plain-group", "forum"])
async def kchat_support(
    request: pytest.FixtureRequest, tmp_path: Path, faq_index: FaqIndex
) -> AsyncIterator[Running]:
    """KChat with a support group (a plain group, then a forum) and one agent in it."""
    async with support_kchat(tmp_path, faq_index, forum=request.param) as running:
        yield running


@pytest.fixture
def buyer(kchat: Running) -> FakeUser:
    """The buyer, who has opened the bot."""
    user = kchat.tg.user(BUYER, "Alice")
    user.start()
    return user


@pytest.fixture
def seller(kchat: Running) -> FakeUser:
    """The seller, who has opened the bot."""
    user = kchat.tg.user(SELLER, "Sam")
    user.start()
    return user


@pytest.fixture
def stranger(kchat: Running) -> FakeUser:
    """Someone who is party to no order."""
    user = kchat.tg.user(STRANGER, "Eve")
    user.start()
    return user


@pytest.fixture
async def plain(tmp_path: Path, faq_index: FaqIndex) -> AsyncIterator[Running]:
    """KChat with a plain support group whose only member is the agent Aisha."""
    async with support_kchat(tmp_path, faq_index) as running:
        yield running


@pytest.fixture
async def forum(tmp_path: Path, faq_index: FaqIndex) -> AsyncIterator[Running]:
    """KChat with a forum support group (a topic per ticket) and the agent Aisha."""
    async with support_kchat(tmp_path, faq_index, forum=True) as running:
        yield running
