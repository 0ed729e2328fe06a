"""Reaching PostgreSQL: the connection pool, and one line for what went wrong."""

from __future__ import annotations

import socket

import asyncpg

from bot.ports.errors import DatabaseUnavailable
from store.postgres.url import display_url

CONNECT_TIMEOUT_S = 10.0


def describe(url: str, exc: BaseException) -> str:
    """One line for a failure to reach or use the server `url` names."""
    where = f"the PostgreSQL database {display_url(url)}"
    if isinstance(exc, socket.gaierror):
        return f"cannot use {where}: its host name does not resolve ({exc.strerror})"
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot use {where}: no server answers there (connection refused)"
    if isinstance(exc, TimeoutError):
        return f"cannot use {where}: the server did not answer in {CONNECT_TIMEOUT_S:g}s"
    if isinstance(exc, OSError):
        return f"cannot use {where}: {exc.strerror or exc}"
    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        return f"cannot use {where}: the server refused the login ({message})"
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return f"cannot use {where}: {message}"
    return f"cannot use {where}: {message}"


def is_driver_error(exc: BaseException) -> bool:
    """An error of the driver or of the network under it (as opposed to a bug of ours)."""
    return isinstance(exc, asyncpg.PostgresError | asyncpg.InterfaceError | OSError)


async def open_pool(url: str, size: int) -> asyncpg.Pool:
    """A pool of up to `size` connections; the first one is made now, so a server that
    cannot be used is DatabaseUnavailable at once, in one line."""
    try:
        pool = await asyncpg.create_pool(
            url.strip(),
            min_size=1,
            max_size=size,
            timeout=CONNECT_TIMEOUT_S,
            server_settings={"application_name": "kchat"},
        )
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        raise DatabaseUnavailable(describe(url, exc)) from exc
    except ValueError as exc:  # asyncpg's word for a URL it cannot parse
        raise DatabaseUnavailable(f"cannot use {display_url(url)}: {exc}") from exc
    assert pool is not None
    return pool
