"""A marketplace's webhook receiver for tests: a real aiohttp server that records each POST
and answers what the test tells it to; and the docs' `verify()`, taken from the docs."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

DOC = Path(__file__).resolve().parent.parent / "docs" / "integration.md"
_BLOCK = re.compile(r"<!-- verify-example:[^>]*-->\s*```python\n(.*?)```", re.S)


def doc_verify() -> Callable[..., dict[str, Any]]:
    """The `verify` function exactly as docs/integration.md shows it."""
    match = _BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert match is not None, "the docs lost their verify() example"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOC), "exec"), namespace)  # our own docs
    verify: Callable[..., dict[str, Any]] = namespace["verify"]
    return verify


@dataclass
class Received:
    """One POST as the receiver got it."""

    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    """Records every POST; answers 500 to the events `refuse` picks (by their type and
    order), 200 to the others. `hang` keeps a request open until the client gives up."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    refuse: Callable[[str, str], bool] = lambda event_type, order_id: False
    hang: bool = False
    released: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        event = json.loads(body)
        status = 500 if self.refuse(event["type"], event["data"]["id"]) else 200
        self.received.append(Received(dict(request.headers), body, status))
        async with self.arrived:
            self.arrived.notify_all()
        if self.hang:
            await self.released.wait()  # the sender gives up first; the test's end ends it
        return web.Response(status=status, text="ok")

    async def wait_for(self, count: int) -> list[Received]:
        """What arrived once `count` requests have (a background sender's); TimeoutError
        after ten seconds."""
        async with asyncio.timeout(10), self.arrived:
            await self.arrived.wait_for(lambda: len(self.received) >= count)
        return list(self.received)

    def types(self, order_id: str | None = None) -> list[str]:
        """The event types received (every attempt), in order, of one order or all."""
        return [
            e["type"]
            for e in (json.loads(r.body) for r in self.received)
            if order_id is None or e["data"]["id"] == order_id
        ]


@asynccontextmanager
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver listening on a free local port."""
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/events", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    rec.url = f"http://127.0.0.1:{port}/events"
    try:
        yield rec
    finally:
        rec.released.set()
        await runner.cleanup()
