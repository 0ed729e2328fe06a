"""Order creation through the marketplace API over HTTP, against the same use case in-process.

The API app (`add_api_routes`, as `kchat api` serves it) listens on a free local port in
this process; aiohttp's client sends `POST /v1/orders` with keep-alive connections, one at
a time and eight at once, each with its own reference and Idempotency-Key, as
docs/integration.md shows. The baseline, measured in the same run on the same backend, is
what the handler calls: `OrderService.create_order` on the services the app is given, with
one and with eight tasks. HTTP without an Idempotency-Key is measured too, to show what
the key's bookkeeping costs. Each measurement has a fresh database; afterwards every order is
checked to be there once. The client runs in the same process as the server, so its own
work is part of the HTTP figure.

Run: python -m bench.api [-n 2000] [--backend sqlite|postgres]
     [--url postgresql://postgres@127.0.0.1:5432/postgres]
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.engine import T0
from bench.instances import Scratch
from bot.bootstrap import Services, open_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.model import Status
from bot.http.api import ApiContext, add_api_routes
from bot.http.rate_limit import RateLimit

WARMUP = 50  # orders created before the clock starts (connections, caches, statements)
CONCURRENCY = (1, 8)


def _order(i: int) -> dict[str, Any]:
    return {
        "buyer": {"telegram_id": 10_000 + i},
        "seller": {"telegram_id": 900_000 + i},
        "title": "Steam Wallet MYR 50",
        "price": "12.50",
        "currency": "MYR",
        "reference": f"shop-{i}",
    }


@asynccontextmanager
async def _services(url: str) -> AsyncIterator[Services]:
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    services = await open_services(settings, ManualClock(T0))
    try:
        yield services
    finally:
        await services.close()


async def _count(services: Services) -> int:
    async with services.store.read() as tx:
        return await tx.count_orders(Status.WAITING_PAYMENT)


async def _timed(n: int, tasks: int, create: Callable[[int], Awaitable[None]]) -> float:
    """Orders per second: `n` creations shared by `tasks` concurrent tasks, after a warm-up."""
    for i in range(WARMUP):
        await create(n + i)

    async def work(share: range) -> None:
        for i in share:
            await create(i)

    wall = time.perf_counter()
    await asyncio.gather(*(work(range(k, n, tasks)) for k in range(tasks)))
    return n / (time.perf_counter() - wall)


async def in_process(url: str, n: int, tasks: int) -> float:
    """The use case the API's handler calls, on the same kind of services."""
    async with _services(url) as services:

        async def create(i: int) -> None:
            o = _order(i)
            await services.orders.create_order(
                buyer_id=o["buyer"]["telegram_id"],
                seller_id=o["seller"]["telegram_id"],
                title=o["title"],
                price_minor=1250,
                currency=o["currency"],
                reference=o["reference"],
            )

        rate = await _timed(n, tasks, create)
        assert await _count(services) == n + WARMUP
    return rate


async def over_http(url: str, n: int, tasks: int, idempotent: bool = True) -> float:
    """`POST /v1/orders` over HTTP to the API app on a local port (with an Idempotency-Key
    each, or without: the key costs two more transactions, begin and finish)."""
    async with _services(url) as services:
        key = (await services.api_keys.create("bench", ("read", "write", "money"))).key
        app = web.Application()
        add_api_routes(app, ApiContext(RateLimit(10**9), "MYR", services))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        auth = {"Authorization": f"Bearer {key}"}
        try:
            connector = aiohttp.TCPConnector(limit=tasks)
            async with aiohttp.ClientSession(base, connector=connector, headers=auth) as http:

                async def create(i: int) -> None:
                    headers = {"Idempotency-Key": f"order-{i}"} if idempotent else {}
                    async with http.post("/v1/orders", json=_order(i), headers=headers) as r:
                        body = await r.read()
                        assert r.status == 201, (r.status, body[:300])

                rate = await _timed(n, tasks, create)
        finally:
            await runner.cleanup()
        assert await _count(services) == n + WARMUP
    return rate


async def main(a: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"backend": a.backend, "orders": a.orders}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Scratch(a.url, Path(tmp))
        try:
            print(f"order creation, {a.orders} orders, {a.backend}")
            for tasks in CONCURRENCY:
                base = await in_process(await scratch.url(a.backend), a.orders, tasks)
                http = await over_http(await scratch.url(a.backend), a.orders, tasks)
                bare = await over_http(await scratch.url(a.backend), a.orders, tasks, False)
                print(
                    f"   {tasks} at a time: in-process {base:6.0f}/s; HTTP {http:6.0f}/s "
                    f"({http / base:.2f}x), without Idempotency-Key {bare:6.0f}/s "
                    f"({bare / base:.2f}x)"
                )
                out[f"in_process_per_s_{tasks}"] = base
                out[f"http_per_s_{tasks}"] = http
                out[f"http_no_idempotency_key_per_s_{tasks}"] = bare
                out[f"http_vs_in_process_{tasks}"] = http / base
                out[f"http_no_idempotency_key_vs_in_process_{tasks}"] = bare / base
        finally:
            await scratch.drop()
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--orders", type=int, default=2000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args))))
