"""The composition root: settings, clock, store, services, scheduler and handlers meet here."""

from __future__ import annotations

import logging
import secrets
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter
from telegram.request import BaseRequest

from bot.bootstrap import database_location, explain_storage_error, open_services
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.domain.faq import FaqIndex
from bot.domain.faq_translation import Shelf
from bot.domain.languages import SOURCE_LANGUAGE
from bot.help_center.loader import DocumentError, load_index, load_shelf
from bot.http.server import HttpPortUnavailable
from bot.log_format import log_handler
from bot.metrics import Metrics
from bot.operator_view import OperatorView
from bot.ports.errors import DatabaseUnavailable
from bot.services.webhooks import SenderTask
from bot.telegram_request import AiohttpRequest
from handlers.durable_queue import DurableUpdateQueue
from handlers.outbound_lanes import LaneRateLimiter
from handlers.per_chat_order import PerChatOrder
from handlers.send_share import SendShare
from scheduler.wakeup import WakeUp
from store.instance_lock import AlreadyRunning, InstanceLock

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

GET_TOKEN = (
    "Create a bot with @BotFather in Telegram "
    "(https://t.me/BotFather, command /newbot), then put the token it gives you in .env "
    "as TELEGRAM_BOT_TOKEN=... (see .env.example)."
)
MISSING_TOKEN = (
    f"TELEGRAM_BOT_TOKEN is not set. {GET_TOKEN} To try the bot without Telegram, "
    "run `make sandbox` in a checkout."
)
WHAT_TO_TRY = (
    "Check the network or proxy (HTTPS_PROXY) and TELEGRAM_API_BASE_URL, and the token with "
    "@BotFather; or play the bot without Telegram: make sandbox. Add --verbose for details."
)


class _QuietStartupFailure(logging.Filter):
    """Hide PTB's traceback of a failed start: run_bot says what failed in one line.

    Only the bootstrap's retry loop (getMe, webhook setup) is hidden; errors while the bot
    runs keep their tracebacks. `kchat run --verbose` shows everything.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name.startswith("telegram")
            and record.exc_info is not None
            and "Network Retry Loop (Bootstrap" in record.getMessage()
        )


def load_faq(settings: Settings) -> FaqIndex:
    """The help-center index; DocumentError (with the file and problem) if a document is bad."""
    extra = Path(settings.faq_dir) if settings.faq_dir else None
    return load_index(extra, min_score=settings.faq_min_score, model=settings.help_center_model)


def load_faq_shelf(settings: Settings) -> Shelf:
    """The help center's translations; DocumentError (with the file) if one is bad."""
    return load_shelf(Path(settings.faq_dir) if settings.faq_dir else None)


def build_application(
    settings: Settings,
    clock: Clock,
    token: str,
    faq: FaqIndex,
    *,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
    limiter: BaseRateLimiter[Any] | None = None,
    shelf: Shelf | None = None,
) -> App:
    """The bot: PTB application with the rate limiter, the store, the scheduler, the handlers.

    `request` replaces the HTTP client (benchmarks stub the network with it), `limiter` the
    rate limiter (benchmarks compare others; `rate_limit=False`: none). `shelf`, the
    help center's translations, is loaded from the settings when not given.
    """
    if shelf is None:
        shelf = load_faq_shelf(settings)
    from handlers.delivery.cards import Cards
    from handlers.delivery.notifier import Notifier
    from handlers.delivery.support_desk import SupportDesk
    from handlers.flood import FloodLimit
    from handlers.setup import register_handlers
    from handlers.telegram_metrics import update_kind
    from handlers.views.command_menu import commands
    from handlers.views.i18n import language_of, languages
    from handlers.wiring import CONTEXT_TYPES, Wiring

    # This application's own counters (`GET /metrics` on KCHAT_HTTP_PORT).
    metrics = Metrics()
    # Every update is kept in the database before Telegram hears it arrived.
    updates = DurableUpdateQueue()
    senders = SenderTask()
    lanes = (
        limiter or LaneRateLimiter(settings.send_budget, paid_broadcast=settings.paid_broadcast)
        if rate_limit
        else None
    )
    share = SendShare()

    async def post_init(app: App) -> None:
        await operator_view.start()  # before the database: liveness answers while it opens
        services = await open_services(settings, clock, telemetry=metrics)
        # Recorded at once: if anything below fails, post_shutdown still closes the store
        # (an open aiosqlite connection would keep the failed process alive).
        wiring: Wiring = app.bot_data
        wiring.services = services
        tz = ZoneInfo(settings.timezone)
        cards = Cards(services, tz)
        desk = (
            SupportDesk(
                services, settings.support_chat_id, tz, language_of(settings.support_language)
            )
            if settings.support_chat_id
            else None
        )
        notifier = Notifier(app.bot, services, cards, desk, metrics=metrics)

        async def after_sweep() -> None:
            await services.support.sweep_sla()
            await notifier.drain()
            services.webhook_sender.poke()  # a change may have queued events

        async def next_timed_work() -> datetime | None:
            times = [await services.notifications.next_at(), await services.support.next_sla_at()]
            return min((x for x in times if x is not None), default=None)

        wakeup = WakeUp(
            services.deadlines,
            clock,
            poll=settings.poll_interval,
            after_sweep=after_sweep,
            also_wake_at=next_timed_work,
        )
        services.orders.set_on_change(wakeup.poke)
        services.chat.set_on_change(wakeup.poke)
        wiring.wire(
            services=services,
            settings=settings,
            cards=cards,
            notifier=notifier,
            desk=desk,
            faq=faq,
            shelf=shelf,
            flood=FloodLimit(settings.flood_limit, settings.flood_window.total_seconds()),
            metrics=metrics,
            wake=wakeup.poke,
        )
        operator_view.attach(services)
        if isinstance(lanes, LaneRateLimiter):
            # Instances on one database send for one bot: they split its budget.
            await share.start(services.inbox, lanes, metrics)
        try:
            await app.bot.set_my_commands(commands())
            # Telegram shows each user the menu of their app's language, if there is one.
            for language in languages():
                await app.bot.set_my_commands(commands(language), language_code=language)
        except TelegramError as exc:  # a nicety: the bot works without its menu
            log.warning("could not set the command menu: %s", exc)
        await services.deadlines.reconcile()
        assert app.job_queue is not None
        wakeup.attach(app.job_queue)
        # Last: updates are applied only once everything they need is wired. On SQLite this
        # process is the only one (the instance lock), so leases it left when it was last
        # stopped hard are its own to take back at once.
        updates.attach(services.inbox, app.bot, sole=database_location(settings) is not None)
        # Order events to the marketplace's subscribers go out beside the bot, on their own
        # task: a slow receiver never holds up the chat.
        senders.start(services.webhook_sender, settings.poll_interval)

    # The HTTP clients KChat made for PTB: PTB leaves them open when its own start fails (a
    # token Telegram rejects, an API out of reach), and only post_shutdown runs then.
    clients: list[AiohttpRequest] = []

    async def post_shutdown(app: App) -> None:
        for client in clients:
            await client.shutdown()
        await senders.stop()
        await operator_view.stop()
        await updates.detach()
        wiring: Wiring = app.bot_data
        services = wiring.opened()
        await share.stop(services.inbox if services is not None else None)
        if services is not None:
            await services.close()

    # Any: each builder step changes the builder's generic type, which a branch can't follow.
    builder: Any = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.file_base_url)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .update_queue(updates)
        .concurrent_updates(
            PerChatOrder(
                observe=lambda update, s: metrics.update_handled(update_kind(update), s),
                finished=updates.finished,
            )
        )
        .context_types(CONTEXT_TYPES)
    )
    if lanes is not None:
        # Telegram's flood limits: a person's own replies first, notifications in the rest of
        # the budget, chats served in turn; a 429 pauses its chat (docs/outbound.md).
        builder = builder.rate_limiter(lanes)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    elif settings.telegram_client == "aiohttp":
        # One pool for calls (PTB's default size), one connection for the long poll.
        clients += [AiohttpRequest(256), AiohttpRequest(1)]
        builder = builder.request(clients[0]).get_updates_request(clients[1])
    app: App = builder.build()
    operator_view = OperatorView(settings, metrics, app.bot)
    register_handlers(app, settings.support_chat_id)
    return app


def unspoken_support_language(settings: Settings) -> str | None:
    """What is wrong with KCHAT_SUPPORT_LANGUAGE when the bot has no catalogue for it."""
    from handlers.views.i18n import languages

    spoken = (SOURCE_LANGUAGE, *languages())
    if settings.support_language in spoken:
        return None
    return (
        f"KCHAT_SUPPORT_LANGUAGE={settings.support_language}: the bot speaks "
        f"{', '.join(spoken)} (a language is a catalogue in handlers/locale)"
    )


def run_bot(settings: Settings, *, verbose: bool = False) -> int:
    """`kchat run`: long polling (or a webhook when KCHAT_WEBHOOK_URL is set) until stopped.

    Whatever stops it from starting (no token, Telegram unreachable or refusing, a database
    it cannot open, another instance on the same database) is one line on standard error
    and a non-zero exit status, so a service manager sees it; `verbose` adds the traceback.
    """
    logging.basicConfig(level=settings.log_level, handlers=[log_handler(settings.log_format)])
    if not verbose:
        for handler in logging.getLogger().handlers:
            handler.addFilter(_QuietStartupFailure())
    # httpx logs every long-poll request, APScheduler every wake-up, at INFO: that drowns
    # what matters.
    for noisy in ("httpx", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        print(f"kchat: {MISSING_TOKEN}", file=sys.stderr)
        return 2
    try:
        faq = load_faq(settings)
        shelf = load_faq_shelf(settings)
    except DocumentError as exc:
        print(f"kchat: help-center documents: {exc}", file=sys.stderr)
        return 2
    if (unknown := unspoken_support_language(settings)) is not None:
        print(f"kchat: {unknown}", file=sys.stderr)
        return 2
    try:
        # SQLite only: one process per file. On PostgreSQL several instances are the point.
        file = database_location(settings)
        lock = InstanceLock.acquire(settings.database_url) if file is not None else None
    except AlreadyRunning as exc:
        print(
            f"kchat: {exc}; one bot per database (stop the other one first, or set "
            "KCHAT_DATABASE_URL to another database)",
            file=sys.stderr,
        )
        return 2
    except (DatabaseUnavailable, ValueError) as exc:
        print(f"kchat: {exc}", file=sys.stderr)
        return 2
    try:
        return _run_app(settings, token, faq, shelf, verbose)
    finally:
        if lock is not None:
            lock.release()


def _run_app(settings: Settings, token: str, faq: FaqIndex, shelf: Shelf, verbose: bool) -> int:
    app = build_application(settings, SystemClock(), token, faq, shelf=shelf)
    if settings.webhook_url:
        # Telegram sends this secret in X-Telegram-Bot-Api-Secret-Token with every update,
        # and PTB rejects a request without it (403). Never run a webhook without one:
        # when none is configured, a fresh one is handed to Telegram at each start.
        configured = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        secret = configured or secrets.token_urlsafe(32)
    try:
        if settings.webhook_url:
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path="telegram",
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print(
            f"kchat: Telegram rejects this TELEGRAM_BOT_TOKEN. {GET_TOKEN} "
            "Or play the bot without Telegram: make sandbox.",
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:
        where = settings.telegram_api_base_url
        print(
            f"kchat: cannot reach the Telegram Bot API at {where} ({exc.message}). {WHAT_TO_TRY}",
            file=sys.stderr,
        )
        return 1
    except TelegramError as exc:  # e.g. a webhook Telegram refuses to register
        print(f"kchat: Telegram refused to start the bot: {exc.message}", file=sys.stderr)
        return 2
    except HttpPortUnavailable as exc:  # opened in post_init
        print(f"kchat: {exc}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:  # opened in post_init: garbage, read-only, missing dir
        if verbose:
            traceback.print_exc()
        print(f"kchat: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        explained = explain_storage_error(settings, exc)
        if explained is None:
            raise
        if verbose:
            traceback.print_exc()
        print(f"kchat: {explained}", file=sys.stderr)
        return 2
    return 0
