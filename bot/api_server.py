"""`kchat api`: the HTTP port (operator's endpoints and the marketplace API) without polling
Telegram, for instances that serve the API alone.

What the API changes reaches Telegram through the outbox, sent by a `kchat run` on the
same database. On SQLite that `kchat run` holds the database's instance lock, so `kchat
api` there is for a database no bot runs on (tests, a trial); on PostgreSQL any number of
both run side by side.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.bootstrap import code_schema_version, open_services
from bot.bot_username import BotUsernameSource
from bot.clock import SystemClock
from bot.config import Settings
from bot.health import Health
from bot.http.api import ApiContext, add_api_routes
from bot.http.operator import add_operator_routes
from bot.http.rate_limit import RateLimit
from bot.http.server import HttpPortUnavailable, HttpServer
from bot.log_format import log_handler
from bot.metrics import Metrics
from bot.ports.errors import DatabaseUnavailable
from bot.services.webhooks import SenderTask

log = logging.getLogger(__name__)


async def serve_api(settings: Settings, stop: asyncio.Event) -> None:
    """Serve until `stop` is set; HttpPortUnavailable if the port cannot be had."""
    assert settings.http_port is not None
    metrics = Metrics()
    health = Health(code_schema_version(settings), None)
    api = ApiContext(
        RateLimit(settings.api_rate_limit),
        settings.default_currency,
        bot_username=BotUsernameSource(settings),
    )
    server = HttpServer(settings.http_host, settings.http_port)
    add_operator_routes(server.app, health, metrics)
    add_api_routes(server.app, api)
    await server.start()
    try:
        services = await open_services(settings, SystemClock(), create=False, telemetry=metrics)
        try:
            health.services = api.services = services
            # This instance sends the order events too (claims make that safe beside others).
            sender = SenderTask()
            sender.start(services.webhook_sender, settings.poll_interval)
            log.info("serving the API on %s:%s", settings.http_host, settings.http_port)
            try:
                await stop.wait()
            finally:
                await sender.stop()
        finally:
            await server.stop()
            await services.close()
    finally:
        await server.stop()


def run_api(settings: Settings) -> int:
    """`kchat api`: serve until SIGINT or SIGTERM; exit status 2 with one line if it cannot."""
    logging.basicConfig(level=settings.log_level, handlers=[log_handler(settings.log_format)])
    if settings.http_port is None:
        print("kchat: set KCHAT_HTTP_PORT to the port the API is served on", file=sys.stderr)
        return 2

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve_api(settings, stop)

    try:
        asyncio.run(main())
    except (HttpPortUnavailable, DatabaseUnavailable) as exc:
        print(f"kchat: {exc}", file=sys.stderr)
        return 2
    return 0
