"""Opening the SQLite database with the settings money needs, and migrating it."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import aiosqlite

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


async def connect(url: str) -> aiosqlite.Connection:
    """Open the database: WAL, synchronous=FULL (a committed payment survives power loss)."""
    path = sqlite_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a transaction takes the
    # write lock before it reads what it will change.
    db = await aiosqlite.connect(path, isolation_level=None)
    await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = FULL")
    await db.execute("PRAGMA foreign_keys = ON")
    await migrate(db)
    return db


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("store") / "migrations"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            version = int(item.name.split("_", 1)[0])
            found.append((version, item.name, item.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply every migration not yet applied, each in its own transaction; return the version."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
    )
    async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    for version, name, sql in _migrations():
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
