"""The composition root: settings, clock, store, services, scheduler and handlers meet here."""

from __future__ import annotations

import logging
import sys
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.bootstrap import Services, open_services
from bot.clock import Clock, SystemClock
from bot.config import Settings
from scheduler.wakeup import WakeUp

log = logging.getLogger(__name__)

MISSING_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram "
    "(https://t.me/BotFather, command /newbot), then put the token it gives you in .env "
    "as TELEGRAM_BOT_TOKEN=... (see .env.example)."
)


def services_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The services opened in post_init."""
    services: Services = app.bot_data["services"]
    return services


def build_application(
    settings: Settings, clock: Clock, token: str
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot: PTB application with the rate limiter, the store, the scheduler, the handlers."""
    from handlers.setup import register_handlers

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        services = await open_services(settings, clock)
        app.bot_data["services"] = services
        app.bot_data["settings"] = settings
        wakeup = WakeUp(services.deadlines, clock)
        services.orders.set_on_change(wakeup.poke)
        app.bot_data["wakeup"] = wakeup
        assert app.job_queue is not None
        wakeup.attach(app.job_queue)

    async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        services = app.bot_data.get("services")
        if services is not None:
            await services.close()

    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.file_base_url)
        # Telegram's flood limits: queue to stay under them, and wait out a 429's retry_after.
        .rate_limiter(AIORateLimiter(max_retries=5))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register_handlers(app)
    return app


def run_bot(settings: Settings) -> int:
    """`kchat run`: long polling until interrupted."""
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every long-poll request at INFO; that drowns what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        print(f"kchat: {MISSING_TOKEN}", file=sys.stderr)
        return 2
    app = build_application(settings, SystemClock(), settings.telegram_bot_token.get_secret_value())
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
