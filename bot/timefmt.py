"""Timestamps as fixed-width UTC text: sortable as text, portable across databases."""

from __future__ import annotations

from datetime import UTC, datetime

_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db(dt: datetime) -> str:
    """Aware datetime to its stored form."""
    if dt.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return dt.astimezone(UTC).strftime(_FMT)


def from_db(text: str) -> datetime:
    """Stored form back to an aware UTC datetime."""
    return datetime.strptime(text, _FMT).replace(tzinfo=UTC)
