"""The one place tests get a database from: a SQLite file, or a PostgreSQL schema.

`KCHAT_TEST_BACKEND=postgres` runs the whole suite on PostgreSQL (the default is sqlite).
Each test then gets a fresh schema of its own, migrated, in a database made for this run
(`kchat_test_<pid>` on the server `KCHAT_TEST_POSTGRES_URL` names), reached by a URL that
sets `search_path`; the schemas are dropped after each test and the database after the run.
The URL works everywhere a SQLite URL did: the store, Settings, and `kchat` subprocesses.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import os
import sqlite3
import threading
from collections.abc import Coroutine
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

BACKEND = os.environ.get("KCHAT_TEST_BACKEND", "sqlite").strip().lower() or "sqlite"
if BACKEND not in ("sqlite", "postgres"):
    raise RuntimeError(f"KCHAT_TEST_BACKEND={BACKEND!r}: use sqlite or postgres")
SERVER_URL = os.environ.get(
    "KCHAT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)

T = TypeVar("T")


def on_postgres() -> bool:
    """True when this run's tests use PostgreSQL."""
    return BACKEND == "postgres"


def sqlite_url(path: Path) -> str:
    """The database URL of a file (absolute paths give `sqlite:////...`)."""
    return f"sqlite:///{path}"


def database_url(folder: Path, name: str = "kchat.db", *, migrated: bool = True) -> str:
    """The test's database `name` (in `folder` on SQLite): the same URL for the same pair.

    On PostgreSQL it is a new schema, migrated unless `migrated` is False (the product
    migrates only in `kchat migrate` there; SQLite migrates whenever it opens).
    """
    if not on_postgres():
        return sqlite_url(folder / name)
    return _server().schema_url(str(folder / name), migrated)


def fetch(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Run one statement (no parameters) on the test database at `url`, either backend,
    and commit; the rows it returns."""
    if not on_postgres():
        from store.connection import sqlite_path

        with closing(sqlite3.connect(sqlite_path(url))) as con:
            rows = [tuple(r) for r in con.execute(sql)]
            con.commit()
            return rows
    return _server().fetch(url, sql)


def dump(url: str) -> list[str]:
    """Everything in the database as lines of text: equal dumps, nothing was written."""
    if not on_postgres():
        from store.connection import sqlite_path

        with closing(sqlite3.connect(sqlite_path(url))) as con:
            return list(con.iterdump())
    tables = fetch(url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    lines = []
    for (table,) in sorted(tables):
        rows = fetch(url, f"SELECT x::text FROM {table} x")
        lines += sorted(f"{table}: {r[0]}" for r in rows)
    return lines


def drop_test_schemas() -> None:
    """Drop the schemas made since the last call (after each test)."""
    if on_postgres() and _SERVER is not None:
        _SERVER.drop_made()


class _Server:
    """The run's own database, and an event loop in a thread to administer it from both
    synchronous and asynchronous tests."""

    def __init__(self, url: str) -> None:
        import asyncpg

        self._asyncpg = asyncpg
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        self.name = f"kchat_test_{os.getpid()}"
        parts = urlsplit(url)
        self._server_url = url
        self.url = urlunsplit(parts._replace(path=f"/{self.name}", query=""))
        self._by_key: dict[str, str] = {}
        self._made: list[str] = []
        self._readers: dict[str, Any] = {}
        self._count = itertools.count(1)
        self._next: asyncio.Future[str] | None = None
        self._lock = asyncio.Lock()
        self._run(self._create())
        atexit.register(self.close)

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    async def _create(self) -> None:
        admin = await self._asyncpg.connect(self._server_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await admin.close()
        self._con = await self._asyncpg.connect(self.url)
        # A test that left a connection inside a transaction must not hang the next one.
        await self._con.execute("SET lock_timeout = '5s'")

    def schema_url(self, key: str, migrated: bool) -> str:
        if key not in self._by_key:
            schema = self._run(self._take(migrated))
            self._made.append(schema)
            self._by_key[key] = f"{self.url}?search_path={schema}"
        return self._by_key[key]

    async def _take(self, migrated: bool) -> str:
        # Making a migrated schema is some 40 statements of DDL: the next one is made while
        # the test that takes this one runs.
        if not migrated:
            return await self._make(migrated=False)
        if self._next is None:
            self._next = asyncio.ensure_future(self._make(migrated=True))
        schema = await self._next
        self._next = asyncio.ensure_future(self._make(migrated=True))
        return schema

    async def _make(self, *, migrated: bool) -> str:
        from store.postgres.migrations import migrate

        schema = f"t{next(self._count)}"
        async with self._lock:
            await self._con.execute(f"CREATE SCHEMA {schema}")
            if migrated:
                await self._con.execute(f"SET search_path = {schema}")
                try:
                    await migrate(self._con, schema)
                finally:
                    await self._con.execute("RESET search_path")
        return schema

    def fetch(self, url: str, sql: str) -> list[tuple[Any, ...]]:
        async def run() -> list[tuple[Any, ...]]:
            # One connection per test database, kept until the test ends (dumps are many).
            if url not in self._readers:
                self._readers[url] = await self._asyncpg.connect(url)
            return [tuple(r) for r in await self._readers[url].fetch(sql)]

        return self._run(run())

    def drop_made(self) -> None:
        made, self._made = self._made, []
        self._by_key.clear()
        readers, self._readers = self._readers, {}
        if made or readers:  # in the background: the next test need not wait for it
            asyncio.run_coroutine_threadsafe(self._drop(made, readers), self._loop)

    async def _drop(self, schemas: list[str], readers: dict[str, Any]) -> None:
        for reader in readers.values():
            await reader.close()
        async with self._lock:
            for schema in schemas:
                # Still in use (a lock held past the timeout): it goes with the database.
                with contextlib.suppress(self._asyncpg.PostgresError):
                    await self._con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    def close(self) -> None:
        async def drop() -> None:
            async with self._lock:
                await self._con.close()
            admin = await self._asyncpg.connect(self._server_url)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            finally:
                await admin.close()

        try:
            self._run(drop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)


_SERVER: _Server | None = None
_LOCK = threading.Lock()


def _server() -> _Server:
    global _SERVER
    with _LOCK:
        if _SERVER is None:
            _SERVER = _Server(SERVER_URL)
        return _SERVER


def server_problem(timeout: float = 3.0) -> str | None:
    """Why the PostgreSQL server for tests cannot be used (None: it answers and logs in)."""

    async def probe() -> None:
        import asyncpg

        con = await asyncpg.connect(SERVER_URL, timeout=timeout)
        await con.close()

    url = urlsplit(SERVER_URL)
    where = f"{url.hostname}:{url.port or 5432}"
    try:
        asyncio.run(probe())
    except ImportError:
        return "asyncpg is not installed"
    except (OSError, TimeoutError) as exc:
        return f"no server answers on {where} ({exc.strerror or exc})"
    except Exception as exc:  # the driver's refusals: login, missing database
        return f"the server on {where} refuses: {exc}"
    return None


if __name__ == "__main__":
    # `python -m tests.databases`: exit 0 when the PostgreSQL suite can run, else say why.
    problem = server_problem()
    if problem is not None:
        print(problem)
    raise SystemExit(0 if problem is None else 1)
