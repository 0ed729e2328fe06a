"""`python -m sandbox` (what `make run` starts without a token) and `kchat run` without one.

The product never starts the sandbox: `kchat run` without a token exits 2 with the line
saying how to get one. The developer's `make run` (`python -m sandbox --or-bot`) starts the
sandbox instead, and the real bot when a token is set.
"""

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

from sandbox.__main__ import main
from sandbox.runner import sandbox_notice

KCHAT = Path(sys.executable).parent / "kchat"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No token, databases in the test's folder, no stray .env."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("KCHAT_DATABASE_URL", f"sqlite:///{tmp_path}/kchat.db")
    monkeypatch.setenv("KCHAT_SANDBOX_DATABASE_URL", f"sqlite:///{tmp_path}/sandbox.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _sandbox_process(cwd: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """`python -m sandbox ARGS` as `make run` starts it (the checkout on the path)."""
    return subprocess.Popen(
        [sys.executable, "-m", "sandbox", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "KCHAT_LOG_LEVEL": "WARNING", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_notice_says_why_where_and_how_to_run_the_real_bot() -> None:
    notice = sandbox_notice(8080)
    assert notice.startswith("TELEGRAM_BOT_TOKEN is not set: starting the sandbox at ")
    assert "http://127.0.0.1:8080" in notice and "BotFather" in notice


def test_kchat_run_without_a_token_exits_2_with_the_botfather_line(clean_env: Path) -> None:
    done = subprocess.run(
        [str(KCHAT), "run"], cwd=clean_env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kchat: TELEGRAM_BOT_TOKEN is not set.")
    assert "@BotFather" in lines[0]
    assert not (clean_env / "sandbox.db").exists(), "the product never starts the sandbox"


def test_make_run_without_a_token_serves_the_sandbox_until_interrupted(
    clean_env: Path,
) -> None:
    process = _sandbox_process(clean_env, "--or-bot", KCHAT_SANDBOX_PORT="0")
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


def test_make_run_with_a_token_runs_the_real_bot_not_the_sandbox(clean_env: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on: the bot can't reach Telegram
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    process = _sandbox_process(
        clean_env,
        "--or-bot",
        TELEGRAM_BOT_TOKEN="123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi",
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
    )
    try:
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 1, err
    assert "cannot reach the Telegram Bot API" in err
    assert not (clean_env / "sandbox.db").exists()


def test_the_sandbox_port_must_be_a_port(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--port", "70000"]) == 2
    assert "--port 70000" in capsys.readouterr().err


def test_a_busy_port_is_one_clear_line(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        assert main(["--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err and "KCHAT_SANDBOX_PORT" in err
    assert time.monotonic() - started < 10


def test_the_sandbox_never_wipes_the_bots_database(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KCHAT_SANDBOX_DATABASE_URL", f"sqlite:///{clean_env}/kchat.db")
    (clean_env / "kchat.db").write_bytes(b"precious")
    assert main(["--port", "0"]) == 2
    assert "the bot's own database" in capsys.readouterr().err
    assert (clean_env / "kchat.db").read_bytes() == b"precious"


def test_a_bad_sandbox_setting_is_one_line_naming_it(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KCHAT_SANDBOX_PORT", "99999")
    assert main([]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "KCHAT_SANDBOX_PORT='99999'" in err


def test_the_sandbox_settings_have_their_defaults_and_the_products_do_not_know_them(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import Settings
    from sandbox.settings import SandboxSettings

    for name in ("KCHAT_SANDBOX_DATABASE_URL", "KCHAT_SANDBOX_PORT", "KCHAT_SANDBOX_FORUM"):
        monkeypatch.delenv(name, raising=False)
    settings = SandboxSettings()
    assert settings.sandbox_database_url == "sqlite:///sandbox.db"
    assert (settings.sandbox_port, settings.sandbox_forum) == (8080, True)
    assert not any(name.startswith("sandbox") for name in Settings.model_fields)
