"""PostgreSQL URLs, without importing the driver (SQLite users never pay for it)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(url: str) -> bool:
    """True for `postgresql://…` and `postgres://…` URLs."""
    return url.strip().startswith(SCHEMES)


def display_url(url: str) -> str:
    """The URL without its password and query (for messages: a password is never shown)."""
    parts = urlsplit(url.strip())
    user_info, _, host = parts.netloc.rpartition("@")
    user = user_info.split(":", 1)[0]
    return urlunsplit((parts.scheme, f"{user}@{host}" if user else host, parts.path, "", ""))
