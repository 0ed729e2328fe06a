"""`kchat run` as a real process: what stops it from starting is one line and an exit status
(a service manager restarts it), one bot per database, and the command line beside it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from sandbox.fake_bot_api.harness import FakeTelegram
from tests.damaged_db import DAMAGES, as_plain_user, damage, restore
from tests.databases import database_url

KCHAT = Path(sys.executable).parent / "kchat"
BUYER, SELLER = 1001, 1002


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket is closed


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCHAT_", "TELEGRAM_"))}
    env.update(
        KCHAT_DATABASE_URL=database_url(db.parent, db.name),
        KCHAT_LOG_LEVEL="WARNING",
        KCHAT_POLL_INTERVAL="0.2s",
        **extra,
    )
    return env


def _bot_env(tg: FakeTelegram, db: Path) -> dict[str, str]:
    return _env(
        db,
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.bot_base_url,
        TELEGRAM_API_FILE_URL=tg.file_base_url,
    )


async def _start(
    env: dict[str, str], cwd: Path, *args: str, plain_user: bool = False
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(KCHAT),
        "run",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=as_plain_user() if plain_user else None,
    )


async def _finished(process: asyncio.subprocess.Process, timeout: float = 30) -> str:  # noqa: ASYNC109
    """Wait for the process to exit on its own (a hang fails the test); its stderr."""
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"kchat run did not exit within {timeout} s") from None
    return err.decode()


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        await _finished(process)


async def _kchat(env: dict[str, str], cwd: Path, *argv: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        str(KCHAT),
        *argv,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _polls(tg: FakeTelegram) -> int:
    return len(tg.requests("getUpdates"))


async def _polling(tg: FakeTelegram, more_than: int = 0) -> None:
    await tg.wait_for(lambda: _polls(tg) > more_than or None, 30, what="getUpdates")


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.sqlite_only("the instance lock is SQLite's: several bots share PostgreSQL")
async def test_a_second_bot_on_the_same_database_refuses_to_start_in_one_line(
    tmp_path: Path,
) -> None:
    async with FakeTelegram() as tg:
        env = _bot_env(tg, tmp_path / "kchat.db")
        first = await _start(env, tmp_path)
        try:
            await _polling(tg)
            # Another spelling of the same file (a relative path from its folder) is the
            # same database.
            second = await _start({**env, "KCHAT_DATABASE_URL": "sqlite:///kchat.db"}, tmp_path)
            line = _one_line(await _finished(second))
            assert second.returncode == 2
            assert line.startswith("kchat: another kchat run is already using the database at")
            assert str(tmp_path / "kchat.db") in line and f"pid {first.pid}" in line
            assert first.returncode is None, "the running bot is untouched"
        finally:
            await _stop(first)


@pytest.mark.sqlite_only("it also checks the instance lock refuses a second bot")
async def test_the_command_line_works_beside_a_running_bot_which_notifies_once(
    tmp_path: Path,
) -> None:
    async with FakeTelegram() as tg:
        buyer, seller = tg.user(BUYER, "Alice"), tg.user(SELLER, "Sam")
        env = _bot_env(tg, tmp_path / "kchat.db")
        bot = await _start(env, tmp_path)
        try:
            for person in (buyer, seller):
                person.start()
            await tg.wait_for(lambda: len(tg.requests("sendMessage")) >= 2 or None, 30)
            refused = await _start(env, tmp_path)  # a second bot would send every notice twice
            await _finished(refused)
            assert refused.returncode == 2

            code, out, err = await _kchat(
                env,
                tmp_path,
                *("order", "create", "--buyer", str(BUYER), "--seller", str(SELLER)),
                *("--title", "Steam key", "--price", "12.50", "--json"),
            )
            assert code == 0, err
            oid = json.loads(out)["id"]
            for argv in (
                ("order", "paid", oid),
                ("order", "show", oid, "--json"),
                ("balance", str(BUYER), "--json"),
                ("check",),
                ("migrate",),
            ):
                code, out, err = await _kchat(env, tmp_path, *argv)
                assert code == 0, (argv, err)
            code, out, _ = await _kchat(env, tmp_path, "order", "show", oid, "--json")
            assert json.loads(out)["status"] == "waiting_delivery"

            def about_the_order() -> list[str]:
                return [
                    str(r.params.get("text"))
                    for r in tg.requests("sendMessage")
                    if str(r.params.get("chat_id")) == str(SELLER)
                    and oid in str(r.params.get("text"))
                ]

            await tg.wait_for(lambda: about_the_order() or None, 30, what="the seller's notice")
            await tg.idle(quiet=1.0, timeout=10)
            notices = about_the_order()
            assert len(notices) == len(set(notices)), "no notice went out twice"
        finally:
            await _stop(bot)


@pytest.mark.sqlite_only("the instance lock's flock file")
async def test_the_lock_dies_with_a_killed_bot_so_the_next_one_starts(tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        env = _bot_env(tg, tmp_path / "kchat.db")
        first = await _start(env, tmp_path)
        await _polling(tg)
        first.send_signal(signal.SIGKILL)
        await first.wait()

        polls = _polls(tg)
        after = await _start(env, tmp_path)
        try:
            await _polling(tg, more_than=polls)  # only a bot past the lock polls
            assert after.returncode is None, "the restarted bot runs"
        finally:
            await _stop(after)
        assert after.returncode == 0


@pytest.fixture(params=list(DAMAGES))
def damaged(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    path = damage(request.param, tmp_path)
    yield request.param, path
    restore(path)


@pytest.mark.sqlite_only("damaged, read-only and misplaced database files")
async def test_a_database_it_cannot_use_stops_the_bot_with_one_line(
    tmp_path: Path, damaged: tuple[str, Path]
) -> None:
    kind, db = damaged
    async with FakeTelegram() as tg:
        process = await _start(_bot_env(tg, db), tmp_path, plain_user=True)
        line = _one_line(await _finished(process))
        assert not tg.requests("getUpdates"), "it never polled"
    assert process.returncode == 2
    assert line.startswith("kchat: ") and str(db.parent) in line
    assert line.endswith(DAMAGES[kind]) or (kind == "read-only directory" and "lock" in line), line


@pytest.mark.parametrize("verbose", [(), ("--verbose",)])
async def test_telegram_unreachable_is_one_line_saying_what_to_try(
    tmp_path: Path, verbose: Sequence[str]
) -> None:
    base = f"http://127.0.0.1:{_closed_port()}/bot"
    env = _env(tmp_path / "kchat.db", TELEGRAM_BOT_TOKEN="123456:fake", TELEGRAM_API_BASE_URL=base)
    process = await _start(env, tmp_path, *verbose)
    err = await _finished(process)
    assert process.returncode == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"kchat: cannot reach the Telegram Bot API at {base}")
    for hint in ("network or proxy", "@BotFather", "make sandbox", "--verbose"):
        assert hint in last
    if verbose:
        assert "Traceback" in err
    else:
        assert _one_line(err) == last


async def test_a_token_telegram_refuses_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        env = {**_bot_env(tg, tmp_path / "kchat.db"), "TELEGRAM_BOT_TOKEN": "123456:wrong"}
        process = await _start(env, tmp_path)
        line = _one_line(await _finished(process))
    assert process.returncode == 2
    assert line.startswith("kchat: Telegram rejects this TELEGRAM_BOT_TOKEN.")
    assert "@BotFather" in line and "make sandbox" in line
