"""`kchat run` as a real process against the fake Telegram: webhook mode registers its
webhook with a secret and admits only updates carrying it; a token Telegram rejects is one
clear line."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from sandbox.fake_bot_api.harness import FakeTelegram
from tests.databases import database_url

KCHAT = Path(sys.executable).parent / "kchat"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_update(update_id: int, user_id: int) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Alice"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Alice"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


@pytest.fixture
def webhook_port() -> int:
    return _free_port()


@pytest.fixture
def process_env(tmp_path: Path, webhook_port: int) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCHAT_", "TELEGRAM_"))}
    env.update(
        KCHAT_DATABASE_URL=database_url(tmp_path),
        # Telegram calls the public HTTPS address; a proxy forwards to the local port.
        KCHAT_WEBHOOK_URL="https://bot.example.com/telegram",
        KCHAT_WEBHOOK_LISTEN="127.0.0.1",
        KCHAT_WEBHOOK_PORT=str(webhook_port),
        KCHAT_LOG_LEVEL="WARNING",
    )
    yield env


async def _run_until_registered(
    tg: FakeTelegram, env: dict[str, str], cwd: Path
) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: ASYNC220 - returns at once; the bot runs beside the loop
        [str(KCHAT), "run"],
        cwd=cwd,
        env={
            **env,
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_BASE_URL": tg.bot_base_url,
            "TELEGRAM_API_FILE_URL": tg.file_base_url,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        await tg.wait_for(lambda: tg.requests("setWebhook") or None, 20, what="setWebhook")
    except BaseException:
        process.kill()
        raise
    return process


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - a hung shutdown fails loudly
        process.kill()
        raise


async def _post(port: int, update: dict[str, object], secret: str | None) -> int:
    headers = {HEADER: secret} if secret is not None else {}
    last: Exception | None = None
    async with aiohttp.ClientSession() as http:
        for _ in range(100):  # the listener opens just after the webhook is registered
            try:
                async with http.post(
                    f"http://127.0.0.1:{port}/telegram", json=update, headers=headers
                ) as response:
                    return response.status
            except aiohttp.ClientConnectionError as exc:
                last = exc
                await asyncio.sleep(0.05)
    raise AssertionError(f"the webhook listener never opened: {last!r}")


def _sends_to(tg: FakeTelegram, chat_id: int) -> int:
    return sum(str(r.params.get("chat_id")) == str(chat_id) for r in tg.requests("sendMessage"))


async def test_only_updates_with_the_configured_secret_reach_the_bot(
    tmp_path: Path, process_env: dict[str, str], webhook_port: int
) -> None:
    async with FakeTelegram() as tg:
        env = {**process_env, "KCHAT_WEBHOOK_SECRET": "s3cret-Token_1"}
        process = await _run_until_registered(tg, env, tmp_path)
        try:
            registered = tg.requests("setWebhook")[-1].params
            assert registered["url"] == env["KCHAT_WEBHOOK_URL"]
            assert registered["secret_token"] == "s3cret-Token_1"

            assert await _post(webhook_port, _start_update(1, 1001), None) == 403
            assert await _post(webhook_port, _start_update(2, 1002), "wrong") == 403
            assert await _post(webhook_port, _start_update(3, 1003), "s3cret-Token_1") == 200

            await tg.wait_for(lambda: _sends_to(tg, 1003) or None, 10, what="a reply to 1003")
            assert _sends_to(tg, 1001) == 0 and _sends_to(tg, 1002) == 0
        finally:
            _stop(process)


async def test_without_a_configured_secret_a_random_one_is_registered_and_required(
    tmp_path: Path, process_env: dict[str, str], webhook_port: int
) -> None:
    async with FakeTelegram() as tg:
        process = await _run_until_registered(tg, process_env, tmp_path)
        try:
            secret = tg.requests("setWebhook")[-1].params.get("secret_token")
            assert isinstance(secret, str) and len(secret) >= 32

            assert await _post(webhook_port, _start_update(1, 1001), None) == 403
            assert await _post(webhook_port, _start_update(2, 1002), secret) == 200
            await tg.wait_for(lambda: _sends_to(tg, 1002) or None, 10, what="a reply to 1002")
            assert _sends_to(tg, 1001) == 0
        finally:
            _stop(process)


async def test_a_token_telegram_rejects_is_one_clear_line_and_exit_status_2(
    tmp_path: Path, process_env: dict[str, str]
) -> None:
    async with FakeTelegram() as tg:
        env = {
            **process_env,
            "TELEGRAM_BOT_TOKEN": "123456:not-the-fakes-token",
            "TELEGRAM_API_BASE_URL": tg.bot_base_url,
        }
        del env["KCHAT_WEBHOOK_URL"]
        process = await asyncio.create_subprocess_exec(
            str(KCHAT), "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
        )
        _, err = await asyncio.wait_for(process.communicate(), 30)
    last = err.decode().strip().splitlines()[-1]
    assert process.returncode == 2
    assert (
        last.startswith("kchat: Telegram rejects this TELEGRAM_BOT_TOKEN.") and "BotFather" in last
    )
