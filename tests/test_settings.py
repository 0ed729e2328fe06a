"""Every setting is checked with bounds; a bad one is one line naming it, the value given and
what is allowed, and exit status 2 (nothing runs, nothing is written)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings

# Values each setting refuses: zero and negative windows, numbers that overflow a
# timedelta, infinities, typos, ids of the wrong kind.
BAD: dict[str, list[str]] = {
    **{
        name: [
            "0",
            "-5",
            "-1h",
            "inf",
            "nan",
            "1e20",
            "999999999d",
            "P99999999999D",
            "soon",
            "366d",
        ]
        for name in (
            "KCHAT_PAYMENT_WINDOW",
            "KCHAT_DELIVERY_WINDOW",
            "KCHAT_CONFIRM_WINDOW",
            "KCHAT_REFUND_RESPONSE_UNDELIVERED",
            "KCHAT_REFUND_RESPONSE_DELIVERED",
        )
    },
    "KCHAT_REFUND_MIN_AGE": ["-1", "-1h", "inf", "1e20", "999999999d", "later"],
    "KCHAT_ONLINE_WINDOW": ["0", "-5m", "inf", "31d", "x"],
    "KCHAT_FLOOD_WINDOW": ["0", "-10s", "2h", "1e20", "x"],
    "KCHAT_POLL_INTERVAL": ["0", "0.01", "-2s", "2h", "inf", "x"],
    "KCHAT_SLA_UNCLAIMED": ["0", "-15m", "31d", "inf"],
    "KCHAT_SLA_UNANSWERED": ["0", "-1h", "31d", "nan"],
    "KCHAT_DB_BUSY_TIMEOUT": ["-1", "6m", "inf", "x"],
    "KCHAT_DB_POOL_SIZE": ["0", "-1", "101", "many", "2.5"],
    **{
        name: ["0", "24h,-6h", "inf", "1e20", "366d", "15m,x"]
        for name in (
            "KCHAT_REMIND_PAYMENT_BEFORE",
            "KCHAT_REMIND_DELIVERY_BEFORE",
            "KCHAT_REMIND_CONFIRM_BEFORE",
            "KCHAT_REMIND_REFUND_BEFORE",
        )
    },
    "KCHAT_FLOOD_LIMIT": ["0", "-1", "1000000001", "lots", "2.5"],
    "KCHAT_SUPPORT_CHAT_ID": ["5", "0", "-9223372036854775808", "support", "-1e9"],
    "KCHAT_SUPPORT_AGENTS": ["0", "1,-2", "9223372036854775808", "alice"],
    "KCHAT_WEBHOOK_PORT": ["0", "-1", "65536", "https"],
    "KCHAT_FAQ_MIN_SCORE": ["-0.1", "1.5", "inf", "nan", "high"],
    "KCHAT_HELP_CENTER_URL": [
        "www.kaleoz.com/guide",
        "ftp://kaleoz.com/{slug}",
        "https://kaleoz.com/{title}",
        "https:///{slug}",
    ],
    "KCHAT_LOG_LEVEL": ["foo", "verbose", "10"],
    "KCHAT_TIMEZONE": ["Mars/Olympus", "UTC+8", "../etc/passwd"],
    "KCHAT_DEFAULT_CURRENCY": ["ringgit", "RM", "12"],
    "KCHAT_WEBHOOK_URL": ["http://bot.example.com/telegram", "https://bot.example.com:9000/t"],
    "TELEGRAM_API_BASE_URL": ["api.telegram.org/bot", "ftp://example.com/bot"],
    "TELEGRAM_API_FILE_URL": ["files", "ftp://example.com/file"],
    "KCHAT_DATABASE_URL": [
        "kchat.db",
        "sqlite:///",
        "mysql://db/kchat",
        "sqlite:kchat.db",
        "postgresql://db:port/kchat",
    ],
    "KCHAT_SHOW_AGENT_NAMES": ["maybe", "2"],
}
# The sandbox's own settings (not the product's), checked by `python -m sandbox`.
SANDBOX_BAD: dict[str, list[str]] = {
    "KCHAT_SANDBOX_PORT": ["-1", "65536", "x"],
    "KCHAT_SANDBOX_DATABASE_URL": ["sandbox.db", "sqlite://x.db"],
    "KCHAT_SANDBOX_FORUM": ["maybe"],
}
# Free text the program checks where it uses it (the token with Telegram, the folder when
# loading documents), or any string the operating system accepts.
FREE_FORM = {
    "TELEGRAM_BOT_TOKEN",
    "KCHAT_WEBHOOK_SECRET",
    "KCHAT_WEBHOOK_LISTEN",
    "KCHAT_FAQ_DIR",
}


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(__import__("os").environ):
        if name.startswith(("KCHAT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KCHAT_DATABASE_URL", f"sqlite:///{tmp_path}/k.db")
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path


def _env_names() -> set[str]:
    names = set()
    for info in Settings.model_fields.values():
        alias = info.validation_alias
        names.add(str(alias.choices[0]))  # type: ignore[union-attr]
    return names


def test_every_setting_is_checked_here() -> None:
    assert set(BAD) | FREE_FORM == _env_names()


@pytest.mark.parametrize(
    ("name", "value"), [(n, v) for n, values in BAD.items() for v in values], ids=str
)
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(
    name: str,
    value: str,
    clean_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(name, value)
    code = main(["balance", "1"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"kchat: bad setting {name}={value!r}: ")
    assert "; allowed: " in lines[0]
    assert [p.name for p in clean_env.iterdir()] == [], "nothing was created"


def test_a_bad_token_is_named_but_never_repeated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KCHAT_WEBHOOK_PORT", "0")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:secret-value")
    assert main(["balance", "1"]) == 2
    assert "secret-value" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [
        ("KCHAT_POLL_INTERVAL", "0.1", "poll_interval", timedelta(milliseconds=100)),
        ("KCHAT_POLL_INTERVAL", "1h", "poll_interval", timedelta(hours=1)),
        ("KCHAT_PAYMENT_WINDOW", "PT10M", "payment_window", timedelta(minutes=10)),
        ("KCHAT_DELIVERY_WINDOW", "365d", "delivery_window", timedelta(days=365)),
        ("KCHAT_REFUND_MIN_AGE", "0", "refund_min_age", timedelta(0)),
        ("KCHAT_FLOOD_LIMIT", "1", "flood_limit", 1),
        ("KCHAT_LOG_LEVEL", "debug", "log_level", "DEBUG"),
        ("KCHAT_DEFAULT_CURRENCY", "sgd", "default_currency", "SGD"),
        ("KCHAT_SUPPORT_CHAT_ID", "-1001234567890", "support_chat_id", -1001234567890),
        ("KCHAT_SUPPORT_AGENTS", "7, 9223372036854775807", "support_agents", (7, 2**63 - 1)),
        (
            "KCHAT_REMIND_DELIVERY_BEFORE",
            "24h,6h",
            "remind_delivery_before",
            (
                timedelta(hours=24),
                timedelta(hours=6),
            ),
        ),
        ("KCHAT_DB_BUSY_TIMEOUT", "0", "db_busy_timeout", timedelta(0)),
        ("KCHAT_DATABASE_URL", "sqlite://:memory:", "database_url", "sqlite://:memory:"),
        ("KCHAT_DB_POOL_SIZE", "1", "db_pool_size", 1),
        ("KCHAT_DB_POOL_SIZE", "100", "db_pool_size", 100),
        (
            "KCHAT_DATABASE_URL",
            "postgres://kchat:secret@db.internal:6432/kchat",
            "database_url",
            "postgres://kchat:secret@db.internal:6432/kchat",
        ),
    ],
)
def test_values_at_the_bounds_are_accepted(
    name: str, value: str, field: str, expected: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    assert getattr(Settings(), field) == expected


@pytest.mark.parametrize(
    ("name", "value"), [(n, v) for n, values in SANDBOX_BAD.items() for v in values], ids=str
)
def test_a_bad_sandbox_setting_is_one_line_naming_it_and_exit_2(
    name: str,
    value: str,
    clean_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sandbox.__main__ import main as sandbox

    monkeypatch.setenv(name, value)
    assert sandbox(["--port", "0"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"sandbox: bad setting {name}={value!r}: ")
    assert "; allowed: " in lines[0]
    assert [p.name for p in clean_env.iterdir()] == [], "nothing was created"
