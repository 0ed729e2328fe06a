"""PostgreSQL migrations: `store/migrations/postgres/`, with SQLite's version numbers.

Only `kchat migrate` applies them (`migrate`); everything else checks that none is pending
(`require_current`) and refuses to start otherwise. Two instances migrating at once take
turns on an advisory lock, and each migration commits with its row in schema_migrations.
"""

from __future__ import annotations

import logging
from importlib import resources

import asyncpg

from bot.ports.errors import MigrationsPending, SchemaTooNew

log = logging.getLogger(__name__)

# pg_advisory_lock's key for "migrating kchat's schema" (any constant of our own will do).
MIGRATION_LOCK = 0x6B636861_74000001


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration this code knows, in order."""
    folder = resources.files("store") / "migrations" / "postgres"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            version = int(item.name.split("_", 1)[0])
            found.append((version, item.name, item.read_text(encoding="utf-8")))
    return sorted(found)


def known_version() -> int:
    """The newest schema version this code knows."""
    return max((v for v, _, _ in migrations()), default=0)


async def current_version(con: asyncpg.Connection) -> int:
    """The newest migration applied (0 on a database kchat never migrated)."""
    exists = await con.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return 0
    return int(await con.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))


def _refuse_newer(where: str, found: int) -> None:
    if found > known_version():
        raise SchemaTooNew(where, found, known_version())


async def require_current(con: asyncpg.Connection, where: str) -> int:
    """The schema version, if it is exactly the one this code knows; refused otherwise."""
    found = await current_version(con)
    _refuse_newer(where, found)
    if found < known_version():
        raise MigrationsPending(where, found, known_version())
    return found


async def migrate(con: asyncpg.Connection, where: str) -> int:
    """Apply every pending migration, each in its own transaction; the version reached."""
    await con.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
        # Read under the lock: another instance may have migrated while we waited for it.
        current = await current_version(con)
        _refuse_newer(where, current)
        for version, name, sql in migrations():
            if version <= current:
                continue
            async with con.transaction():
                await con.execute(sql)  # the whole file at once (simple query protocol)
                await con.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name
                )
            log.info("applied migration %s", name)
            current = version
        return current
    finally:
        await con.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
