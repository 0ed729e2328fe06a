"""The marketplace API fuzzed from its committed OpenAPI document (docs/openapi.json).

Schemathesis generates requests for every operation the document names (valid and
invalid bodies, parameters and headers) and sends them over real HTTP to the real app,
served on a free local port on the test's own database. Every answer must be no server
error and must match the document (status, content type, headers, body); every refused
request (4xx) must leave the database as it was; and the same request without a valid
key must be a 401 that changes nothing either.

The document is read generically: an operation added to it is fuzzed with no change here.
Bounded and repeatable: a fixed seed, derandomized, a few dozen examples per operation.
Run only this file with `pytest tests/test_api_fuzz.py`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.bootstrap import Services, open_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.linking import Party
from bot.http.api import ApiContext, add_api_routes
from bot.http.rate_limit import RateLimit
from tests.databases import dump

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 50  # per operation and phase: the whole run stays well under a minute
# Fixed, so every run sends the same requests; KCHAT_FUZZ_SEED=N explores other ones.
SEED = int(os.environ.get("KCHAT_FUZZ_SEED", "14"))
BUYER, SELLER = 1001, 2002
# Accounts and references that exist: one linked, one with an order waiting for it.
ACCOUNTS = ("seed-linked", "seed-unlinked")
REFERENCES = ("seed-unpaid", "seed-waiting")

T = TypeVar("T")

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    }
)
schema = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.json", config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


class LiveApi:
    """The API app on a free port of 127.0.0.1, on an event loop in a thread of its own, so
    that schemathesis' blocking client can call it from the test."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.order_ids: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.services, self.runner, self.keys, port = self._run(self._start())
        self.base_url = f"http://127.0.0.1:{port}"
        self.session = requests.Session()

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    async def _start(self) -> tuple[Services, web.AppRunner, dict[str, str], int]:
        settings = Settings(_env_file=None, database_url=self.db_url)  # type: ignore[call-arg]
        services = await open_services(settings, ManualClock())
        keys = {
            "all": (await services.api_keys.create("all", ("read", "write", "money"))).key,
        }
        revoked = await services.api_keys.create("revoked", ("read", "write", "money"))
        await services.api_keys.revoke("revoked")
        keys["revoked"] = revoked.key
        # Something for the generated requests to act on: an unpaid order, a paid one, a
        # closed one, and a balance.
        for n, reference in enumerate(("seed-unpaid", "seed-paid", "seed-closed")):
            order = await services.orders.create_order(
                buyer_id=BUYER + n,
                seller_id=SELLER,
                title="Steam Wallet MYR 50",
                price_minor=1250,
                currency="MYR",
                reference=reference,
            )
            self.order_ids.append(order.id)
            if reference == "seed-paid":
                await services.orders.mark_paid_external(order.id)
            if reference == "seed-closed":
                await services.orders.cancel(order.id, BUYER + n, "")
        await services.orders.top_up(BUYER, 5000, "MYR", "seed")
        linked = await services.accounts.issue_link("seed-linked")
        await services.accounts.link(linked.payload, BUYER + 1)
        await services.accounts.place_order(
            buyer=Party(account="seed-unlinked"),
            seller=Party(telegram_id=SELLER),
            title="Steam Wallet MYR 50",
            price_minor=1250,
            currency="MYR",
            reference="seed-waiting",
        )

        async def username() -> str:
            return "kchat_test_bot"

        app = web.Application()
        add_api_routes(app, ApiContext(RateLimit(10**6), "MYR", services, bot_username=username))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        return services, runner, keys, port

    def close(self) -> None:
        self.session.close()

        async def stop() -> None:
            await self.runner.cleanup()
            await self.services.close()

        try:
            self._run(stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    def state(self) -> list[str]:
        """Everything in the database. A refused request may leave nothing behind, not even
        its Idempotency-Key's row (made before the use case runs, removed when it refuses)."""
        return dump(self.db_url)


def _changes(before: list[str], after: list[str]) -> str:
    gone, new = set(before) - set(after), set(after) - set(before)
    return "\n".join(
        [*(f"- {x[:200]}" for x in sorted(gone)), *(f"+ {x[:200]}" for x in sorted(new))]
    )


@pytest.fixture
def live(db_url: str) -> Iterator[LiveApi]:
    served = LiveApi(db_url)
    yield served
    served.close()


# Ways of not being authenticated, taken in turn: no header, an unknown key, a revoked key,
# another scheme.
NO_KEYS = itertools.cycle([None, "Bearer kc_unknown_key", "revoked", "Basic a2NoYXQ6a2NoYXQ="])


def _auth(live: LiveApi, kind: str | None) -> dict[str, str]:
    if kind is None:
        return {}
    if kind in live.keys:
        return {"Authorization": f"Bearer {live.keys[kind]}"}
    return {"Authorization": kind}


def _unrouted(response: schemathesis.Response) -> bool:
    """The request named no route (an unknown path or method): routing answers first."""
    if response.status_code == 405:
        return True
    body = response.json() if response.status_code == 404 else {}
    return str(body.get("detail", "")).startswith("No such path")


USERS = (BUYER, BUYER + 1, BUYER + 2, SELLER)
AMOUNTS = ("12.50", "0.01", "1,000", "99999999999")
CURRENCIES = ("MYR", "usd", "JPY")


def _aim(case: schemathesis.Case, live: LiveApi) -> None:
    """Send the valid key, and point about half of what was generated at what exists: a
    seeded order's id, a user with orders, an amount and a currency that parse. Chosen by
    name, wherever it appears, so an operation added to the document gets the same
    treatment; and by a generator seeded with the case itself, so the same case is always
    aimed the same way."""
    # The key of every scope, in place of any Authorization generated.
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.headers = {**headers, **_auth(live, "all")}
    generated = [case.method, case.path, case.path_parameters, case.body]
    rng = random.Random(json.dumps(generated, sort_keys=True, default=repr))

    def pick(name: str, value: Any) -> Any:
        if rng.random() < 0.5:
            return value
        if name == "order_id":
            return rng.choice(live.order_ids)
        if name == "telegram_id":
            user = rng.choice(USERS)
            return str(user) if isinstance(value, str) else user
        if name in ("price", "amount") and isinstance(value, str):
            return rng.choice(AMOUNTS)
        if name == "currency" and isinstance(value, str):
            return rng.choice(CURRENCIES)
        if name == "account" and isinstance(value, str):
            return rng.choice(ACCOUNTS)
        if name == "reference" and isinstance(value, str):
            return rng.choice(REFERENCES)
        return value

    for name, value in (case.path_parameters or {}).items():
        case.path_parameters[name] = pick(name, value)
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            if isinstance(value, dict):  # a party: {"telegram_id": N} or {"account": "…"}
                for inner, v in value.items():
                    value[inner] = pick(inner, v)
            else:
                case.body[name] = pick(name, value)
    # Reading `meta` revalidates what was changed: a negative case aimed into a valid one
    # (a key added, an id replaced) is then judged as valid (accepting it is no failure).
    assert case.meta is not None


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_keeps_to_its_document(case: schemathesis.Case, live: LiveApi) -> None:
    _aim(case, live)
    before = live.state()
    response = case.call(base_url=live.base_url, session=live.session)
    after = live.state()
    case.validate_response(response, checks=CHECKS, transport_kwargs={"base_url": live.base_url})
    if 400 <= response.status_code < 500:
        assert after == before, (
            f"{response.status_code} {response.text[:300]} changed the state:\n"
            + _changes(before, after)
        )

    # The same request without a valid key: 401 as documented, and nothing written.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    refused = case.call(
        base_url=live.base_url, session=live.session, headers=_auth(live, next(NO_KEYS))
    )
    if not _unrouted(response):
        assert refused.status_code == 401, refused.text[:300]
    else:  # no route, no authentication: the same answer either way
        assert refused.status_code == response.status_code, refused.text[:300]
    case.validate_response(refused, checks=CHECKS, transport_kwargs={"base_url": live.base_url})
    assert live.state() == after, _changes(after, live.state())
