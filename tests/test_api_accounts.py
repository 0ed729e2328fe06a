"""Account linking over the marketplace API: links, the account's state and orders, orders
that wait (202) for an account and are read and withdrawn by reference."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.domain.linking import read_link
from bot.http.api import ApiContext, add_api_routes
from bot.http.rate_limit import RateLimit
from bot.timefmt import from_db
from tests.databases import dump
from tests.test_api import BUYER, SELLER, Api, assert_problem, make_api, order_body


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[Api]:
    made, client = await make_api(db_url)
    yield made
    await client.close()
    await made.services.close()


def for_account(reference: str = "M-1", **parties: Any) -> dict[str, Any]:
    return order_body(reference, **{"buyer": {"account": "u-1"}, **parties})


async def test_an_order_for_an_unlinked_account_waits_and_is_created_when_it_links(
    api: Api,
) -> None:
    status, waiting, _ = await api.call("POST", "/v1/orders", for_account(), idem="o-1")
    assert status == 202
    assert (waiting["state"], waiting["waiting_for"], waiting["order_id"]) == (
        "waiting",
        ["buyer"],
        None,
    )
    assert waiting["buyer"] == {"telegram_id": None, "account": "u-1"}
    assert (waiting["amount"], waiting["currency"], waiting["reference"]) == ("12.50", "MYR", "M-1")
    # The retry replays the 202, and creates nothing twice.
    again = await api.call("POST", "/v1/orders", for_account(), idem="o-1")
    assert again[0] == 202 and again[2].headers["Idempotent-Replayed"] == "true"
    status, listed, _ = await api.call("GET", "/v1/accounts/u-1/orders", key="read")
    assert status == 200 and listed["orders"] == [] and listed["telegram_id"] is None
    assert [w["reference"] for w in listed["waiting"]] == ["M-1"]

    status, link, _ = await api.call("POST", "/v1/accounts/u-1/link", idem="l-1")
    assert status == 201 and link["url"] == f"https://t.me/kchat_test_bot?start={link['token']}"
    assert read_link(link["token"]).expires_at == from_db(link["expires_at"])
    linked = await api.services.accounts.link(link["token"], BUYER)
    oid = linked.created[0].id
    status, shown, _ = await api.call("GET", "/v1/waiting-orders/M-1", key="read")
    assert (status, shown["state"], shown["order_id"], shown["waiting_for"]) == (
        200,
        "created",
        oid,
        [],
    )
    status, account, _ = await api.call("GET", "/v1/accounts/u-1", key="read")
    assert (account["linked"], account["telegram_id"]) == (True, BUYER) and account["linked_at"]
    status, listed, _ = await api.call("GET", "/v1/accounts/u-1/orders", key="read")
    assert [o["id"] for o in listed["orders"]] == [oid] and listed["waiting"] == []
    # Linked now: the next order for the account is created at once.
    status, created, _ = await api.call("POST", "/v1/orders", for_account("M-2"))
    assert status == 201 and created["buyer"] == BUYER and created["reference"] == "M-2"


async def test_an_order_for_two_unlinked_accounts_waits_for_both(api: Api) -> None:
    body = for_account(seller={"account": "s-1"})
    status, waiting, _ = await api.call("POST", "/v1/orders", body)
    assert status == 202 and waiting["waiting_for"] == ["buyer", "seller"]
    await api.services.accounts.link(
        (await api.services.accounts.issue_link("s-1")).payload, SELLER
    )
    shown = (await api.call("GET", "/v1/waiting-orders/M-1"))[1]
    assert (shown["state"], shown["waiting_for"]) == ("waiting", ["buyer"])


async def test_a_waiting_order_is_withdrawn_by_reference(api: Api, db_url: str) -> None:
    await api.call("POST", "/v1/orders", for_account())
    status, cancelled, _ = await api.call("POST", "/v1/waiting-orders/M-1/cancel", key="write")
    assert status == 200 and cancelled["state"] == "cancelled" and cancelled["closed_at"]
    listed = (await api.call("GET", "/v1/accounts/u-1/orders"))[1]
    assert listed["waiting"] == []
    before = dump(db_url)
    status, problem, r = await api.call("POST", "/v1/waiting-orders/nope/cancel")
    assert_problem(status, problem, r, "not_found", 404)
    status, problem, r = await api.call("GET", "/v1/waiting-orders/nope")
    assert_problem(status, problem, r, "not_found", 404)
    assert dump(db_url) == before


async def test_a_reference_is_one_order_or_one_waiting_order(api: Api, db_url: str) -> None:
    await api.call("POST", "/v1/orders", for_account())
    before = dump(db_url)
    status, problem, r = await api.call("POST", "/v1/orders", order_body("M-1"))
    assert_problem(status, problem, r, "reference_taken", 409)
    assert dump(db_url) == before


async def test_the_marketplace_unlinks_an_account(api: Api) -> None:
    accounts = api.services.accounts
    await accounts.link((await accounts.issue_link("u-1")).payload, BUYER)
    status, shown, _ = await api.call("DELETE", "/v1/accounts/u-1/link", key="write")
    assert (status, shown["linked"], shown["telegram_id"]) == (200, False, None)
    assert (await api.call("POST", "/v1/orders", for_account()))[0] == 202


async def test_account_routes_need_their_scope_and_a_printable_account(
    api: Api, db_url: str
) -> None:
    before = dump(db_url)
    status, problem, r = await api.call("POST", "/v1/accounts/u-1/link", key="read")
    assert_problem(status, problem, r, "forbidden_scope", 403)
    status, problem, r = await api.call("GET", "/v1/accounts/%20%20")
    assert_problem(status, problem, r, "invalid_request", 422)
    status, problem, r = await api.call("POST", "/v1/accounts/a%0Ab/link")
    assert_problem(status, problem, r, "invalid_request", 422)
    status, never, _ = await api.call("GET", "/v1/accounts/never-seen")
    assert (status, never["linked"], never["telegram_id"]) == (200, False, None)
    assert dump(db_url) == before


async def test_without_the_bot_username_a_link_is_503_and_changes_nothing(
    api: Api, db_url: str
) -> None:
    async def unknown() -> None:
        return None

    app = web.Application()
    add_api_routes(app, ApiContext(RateLimit(100), "MYR", api.services, bot_username=unknown))
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        before = dump(db_url)
        headers = {"Authorization": f"Bearer {api.keys['all']}", "Idempotency-Key": "x"}
        async with client.post("/v1/accounts/u-1/link", headers=headers) as r:
            body = await r.json()
            assert (r.status, body["code"]) == (503, "bot_username_unknown")
            assert r.headers["Retry-After"] == "5"
        assert dump(db_url) == before
    finally:
        await client.close()
