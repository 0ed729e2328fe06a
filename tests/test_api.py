"""The marketplace API over real HTTP (aiohttp's client against the app), on the test's
database: authentication, scopes, rate limits, idempotency, references, problem details,
and that a refused request changes nothing."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Services, open_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.http.api import ROUTES, ApiContext, add_api_routes
from bot.http.openapi import openapi_document
from bot.http.rate_limit import RateLimit
from tests.databases import dump

ROOT = Path(__file__).resolve().parent.parent
BUYER, SELLER = 1001, 2002


class Api:
    """A client with keys of every scope."""

    def __init__(self, client: TestClient[Any, Any], services: Services, keys: dict[str, str]):
        self.client = client
        self.services = services
        self.keys = keys

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = "all",
        idem: str | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, Any, Any]:
        headers = {}
        if key is not None:
            headers["Authorization"] = f"Bearer {self.keys.get(key, key)}"
        if idem is not None:
            headers["Idempotency-Key"] = idem
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        if data is not None:
            headers["Content-Type"] = "application/json"
        async with self.client.request(method, path, data=data, headers=headers) as r:
            text = await r.text()
            return r.status, json.loads(text) if text else None, r


def order_body(reference: str = "M-1", **over: Any) -> dict[str, Any]:
    return {
        "buyer": {"telegram_id": BUYER},
        "seller": {"telegram_id": SELLER},
        "title": "Steam Wallet MYR 50",
        "price": "12.50",
        "currency": "MYR",
        "reference": reference,
        **over,
    }


async def _username() -> str:
    return "kchat_test_bot"


async def make_api(db_url: str, rate: int = 1000) -> tuple[Api, TestClient[Any, Any]]:
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    services = await open_services(settings, ManualClock())
    keys = {}
    for name, scopes in {
        "all": ("read", "write", "money"),
        "read": ("read",),
        "write": ("read", "write"),
    }.items():
        keys[name] = (await services.api_keys.create(name, scopes)).key
    app = web.Application()
    add_api_routes(app, ApiContext(RateLimit(rate), "MYR", services, bot_username=_username))
    client = TestClient(TestServer(app))
    await client.start_server()
    return Api(client, services, keys), client


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[Api]:
    made, client = await make_api(db_url)
    yield made
    await client.close()
    await made.services.close()


def assert_problem(status: int, body: Any, response: Any, code: str, expected: int) -> None:
    assert (status, body["code"]) == (expected, code), body
    assert response.content_type == "application/problem+json"
    assert set(body) == {"type", "title", "status", "detail", "code"}
    assert body["status"] == status and "Traceback" not in body["detail"]


async def test_an_order_is_created_paid_and_read_with_the_cli_json(api: Api) -> None:
    status, created, _ = await api.call("POST", "/v1/orders", order_body())
    assert status == 201
    assert created["status"] == "waiting_payment" and created["reference"] == "M-1"
    assert (created["buyer"], created["seller"], created["amount"]) == (BUYER, SELLER, "12.50")
    oid = created["id"]
    status, paid, _ = await api.call("POST", f"/v1/orders/{oid}/payment", key="all")
    assert status == 200 and paid["status"] == "waiting_delivery"
    status, shown, _ = await api.call("GET", f"/v1/orders/{oid}", key="read")
    assert status == 200 and shown == paid
    order = await api.services.orders.get(oid)
    assert order.paid_via == "external"
    status, listed, _ = await api.call("GET", f"/v1/users/{BUYER}/orders", key="read")
    assert status == 200 and [o["id"] for o in listed["orders"]] == [oid]


async def test_without_a_valid_key_every_route_is_401(api: Api) -> None:
    revoked = await api.services.api_keys.create("old", ("read",))
    await api.services.api_keys.revoke("old")
    for key in (None, "kc_nope_nope", api.keys["all"] + "x", revoked.key, "Basic abc"):
        for route in ROUTES:
            path = route.path.format(
                order_id="K1234567", telegram_id="5", account="u-1", reference="M-1"
            )
            status, body, r = await api.call(route.method, path, {}, key=key)
            assert_problem(status, body, r, "unauthorized", 401)
            assert r.headers["WWW-Authenticate"].startswith("Bearer")


async def test_a_key_without_the_scope_is_403_and_changes_nothing(api: Api, db_url: str) -> None:
    before = dump(db_url)
    status, body, r = await api.call("POST", "/v1/orders", order_body(), key="read")
    assert_problem(status, body, r, "forbidden_scope", 403)
    status, body, r = await api.call(
        "POST", f"/v1/users/{BUYER}/credits", {"amount": "5"}, key="write", idem="k"
    )
    assert_problem(status, body, r, "forbidden_scope", 403)
    assert dump(db_url) == before


async def test_beyond_the_rate_limit_the_answer_is_429_with_retry_after(db_url: str) -> None:
    api, client = await make_api(db_url, rate=3)
    try:
        answers = [await api.call("GET", f"/v1/users/{BUYER}/balance") for _ in range(4)]
        assert [a[0] for a in answers[:3]] == [200, 200, 200]
        status, body, r = answers[3]
        assert_problem(status, body, r, "rate_limited", 429)
        assert int(r.headers["Retry-After"]) >= 1
        # Another key has its own budget.
        status, _, _ = await api.call("GET", f"/v1/users/{BUYER}/balance", key="read")
        assert status == 200
    finally:
        await client.close()
        await api.services.close()


async def test_the_same_idempotency_key_and_body_replay_the_first_answer(api: Api) -> None:
    first = await api.call("POST", "/v1/orders", order_body(), idem="create-1")
    again = await api.call("POST", "/v1/orders", order_body(), idem="create-1")
    assert first[0] == again[0] == 201 and first[1] == again[1]
    assert again[2].headers["Idempotent-Replayed"] == "true"
    assert len(await api.services.orders.all_orders(limit=100)) == 1
    # The same key from another API key is another request.
    other = await api.call("POST", "/v1/orders", order_body("M-2"), key="write", idem="create-1")
    assert other[0] == 201 and other[1]["id"] != first[1]["id"]


async def test_an_idempotency_key_with_another_body_is_422(api: Api) -> None:
    await api.call("POST", "/v1/orders", order_body(), idem="k1")
    status, body, r = await api.call("POST", "/v1/orders", order_body("M-9"), idem="k1")
    assert_problem(status, body, r, "idempotency_key_reused", 422)
    assert len(await api.services.orders.all_orders(limit=100)) == 1


async def test_concurrent_duplicates_have_one_effect(api: Api) -> None:
    oid = (await api.call("POST", "/v1/orders", order_body()))[1]["id"]
    credits = [
        api.call("POST", f"/v1/users/{BUYER}/credits", {"amount": "10.00"}, idem="pay-1")
        for _ in range(8)
    ]
    payments = [api.call("POST", f"/v1/orders/{oid}/payment", idem="p-1") for _ in range(8)]
    answers = await asyncio.gather(*credits, *payments)
    for status, body, _ in answers:
        assert status == 200 or body["code"] == "request_in_progress", body
    assert await api.services.orders.balances(BUYER) == {"MYR": 1000}
    assert await api.services.orders.ledger_problems() == []
    order = await api.services.orders.get(oid)
    assert order.status.value == "waiting_delivery"
    timeline = [e.action for e in await api.services.orders.timeline(oid)]
    assert timeline.count("pay") == 1


async def test_concurrent_creations_with_one_reference_make_one_order(api: Api) -> None:
    answers = await asyncio.gather(
        *[api.call("POST", "/v1/orders", order_body("R-7")) for _ in range(6)]
    )
    assert sorted(a[0] for a in answers) == [201] + [409] * 5
    assert {a[1]["code"] for a in answers if a[0] == 409} == {"reference_taken"}
    assert len(await api.services.orders.all_orders(limit=100)) == 1


async def test_a_taken_reference_is_409_and_creates_nothing(api: Api, db_url: str) -> None:
    await api.call("POST", "/v1/orders", order_body("R-1"))
    before = dump(db_url)
    status, body, r = await api.call("POST", "/v1/orders", order_body("R-1"), idem="x")
    assert_problem(status, body, r, "reference_taken", 409)
    assert dump(db_url) == before  # no order, no offer, no idempotency row


BAD_ORDERS = [
    b"{not json",
    b"\xff\xfe",
    b"[]",
    json.dumps(order_body(price="12.505")).encode(),
    json.dumps(order_body(price="-1")).encode(),
    json.dumps(order_body(price=12.5)).encode(),
    json.dumps(order_body(currency="XX1")).encode(),
    json.dumps(order_body(buyer={"telegram_id": "5"})).encode(),
    json.dumps(order_body(buyer={"telegram_id": -5})).encode(),
    json.dumps(order_body(buyer={"telegram_id": 2**64})).encode(),
    json.dumps(order_body(seller={"telegram_id": BUYER})).encode(),
    json.dumps(order_body(title="")).encode(),
    json.dumps(order_body(title="   ")).encode(),
    json.dumps(order_body(extra=1)).encode(),
    json.dumps({k: v for k, v in order_body().items() if k != "reference"}).encode(),
    json.dumps(order_body(buyer={"account": "   "})).encode(),
    b'{"a": ' * 5000 + b"1" + b"}" * 5000,
    b" " * 20_000,
]


@pytest.mark.parametrize("raw", BAD_ORDERS, ids=range(len(BAD_ORDERS)))
async def test_bad_input_is_a_problem_and_changes_nothing(
    api: Api, db_url: str, raw: bytes
) -> None:
    before = dump(db_url)
    status, body, r = await api.call("POST", "/v1/orders", raw=raw, idem="bad")
    assert 400 <= status < 500, body
    assert_problem(status, body, r, body["code"], status)
    assert dump(db_url) == before


NUL_BODIES = [
    ("/v1/orders", order_body(title="Steam\u0000Wallet")),
    ("/v1/orders", order_body(reference="\u0000")),
    ("/v1/orders", {**order_body(), "x\u0000": 1}),
    ("/v1/tickets", {"telegram_id": BUYER, "message": "help\u0000"}),
    (f"/v1/users/{BUYER}/credits", {"amount": "1", "currency": "MY\u0000"}),
]


@pytest.mark.parametrize(("path", "body"), NUL_BODIES, ids=range(len(NUL_BODIES)))
async def test_a_nul_in_any_text_is_refused_on_either_backend(
    api: Api, db_url: str, path: str, body: dict[str, Any]
) -> None:
    # PostgreSQL's text takes no NUL (it was a 500 there, and stored on SQLite).
    before = dump(db_url)
    status, problem, r = await api.call("POST", path, body, idem="nul")
    assert_problem(status, problem, r, "invalid_request", 422)
    assert "NUL" in problem["detail"]
    assert dump(db_url) == before


async def test_unknown_ids_and_paths_are_404_revealing_nothing(api: Api) -> None:
    for method, path in [
        ("GET", "/v1/orders/K0000000"),
        ("GET", "/v1/orders/nonsense"),
        ("POST", "/v1/orders/K0000000/payment"),
        ("GET", "/v1/users/0/balance"),
        ("GET", "/v1/users/abc/orders"),
        ("GET", "/v1/nothing"),
    ]:
        status, body, r = await api.call(method, path)
        assert_problem(status, body, r, "not_found", 404)


@pytest.mark.parametrize("user", ["%C2%B2", "%D9%A1", "%EF%BC%91", "1%C2%B2"])
async def test_a_user_id_of_other_digits_is_404(api: Api, user: str) -> None:
    # "²" is a digit to str.isdigit but not to int(): it was a 500; "١" and "１" were read as 1.
    for what in ("orders", "balance"):
        status, body, r = await api.call("GET", f"/v1/users/{user}/{what}")
        assert_problem(status, body, r, "not_found", 404)


async def test_paying_twice_is_an_illegal_transition(api: Api) -> None:
    oid = (await api.call("POST", "/v1/orders", order_body()))[1]["id"]
    assert (await api.call("POST", f"/v1/orders/{oid}/payment"))[0] == 200
    status, body, r = await api.call("POST", f"/v1/orders/{oid}/payment")
    assert_problem(status, body, r, "illegal_transition", 409)


async def test_a_party_cancels_as_in_the_chat(api: Api) -> None:
    oid = (await api.call("POST", "/v1/orders", order_body()))[1]["id"]
    status, body, _ = await api.call("POST", f"/v1/orders/{oid}/cancel", {"telegram_id": 77})
    assert status == 404 and body["code"] == "not_found"  # no party: the order is not theirs
    status, body, _ = await api.call("POST", f"/v1/orders/{oid}/cancel", {"telegram_id": BUYER})
    assert status == 200 and body["status"] == "expired"
    assert body["close_reason"] == "cancelled_by_buyer"


async def test_credits_need_a_key_and_show_the_balance(api: Api) -> None:
    path = f"/v1/users/{BUYER}/credits"
    status, body, r = await api.call("POST", path, {"amount": "10.00"})
    assert_problem(status, body, r, "idempotency_key_required", 422)
    status, body, _ = await api.call("POST", path, {"amount": "10.00"}, idem="c1")
    assert (status, body) == (200, {"telegram_id": BUYER, "balances": {"MYR": "10.00"}})
    status, body, _ = await api.call("GET", f"/v1/users/{BUYER}/balance", key="read")
    assert body == {"telegram_id": BUYER, "balances": {"MYR": "10.00"}}


async def test_a_ticket_is_raised_for_a_user_and_for_their_order(api: Api) -> None:
    status, body, _ = await api.call(
        "POST", "/v1/tickets", {"telegram_id": BUYER, "message": "How do I pay?"}
    )
    assert status == 201 and body["kind"] == "help" and body["order_id"] is None
    oid = (await api.call("POST", "/v1/orders", order_body()))[1]["id"]
    stranger = {"telegram_id": 55, "order_id": oid, "message": "mine?"}
    status, body, _ = await api.call("POST", "/v1/tickets", stranger)
    assert status == 404 and body["code"] == "not_found"
    status, body, _ = await api.call(
        "POST", "/v1/tickets", {"telegram_id": BUYER, "order_id": oid, "message": "Where?"}
    )
    assert status == 201 and body["order_id"] == oid


async def test_the_served_openapi_document_is_the_committed_one_and_names_every_route(
    api: Api,
) -> None:
    async with api.client.get("/openapi.json") as r:
        served = await r.json()
    committed = json.loads((ROOT / "docs/openapi.json").read_text(encoding="utf-8"))
    assert served == committed == openapi_document()
    assert served["openapi"].startswith("3.1")
    documented = {(m.upper(), p) for p, ops in served["paths"].items() for m in ops}
    served_routes = {
        (r.method, r.resource.canonical)
        for r in api.client.app.router.routes()  # type: ignore[union-attr]
        if r.resource is not None and r.resource.canonical.startswith("/v1/")
    }
    assert documented == served_routes
    for ops in served["paths"].values():
        for op in ops.values():
            assert op["security"] and "401" in op["responses"] and "429" in op["responses"]


async def test_a_request_interrupted_by_a_crash_is_reported_as_such(api: Api, db_url: str) -> None:
    """An instance killed between the effect and the answer leaves its row running: its
    retry hears "still running" for a while, then that it was interrupted, never silence."""
    clock = api.services.clock
    assert isinstance(clock, ManualClock)
    body = {"amount": "5.00"}
    path = f"/v1/users/{BUYER}/credits"
    # What a killed instance leaves: the credit made, the row begun, no answer kept.
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    request_hash = hashlib.sha256(f"POST {path}\n{canonical}".encode()).hexdigest()
    key = await api.services.api_keys.authenticate(api.keys["all"])
    assert key is not None
    await api.services.orders.top_up(BUYER, 500, "MYR", f"api:{key.id}:lost")
    assert await api.services.api_requests.begin(key.id, "lost", request_hash) is None
    before = dump(db_url)

    status, problem, r = await api.call("POST", path, body, idem="lost")
    assert_problem(status, problem, r, "request_in_progress", 409)
    assert r.headers["Retry-After"] == "1"

    clock.advance(timedelta(minutes=3))
    status, problem, r = await api.call("POST", path, body, idem="lost")
    assert_problem(status, problem, r, "request_interrupted", 409)
    assert "new Idempotency-Key" in problem["detail"]
    # Neither answer ran the credit again.
    assert dump(db_url) == before
    assert await api.services.orders.balances(BUYER) == {"MYR": 500}
