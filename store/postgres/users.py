"""What the bot knows of the people it talks to (part of `PgTx`)."""

from __future__ import annotations

from datetime import datetime

from bot.ports.records import UserRecord
from store.postgres.queries import PgQueries, opt_utc, utc


class UserTables(PgQueries):
    """Users: upserts, so two processes seeing one person at once both succeed."""

    async def touch_user(
        self,
        telegram_id: int,
        now: datetime,
        display_name: str | None = None,
        username: str | None = None,
        started: bool = False,
        language_code: str | None = None,
    ) -> None:
        """Record that a user was seen (and started the bot, when `started`)."""
        await self._run(
            "INSERT INTO users (telegram_id, display_name, username, started_at, last_seen_at, "
            "telegram_language) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (telegram_id) DO UPDATE SET "
            "display_name = COALESCE(NULLIF(excluded.display_name, ''), users.display_name), "
            "username = COALESCE(excluded.username, users.username), "
            "started_at = COALESCE(users.started_at, excluded.started_at), "
            "last_seen_at = excluded.last_seen_at, "
            "telegram_language = COALESCE(excluded.telegram_language, users.telegram_language)",
            telegram_id,
            display_name or "",
            username,
            utc(now) if started else None,
            utc(now),
            language_code,
        )

    async def ensure_user(self, telegram_id: int) -> None:
        """Make sure a row exists for a user named by intake before they open the bot."""
        await self._run(
            "INSERT INTO users (telegram_id) VALUES ($1) ON CONFLICT (telegram_id) DO NOTHING",
            telegram_id,
        )

    async def get_user(self, telegram_id: int) -> UserRecord | None:
        """What is known of a user."""
        row = await self._one(
            "SELECT telegram_id, display_name, username, started_at, last_seen_at, "
            "unreachable_since, timezone, language, telegram_language FROM users "
            "WHERE telegram_id = $1",
            telegram_id,
        )
        if row is None:
            return None
        return UserRecord(*row)

    async def set_language(self, telegram_id: int, language: str | None) -> None:
        """The language the user chose for the bot (None: their Telegram's)."""
        await self._run(
            "INSERT INTO users (telegram_id, language) VALUES ($1, $2) "
            "ON CONFLICT (telegram_id) DO UPDATE SET language = excluded.language",
            telegram_id,
            language,
        )

    async def set_timezone(self, telegram_id: int, timezone: str | None) -> None:
        """The user's time zone for dates the bot shows them (None: the bot's default)."""
        await self._run(
            "INSERT INTO users (telegram_id, timezone) VALUES ($1, $2) "
            "ON CONFLICT (telegram_id) DO UPDATE SET timezone = excluded.timezone",
            telegram_id,
            timezone,
        )

    async def set_unreachable(self, telegram_id: int, since: datetime | None) -> None:
        """Mark a user as having blocked the bot (or clear it)."""
        await self._run(
            "UPDATE users SET unreachable_since = $1 WHERE telegram_id = $2",
            opt_utc(since),
            telegram_id,
        )
