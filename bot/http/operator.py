"""The operator's endpoints: `GET /healthz`, `/readyz` and `/metrics` (DESIGN.md §3).

- /healthz: 200 while the process runs (liveness: it answers even while the database opens).
- /readyz: 200 when every check is "ok"; 503 otherwise, with the first problem as `reason`.
- /metrics: Prometheus' text format; the backlog gauges are read from the database first
  (if it cannot be read, the rest is served and the gauges keep their last values).
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.health import CHECK_TIMEOUT, OK, Health
from bot.metrics import Metrics

log = logging.getLogger(__name__)


def add_operator_routes(app: web.Application, health: Health, metrics: Metrics) -> None:
    """Serve the three endpoints on `app`."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(request: web.Request) -> web.Response:
        checks = await health.readiness()
        problems = [f"{name}: {said}" for name, said in checks.items() if said != OK]
        if not problems:
            return web.json_response({"status": "ready", "checks": checks})
        body = {"status": "not ready", "reason": problems[0], "checks": checks}
        return web.json_response(body, status=503)

    async def metrics_text(request: web.Request) -> web.Response:
        if health.services is not None:
            try:
                await asyncio.wait_for(metrics.read_backlog(health.services), CHECK_TIMEOUT)
            except Exception as exc:  # the database is what /readyz reports on
                log.warning("metrics: could not read the backlog: %s", exc or type(exc).__name__)
        return web.Response(
            body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_text)
