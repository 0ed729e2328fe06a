"""`kchat run` as a real process in webhook mode: the operator's port opens beside the webhook's,
counts what came in, closes with the process; the log is JSON when asked; a port that is
taken is one line and exit status 2."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from pathlib import Path

import aiohttp

from sandbox.fake_bot_api.harness import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent.parent
KCHAT = Path(sys.executable).parent / "kchat"
SECRET = "operator-test-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tg: FakeTelegram, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCHAT_", "TELEGRAM_"))}
    env.update(
        PYTHONPATH=str(ROOT),  # the code of this checkout, whatever is installed
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.bot_base_url,
        TELEGRAM_API_FILE_URL=tg.file_base_url,
        KCHAT_DATABASE_URL=f"sqlite:///{db}",
        **extra,
    )
    return env


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


async def _get(http: aiohttp.ClientSession, port: int, path: str) -> tuple[int, str]:
    async with http.get(f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.text()


async def test_in_webhook_mode_the_operator_port_serves_beside_the_webhook_and_logs_are_json(
    tmp_path: Path,
) -> None:
    webhook_port, http_port = _free_port(), _free_port()
    async with FakeTelegram() as tg:
        env = _env(
            tg,
            tmp_path / "kchat.db",
            KCHAT_WEBHOOK_URL="https://bot.example.com/telegram",
            KCHAT_WEBHOOK_SECRET=SECRET,
            KCHAT_WEBHOOK_LISTEN="127.0.0.1",
            KCHAT_WEBHOOK_PORT=str(webhook_port),
            KCHAT_HTTP_PORT=str(http_port),
            KCHAT_LOG_FORMAT="json",
            KCHAT_LOG_LEVEL="INFO",
        )
        process = await asyncio.create_subprocess_exec(
            str(KCHAT), "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
        )
        try:
            await tg.wait_for(lambda: tg.requests("setWebhook") or None, 20, what="setWebhook")
            async with aiohttp.ClientSession() as http:
                # The operator's port opened before the webhook was registered.
                assert await _get(http, http_port, "/healthz") == (200, '{"status": "ok"}')
                status, ready = await _get(http, http_port, "/readyz")
                assert status == 200 and json.loads(ready)["status"] == "ready"

                for attempt in range(100):  # the webhook listener opens just after
                    try:
                        async with http.post(
                            f"http://127.0.0.1:{webhook_port}/telegram",
                            json=_start_update(1, 1001),
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                        ) as response:
                            assert response.status == 200
                            break
                    except aiohttp.ClientConnectionError:
                        assert attempt < 99, "the webhook never opened"
                        await asyncio.sleep(0.05)
                await tg.wait_for(
                    lambda: tg.requests("sendMessage") or None, 10, what="the reply to /start"
                )
                counted = 'kchat_updates_total{kind="command"} 1.0'
                for _ in range(100):  # counted once the handler has finished, just after
                    status, text = await _get(http, http_port, "/metrics")
                    assert status == 200
                    if counted in text.splitlines():
                        break
                    await asyncio.sleep(0.05)
                assert counted in text.splitlines()
        finally:
            process.terminate()
            _, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", http_port)) != 0, "closed with the bot"
    lines = err.decode().splitlines()
    assert lines, "the bot logged its start at INFO"
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any(e["level"] == "INFO" for e in entries)
    # The fake has no chat with this user yet ("chat not found"): the error handler's line
    # carries its traceback in its own field.
    [error] = [e for e in entries if e["level"] == "ERROR"]
    assert error["logger"] == "handlers.inbound.errors"
    assert error["exception"].startswith("Traceback (most recent call last):")
    assert error["exception"].endswith("telegram.error.BadRequest: Chat not found")


async def test_an_operator_port_that_is_taken_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeTelegram() as tg:
            env = _env(tg, tmp_path / "kchat.db", KCHAT_HTTP_PORT=str(port))
            process = await asyncio.create_subprocess_exec(
                str(KCHAT), "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
            )
            _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith(f"kchat: cannot serve HTTP on 127.0.0.1:{port} (")
    assert last.endswith("set KCHAT_HTTP_PORT to a free port, or leave it empty for none")
