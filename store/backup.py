"""A consistent copy of a SQLite database while the bot keeps writing to it.

SQLite's online backup API copies the database page by page as one reader: the copy is
the database as of one commit, whatever is written meanwhile (WAL lets the bot go on).
The copy is written beside the target under a temporary name, checked, and only then
renamed into place, so a failed backup never leaves a half-written file where a good one
is expected.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.ports.errors import BackupRefused, DatabaseMissing, DatabaseUnavailable
from store.connection import database_file, describe


@dataclass(frozen=True)
class BackupMade:
    """What was copied where."""

    source: Path
    target: Path
    size: int
    schema_version: int
    orders: int


async def backup_sqlite(url: str, target: Path, *, force: bool = False) -> BackupMade:
    """Copy the database `url` names to `target` (refused if it exists, unless `force`)."""
    source, target = _paths(url, target, force)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        made = await _copy(source, partial)
        size = _put_in_place(partial, target, force)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return BackupMade(source, target, size, *made)


def _paths(url: str, target: Path, force: bool) -> tuple[Path, Path]:
    """The database file and the absolute target, or BackupRefused / DatabaseMissing."""
    source = database_file(url)
    if source is None:
        raise BackupRefused("an in-memory database has nothing to back up")
    if source.is_dir():
        raise DatabaseUnavailable(f"the database path {source} is a directory, not a file")
    if not source.exists():
        raise DatabaseMissing(source)
    target = target.absolute()
    if target == source or (target.exists() and target.samefile(source)):
        raise BackupRefused(f"{target} is the database itself; give another path")
    if target.is_dir():
        raise BackupRefused(f"{target} is a directory; give a file path")
    if target.exists() and not force:
        raise BackupRefused(f"{target} already exists; add --force to overwrite it")
    if not target.parent.is_dir():
        raise BackupRefused(f"the folder {target.parent} does not exist")
    return source, target


def _put_in_place(partial: Path, target: Path, force: bool) -> int:
    """Rename the finished copy to `target`; its size."""
    if target.exists() and not force:  # appeared while we copied
        raise BackupRefused(f"{target} already exists; add --force to overwrite it")
    partial.replace(target)
    return target.stat().st_size


async def _copy(source: Path, partial: Path) -> tuple[int, int]:
    """Back `source` up into the new file `partial`; (schema version, orders) of the copy."""
    try:
        # mode=rw: never creates the database (nor migrates it: only the backup reads it).
        # Not read-only: the last connection to close removes the WAL files, as the bot's do.
        src = await aiosqlite.connect(f"{source.as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(describe(source, exc)) from exc
    try:
        dst = await aiosqlite.connect(str(partial))
        try:
            await src.backup(dst)
            # The copy stands alone: no WAL beside it (DELETE journal), and SQLite vouches
            # for every page of it.
            await dst.execute("PRAGMA journal_mode = DELETE")
            async with dst.execute("PRAGMA quick_check") as cur:
                check = await cur.fetchone()
            if check is None or check[0] != "ok":
                raise BackupRefused(f"the copy failed SQLite's check: {check}")
            return await _describe(dst)
        finally:
            await dst.close()
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(describe(source, exc)) from exc
    except OSError as exc:
        raise BackupRefused(f"cannot write {partial.parent}: {exc.strerror or exc}") from exc
    finally:
        await src.close()


async def _describe(db: aiosqlite.Connection) -> tuple[int, int]:
    """(schema version, orders) of a KChat database; zeros for one with no tables yet."""
    try:
        async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
            version = await cur.fetchone()
        async with db.execute("SELECT COUNT(*) FROM orders") as cur:
            orders = await cur.fetchone()
    except sqlite3.OperationalError:  # not migrated yet
        return 0, 0
    return int(version[0]) if version else 0, int(orders[0]) if orders else 0
