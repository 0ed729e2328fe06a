"""The PostgreSQL store: a pool of connections, one unit of work per connection.

Unlike SQLite's single connection, units of work here run at once, in this process and
in others. A transaction reads the orders it may change FOR UPDATE (see `PgQueries`), so
read-check-write on an order is serialized by the row lock; ledger keys, one open ticket
per order and kind, and the upserts make every other racing write atomic in SQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from bot.ports.errors import ConcurrentUpdate, DatabaseUnavailable
from store.postgres import migrations
from store.postgres.accounts import AccountTables
from store.postgres.api import ApiTables
from store.postgres.chat import ChatTables
from store.postgres.connection import describe, open_pool
from store.postgres.deadlines import DeadlineTables
from store.postgres.help import HelpTables
from store.postgres.inbox import InboxTables
from store.postgres.ledger import LedgerTables
from store.postgres.orders import OrderTables
from store.postgres.outbox import OutboxTables
from store.postgres.support import SupportTables
from store.postgres.url import display_url
from store.postgres.users import UserTables
from store.postgres.webhooks import WebhookTables


class PgTx(
    OrderTables,
    LedgerTables,
    DeadlineTables,
    OutboxTables,
    UserTables,
    ChatTables,
    SupportTables,
    HelpTables,
    InboxTables,
    ApiTables,
    AccountTables,
    WebhookTables,
):
    """The operations available inside one unit of work."""


class PgStore:
    """The database behind a pool; `transaction()` units run concurrently."""

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self.url = url
        self.where = f"the PostgreSQL database {display_url(url)}"
        # Transactions of this process still running: each one's future is done at its end.
        self._writing: set[asyncio.Future[None]] = set()

    @classmethod
    async def open(cls, url: str, *, pool_size: int = 10, migrate: bool = False) -> PgStore:
        """Connect; with `migrate`, apply pending migrations, else refuse a database that
        has any (MigrationsPending) or is newer than this code (SchemaTooNew)."""
        pool = await open_pool(url, pool_size)
        store = cls(pool, url)
        try:
            async with pool.acquire() as con:
                if migrate:
                    await migrations.migrate(con, store.where)
                else:
                    await migrations.require_current(con, store.where)
        except BaseException as exc:
            await pool.close()
            if isinstance(exc, asyncpg.PostgresError | asyncpg.InterfaceError | OSError):
                raise DatabaseUnavailable(describe(url, exc)) from exc
            raise
        return store

    async def schema_version(self) -> int:
        """The newest migration applied to this database."""
        async with self._pool.acquire() as con:
            return await migrations.current_version(con)

    async def close(self) -> None:
        """Close every connection (waiting for units of work in progress to finish)."""
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTx]:
        """One atomic unit of work: everything inside commits together or not at all."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._writing.add(done)
        try:
            async with self._pool.acquire() as con:
                try:
                    async with con.transaction():
                        yield PgTx(con, locking=True)
                except asyncpg.TransactionRollbackError as exc:
                    # A deadlock or serialization failure: the server rolled it back; what
                    # was read is stale, as after a version mismatch.
                    raise ConcurrentUpdate(str(exc)) from exc
        finally:
            self._writing.discard(done)
            done.set_result(None)

    async def _after_own_writes(self) -> None:
        """Wait for the transactions this process began before now.

        A read sees what this process wrote before it asked, as on SQLite, where units of
        work take turns: the copy of a relay, recorded in the background, is found by the
        reply to it that comes next. Other processes' commits are seen as they land.
        """
        if self._writing:
            await asyncio.wait(list(self._writing))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[PgTx]:
        """Reads outside a transaction; each statement sees what is committed when it runs."""
        await self._after_own_writes()
        async with self._pool.acquire() as con:
            yield PgTx(con)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[PgTx]:
        """Several reads that agree even while other processes write (audits)."""
        await self._after_own_writes()
        async with (
            self._pool.acquire() as con,
            con.transaction(isolation="repeatable_read", readonly=True),
        ):
            yield PgTx(con)
