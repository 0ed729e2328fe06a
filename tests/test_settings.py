"""Every setting is checked with bounds; a bad one is one line naming it, the value given and
what is allowed, and exit status 2 (nothing runs, nothing is written)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from bot.cli import main
from bot.config import Settings, env_name, settings_error
from sandbox.settings import SandboxSettings, sandbox_settings_error

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
    "KCHAT_LEASE": ["0", "0.5", "-30s", "2h", "x"],
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
    "KCHAT_SEND_BUDGET": ["0", "-1", "1001", "fast", "2.5"],
    "KCHAT_PAID_BROADCAST": ["maybe", "2"],
    "KCHAT_TELEGRAM_CLIENT": ["requests", "curl"],
    "KCHAT_SUPPORT_CHAT_ID": ["5", "0", "-9223372036854775808", "support", "-1e9"],
    "KCHAT_SUPPORT_AGENTS": ["0", "1,-2", "9223372036854775808", "alice"],
    "KCHAT_SUPPORT_LANGUAGE": ["Bahasa Melayu", "m", "english!"],
    "KCHAT_WEBHOOK_PORT": ["0", "-1", "65536", "https"],
    "KCHAT_FAQ_MIN_SCORE": ["-0.1", "1.5", "inf", "nan", "high"],
    "KCHAT_HELP_CENTER_MODEL": ["maybe", "2"],
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
    "KCHAT_LOG_FORMAT": ["xml", "logfmt"],
    "KCHAT_HTTP_PORT": ["0", "-1", "65536", "metrics"],
    "KCHAT_API_RATE_LIMIT": ["0", "-5", "1000001", "fast", "1.5"],
    "KCHAT_LINK_TTL": ["0", "30s", "31d", "-1h", "soon"],
    "KCHAT_BOT_USERNAME": ["abc", "kchat bot", "k" * 33, "@@kchat"],
    "KCHAT_EVENTS_TIMEOUT": ["0", "-1s", "10m", "inf", "quick"],
    "KCHAT_EVENTS_RETRY_FOR": ["0", "30s", "31d", "nan", "forever"],
    "KCHAT_OPERATOR_CHAT_ID": ["0", "-9223372036854775808", "ops", "1.5"],
    "KCHAT_OPERATOR_REPEAT_EVERY": ["0", "-10m", "30s", "2d", "inf", "x"],
    "KCHAT_OPERATOR_MAX_PER_HOUR": ["0", "-1", "1001", "many"],
}
# The sandbox's own settings (not the product's), checked by `python -m sandbox`.
SANDBOX_BAD: dict[str, list[str]] = {
    "KCHAT_SANDBOX_PORT": ["-1", "65536", "x"],
    "KCHAT_SANDBOX_DATABASE_URL": ["sandbox.db", "sqlite://x.db"],
    "KCHAT_SANDBOX_FORUM": ["maybe"],
}
# For each variable `.env.example` documents: a value other than its default, the field it
# must land in, and what that field then holds (None: the value as written).
EXAMPLE_VALUES: dict[str, tuple[str, str, object]] = {
    "TELEGRAM_BOT_TOKEN": ("123:abc", "telegram_bot_token", SecretStr("123:abc")),
    "TELEGRAM_API_BASE_URL": ("http://127.0.0.1:8081/bot", "telegram_api_base_url", None),
    "TELEGRAM_API_FILE_URL": ("http://127.0.0.1:8081/file/bot", "telegram_api_file_url", None),
    "KCHAT_WEBHOOK_URL": ("https://bot.example.com/telegram", "webhook_url", None),
    "KCHAT_WEBHOOK_SECRET": ("s3cret", "webhook_secret", SecretStr("s3cret")),
    "KCHAT_WEBHOOK_LISTEN": ("127.0.0.1", "webhook_listen", None),
    "KCHAT_WEBHOOK_PORT": ("443", "webhook_port", 443),
    "KCHAT_DATABASE_URL": ("sqlite:///other.db", "database_url", None),
    "KCHAT_DB_BUSY_TIMEOUT": ("3s", "db_busy_timeout", timedelta(seconds=3)),
    "KCHAT_DB_POOL_SIZE": ("4", "db_pool_size", 4),
    "KCHAT_SUPPORT_CHAT_ID": ("-1001234567890", "support_chat_id", -1001234567890),
    "KCHAT_SUPPORT_AGENTS": ("7,8", "support_agents", (7, 8)),
    "KCHAT_SUPPORT_LANGUAGE": ("MS", "support_language", "ms"),
    "KCHAT_PAYMENT_WINDOW": ("2h", "payment_window", timedelta(hours=2)),
    "KCHAT_DELIVERY_WINDOW": ("4d", "delivery_window", timedelta(days=4)),
    "KCHAT_CONFIRM_WINDOW": ("PT5H", "confirm_window", timedelta(hours=5)),
    "KCHAT_REFUND_MIN_AGE": ("0", "refund_min_age", timedelta(0)),
    "KCHAT_REFUND_RESPONSE_UNDELIVERED": ("7h", "refund_response_undelivered", timedelta(hours=7)),
    "KCHAT_REFUND_RESPONSE_DELIVERED": ("25h", "refund_response_delivered", timedelta(hours=25)),
    "KCHAT_REMIND_PAYMENT_BEFORE": ("10m", "remind_payment_before", (timedelta(minutes=10),)),
    "KCHAT_REMIND_DELIVERY_BEFORE": ("12h", "remind_delivery_before", (timedelta(hours=12),)),
    "KCHAT_REMIND_CONFIRM_BEFORE": (
        "1h,5m",
        "remind_confirm_before",
        (timedelta(hours=1), timedelta(minutes=5)),
    ),
    "KCHAT_REMIND_REFUND_BEFORE": ("30m", "remind_refund_before", (timedelta(minutes=30),)),
    "KCHAT_DEFAULT_CURRENCY": ("sgd", "default_currency", "SGD"),
    "KCHAT_TIMEZONE": ("Europe/Berlin", "timezone", None),
    "KCHAT_ONLINE_WINDOW": ("6m", "online_window", timedelta(minutes=6)),
    "KCHAT_FLOOD_LIMIT": ("5", "flood_limit", 5),
    "KCHAT_SEND_BUDGET": ("25", "send_budget", 25),
    "KCHAT_PAID_BROADCAST": ("true", "paid_broadcast", True),
    "KCHAT_TELEGRAM_CLIENT": ("HTTPX", "telegram_client", "httpx"),
    "KCHAT_FLOOD_WINDOW": ("20s", "flood_window", timedelta(seconds=20)),
    "KCHAT_POLL_INTERVAL": ("1s", "poll_interval", timedelta(seconds=1)),
    "KCHAT_LEASE": ("45s", "lease", timedelta(seconds=45)),
    "KCHAT_FAQ_DIR": ("docs", "faq_dir", None),
    "KCHAT_FAQ_MIN_SCORE": ("0.4", "faq_min_score", 0.4),
    "KCHAT_HELP_CENTER_MODEL": ("false", "help_center_model", False),
    "KCHAT_HELP_CENTER_URL": ("https://help.example.com/{slug}", "help_center_url", None),
    "KCHAT_LOG_LEVEL": ("warning", "log_level", "WARNING"),
    "KCHAT_SLA_UNCLAIMED": ("20m", "sla_unclaimed", timedelta(minutes=20)),
    "KCHAT_SLA_UNANSWERED": ("2h", "sla_unanswered", timedelta(hours=2)),
    "KCHAT_SHOW_AGENT_NAMES": ("true", "show_agent_names", True),
    "KCHAT_LOG_FORMAT": ("json", "log_format", None),
    "KCHAT_HTTP_HOST": ("0.0.0.0", "http_host", None),
    "KCHAT_HTTP_PORT": ("9100", "http_port", 9100),
    "KCHAT_API_RATE_LIMIT": ("60", "api_rate_limit", 60),
    "KCHAT_LINK_SECRET": ("s" * 32, "link_secret", SecretStr("s" * 32)),
    "KCHAT_LINK_TTL": ("15m", "link_ttl", timedelta(minutes=15)),
    "KCHAT_BOT_USERNAME": ("@kchat_test_bot", "bot_username", "kchat_test_bot"),
    "KCHAT_EVENTS_TIMEOUT": ("5s", "events_timeout", timedelta(seconds=5)),
    "KCHAT_EVENTS_RETRY_FOR": ("2d", "events_retry_for", timedelta(days=2)),
    "KCHAT_OPERATOR_CHAT_ID": ("-1009876543210", "operator_chat_id", -1009876543210),
    "KCHAT_OPERATOR_REPEAT_EVERY": ("30m", "operator_repeat_every", timedelta(minutes=30)),
    "KCHAT_OPERATOR_MAX_PER_HOUR": ("5", "operator_max_per_hour", 5),
    "KCHAT_SANDBOX_DATABASE_URL": ("sqlite:///play.db", "sandbox_database_url", None),
    "KCHAT_SANDBOX_PORT": ("9090", "sandbox_port", 9090),
    "KCHAT_SANDBOX_FORUM": ("false", "sandbox_forum", False),
}
# Free text the program checks where it uses it (the token with Telegram, the folder when
# loading documents), or any string the operating system accepts.
FREE_FORM = {
    "TELEGRAM_BOT_TOKEN",
    "KCHAT_WEBHOOK_SECRET",
    "KCHAT_LINK_SECRET",
    "KCHAT_WEBHOOK_LISTEN",
    "KCHAT_HTTP_HOST",
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
    return {env_name(Settings, field) for field in Settings.model_fields}


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


def test_a_short_link_secret_is_refused_and_never_repeated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KCHAT_LINK_SECRET", "too-short-a-secret-0123456789ab")  # 31
    assert main(["balance", "1"]) == 2
    err = capsys.readouterr().err
    assert "KCHAT_LINK_SECRET" in err
    assert "too-short-a-secret" not in err


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
        ("KCHAT_SUPPORT_LANGUAGE", "ms-MY", "support_language", "ms-my"),
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


ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def _documented() -> list[str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    documented = _documented()
    assert len(documented) == len(set(documented))
    assert set(documented) == set(EXAMPLE_VALUES)
    assert set(documented) == {env_name(SandboxSettings, f) for f in SandboxSettings.model_fields}


@pytest.fixture
def bare_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No setting at all in the environment (clean_env's database would outrank a .env)."""
    monkeypatch.delenv("KCHAT_DATABASE_URL")
    return clean_env


def _read(name: str, value: str, source: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The settings built with `name=value` in the environment or in a `.env` file."""
    if source == "environment":
        monkeypatch.setenv(name, value)
    else:
        (folder / ".env").write_text(f"{name}={value}\n", encoding="utf-8")
    return SandboxSettings()


@pytest.mark.parametrize("source", ["environment", ".env"])
@pytest.mark.parametrize("name", _documented())
def test_each_documented_setting_is_read_into_its_field(
    name: str, source: str, bare_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    value, field, expected = EXAMPLE_VALUES[name]
    defaults = SandboxSettings(_env_file=None)
    settings = _read(name, value, source, bare_env, monkeypatch)
    changed = {
        f for f in SandboxSettings.model_fields if getattr(settings, f) != getattr(defaults, f)
    }
    assert changed == {field}
    assert getattr(settings, field) == (value if expected is None else expected)


@pytest.mark.parametrize("source", ["environment", ".env"])
@pytest.mark.parametrize("name", sorted(set(_documented()) - FREE_FORM))
def test_a_bad_documented_setting_names_its_variable(
    name: str, source: str, bare_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = {**BAD, **SANDBOX_BAD}[name][-1]
    with pytest.raises(ValidationError) as caught:
        _read(name, value, source, bare_env, monkeypatch)
    line = sandbox_settings_error(caught.value)
    assert line.startswith(f"bad setting {name}={value!r}: "), line
    if name in BAD:  # the product's own settings say it the same way
        with pytest.raises(ValidationError) as caught:
            Settings()
        assert settings_error(caught.value) == line
