"""The sandbox's settings: every setting of the bot, plus its own (KCHAT_SANDBOX_*).

They live here, not in the product's `Settings`: a deployed bot knows nothing of the
sandbox, and a missing token there is an error, never a toy (see `__main__.py`).
"""

from __future__ import annotations

from pydantic import Field, ValidationError, field_validator

from bot.config import Settings, check_database_url, settings_error

HINTS = {
    "sandbox_port": "a port from 0 to 65535 (0 picks a free one)",
    "sandbox_database_url": "sqlite:///relative/path.db, sqlite:////absolute/path.db",
    "sandbox_forum": "true or false",
}


class SandboxSettings(Settings):
    """The bot's settings as the sandbox reads them, and where the sandbox keeps its world."""

    # Its own database, wiped at every start and by Reset: never the bot's. Read, like every
    # setting, as KCHAT_<FIELD NAME> (KCHAT_SANDBOX_DATABASE_URL, ...).
    sandbox_database_url: str = "sqlite:///sandbox.db"
    sandbox_port: int = Field(default=8080, ge=0, le=65535)
    sandbox_forum: bool = True

    @field_validator("sandbox_database_url")
    @classmethod
    def _sandbox_database_url(cls, value: str) -> str:
        return check_database_url(value)


def sandbox_settings_error(exc: ValidationError) -> str:
    """One line naming the bad setting, the bot's or the sandbox's own."""
    return settings_error(exc, SandboxSettings, HINTS)
