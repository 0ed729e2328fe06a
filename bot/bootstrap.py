"""One place where the store, the clock and the services meet.

The composition root: the only module, with `bot.app`, that knows which storage backend
implements the ports, chosen by the URL's scheme (`sqlite://` or `postgresql://`). Entry
points (the bot, the command line) ask it for services and for what a storage failure
means in one line.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.config import Settings
from bot.domain.policy import Policy
from bot.domain.tickets import SupportPolicy
from bot.ports.storage import Storage
from bot.services.accounts import AccountService
from bot.services.agents import AgentRoster
from bot.services.api_keys import ApiKeyService
from bot.services.chat import ChatService
from bot.services.deadlines import DeadlineService
from bot.services.help_log import HelpLog
from bot.services.idempotency import IdempotencyService
from bot.services.inbox import InboxService
from bot.services.notifications import NotificationService, OutboxSignal
from bot.services.orders import OrderService
from bot.services.reachability import Reachability
from bot.services.support import SupportService
from bot.services.telemetry import Telemetry
from bot.services.webhooks import WebhookSender, WebhookService
from store.backup import BackupMade, backup_sqlite
from store.connection import BUSY_TIMEOUT_MS, database_file, describe, newest_migration
from store.postgres.url import display_url, is_postgres_url
from store.sqlite_store import Store

DEFAULT_POOL_SIZE = 10  # PostgreSQL connections per process (KCHAT_DB_POOL_SIZE)


@dataclass
class Services:
    """Everything an entry point needs, opened together and closed together."""

    store: Storage
    clock: Clock
    policy: Policy
    orders: OrderService
    support: SupportService
    deadlines: DeadlineService
    chat: ChatService
    notifications: NotificationService
    help_log: HelpLog
    agents: AgentRoster
    reachability: Reachability
    inbox: InboxService
    api_keys: ApiKeyService
    api_requests: IdempotencyService
    accounts: AccountService
    webhooks: WebhookService
    webhook_sender: WebhookSender

    async def schema_version(self) -> int:
        """The newest migration the database has."""
        return await self.store.schema_version()

    async def close(self) -> None:
        """Close the store (once what was recorded meanwhile is committed)."""
        await self.chat.settled()
        await self.webhook_sender.close()
        await self.store.close()


async def open_storage(
    url: str,
    *,
    create: bool = True,
    migrate: bool = False,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    pool_size: int = DEFAULT_POOL_SIZE,
) -> Storage:
    """The store `url` names.

    SQLite migrates on open (the embedded default needs no extra step); without `create`,
    a missing file is DatabaseMissing rather than a new empty database. PostgreSQL
    migrates only with `migrate` (`kchat migrate`) and otherwise refuses a database with
    migrations pending. Both refuse a schema newer than this code knows.
    """
    if is_postgres_url(url):
        # Imported only here: loading asyncpg costs every SQLite command a tenth of a second.
        from store.postgres.store import PgStore

        return await PgStore.open(url, pool_size=pool_size, migrate=migrate)
    return await Store.open(url, create=create, busy_timeout_ms=busy_timeout_ms)


async def open_services(
    settings: Settings,
    clock: Clock,
    *,
    create: bool = True,
    migrate: bool = False,
    telemetry: Telemetry | None = None,
) -> Services:
    """Open the database and build the services on it (see `open_storage`).

    `telemetry` is what the services count into (a running bot's metrics).
    """
    store = await open_storage(
        settings.database_url,
        create=create,
        migrate=migrate,
        busy_timeout_ms=settings.db_busy_timeout_ms,
        pool_size=settings.db_pool_size,
    )
    policy = settings.policy()
    signal = OutboxSignal()
    orders = OrderService(store, clock, policy, signal=signal, telemetry=telemetry)
    support_policy = SupportPolicy(
        unclaimed_after=settings.sla_unclaimed, unanswered_after=settings.sla_unanswered
    )
    support = SupportService(store, clock, orders, support_policy, settings.support_chat_id, signal)
    # One bot per SQLite file (its instance lock); PostgreSQL may have several at once.
    sole_writer = not is_postgres_url(settings.database_url)
    chat = ChatService(
        store, clock, policy, settings.online_window, signal=signal, sole_writer=sole_writer
    )
    notifications = NotificationService(store, clock, signal, lease=settings.lease)
    return Services(
        store=store,
        clock=clock,
        policy=policy,
        orders=orders,
        support=support,
        deadlines=DeadlineService(store, clock, policy, signal=signal, telemetry=telemetry),
        chat=chat,
        notifications=notifications,
        help_log=HelpLog(store, clock, telemetry),
        agents=AgentRoster(settings.support_agents, settings.support_chat_id, clock),
        reachability=Reachability(chat, orders, notifications, support),
        inbox=InboxService(store, clock, settings.lease),
        api_keys=ApiKeyService(store, clock),
        api_requests=IdempotencyService(store, clock),
        accounts=AccountService(
            store,
            clock,
            orders,
            ttl=settings.link_ttl,
            secret=settings.link_secret.get_secret_value() if settings.link_secret else None,
        ),
        webhooks=WebhookService(store, clock),
        webhook_sender=WebhookSender(
            store,
            clock,
            timeout=settings.events_timeout,
            lease=settings.lease,
            retry_for=settings.events_retry_for,
            telemetry=telemetry,
        ),
    )


def code_schema_version(settings: Settings) -> int:
    """The schema version this code expects of the settings' database (its newest migration)."""
    if is_postgres_url(settings.database_url):
        from store.postgres.migrations import known_version

        return known_version()
    return newest_migration()


def can_back_up_to_file(settings: Settings) -> bool:
    """Whether `kchat backup` can copy the settings' database to a file while the bot runs
    (SQLite's online backup); a database server has its own tools (PostgreSQL: pg_dump)."""
    return not is_postgres_url(settings.database_url)


async def back_up_to_file(settings: Settings, target: Path, *, force: bool) -> BackupMade:
    """A consistent copy of the database at `target` (BackupRefused: one line why not)."""
    return await backup_sqlite(settings.database_url, target, force=force)


def database_location(settings: Settings) -> Path | None:
    """The database file the settings name (None for an in-memory or a server database)."""
    if is_postgres_url(settings.database_url):
        return None
    return database_file(settings.database_url)


def database_name(settings: Settings) -> str:
    """The database as messages name it: its file, `:memory:`, or its URL sans password."""
    if is_postgres_url(settings.database_url):
        return display_url(settings.database_url)
    file = database_file(settings.database_url)
    return str(file) if file is not None else ":memory:"


def remove_database(file: Path) -> None:
    """Delete a database file with its journal files (a first command that failed; SQLite
    only: a server database is never removed)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{file}{suffix}").unlink(missing_ok=True)


def explain_storage_error(settings: Settings, exc: BaseException) -> str | None:
    """One line for a failure of the database itself; None when `exc` is something else."""
    if is_postgres_url(settings.database_url):
        from store.postgres.connection import describe as describe_postgres
        from store.postgres.connection import is_driver_error

        return describe_postgres(settings.database_url, exc) if is_driver_error(exc) else None
    if isinstance(exc, sqlite3.Error):
        return describe(database_file(settings.database_url), exc)
    return None
