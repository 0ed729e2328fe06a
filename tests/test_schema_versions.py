"""Schema versions on both backends: a newer schema is refused, PostgreSQL migrates only in
`kchat migrate` (two at once take turns), and a server that cannot be used is one line."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.bootstrap import open_storage
from bot.cli import main
from sandbox.fake_bot_api.harness import FakeTelegram
from store.postgres.migrations import known_version
from tests.databases import SERVER_URL, database_url, fetch, on_postgres

postgres_only = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL only (sqlite run)")
BALANCE = ["balance", "1", "--json"]
CREATE = ["order", "create", "--buyer", "1", "--seller", "2", "--title", "Key", "--price", "3"]


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "KCHAT_DEFAULT_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read


def _kchat(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("KCHAT_DATABASE_URL", url)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket is closed


@pytest.mark.parametrize("argv", [BALANCE, CREATE, ["migrate"]], ids=" ".join)
def test_a_schema_newer_than_this_kchat_is_refused_naming_both_versions(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    url = database_url(tmp_path)
    assert _kchat(capsys, monkeypatch, url, "migrate")[0] == 0
    newer = known_version() + 1
    fetch(url, f"INSERT INTO schema_migrations (version, name) VALUES ({newer}, 'future.sql')")
    code, out, err = _kchat(capsys, monkeypatch, url, *argv)
    assert code == 2 and out == ""
    line = _one_line(err)
    assert f"schema version {newer}, newer than this kchat knows ({known_version()})" in line
    assert fetch(url, "SELECT COUNT(*) FROM orders") == [(0,)], "nothing changed"


def test_a_postgresql_server_nobody_answers_on_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql://kchat:sekret@127.0.0.1:{_closed_port()}/kchat"
    code, out, err = _kchat(capsys, monkeypatch, url, *BALANCE)
    assert code == 2 and out == ""
    line = _one_line(err)
    assert line.startswith(
        "kchat: cannot use the PostgreSQL database postgresql://kchat@127.0.0.1:"
    )
    assert line.endswith("no server answers there (connection refused)")
    assert "sekret" not in line, "a password is never shown"


@postgres_only
def test_on_postgresql_only_migrate_changes_the_schema_and_the_rest_say_to_run_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = database_url(tmp_path, migrated=False)
    for argv in (BALANCE, CREATE, ["check"]):
        code, out, err = _kchat(capsys, monkeypatch, url, *argv)
        assert code == 2 and out == ""
        line = _one_line(err)
        assert f"is at schema version 0 and this kchat needs {known_version()}" in line
        assert line.endswith("run `kchat migrate`")
    code, out, err = _kchat(capsys, monkeypatch, url, "migrate")
    assert code == 0, err
    assert out.startswith("database at postgresql://") and "?" not in out.split()[2]
    assert out.rstrip().endswith(f"is ready (schema version {known_version()})")
    assert _kchat(capsys, monkeypatch, url, *CREATE)[0] == 0
    again = _kchat(capsys, monkeypatch, url, "migrate")
    assert again[0] == 0 and again[2] == ""


@postgres_only
async def test_two_instances_migrating_at_once_take_turns(tmp_path: Path) -> None:
    url = database_url(tmp_path, migrated=False)
    stores = await asyncio.gather(*(open_storage(url, migrate=True) for _ in range(3)))
    try:
        versions = [await s.schema_version() for s in stores]
    finally:
        for s in stores:
            await s.close()
    assert versions == [known_version()] * 3
    applied = fetch(url, "SELECT version FROM schema_migrations ORDER BY version")
    assert [v for (v,) in applied] == list(range(1, known_version() + 1))


@postgres_only
def test_a_missing_postgresql_database_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = urlsplit(SERVER_URL)
    missing = f"postgresql://{server.username}:sekret@{server.netloc.rpartition('@')[2]}/"
    missing += "kchat_no_such_database"
    code, _, err = _kchat(capsys, monkeypatch, missing, *BALANCE)
    assert code == 2
    line = _one_line(err)
    assert 'database "kchat_no_such_database" does not exist' in line
    assert "sekret" not in line


@postgres_only
async def test_kchat_run_on_a_postgresql_database_with_migrations_due_stops_in_one_line(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCHAT_", "TELEGRAM_"))}
    async with FakeTelegram() as tg:
        env.update(
            KCHAT_DATABASE_URL=database_url(tmp_path, migrated=False),
            TELEGRAM_BOT_TOKEN=tg.token,
            TELEGRAM_API_BASE_URL=tg.bot_base_url,
            TELEGRAM_API_FILE_URL=tg.file_base_url,
        )
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "kchat"),
            "run",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(process.communicate(), 60)
        assert not tg.requests("getUpdates"), "it never polled"
    assert process.returncode == 2
    assert _one_line(err.decode()).endswith("run `kchat migrate`")
