"""One place where the store, the clock and the services meet.

The composition root: the only module, with `bot.app`, that knows which storage backend
implements the ports. Entry points (the bot, the command line) ask it for services and
for what a storage failure means in one line.
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
from bot.services.agents import AgentRoster
from bot.services.chat import ChatService
from bot.services.deadlines import DeadlineService
from bot.services.help_log import HelpLog
from bot.services.notifications import NotificationService, OutboxSignal
from bot.services.orders import OrderService
from bot.services.reachability import Reachability
from bot.services.support import SupportService
from bot.services.telemetry import Telemetry
from store.backup import BackupMade, backup_sqlite
from store.connection import database_file, describe, newest_migration
from store.sqlite_store import Store


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

    async def schema_version(self) -> int:
        """The newest migration the database has."""
        return await self.store.schema_version()

    async def close(self) -> None:
        """Close the store (once what was recorded meanwhile is committed)."""
        await self.chat.settled()
        await self.store.close()


async def open_services(
    settings: Settings, clock: Clock, *, create: bool = True, telemetry: Telemetry | None = None
) -> Services:
    """Open the database (migrating it) and build the services on it.

    Without `create`, a missing database is DatabaseMissing rather than a new empty one.
    `telemetry` is what the services count into (a running bot's metrics).
    """
    store = await Store.open(
        settings.database_url, create=create, busy_timeout_ms=settings.db_busy_timeout_ms
    )
    policy = settings.policy()
    signal = OutboxSignal()
    orders = OrderService(store, clock, policy, signal=signal, telemetry=telemetry)
    support_policy = SupportPolicy(
        unclaimed_after=settings.sla_unclaimed, unanswered_after=settings.sla_unanswered
    )
    support = SupportService(store, clock, orders, support_policy, settings.support_chat_id, signal)
    chat = ChatService(store, clock, policy, settings.online_window, signal=signal)
    notifications = NotificationService(store, clock, signal)
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
    )


def code_schema_version(settings: Settings) -> int:
    """The schema version this code expects of the settings' database (its newest migration)."""
    return newest_migration()


def can_back_up_to_file(settings: Settings) -> bool:
    """Whether `kchat backup` can copy the settings' database to a file while the bot runs
    (SQLite's online backup); a database server has its own tools (PostgreSQL: pg_dump)."""
    return settings.database_url.startswith("sqlite:")


async def back_up_to_file(settings: Settings, target: Path, *, force: bool) -> BackupMade:
    """A consistent copy of the database at `target` (BackupRefused: one line why not)."""
    return await backup_sqlite(settings.database_url, target, force=force)


def database_location(settings: Settings) -> Path | None:
    """The database file the settings name (None for an in-memory database)."""
    return database_file(settings.database_url)


def remove_database(file: Path) -> None:
    """Delete a database file with its journal files (a first command that failed)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{file}{suffix}").unlink(missing_ok=True)


def explain_storage_error(settings: Settings, exc: BaseException) -> str | None:
    """One line for a failure of the database itself; None when `exc` is something else."""
    if isinstance(exc, sqlite3.Error):
        return describe(database_file(settings.database_url), exc)
    return None
