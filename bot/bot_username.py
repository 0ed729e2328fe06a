"""The bot's username, for the t.me links the API hands out: KCHAT_BOT_USERNAME, else asked
of Telegram (getMe) once it answers, and kept."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.config import Settings

log = logging.getLogger(__name__)


class BotUsernameSource:
    """Awaitable source of the username; None while it cannot be known (no setting, and no
    token or Telegram unreachable): the API then answers 503 bot_username_unknown."""

    def __init__(self, settings: Settings, bot: Bot | None = None) -> None:
        self._known = settings.bot_username
        self._bot = bot
        if bot is None and self._known is None and settings.telegram_bot_token is not None:
            token = settings.telegram_bot_token.get_secret_value()
            self._bot = Bot(token, base_url=settings.telegram_api_base_url)

    async def __call__(self) -> str | None:
        if self._known is None and self._bot is not None:
            try:
                await self._bot.initialize()  # getMe, once (a running bot's is done already)
            except (TelegramError, OSError, RuntimeError) as exc:
                log.warning("getMe failed, the bot's username is unknown: %s", exc)
                return None
            self._known = self._bot.username
        return self._known
