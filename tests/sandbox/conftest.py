"""A started sandbox (fake Telegram + the real bot + the seed) and its page server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import load_faq
from bot.config import Settings
from bot.domain.faq import FaqIndex
from sandbox.runner import Sandbox
from sandbox.settings import SandboxSettings
from sandbox.web import build_web_app

T = TypeVar("T")


@pytest.fixture(scope="session")
def sandbox_faq() -> FaqIndex:
    """The shipped help-center index (built once: it is immutable)."""
    return load_faq(Settings(_env_file=None))  # type: ignore[call-arg]


def sandbox_settings(tmp_path: Path, **overrides: Any) -> SandboxSettings:
    """Default settings, with the sandbox's database in the test's folder."""
    return SandboxSettings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/kchat.db",
        sandbox_database_url=f"sqlite:///{tmp_path}/sandbox.db",
        **overrides,
    )


@pytest.fixture
async def sandbox(tmp_path: Path, sandbox_faq: FaqIndex) -> AsyncIterator[Sandbox]:
    """A started, seeded sandbox; stopped after the test."""
    started = Sandbox(sandbox_settings(tmp_path), sandbox_faq)
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[TestClient[Any, Any]]:
    """aiohttp's test client on the sandbox's page server."""
    async with TestClient(TestServer(build_web_app(sandbox))) as test_client:
        yield test_client


async def eventually(
    probe: Callable[[], Awaitable[T | None]],
    what: str,
    timeout: float = 5.0,  # noqa: ASYNC109
) -> T:
    """Re-run `probe` until it returns something truthy (the bot answers asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = await probe()
        if found:
            return found
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
