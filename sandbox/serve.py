"""`python -m sandbox`: serve the sandbox and its page on localhost until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from aiohttp import web

from bot.app import load_faq
from bot.domain.faq import FaqIndex
from sandbox.runner import HOST, Sandbox, SandboxError, sandbox_url
from sandbox.settings import SandboxSettings
from sandbox.web import build_web_app


def run_sandbox(settings: SandboxSettings, port: int | None = None) -> int:
    """Serve the page until Ctrl+C (`--port N` overrides); exit status 2 on bad setup."""
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from bot.help_center.loader import DocumentError

    try:
        faq = load_faq(settings)
    except DocumentError as exc:
        print(f"kchat: help-center documents: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(serve(settings, faq, settings.sandbox_port if port is None else port))
    except SandboxError as exc:
        print(f"kchat: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


async def serve(
    settings: SandboxSettings,
    faq: FaqIndex,
    port: int,
    *,
    stop: asyncio.Event | None = None,
) -> int:
    """Start the sandbox and its page on 127.0.0.1:`port`; run until `stop` (or a signal)."""
    sandbox = Sandbox(settings, faq)
    # Without a caller's event, Ctrl+C and SIGTERM stop it (a caller handles its own signals).
    handle_signals = stop is None
    stop = stop or asyncio.Event()
    runner = web.AppRunner(
        build_web_app(sandbox), handler_cancellation=True, shutdown_timeout=1.0, access_log=None
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, HOST, port)
        try:
            await site.start()
        except OSError as exc:
            raise SandboxError(
                f"cannot serve the sandbox page on {HOST}:{port} ({exc.strerror}); "
                "pass --port or set KCHAT_SANDBOX_PORT"
            ) from exc
        bound = runner.addresses[0][1]
        if handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, stop.set)
        try:
            await sandbox.start()
            print(
                f"KChat sandbox: open {sandbox_url(bound)} in your browser "
                "(the real bot against a local Telegram; Ctrl+C stops it)",
                flush=True,
            )
            api = sandbox.marketplace_api()
            if api is not None:
                print(
                    f"Marketplace API: {api['url']} with the key {api['key']} "
                    "(a new key at every start and reset; see docs/integration.md)",
                    flush=True,
                )
            await stop.wait()
        finally:
            await sandbox.stop()
    finally:
        await runner.cleanup()
    return 0
