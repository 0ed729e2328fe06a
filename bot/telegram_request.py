"""python-telegram-bot's HTTP client on aiohttp.

PTB talks to Telegram through httpx by default. Profiled relaying chat messages, httpx with
httpcore and anyio cost more CPU per call than everything KChat itself does for a relay:
httpcore looks up which async library is running on every request (a failing import of
`sniffio` each time when it is not installed, stat calls included), and anyio wraps every
socket operation. aiohttp, which KChat already runs for its own HTTP server and webhooks,
keeps a plain asyncio connection pool. This class is what PTB's `BaseRequest` asks of a
client: send one call, give back the status and the body; PTB itself still turns statuses
into its errors (429 into RetryAfter, 403 into Forbidden...) and parses the answer.

`KCHAT_TELEGRAM_CLIENT=httpx` goes back to PTB's own client.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's defaults for its own client (telegram.request.HTTPXRequest).
READ_TIMEOUT_S = 5.0
WRITE_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5.0
POOL_TIMEOUT_S = 1.0
MEDIA_WRITE_TIMEOUT_S = 20.0


def _given(value: Any, default: float | None) -> float | None:
    """A timeout PTB passed through, or ours when it passed its DEFAULT_NONE marker."""
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value


class AiohttpRequest(BaseRequest):
    """One connection pool to the Bot API, opened by `initialize` and closed by `shutdown`."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        *,
        read_timeout: float | None = READ_TIMEOUT_S,
        write_timeout: float | None = WRITE_TIMEOUT_S,
        connect_timeout: float | None = CONNECT_TIMEOUT_S,
        pool_timeout: float | None = POOL_TIMEOUT_S,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT_S,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to a long poll's own timeout)."""
        return self._read

    @read_timeout.setter
    def read_timeout(self, seconds: float | None) -> None:
        self._read = seconds

    async def initialize(self) -> None:
        """Open the pool (once; PTB may call this more than once)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, keepalive_timeout=60),
                headers={"User-Agent": self.USER_AGENT},
                # Telegram's answers are JSON whatever their status; PTB reads the status.
                raise_for_status=False,
            )

    async def shutdown(self) -> None:
        """Close the pool and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one Bot API call; the status and the body of Telegram's answer."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        body: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            body = request_data.json_parameters
            if files:
                body = _form(body, files)
        write = _given(write_timeout, self._media_write if files else self._write)
        read = _given(read_timeout, self._read)
        # aiohttp has no separate write timeout: the call as a whole may take the write and
        # the read time; connecting (and waiting for a free connection) has its own limits.
        total = None if write is None or read is None else write + read
        timeout = aiohttp.ClientTimeout(
            total=total,
            connect=_given(pool_timeout, self._pool),
            sock_connect=_given(connect_timeout, self._connect),
            sock_read=read,
        )
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as res:
                return res.status, await res.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


def _form(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    """A multipart body: the call's parameters as text fields, then its files."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
