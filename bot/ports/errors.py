"""Failures a storage backend reports in terms the use cases and entry points understand."""

from __future__ import annotations

from pathlib import Path


class DatabaseUnavailable(Exception):
    """The database cannot be opened or used; the message says where and why, in one line."""


class DatabaseMissing(DatabaseUnavailable):
    """There is no database at `path`, and this caller may not create one."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no database at {path}")
        self.path = path


class BackupRefused(Exception):
    """No backup was made (the target exists, its folder is missing, ...): one line why."""


class ConcurrentUpdate(Exception):
    """The order changed since it was read (its version moved): read it again and retry."""


class DuplicateTransaction(Exception):
    """A ledger transaction with this key was already posted: the money moved once already."""


class SchemaTooNew(DatabaseUnavailable):
    """The database was migrated by a newer kchat: this one would misread it."""

    def __init__(self, where: str, found: int, known: int) -> None:
        super().__init__(
            f"{where} has schema version {found}, newer than this kchat knows ({known}); "
            "upgrade kchat, or point KCHAT_DATABASE_URL at another database"
        )
        self.found = found
        self.known = known


class MigrationsPending(DatabaseUnavailable):
    """The database is older than the code: `kchat migrate` brings it up to date."""

    def __init__(self, where: str, found: int, known: int) -> None:
        super().__init__(
            f"{where} is at schema version {found} and this kchat needs {known}: "
            "run `kchat migrate`"
        )
        self.found = found
        self.known = known
