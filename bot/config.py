"""Settings from the environment and `.env`; built once in main(), never at import."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.errors import InvalidAmount
from bot.domain.languages import language_tag
from bot.domain.money import normalize_currency
from bot.domain.policy import Policy


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return value


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
WEBHOOK_PORTS = (80, 88, 443, 8443)  # the only ports Telegram delivers webhooks to


_S, _MIN, _H, _D = (
    timedelta(seconds=1),
    timedelta(minutes=1),
    timedelta(hours=1),
    timedelta(days=1),
)
# The longest duration any setting takes; past it a number is a typo, not a policy (and
# `timedelta` itself overflows at 999,999,999 days).
_LONGEST = 365 * _D


def _duration(value: Any) -> Any:
    """Seconds ("3600"), a short form ("15m", "72h") or ISO 8601 ("PT1H", left to pydantic)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    v = value.strip().lower()
    for number, scale in ((v, 1), (v[:-1], _UNITS.get(v[-1:], 0))):
        if not scale:
            continue
        try:
            seconds = float(number) * scale
        except ValueError:
            continue
        if not math.isfinite(seconds) or abs(seconds) > 10 * _LONGEST.total_seconds():
            raise ValueError("out of range")
        return timedelta(seconds=seconds)
    try:
        return _ISO_DURATION.validate_python(value.strip())
    except ValidationError:
        raise ValueError("not a duration") from None


def _bounded(value: Any, lo: timedelta, hi: timedelta) -> Any:
    d = _duration(value)
    if isinstance(d, timedelta) and not lo <= d <= hi:
        raise ValueError("out of range")
    return d


def _human(d: timedelta) -> str:
    seconds = d.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


# Each duration setting's allowed range, inclusive. A zero poll interval spins a core, a
# zero window resolves every order at once, a negative one is meaningless.
DURATION_BOUNDS: dict[str, tuple[timedelta, timedelta]] = {
    "payment_window": (_MIN, _LONGEST),
    "delivery_window": (_MIN, _LONGEST),
    "confirm_window": (_MIN, _LONGEST),
    "refund_min_age": (timedelta(0), _LONGEST),
    "refund_response_undelivered": (_MIN, _LONGEST),
    "refund_response_delivered": (_MIN, _LONGEST),
    "online_window": (_S, 30 * _D),
    "flood_window": (_S, _H),
    "poll_interval": (timedelta(milliseconds=100), _H),
    "lease": (_S, _H),
    "sla_unclaimed": (_MIN, 30 * _D),
    "sla_unanswered": (_MIN, 30 * _D),
    "link_ttl": (_MIN, 30 * _D),
    "operator_repeat_every": (_MIN, _D),
    "db_busy_timeout": (timedelta(0), 5 * _MIN),
    "events_timeout": (_S, 5 * _MIN),
    "events_retry_for": (_MIN, 30 * _D),
    # Reminder lead times, each of them.
    "remind_payment_before": (_S, _LONGEST),
    "remind_delivery_before": (_S, _LONGEST),
    "remind_confirm_before": (_S, _LONGEST),
    "remind_refund_before": (_S, _LONGEST),
}
DURATION_FORM = "seconds (3600), 15m / 72h / 3d, or ISO 8601 (PT1H)"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
# The HTTP client the bot talks to Telegram with (bot/telegram_request.py).
TELEGRAM_CLIENTS = ("aiohttp", "httpx")
MAX_TELEGRAM_ID = 2**63 - 1  # Telegram ids fit in a signed 64-bit integer
UserId = Annotated[int, Field(gt=0, le=MAX_TELEGRAM_ID)]
# Settings whose value is never repeated back (an error names the setting only).
_SECRET = ("TELEGRAM_BOT_TOKEN", "KCHAT_WEBHOOK_SECRET", "KCHAT_LINK_SECRET")
# What each setting accepts, for the one line a bad value gets (keyed by field name).
_ALLOWED: dict[str, str] = {
    **{
        name: f"a duration from {_human(lo)} to {_human(hi)}: {DURATION_FORM}"
        for name, (lo, hi) in DURATION_BOUNDS.items()
        if not name.startswith("remind_")
    },
    **{
        name: f"comma-separated durations from {_human(lo)} to {_human(hi)}: {DURATION_FORM}"
        for name, (lo, hi) in DURATION_BOUNDS.items()
        if name.startswith("remind_")
    },
    "support_chat_id": "a group chat id: a negative whole number, like -1001234567890",
    "support_agents": "comma-separated Telegram user ids (positive whole numbers below 2^63)",
    "support_language": "the tag of a language the bot speaks, like en or ms",
    "flood_limit": "a whole number of updates from 1 to 1000000000",
    "send_budget": "a whole number of messages a second from 1 to 1000",
    "webhook_port": "a port from 1 to 65535",
    "http_port": "empty (no HTTP port), or a port from 1 to 65535",
    "operator_chat_id": "a chat id: a whole number other than 0 (a group's is negative)",
    "operator_max_per_hour": "a whole number of messages from 1 to 1000",
    "api_rate_limit": "a whole number of requests a minute from 1 to 1000000",
    "log_format": ", ".join(LOG_FORMATS),
    "telegram_client": ", ".join(TELEGRAM_CLIENTS),
    "faq_min_score": "a number from 0 to 1",
    "help_center_model": "true or false",
    "help_center_url": (
        "an http:// or https:// URL, where {slug} (optional) becomes the article's title, "
        "like https://www.kaleoz.com/guide/article/{slug}"
    ),
    "log_level": ", ".join(LOG_LEVELS),
    "timezone": "an IANA time zone name, like Asia/Kuala_Lumpur",
    "default_currency": "a three-letter currency code, like MYR",
    "webhook_url": "empty (long polling), or an https:// URL on port 80, 88, 443 or 8443",
    "telegram_api_base_url": "an http:// or https:// URL, like https://api.telegram.org/bot",
    "telegram_api_file_url": "empty, or an http:// or https:// URL",
    "database_url": (
        "sqlite:///relative/path.db, sqlite:////absolute/path.db, "
        "postgresql://user[:password]@host[:port]/database"
    ),
    "db_pool_size": "a whole number of connections from 1 to 100",
    "show_agent_names": "true or false",
    "link_secret": "at least 32 characters (say, `openssl rand -hex 32`)",
    "bot_username": "the bot's username without @: 4 to 32 letters, digits or _",
    "paid_broadcast": "true or false",
}


Durations = Annotated[tuple[timedelta, ...], NoDecode]
_ISO_DURATION = TypeAdapter(timedelta)


class Settings(BaseSettings):
    """Every setting KChat reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        # Every setting is read as KCHAT_<FIELD NAME> unless it says otherwise (the
        # TELEGRAM_* ones keep their conventional, unprefixed names).
        env_prefix="KCHAT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # Code and tests build Settings(field=...) by field name, aliased or not.
        populate_by_name=True,
        # An empty line in .env (KCHAT_SUPPORT_CHAT_ID=) means "not set".
        env_ignore_empty=True,
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias="TELEGRAM_API_BASE_URL"
    )
    telegram_api_file_url: str | None = Field(
        default=None, validation_alias="TELEGRAM_API_FILE_URL"
    )
    database_url: str = "sqlite:///kchat.db"
    support_chat_id: int | None = Field(default=None, lt=0, ge=-MAX_TELEGRAM_ID)
    support_agents: Annotated[tuple[UserId, ...], NoDecode] = ()
    # The one language of the support group (its agents); customers keep their own.
    support_language: str = "en"
    payment_window: timedelta = timedelta(hours=1)
    delivery_window: timedelta = timedelta(hours=72)
    confirm_window: timedelta = timedelta(hours=72)
    refund_min_age: timedelta = timedelta(hours=1)
    refund_response_undelivered: timedelta = timedelta(hours=6)
    refund_response_delivered: timedelta = timedelta(hours=24)
    remind_payment_before: Durations = (timedelta(minutes=15),)
    remind_delivery_before: Durations = (timedelta(hours=24), timedelta(hours=6))
    remind_confirm_before: Durations = (timedelta(hours=24),)
    remind_refund_before: Durations = (timedelta(hours=1),)
    timezone: str = "Asia/Kuala_Lumpur"
    default_currency: str = "MYR"
    faq_dir: str | None = None
    faq_min_score: float | None = Field(default=None, ge=0.0, le=1.0, allow_inf_nan=False)
    help_center_model: bool = True
    help_center_url: str = "https://www.kaleoz.com/guide/article/{slug}"
    online_window: timedelta = timedelta(minutes=5)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    flood_limit: int = Field(default=20, ge=1, le=1_000_000_000)
    flood_window: timedelta = timedelta(seconds=10)
    sla_unclaimed: timedelta = timedelta(minutes=15)
    sla_unanswered: timedelta = timedelta(hours=1)
    show_agent_names: bool = False
    poll_interval: timedelta = timedelta(seconds=2)
    # How long an instance holds an update or a notification it took before another
    # instance (or it, restarted) may take it over: the longest a crash delays them.
    lease: timedelta = timedelta(seconds=30)
    log_level: str = "INFO"
    log_format: str = "text"
    db_busy_timeout: timedelta = timedelta(seconds=10)
    # PostgreSQL only: the most connections one process holds (SQLite has one).
    db_pool_size: int = Field(default=10, ge=1, le=100)
    # The operator's view: health, readiness and metrics over HTTP (no port when unset).
    http_host: str = "127.0.0.1"
    http_port: int | None = Field(default=None, ge=1, le=65535)
    # Where ERROR log lines go as messages too, rate-limited (none when unset).
    operator_chat_id: int | None = Field(default=None, ge=-MAX_TELEGRAM_ID, le=MAX_TELEGRAM_ID)
    operator_repeat_every: timedelta = timedelta(minutes=10)
    operator_max_per_hour: int = Field(default=20, ge=1, le=1000)
    # The marketplace API: requests a minute each API key may make (429 beyond that).
    api_rate_limit: int = Field(default=600, ge=1, le=1_000_000)
    # Account linking: the key that signs one-time links (unset: one is made at first use
    # and kept in the database, so every instance agrees), how long a link works, and the
    # bot's username for the t.me link (unset: asked of Telegram with getMe).
    link_secret: SecretStr | None = None
    link_ttl: timedelta = timedelta(hours=1)
    bot_username: str | None = None
    # Order events POSTed to the marketplace's webhook subscribers: how long one POST may
    # take (then it counts as failed), and how long a refused event is retried with backoff
    # before it is marked failed.
    events_timeout: timedelta = timedelta(seconds=10)
    events_retry_for: timedelta = timedelta(days=3)
    # What goes out to Telegram: messages a second for the whole bot (Telegram allows about
    # 30), and whether background news pays for Telegram's higher broadcast limit (Stars).
    send_budget: int = Field(default=30, ge=1, le=1000)
    paid_broadcast: bool = False
    # aiohttp (ours, lighter per call) or httpx (python-telegram-bot's own client).
    telegram_client: str = "aiohttp"

    @field_validator(*DURATION_BOUNDS, mode="before")
    @classmethod
    def _durations(cls, value: Any, info: ValidationInfo) -> Any:
        # Checked before pydantic sees the value, so an error quotes what was written.
        lo, hi = DURATION_BOUNDS[str(info.field_name)]
        if str(info.field_name).startswith("remind_"):
            parts = _split(value)
            if isinstance(parts, list | tuple):
                return tuple(_bounded(p, lo, hi) for p in parts)
            return parts
        return _bounded(value, lo, hi)

    @field_validator("link_secret")
    @classmethod
    def _link_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 32:
            raise ValueError("too short to sign with")
        return value

    @field_validator("bot_username")
    @classmethod
    def _bot_username(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = value.strip().removeprefix("@")
        if not re.fullmatch(r"[A-Za-z0-9_]{4,32}", name):
            raise ValueError("not a Telegram username")
        return name

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError("unknown log level")
        return level

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        fmt = value.strip().lower()
        if fmt not in LOG_FORMATS:
            raise ValueError("unknown log format")
        return fmt

    @field_validator("telegram_client")
    @classmethod
    def _telegram_client(cls, value: str) -> str:
        client = value.strip().lower()
        if client not in TELEGRAM_CLIENTS:
            raise ValueError("unknown HTTP client")
        return client

    @field_validator("operator_chat_id")
    @classmethod
    def _operator_chat(cls, value: int | None) -> int | None:
        if value == 0:
            raise ValueError("0 is no chat")
        return value

    @field_validator("support_language")
    @classmethod
    def _support_language(cls, value: str) -> str:
        tag = language_tag(value)
        if tag is None:
            raise ValueError("not a language tag")
        return tag

    @field_validator("default_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        try:
            return normalize_currency(value)
        except InvalidAmount as exc:
            raise ValueError("not a currency code") from exc

    @field_validator("telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urlsplit(value.strip())
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("not an http(s) URL")
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return check_database_url(value)

    @field_validator("support_agents", mode="before")
    @classmethod
    def _agents(cls, value: Any) -> Any:
        parts = _split(value)
        if not isinstance(parts, list | tuple):
            return parts
        ids = []
        for part in parts:
            try:
                uid = int(part)
            except (TypeError, ValueError):
                raise ValueError(f"{part!r} is not a user id") from None
            if not 0 < uid <= MAX_TELEGRAM_ID:
                raise ValueError(f"{part!r} is not a user id")
            ids.append(uid)
        return tuple(ids)

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # long polling
        url = urlsplit(str(value).strip())
        if url.scheme != "https" or not url.hostname:
            raise ValueError("the webhook URL must be an https:// address Telegram can reach")
        if url.port not in (None, *WEBHOOK_PORTS):
            ports = ", ".join(map(str, WEBHOOK_PORTS))
            raise ValueError(f"Telegram only calls webhooks on ports {ports}")
        return url.geturl()

    @field_validator("help_center_url")
    @classmethod
    def _help_center(cls, value: str) -> str:
        value = value.strip()
        url = urlsplit(value.replace("{slug}", "slug"))
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("the help center URL must be an http:// or https:// address")
        if "{" in value.replace("{slug}", "") or "}" in value.replace("{slug}", ""):
            raise ValueError("the help center URL takes only {slug} (the article's title)")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def file_base_url(self) -> str:
        """Where files are downloaded from: derived from the API base URL unless set."""
        if self.telegram_api_file_url:
            return self.telegram_api_file_url
        base = self.telegram_api_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base

    @property
    def db_busy_timeout_ms(self) -> int:
        """How long a statement waits for another process's lock before it gives up."""
        return int(self.db_busy_timeout.total_seconds() * 1000)

    def policy(self) -> Policy:
        """The marketplace rules these settings describe."""
        return Policy(
            payment_window=self.payment_window,
            delivery_window=self.delivery_window,
            confirm_window=self.confirm_window,
            refund_min_age=self.refund_min_age,
            refund_response_undelivered=self.refund_response_undelivered,
            refund_response_delivered=self.refund_response_delivered,
            payment_reminder_leads=self.remind_payment_before,
            delivery_reminder_leads=self.remind_delivery_before,
            confirm_reminder_leads=self.remind_confirm_before,
            refund_reminder_leads=self.remind_refund_before,
        )


def check_database_url(value: str) -> str:
    """A database URL kchat can open: sqlite:///relative, sqlite:////absolute, postgresql://."""
    v = value.strip()
    if v.startswith(("postgresql://", "postgres://")):
        try:
            url = urlsplit(v)
            url.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            raise ValueError("not a database URL") from None
        return v  # whether the server answers is said when the store opens
    rest = v.removeprefix("sqlite://")
    memory = rest in ("", ":memory:", "/:memory:")
    if rest == v or not (memory or (rest.startswith("/") and rest[1:].strip("/"))):
        raise ValueError("not a database URL")
    return v


def env_name(model: type[BaseSettings], field: str) -> str:
    """The environment variable a setting is read from: its alias, else prefix + field name."""
    alias = model.model_fields[field].validation_alias
    if isinstance(alias, str):
        return alias
    return f"{model.model_config.get('env_prefix', '')}{field}".upper()


def settings_error(
    exc: ValidationError,
    model: type[BaseSettings] = Settings,
    hints: Mapping[str, str] | None = None,
) -> str:
    """One line for the first bad setting: its variable, the value given, what is allowed.

    `model` and `hints` let a tool with settings of its own (the sandbox) say it as well.
    """
    allowed_for = {**_ALLOWED, **(hints or {})}
    first = exc.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "?"
    # pydantic reports an aliased field under its alias, any other under its name.
    field = next(
        (f for f, info in model.model_fields.items() if name in (f, info.validation_alias)),
        None,
    )
    env = env_name(model, field) if field else name
    reason = str(first["msg"]).removeprefix("Value error, ")
    given = "" if env in _SECRET else f"={_without_password(first['input'])!r}"
    allowed = f"; allowed: {allowed_for[field]}" if field in allowed_for else ""
    more = len(exc.errors()) - 1
    tail = f" (and {more} more)" if more else ""
    return f"bad setting {env}{given}: {reason}{allowed}{tail}"


def _without_password(value: Any) -> Any:
    """A database URL as an error may repeat it: `postgresql://user:***@host/db`."""
    if isinstance(value, str) and "://" in value and "@" in value:
        scheme, _, rest = value.partition("://")
        user_info, _, host = rest.rpartition("@")
        if ":" in user_info:
            return f"{scheme}://{user_info.split(':', 1)[0]}:***@{host}"
    return value
