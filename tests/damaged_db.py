"""Databases a disk or an operator can leave behind, for tests of what `kchat` does with them."""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from store.connection import connect

# What each damage does, as SQLite says it (the end of the one line kchat prints).
DAMAGES = {
    "garbage": "file is not a database",
    "truncated": "database disk image is malformed",
    "read-only file": "attempt to write a readonly database",
    "read-only directory": "attempt to write a readonly database",
    "directory": "is a directory, not a file",
}


def healthy(path: Path) -> Path:
    """A migrated KChat database holding a little data, checkpointed into one file."""

    async def build() -> None:
        db = await connect(f"sqlite:///{path}")
        await db.close()

    asyncio.run(build())
    with closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE padding (x BLOB)")
        con.executemany("INSERT INTO padding VALUES (?)", [(os.urandom(2000),)] * 50)
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def damage(kind: str, folder: Path) -> Path:
    """A database file (or what stands where it should be) damaged in the way `kind` says."""
    if kind == "directory":
        path = folder / "kchat.db"
        path.mkdir()
        return path
    if kind == "read-only directory":
        inner = folder / "locked"
        inner.mkdir()
        path = healthy(inner / "kchat.db")
        inner.chmod(stat.S_IRUSR | stat.S_IXUSR)
        return path
    path = folder / "kchat.db"
    if kind == "garbage":
        path.write_bytes(b"this is not an SQLite database\n" * 200)
    elif kind == "truncated":
        data = healthy(path).read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif kind == "read-only file":
        healthy(path).chmod(stat.S_IRUSR)
    else:  # pragma: no cover - a typo in a test
        raise ValueError(kind)
    return path


def fingerprint(path: Path) -> dict[str, str]:
    """The files in the database's folder and a hash of their bytes: "nothing changed".

    SQLite's shared-memory index (-shm) is left out, and an empty write-ahead log counts as
    none: a reader of a read-only file creates both, and neither holds a change.
    """
    folder = path if path.is_dir() else path.parent
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.iterdir())
        if not p.name.endswith("-shm") and not (p.name.endswith("-wal") and not p.stat().st_size)
    }


def restore(path: Path) -> None:
    """Make a damaged folder removable again (pytest cleans up tmp_path)."""
    for p in (path.parent, path):
        if p.exists():
            p.chmod(p.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)


_PR_CAPBSET_DROP = 24
# CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER: what lets root ignore file modes.
_FILE_MODE_CAPS = (1, 2, 3)


def _drop_file_mode_override() -> None:  # pragma: no cover - runs in the child
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _FILE_MODE_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            os._exit(99)


def as_plain_user() -> Callable[[], None] | None:
    """`preexec_fn` for a child that obeys file modes even when the tests run as root."""
    if os.geteuid() != 0:
        return None
    if not hasattr(ctypes, "CDLL"):  # pragma: no cover
        pytest.skip("cannot drop root's file-mode override here")
    return _drop_file_mode_override
