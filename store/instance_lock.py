"""One bot process per database: an advisory lock on a file beside the SQLite file.

Two `kchat run` on one database would both poll Telegram, both drain the outbox (every
notice sent twice) and each keep its own in-memory chat state. The lock is `flock` on
`<database>.lock`: the kernel drops it when the process ends, however it ends (SIGKILL
included), so a stale lock cannot block a restart. The command line does not take it:
its commands are meant to share the database with a running bot.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from bot.ports.errors import DatabaseUnavailable
from store.connection import database_file


class AlreadyRunning(Exception):
    """Another process holds the database's instance lock."""

    def __init__(self, database: Path, holder: str) -> None:
        who = f" (pid {holder})" if holder else ""
        super().__init__(f"another kchat run is already using the database at {database}{who}")
        self.database = database
        self.holder = holder


class InstanceLock:
    """Held from `acquire` until `release` or the end of the process."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def acquire(cls, url: str) -> InstanceLock | None:
        """Take the lock of the database `url` names (None for an in-memory database).

        AlreadyRunning if another process holds it; DatabaseUnavailable if the lock file
        cannot be created.
        """
        file = database_file(url)
        if file is None:
            return None
        # Resolve symlinks and relative spellings: one file, one lock.
        path = file.resolve().with_name(file.resolve().name + ".lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise DatabaseUnavailable(f"cannot create the lock file {path}: {reason}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise AlreadyRunning(file, holder) from None
        except OSError as exc:
            os.close(fd)
            raise DatabaseUnavailable(f"cannot lock {path}: {exc.strerror}") from exc
        # Who holds it, for the message the next one prints (the lock itself is the flock).
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return cls(fd, path)

    def release(self) -> None:
        """Let another instance start (closing the file drops the flock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _read(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 32, 0).decode(errors="replace").strip()
    return ""
