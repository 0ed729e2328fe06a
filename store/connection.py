"""Opening the SQLite database with the settings money needs, and migrating it."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.ports.errors import DatabaseMissing, DatabaseUnavailable, SchemaTooNew

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def sqlite_path(url: str) -> str:
    """`sqlite:///rel.db` -> `rel.db`, `sqlite:////abs.db` -> `/abs.db`, `sqlite://:memory:`."""
    prefix = "sqlite://"
    if not url.startswith(prefix):
        raise ValueError(f"unsupported database URL {url!r}: expected sqlite:///path.db")
    rest = url[len(prefix) :]
    if rest in ("", "/:memory:", ":memory:"):
        return ":memory:"
    if not rest.startswith("/"):
        raise ValueError(f"unsupported database URL {url!r}: expected sqlite:///path.db")
    return rest[1:]


def database_file(url: str) -> Path | None:
    """The absolute path of the database file `url` names; None for an in-memory database."""
    path = sqlite_path(url)
    return None if path == ":memory:" else Path(path).absolute()


def _where(file: Path | None) -> str:
    return f"the database at {file}" if file is not None else "the in-memory database"


def describe(file: Path | None, exc: sqlite3.Error | OSError) -> str:
    """One line for an error SQLite or the file system gave about the database."""
    where = _where(file)
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in reason:
        return (
            f"{where} stayed locked by another process for longer than the busy timeout "
            f"({reason}); try again"
        )
    return f"cannot use {where}: {reason}"


async def connect(
    url: str, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> aiosqlite.Connection:
    """Open the database: WAL, synchronous=FULL (a committed payment survives power loss).

    Without `create`, a missing file is DatabaseMissing rather than a new empty database.
    Any failure is DatabaseUnavailable, with nothing left open: an aiosqlite connection
    that is not closed keeps its worker thread, and with it the process, alive.
    """
    file = database_file(url)
    if file is not None:
        if file.is_dir():
            raise DatabaseUnavailable(f"the database path {file} is a directory, not a file")
        if not create and not file.exists():
            raise DatabaseMissing(file)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(describe(file, exc)) from exc
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a transaction takes
        # the write lock before it reads what it will change. check_same_thread=False: the
        # store runs its statements on the loop's thread (store/queries.py), one at a time.
        db = await aiosqlite.connect(
            ":memory:" if file is None else str(file),
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(describe(file, exc)) from exc
    try:
        await db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = FULL")
        await db.execute("PRAGMA foreign_keys = ON")
        await migrate(db, where=_where(file))
    except BaseException as exc:
        # The error that stopped us is the one to report, not a failure to close after it.
        with contextlib.suppress(Exception):
            await db.close()
        if isinstance(exc, sqlite3.Error):
            raise DatabaseUnavailable(describe(file, exc)) from exc
        raise
    return db


async def schema_version(db: aiosqlite.Connection) -> int:
    """The highest migration applied."""
    async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


def newest_migration() -> int:
    """The version of the newest migration this code ships."""
    return max(version for version, _, _ in _migrations())


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("store") / "migrations" / "sqlite"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            version = int(item.name.split("_", 1)[0])
            found.append((version, item.name, item.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(db: aiosqlite.Connection, where: str = "the database") -> int:
    """Apply every migration not yet applied, each in its own transaction; return the version.

    A database migrated by a newer kchat is refused (SchemaTooNew): this code would misread
    tables it does not know.
    """
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
    )
    async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    known = _migrations()
    newest = max((v for v, _, _ in known), default=0)
    if current > newest:
        raise SchemaTooNew(where, current, newest)
    for version, name, sql in known:
        if version <= current:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            # Re-check under the write lock: another process may have migrated meanwhile.
            async with db.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
            ) as cur:
                if await cur.fetchone():
                    await db.execute("ROLLBACK")
                    continue
            for statement in _split(sql):
                await db.execute(statement)
            await db.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name)
            )
            await db.execute("COMMIT")
            log.info("applied migration %s", name)
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        current = version
    return current


def _split(sql: str) -> list[str]:
    lines = [ln for ln in sql.splitlines() if not ln.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
