"""Settings from the environment and `.env`; built once in main(), never at import."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.policy import Policy


def _alias(name: str) -> Any:
    return Field(validation_alias=AliasChoices(name, name.lower()))


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    return value


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
WEBHOOK_PORTS = (80, 88, 443, 8443)  # the only ports Telegram delivers webhooks to


def _duration(value: Any) -> Any:
    """Seconds ("3600"), a short form ("15m", "72h") or ISO 8601 ("PT1H", left to pydantic)."""
    if isinstance(value, str):
        v = value.strip().lower()
        try:
            return timedelta(seconds=float(v))
        except ValueError:
            pass
        if v[-1:] in _UNITS:
            try:
                return timedelta(seconds=float(v[:-1]) * _UNITS[v[-1]])
            except ValueError:
                pass
    return value


Durations = Annotated[tuple[timedelta, ...], NoDecode]


class Settings(BaseSettings):
    """Every setting KChat reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        # An empty line in .env (KCHAT_SUPPORT_CHAT_ID=) means "not set".
        env_ignore_empty=True,
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "telegram_bot_token")
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        validation_alias=AliasChoices("TELEGRAM_API_BASE_URL", "telegram_api_base_url"),
    )
    telegram_api_file_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_API_FILE_URL", "telegram_api_file_url"),
    )
    database_url: str = Field(
        default="sqlite:///kchat.db",
        validation_alias=AliasChoices("KCHAT_DATABASE_URL", "database_url"),
    )
    support_chat_id: int | None = Field(
        default=None, validation_alias=AliasChoices("KCHAT_SUPPORT_CHAT_ID", "support_chat_id")
    )
    support_agents: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(), validation_alias=AliasChoices("KCHAT_SUPPORT_AGENTS", "support_agents")
    )
    payment_window: timedelta = Field(
        default=timedelta(hours=1),
        validation_alias=AliasChoices("KCHAT_PAYMENT_WINDOW", "payment_window"),
    )
    delivery_window: timedelta = Field(
        default=timedelta(hours=72),
        validation_alias=AliasChoices("KCHAT_DELIVERY_WINDOW", "delivery_window"),
    )
    confirm_window: timedelta = Field(
        default=timedelta(hours=72),
        validation_alias=AliasChoices("KCHAT_CONFIRM_WINDOW", "confirm_window"),
    )
    refund_min_age: timedelta = Field(
        default=timedelta(hours=1),
        validation_alias=AliasChoices("KCHAT_REFUND_MIN_AGE", "refund_min_age"),
    )
    refund_response_undelivered: timedelta = Field(
        default=timedelta(hours=6),
        validation_alias=AliasChoices(
            "KCHAT_REFUND_RESPONSE_UNDELIVERED", "refund_response_undelivered"
        ),
    )
    refund_response_delivered: timedelta = Field(
        default=timedelta(hours=24),
        validation_alias=AliasChoices(
            "KCHAT_REFUND_RESPONSE_DELIVERED", "refund_response_delivered"
        ),
    )
    remind_payment_before: Durations = Field(
        default=(timedelta(minutes=15),),
        validation_alias=AliasChoices("KCHAT_REMIND_PAYMENT_BEFORE", "remind_payment_before"),
    )
    remind_delivery_before: Durations = Field(
        default=(timedelta(hours=24), timedelta(hours=6)),
        validation_alias=AliasChoices("KCHAT_REMIND_DELIVERY_BEFORE", "remind_delivery_before"),
    )
    remind_confirm_before: Durations = Field(
        default=(timedelta(hours=24),),
        validation_alias=AliasChoices("KCHAT_REMIND_CONFIRM_BEFORE", "remind_confirm_before"),
    )
    remind_refund_before: Durations = Field(
        default=(timedelta(hours=1),),
        validation_alias=AliasChoices("KCHAT_REMIND_REFUND_BEFORE", "remind_refund_before"),
    )
    timezone: str = Field(
        default="Asia/Kuala_Lumpur", validation_alias=AliasChoices("KCHAT_TIMEZONE", "timezone")
    )
    default_currency: str = Field(
        default="MYR",
        validation_alias=AliasChoices("KCHAT_DEFAULT_CURRENCY", "default_currency"),
    )
    faq_dir: str | None = Field(
        default=None, validation_alias=AliasChoices("KCHAT_FAQ_DIR", "faq_dir")
    )
    faq_min_score: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        allow_inf_nan=False,
        validation_alias=AliasChoices("KCHAT_FAQ_MIN_SCORE", "faq_min_score"),
    )
    help_center_url: str = Field(
        default="https://www.kaleoz.com/guide/article/{slug}",
        validation_alias=AliasChoices("KCHAT_HELP_CENTER_URL", "help_center_url"),
    )
    online_window: timedelta = Field(
        default=timedelta(minutes=5),
        validation_alias=AliasChoices("KCHAT_ONLINE_WINDOW", "online_window"),
    )
    webhook_url: str | None = Field(
        default=None, validation_alias=AliasChoices("KCHAT_WEBHOOK_URL", "webhook_url")
    )
    webhook_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("KCHAT_WEBHOOK_SECRET", "webhook_secret")
    )
    webhook_listen: str = Field(
        default="0.0.0.0", validation_alias=AliasChoices("KCHAT_WEBHOOK_LISTEN", "webhook_listen")
    )
    webhook_port: int = Field(
        default=8443, validation_alias=AliasChoices("KCHAT_WEBHOOK_PORT", "webhook_port")
    )
    flood_limit: int = Field(
        default=20, validation_alias=AliasChoices("KCHAT_FLOOD_LIMIT", "flood_limit")
    )
    flood_window: timedelta = Field(
        default=timedelta(seconds=10),
        validation_alias=AliasChoices("KCHAT_FLOOD_WINDOW", "flood_window"),
    )
    sla_unclaimed: timedelta = Field(
        default=timedelta(minutes=15),
        validation_alias=AliasChoices("KCHAT_SLA_UNCLAIMED", "sla_unclaimed"),
    )
    sla_unanswered: timedelta = Field(
        default=timedelta(hours=1),
        validation_alias=AliasChoices("KCHAT_SLA_UNANSWERED", "sla_unanswered"),
    )
    show_agent_names: bool = Field(
        default=False,
        validation_alias=AliasChoices("KCHAT_SHOW_AGENT_NAMES", "show_agent_names"),
    )
    poll_interval: timedelta = Field(
        default=timedelta(seconds=2),
        validation_alias=AliasChoices("KCHAT_POLL_INTERVAL", "poll_interval"),
    )
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("KCHAT_LOG_LEVEL", "log_level")
    )
    sandbox_database_url: str = Field(
        default="sqlite:///sandbox.db",
        validation_alias=AliasChoices("KCHAT_SANDBOX_DATABASE_URL", "sandbox_database_url"),
    )
    sandbox_port: int = Field(
        default=8080,
        ge=0,
        le=65535,
        validation_alias=AliasChoices("KCHAT_SANDBOX_PORT", "sandbox_port"),
    )
    sandbox_forum: bool = Field(
        default=True, validation_alias=AliasChoices("KCHAT_SANDBOX_FORUM", "sandbox_forum")
    )

    @field_validator(
        "payment_window",
        "delivery_window",
        "confirm_window",
        "refund_min_age",
        "refund_response_undelivered",
        "refund_response_delivered",
        "online_window",
        "flood_window",
        "poll_interval",
        "sla_unclaimed",
        "sla_unanswered",
        mode="before",
    )
    @classmethod
    def _window(cls, value: Any) -> Any:
        return _duration(value)

    @field_validator("support_agents", mode="before")
    @classmethod
    def _agents(cls, value: Any) -> Any:
        return _split(value)

    @field_validator(
        "remind_payment_before",
        "remind_delivery_before",
        "remind_confirm_before",
        "remind_refund_before",
        mode="before",
    )
    @classmethod
    def _leads(cls, value: Any) -> Any:
        parts = _split(value)
        return [_duration(p) for p in parts] if isinstance(parts, list) else parts

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
