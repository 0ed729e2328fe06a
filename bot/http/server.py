"""One aiohttp application on KCHAT_HTTP_HOST:KCHAT_HTTP_PORT, started and stopped with the bot.

Routes are added to `app` before `start`; the operator's endpoints are the first, and
others (the marketplace API) add theirs beside them. It runs on the bot's event loop, in
polling and in webhook mode alike (the webhook has its own port, served by PTB).
"""

from __future__ import annotations

from aiohttp import web


class HttpPortUnavailable(Exception):
    """The HTTP port could not be opened (taken, not allowed, an unknown host)."""


class HttpServer:
    """The application and the socket it listens on."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.app = web.Application()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen; HttpPortUnavailable (one line) if the address cannot be had."""
        # No access log: Prometheus and health probes call every few seconds.
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as exc:
            await runner.cleanup()
            reason = exc.strerror or str(exc)
            raise HttpPortUnavailable(
                f"cannot serve HTTP on {self.host}:{self.port} ({reason}); "
                "set KCHAT_HTTP_PORT to a free port, or leave it empty for none"
            ) from exc
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening and finish the requests in progress."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
