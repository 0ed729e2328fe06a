"""`kchat sandbox` and `kchat run` without a token: a real process serving the page."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.cli import main
from bot.sandbox.runner import sandbox_notice

KCHAT = Path(sys.executable).parent / "kchat"


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No token, databases in the test's folder, no stray .env."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("KCHAT_DATABASE_URL", f"sqlite:///{tmp_path}/kchat.db")
    monkeypatch.setenv("KCHAT_SANDBOX_DATABASE_URL", f"sqlite:///{tmp_path}/sandbox.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_notice_says_why_where_and_how_to_run_the_real_bot() -> None:
    notice = sandbox_notice(8080)
    assert notice.startswith("TELEGRAM_BOT_TOKEN is not set: starting the sandbox at ")
    assert "http://127.0.0.1:8080" in notice and "BotFather" in notice


def test_kchat_run_without_a_token_serves_the_sandbox_until_interrupted(
    clean_env: Path,
) -> None:
    env = {**os.environ, "KCHAT_SANDBOX_PORT": "0", "KCHAT_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [str(KCHAT), "run"],
        cwd=clean_env,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the sandbox is seeded
        assert "KChat sandbox: open http://127.0.0.1:" in line, line
        url = line.split("open ", 1)[1].split()[0]
        with urllib.request.urlopen(f"{url}/api/state", timeout=10) as response:
            state = json.load(response)
        assert state["ready"] is True
        assert [p["id"] for p in state["panes"]] == ["buyer", "seller", "support"]
        assert (clean_env / "sandbox.db").exists() and not (clean_env / "kchat.db").exists()
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
        assert process.stderr is not None
        err = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 0, err
    assert "TELEGRAM_BOT_TOKEN is not set: starting the sandbox" in err
    assert "BotFather" in err


def test_the_sandbox_port_must_be_a_port(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sandbox", "--port", "70000"]) == 2
    assert "--port 70000" in capsys.readouterr().err


def test_a_busy_port_is_one_clear_line(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        assert main(["sandbox", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err and "KCHAT_SANDBOX_PORT" in err
    assert time.monotonic() - started < 10


def test_the_sandbox_never_wipes_the_bots_database(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KCHAT_SANDBOX_DATABASE_URL", f"sqlite:///{clean_env}/kchat.db")
    (clean_env / "kchat.db").write_bytes(b"precious")
    assert main(["sandbox", "--port", "0"]) == 2
    assert "the bot's own database" in capsys.readouterr().err
    assert (clean_env / "kchat.db").read_bytes() == b"precious"


def test_the_sandbox_settings_have_their_defaults(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import Settings

    for name in ("KCHAT_SANDBOX_DATABASE_URL", "KCHAT_SANDBOX_PORT", "KCHAT_SANDBOX_FORUM"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.sandbox_database_url == "sqlite:///sandbox.db"
    assert (settings.sandbox_port, settings.sandbox_forum) == (8080, True)
