"""What an operator sees of a running bot: its HTTP port and the errors in the operator chat.

Built with the application; `start` opens the HTTP port before the database (liveness
answers during a long migration, readiness says "starting"), `attach` follows once the
services are open, `stop` undoes both before the database closes.
"""

from __future__ import annotations

import logging

from telegram import Bot

from bot.bootstrap import Services, code_schema_version
from bot.bot_username import BotUsernameSource
from bot.config import Settings
from bot.health import Health
from bot.http.api import ApiContext, add_api_routes
from bot.http.operator import add_operator_routes
from bot.http.rate_limit import RateLimit
from bot.http.server import HttpServer
from bot.metrics import Metrics
from handlers.delivery.operator_chat import ChatReporter, OperatorChatLog, ReportLimit


class OperatorView:
    """The HTTP port (when KCHAT_HTTP_PORT is set) and the operator chat (when its id is)."""

    def __init__(self, settings: Settings, metrics: Metrics, bot: Bot) -> None:
        self.settings = settings
        self.metrics = metrics
        self.bot = bot
        self.health = Health(code_schema_version(settings), bot.get_me)
        self.http: HttpServer | None = None
        self.api = ApiContext(
            RateLimit(settings.api_rate_limit),
            settings.default_currency,
            bot_username=BotUsernameSource(settings, bot),
        )
        if settings.http_port is not None:
            self.http = HttpServer(settings.http_host, settings.http_port)
            add_operator_routes(self.http.app, self.health, metrics)
            add_api_routes(self.http.app, self.api)
        self._chat_log: OperatorChatLog | None = None

    async def start(self) -> None:
        """Open the HTTP port (HttpPortUnavailable if it cannot be had)."""
        if self.http is not None:
            await self.http.start()

    def attach(self, services: Services) -> None:
        """The services are open: readiness checks the database, ERROR lines reach the chat."""
        self.health.services = services
        self.api.services = services
        chat_id = self.settings.operator_chat_id
        if chat_id is not None and self._chat_log is None:
            limit = ReportLimit(
                self.settings.operator_repeat_every, self.settings.operator_max_per_hour
            )
            self._chat_log = OperatorChatLog(ChatReporter(self.bot, chat_id, services.clock, limit))
            logging.getLogger().addHandler(self._chat_log)

    async def stop(self) -> None:
        """Close the HTTP port, send the last reports."""
        if self.http is not None:
            await self.http.stop()
        if self._chat_log is not None:
            logging.getLogger().removeHandler(self._chat_log)
            await self._chat_log.aclose()
            self._chat_log = None
