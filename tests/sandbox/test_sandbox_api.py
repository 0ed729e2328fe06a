"""The sandbox page's JSON API: seeded world, acting as people, time travel, reset, files."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.domain.errors import DomainError
from bot.domain.faq import FaqIndex
from bot.domain.model import Status
from sandbox.runner import Sandbox, SandboxError
from sandbox.world import BUYER, SELLER
from tests.sandbox.conftest import eventually, sandbox_settings

Client = TestClient[Any, Any]


async def _state(client: Client) -> dict[str, Any]:
    response = await client.get("/api/state")
    assert response.status == 200
    data: dict[str, Any] = await response.json()
    return data


def _pane(state: dict[str, Any], key: str) -> dict[str, Any]:
    return next(p for p in state["panes"] if p["id"] == key)


def _bot_texts(pane: dict[str, Any]) -> list[str]:
    return [m["text"] for m in pane["messages"] if m["from"]["bot"]]


def _card(pane: dict[str, Any], order_id: str) -> dict[str, Any]:
    """The latest bot message about the order that still has buttons."""
    return [m for m in pane["messages"] if order_id in m["text"] and m["buttons"]][-1]


def _button(message: dict[str, Any], text: str) -> dict[str, Any]:
    return next(b for row in message["buttons"] for b in row if b["text"] == text)


def _png(width: int = 3, height: int = 2) -> bytes:
    """A tiny valid PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def test_a_fresh_sandbox_is_seeded_and_ready_to_play(
    client: Client, sandbox: Sandbox
) -> None:
    state = await _state(client)
    assert state["ready"] is True
    assert [p["id"] for p in state["panes"]] == ["buyer", "seller", "support"]
    story = sandbox.story
    assert story.pay_order_id in state["hint"] and "Pay from balance" in state["hint"]

    buyer = _pane(state, "buyer")
    assert buyer["balance"] == "MYR 100.00"
    for order_id in (story.pay_order_id, story.expiring_order_id):
        card = _card(buyer, order_id)
        assert "Waiting Payment" in card["text"]
        assert _button(card, "Pay from balance")["data"]
        assert any(e["type"] == "bold" for e in card["entities"]), "formatting travels as entities"
    seller = _pane(state, "seller")
    assert any("You have a new order" in t for t in _bot_texts(seller))
    assert seller["balance"] == "MYR 0.00"

    support = _pane(state, "support")
    assert support["kind"] == "forum"
    assert support["topics"][0]["name"] == "General"
    assert {"orders", "balance"} <= {c["command"] for c in state["commands"]}
    # Everyone pressed Start, so the bot knows them.
    for person in (sandbox.world.buyer, sandbox.world.seller, sandbox.world.agent):
        assert person.history()[0].text == "/start"


async def test_the_sandbox_clock_starts_at_the_real_time(sandbox: Sandbox) -> None:
    started = sandbox.world.clock.now()
    assert abs(started - datetime.now(started.tzinfo)) < timedelta(minutes=5)
    order = await sandbox.world.services.orders.get(sandbox.story.pay_order_id)
    assert order.created_at == started


async def test_a_buyer_message_gets_the_bot_reply_in_the_state(client: Client) -> None:
    response = await client.post("/api/panes/buyer/messages", json={"text": "/balance"})
    assert response.status == 200
    sent = (await response.json())["message_id"]

    async def reply() -> str | None:
        buyer = _pane(await _state(client), "buyer")
        later = [m for m in buyer["messages"] if m["id"] > sent and m["from"]["bot"]]
        return later[-1]["text"] if later else None

    text = await eventually(reply, "the bot's answer to /balance")
    assert "Your KALEOZ balance" in text and "MYR 100.00" in text
    mine = next(m for m in _pane(await _state(client), "buyer")["messages"] if m["id"] == sent)
    assert mine["out"] is True and mine["text"] == "/balance"


async def test_a_tap_pays_from_the_balance_and_the_toast_and_balances_follow(
    client: Client, sandbox: Sandbox
) -> None:
    oid = sandbox.story.pay_order_id
    card = _card(_pane(await _state(client), "buyer"), oid)
    ask = {"message_id": card["id"], "data": _button(card, "Pay from balance")["data"]}
    assert (await client.post("/api/panes/buyer/taps", json=ask)).status == 200
    await sandbox.settle()
    asked = _card(_pane(await _state(client), "buyer"), oid)
    yes = _button(asked, "Yes, pay MYR 45.00 from my balance")["data"]
    tap = {"message_id": asked["id"], "data": yes}
    response = await client.post("/api/panes/buyer/taps", json=tap)
    assert response.status == 200
    await sandbox.settle()

    state = await _state(client)
    buyer = _pane(state, "buyer")
    assert [(n["id"], n["text"]) for n in buyer["notices"]][-1] == (
        (await response.json())["query_id"],
        "Paid from your KALEOZ balance.",
    )
    assert buyer["balance"] == "MYR 55.00"
    assert (await sandbox.world.services.orders.get(oid)).status is Status.WAITING_DELIVERY
    seller_card = _card(_pane(state, "seller"), oid)
    assert "Please deliver" in seller_card["text"] and _button(seller_card, "Deliver")

    again = await client.post("/api/panes/buyer/taps", json=tap)
    assert again.status == 400, "the card was edited: that button is gone"
    assert "no longer there" in (await again.json())["error"]


async def test_time_travel_advances_the_clock_and_expires_an_unpaid_order(
    client: Client, sandbox: Sandbox
) -> None:
    before = datetime.fromisoformat((await _state(client))["clock"]["iso"])
    response = await client.post("/api/time", json={"seconds": 3600})
    assert response.status == 200

    state = await _state(client)
    assert datetime.fromisoformat(state["clock"]["iso"]) - before == timedelta(hours=1)
    assert state["clock"]["elapsed"] == "+1 h"
    oid = sandbox.story.expiring_order_id
    assert (await sandbox.world.services.orders.get(oid)).status is Status.EXPIRED
    texts = _bot_texts(_pane(state, "buyer"))
    reminder = next(t for t in texts if "Reminder: pay for order" in t and oid in t)
    assert texts.index(reminder) < max(i for i, t in enumerate(texts) if "Expired" in t)
    # Each step happened at its own time: the reminder 15 minutes before the expiry.
    times = {m["text"][:40]: m["time"] for m in _pane(state, "buyer")["messages"]}
    assert len(set(times.values())) >= 3


async def test_reset_starts_over_with_an_empty_database_and_fresh_chats(
    client: Client, sandbox: Sandbox
) -> None:
    old = sandbox.story
    await client.post("/api/panes/seller/messages", json={"text": "hello from before"})
    await client.post("/api/time", json={"seconds": 86400})
    response = await client.post("/api/reset", json={})
    assert response.status == 200 and (await response.json())["epoch"] == 2

    state = await _state(client)
    assert state["epoch"] == 2 and state["clock"]["elapsed"] == ""
    seller = _pane(state, "seller")
    assert all("hello from before" not in m["text"] for m in seller["messages"])
    assert sandbox.story.pay_order_id != old.pay_order_id
    with pytest.raises(DomainError):
        await sandbox.world.services.orders.get(old.pay_order_id)
    assert _pane(state, "buyer")["balance"] == "MYR 100.00"
    assert sandbox.story.pay_order_id in state["hint"]


async def test_a_photo_is_sent_and_served_back_through_the_fake(
    client: Client, sandbox: Sandbox
) -> None:
    image = _png()
    form = FormData()
    form.add_field("file", image, filename="receipt.png", content_type="image/png")
    form.add_field("as_photo", "1")
    form.add_field("caption", "my receipt")
    response = await client.post("/api/panes/buyer/files", data=form)
    assert response.status == 200
    sent = (await response.json())["message_id"]
    await sandbox.settle()

    message = next(m for m in _pane(await _state(client), "buyer")["messages"] if m["id"] == sent)
    assert message["kind"] == "photo" and message["text"] == "my receipt"
    assert (message["file"]["width"], message["file"]["height"]) == (3, 2)
    served = await client.get(message["file"]["url"])
    assert served.status == 200 and await served.read() == image
    assert served.content_type == "image/png"
    assert sandbox.world.tg.requests("file"), "served through the fake's file download"


async def test_a_document_reply_in_the_seller_pane_quotes_the_message(
    client: Client, sandbox: Sandbox
) -> None:
    card = _card(_pane(await _state(client), "seller"), sandbox.story.pay_order_id)
    form = FormData()
    form.add_field("file", b"order notes", filename="notes.txt", content_type="text/plain")
    form.add_field("reply_to", str(card["id"]))
    response = await client.post("/api/panes/seller/files", data=form)
    assert response.status == 200
    sent = (await response.json())["message_id"]
    message = next(m for m in _pane(await _state(client), "seller")["messages"] if m["id"] == sent)
    assert message["kind"] == "document" and message["file"]["name"] == "notes.txt"
    assert message["reply"]["id"] == card["id"] and message["reply"]["name"] == "KChat"
    served = await client.get(message["file"]["url"])
    assert await served.read() == b"order notes"


async def test_the_event_stream_pushes_the_state_when_it_changes(client: Client) -> None:
    response = await client.get("/api/events")
    assert response.headers["Content-Type"].startswith("text/event-stream")

    async def next_state() -> dict[str, Any]:
        while True:
            line = (await response.content.readline()).decode()
            if line.startswith("data: "):
                data: dict[str, Any] = json.loads(line[len("data: ") :])
                return data

    first = await next_state()
    assert first["ready"] is True
    await client.post("/api/panes/seller/messages", json={"text": "/orders"})
    while True:
        pushed = await next_state()
        texts = [m["text"] for m in _pane(pushed, "seller")["messages"]]
        if "/orders" in texts:
            break
    response.close()


async def test_a_pane_switched_to_malay_gets_help_center_answers_in_malay(
    client: Client,
) -> None:
    assert _pane(await _state(client), "buyer")["person"]["language"] == "en"
    response = await client.post("/api/panes/buyer/language", json={"language": "ms"})
    assert response.status == 200
    assert _pane(await _state(client), "buyer")["person"]["language"] == "ms"
    await client.post("/api/panes/buyer/messages", json={"text": "how to partial refund"})

    async def answer() -> str | None:
        texts = _bot_texts(_pane(await _state(client), "buyer"))
        return next((t for t in texts if "❓" in t), None)

    text = await eventually(answer, "the help-center answer")
    # The sandbox's buyer has an order: the answer says which, in Malay, above the article.
    assert text.startswith("📋 Tentang pesanan anda"), text
    assert "❓ Bagaimana meminta bayaran balik sebahagian?" in text
    # The seller's Telegram is still in English.
    assert _pane(await _state(client), "seller")["person"]["language"] == "en"


@pytest.mark.parametrize(
    ("method", "path", "payload", "status", "says"),
    [
        ("post", "/api/panes/nobody/messages", {"text": "hi"}, 400, "no pane"),
        ("post", "/api/panes/buyer/messages", {"text": "   "}, 400, "type a message"),
        ("post", "/api/panes/buyer/messages", {"text": "x" * 4097}, 400, "at most 4096"),
        ("post", "/api/panes/buyer/messages", {"text": "hi", "reply_to": 999}, 400, "999"),
        ("post", "/api/panes/buyer/taps", {"message_id": 2, "data": "forged"}, 400, "no longer"),
        ("post", "/api/time", {"seconds": -60}, 400, "forward"),
        ("post", "/api/time", {"seconds": "soon"}, 400, "number"),
        ("post", "/api/time", {"seconds": 1e300}, 400, "at most 31 days"),
        ("post", "/api/time", {"seconds": 0}, 400, "more than 0"),
        ("post", "/api/time", {"seconds": True}, 400, "number"),
        ("post", "/api/time", {}, 400, "seconds is missing"),
        ("post", "/api/time", {"seconds": 60, "then": 1}, 400, "unknown field 'then'"),
        ("post", "/api/time", [3600], 400, "must be a JSON object"),
        ("post", "/api/time", "3600", 400, "must be a JSON object"),
        ("post", "/api/reset", [], 400, "must be a JSON object"),
        ("post", "/api/panes/buyer/messages", {"text": 5}, 400, "text must be"),
        ("post", "/api/panes/buyer/messages", {"text": "hi", "reply_to": 0}, 400, "reply_to"),
        ("post", "/api/panes/buyer/messages", {"text": "hi", "reply_to": 2**40}, 400, "reply_to"),
        ("post", "/api/panes/buyer/messages", {"text": "hi", "reply_to": "7"}, 400, "reply_to"),
        ("post", "/api/panes/support/messages", {"text": "hi", "thread_id": 1.5}, 400, "thread_id"),
        ("post", "/api/panes/buyer/taps", {"message_id": 2}, 400, "data is missing"),
        ("post", "/api/panes/buyer/taps", {"message_id": 2, "data": "x" * 65}, 400, "1-64 bytes"),
        ("post", "/api/panes/buyer/taps", {"message_id": -2, "data": "x"}, 400, "message_id"),
        ("post", "/api/panes/buyer/language", {"language": "fr"}, 400, "one of en, ms"),
        ("post", "/api/panes/buyer/language", {}, 400, "language is missing"),
        ("post", "/api/panes/nobody/language", {"language": "ms"}, 400, "no pane"),
        ("get", "/api/files/nope", None, 404, "no such file"),
        ("get", "/api/files/..%2F..%2Fetc", None, 400, "not a file id"),
        ("get", "/api/nothing-here", None, 404, "no such page"),
        ("get", "/api/time", None, 405, "not allowed"),
    ],
)
async def test_bad_requests_get_one_clear_line_and_change_nothing(
    client: Client, method: str, path: str, payload: Any, status: int, says: str
) -> None:
    before = await _state(client)
    call = client.post(path, json=payload) if method == "post" else client.get(path)
    response = await call
    assert response.status == status
    assert says in (await response.json())["error"]
    after = await _state(client)
    assert after["clock"] == before["clock"]
    assert _pane(after, "buyer")["messages"] == _pane(before, "buyer")["messages"]


async def test_the_page_and_its_files_are_served(client: Client) -> None:
    page = await client.get("/")
    assert page.status == 200 and "KChat sandbox" in await page.text()
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        response = await client.get(f"/static/{name}")
        assert response.status == 200 and response.content_type == kind
    assert (await client.get("/static/__init__.py")).status == 404


async def test_a_plain_support_group_when_forums_are_off(
    tmp_path: Path, sandbox_faq: FaqIndex
) -> None:
    plain = Sandbox(sandbox_settings(tmp_path, sandbox_forum=False), sandbox_faq)
    await plain.start()
    try:
        state = await plain.snapshot()
        support = next(p for p in state["panes"] if p["id"] == "support")
        assert support["kind"] == "group" and support["topics"] == []
        await plain.world.services.orders.pay_from_balance(plain.story.pay_order_id, BUYER.id)
        await plain.settle()
        buyer = next(p for p in (await plain.snapshot())["panes"] if p["id"] == "buyer")
        card = _card(buyer, plain.story.pay_order_id)
        await plain.tap("buyer", card["id"], _button(card, "Escalate to support")["data"])
        await plain.settle()
        support = next(p for p in (await plain.snapshot())["panes"] if p["id"] == "support")
        assert any("Ticket #1" in m["text"] for m in support["messages"])
        assert all(m["thread"] is None for m in support["messages"])
    finally:
        await plain.stop()


def test_the_sandbox_refuses_the_bots_own_database(tmp_path: Path, sandbox_faq: FaqIndex) -> None:
    same = f"sqlite:///{tmp_path}/kchat.db"
    settings = sandbox_settings(tmp_path).model_copy(update={"sandbox_database_url": same})
    with pytest.raises(SandboxError, match="the bot's own database"):
        Sandbox(settings, sandbox_faq)


async def test_the_seller_is_paid_when_the_order_completes(sandbox: Sandbox) -> None:
    orders = sandbox.world.services.orders
    oid = sandbox.story.pay_order_id
    await orders.pay_from_balance(oid, BUYER.id)
    await orders.deliver(oid, SELLER.id, "code")
    await orders.confirm_received(oid, BUYER.id)
    await sandbox.settle()
    state = await sandbox.snapshot()
    assert next(p for p in state["panes"] if p["id"] == "seller")["balance"] == "MYR 45.00"


async def test_an_agent_writes_in_the_ticket_topic_and_the_buyer_gets_it(
    client: Client, sandbox: Sandbox
) -> None:
    oid = sandbox.story.pay_order_id
    await sandbox.world.services.orders.pay_from_balance(oid, BUYER.id)
    await sandbox.settle()
    card = _card(_pane(await _state(client), "buyer"), oid)
    tap = {"message_id": card["id"], "data": _button(card, "Escalate to support")["data"]}
    assert (await client.post("/api/panes/buyer/taps", json=tap)).status == 200
    await sandbox.settle()

    support = _pane(await _state(client), "support")
    topic = next(t for t in support["topics"] if t["id"] is not None)
    assert topic["name"].startswith("#1") and oid in topic["name"]
    ticket = next(m for m in support["messages"] if "Ticket #1" in m["text"])
    assert ticket["thread"] == topic["id"]
    said = {"text": "Hi Alice, which code did you get?", "thread_id": topic["id"]}
    assert (await client.post("/api/panes/support/messages", json=said)).status == 200
    await sandbox.settle()

    buyer = _pane(await _state(client), "buyer")
    assert any("which code did you get?" in t for t in _bot_texts(buyer))


async def test_another_site_in_the_browser_cannot_play_the_sandbox(client: Client) -> None:
    before = await _state(client)
    response = await client.post("/api/reset", json={}, headers={"Origin": "https://evil.test"})
    assert response.status == 403
    assert (await _state(client))["epoch"] == before["epoch"]
    own = f"http://{client.server.host}:{client.server.port}"
    response = await client.post(
        "/api/panes/buyer/messages", json={"text": "/orders"}, headers={"Origin": own}
    )
    assert response.status == 200


@pytest.mark.parametrize("raw", ['{"seconds": NaN}', '{"seconds": Infinity}', '{"seconds": 1e400}'])
async def test_time_travel_by_a_number_that_is_not_finite_is_refused(
    client: Client, raw: str
) -> None:
    before = (await _state(client))["clock"]
    response = await client.post(
        "/api/time", data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert "seconds must be a number" in (await response.json())["error"]
    assert (await _state(client))["clock"] == before


@pytest.mark.parametrize("raw", ["{", "not json", '{"text": "\\ud800"}'])
async def test_a_body_that_is_not_json_is_refused(client: Client, raw: str) -> None:
    response = await client.post(
        "/api/panes/buyer/messages", data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert (await response.json())["error"] == "the request body is not valid JSON"


@pytest.mark.parametrize(
    "host",
    [
        "evil.test",
        "rebound.evil.test:{port}",
        "127.0.0.1:1",
        "127.0.0.2:{port}",
        "localhost.evil.test:{port}",
        "user@127.0.0.1:{port}",
        "",
    ],
)
async def test_a_request_for_another_host_name_is_refused(client: Client, host: str) -> None:
    """DNS rebinding: a site whose name now points at 127.0.0.1 still sends its own Host."""
    host = host.format(port=client.server.port)
    for method, path in (("get", "/api/state"), ("get", "/"), ("post", "/api/reset")):
        response = await client.request(method, path, headers={"Host": host})
        assert response.status == 403, (method, path)
        assert "127.0.0.1, localhost or [::1]" in (await response.json())["error"]
    assert (await _state(client))["epoch"] == 1


@pytest.mark.parametrize(
    "origin",
    ["https://evil.test", "null", "http://127.0.0.1:1", "https://127.0.0.1:{port}", "http://x"],
)
async def test_a_request_from_another_origin_is_refused(client: Client, origin: str) -> None:
    origin = origin.format(port=client.server.port)
    before = await _state(client)
    for method, path in (("get", "/api/state"), ("post", "/api/time")):
        response = await client.request(
            method, path, json={"seconds": 60}, headers={"Origin": origin}
        )
        assert response.status == 403
        assert (await response.json())["error"] == "requests must come from the sandbox page"
    assert (await _state(client))["clock"] == before["clock"]


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
async def test_the_page_is_served_at_every_name_of_this_machine(client: Client, name: str) -> None:
    own = f"{name}:{client.server.port}"
    response = await client.get("/api/state", headers={"Host": own, "Origin": f"http://{own}"})
    assert response.status == 200


def _upload(
    data: bytes, *, name: str = "x.bin", mime: str = "application/octet-stream", **fields: Any
) -> FormData:
    form = FormData()
    form.add_field("file", data, filename=name, content_type=mime)
    for key, value in fields.items():
        form.add_field(key, value)
    return form


@pytest.mark.parametrize(
    ("form", "says"),
    [
        (_upload(b"", name="empty.txt"), "the file is empty"),
        (_upload(b"not a picture", as_photo="1"), "not a PNG, JPEG, GIF or WebP picture"),
        (_upload(_png(), as_photo="yes please"), "as_photo must be 1 or 0"),
        (_upload(b"notes", reply_to="the card"), "reply_to must be"),
        (_upload(b"notes", thread_id="-1"), "thread_id must be"),
        (_upload(b"notes", colour="red"), "unknown field 'colour'"),
        (_upload(b"x" * (10 * 1024 * 1024 + 1), mime="image/png", as_photo="1"), "at most 10 MB"),
    ],
)
async def test_a_bad_upload_gets_one_clear_line_and_sends_nothing(
    client: Client, sandbox: Sandbox, form: FormData, says: str
) -> None:
    before = _pane(await _state(client), "buyer")["messages"]
    response = await client.post("/api/panes/buyer/files", data=form)
    assert response.status == 400
    assert says in (await response.json())["error"]
    assert _pane(await _state(client), "buyer")["messages"] == before


async def test_a_file_larger_than_the_sandbox_takes_is_refused(client: Client) -> None:
    response = await client.post("/api/panes/buyer/files", data=_upload(b"x" * (21 * 1024 * 1024)))
    assert response.status == 413
    assert "at most 20 MB" in (await response.json())["error"]


async def test_an_uploaded_page_is_served_as_a_download_that_cannot_run(
    client: Client, sandbox: Sandbox
) -> None:
    html = b"<script>alert(document.cookie)</script>"
    form = _upload(html, name="page.html", mime="text/html")
    response = await client.post("/api/panes/buyer/files", data=form)
    assert response.status == 200
    sent = (await response.json())["message_id"]
    message = next(m for m in _pane(await _state(client), "buyer")["messages"] if m["id"] == sent)
    served = await client.get(message["file"]["url"])
    assert served.status == 200 and await served.read() == html
    assert served.content_type == "application/octet-stream"
    assert served.headers["Content-Disposition"] == (
        "attachment; filename=\"page.html\"; filename*=UTF-8''page.html"
    )
    assert served.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_hint_follows_the_orders_and_never_names_a_finished_one(
    client: Client, sandbox: Sandbox
) -> None:
    orders = sandbox.world.services.orders
    pay, expiring = sandbox.story.pay_order_id, sandbox.story.expiring_order_id
    assert (await _state(client))["hint"] == sandbox.story.hint

    await orders.pay_from_balance(pay, BUYER.id)
    hint = (await _state(client))["hint"]
    assert pay in hint and "the seller taps Deliver" in hint

    await orders.deliver(pay, SELLER.id, "code AAAA-1111")
    hint = (await _state(client))["hint"]
    assert pay in hint and "the buyer taps Confirm received" in hint

    await orders.confirm_received(pay, BUYER.id)
    hint = (await _state(client))["hint"]
    assert pay not in hint, "a completed order is not the next step"
    assert expiring in hint and "Pay from balance" in hint

    assert (await client.post("/api/time", json={"seconds": 3600})).status == 200
    assert (await orders.get(expiring)).status is Status.EXPIRED
    hint = (await _state(client))["hint"]
    assert pay not in hint and expiring not in hint
    assert hint.startswith("Every order is finished.")


async def test_the_hint_sends_the_agent_to_an_escalated_order(
    client: Client, sandbox: Sandbox
) -> None:
    orders = sandbox.world.services.orders
    pay = sandbox.story.pay_order_id
    await orders.pay_from_balance(pay, BUYER.id)
    await orders.escalate(pay, BUYER.id, "no code yet")
    hint = (await _state(client))["hint"]
    assert f"KALEOZ Support has {pay}" in hint and "tap Claim" in hint


async def _escalated_topic(client: Client, sandbox: Sandbox) -> dict[str, Any]:
    """Pay the first order, escalate it, and return its ticket's topic in the support pane."""
    oid = sandbox.story.pay_order_id
    await sandbox.world.services.orders.pay_from_balance(oid, BUYER.id)
    await sandbox.settle()
    card = _card(_pane(await _state(client), "buyer"), oid)
    tap = {"message_id": card["id"], "data": _button(card, "Escalate to support")["data"]}
    assert (await client.post("/api/panes/buyer/taps", json=tap)).status == 200
    await sandbox.settle()
    support = _pane(await _state(client), "support")
    return next(t for t in support["topics"] if t["id"] is not None)


async def test_the_agent_closes_a_ticket_topic_and_can_still_write_in_it(
    client: Client, sandbox: Sandbox
) -> None:
    topic = await _escalated_topic(client, sandbox)
    assert (topic["closed"], topic["can_post"], topic["can_manage"]) == (False, True, True)
    buyer_before = _pane(await _state(client), "buyer")["messages"]

    close = {"thread_id": topic["id"], "closed": True}
    assert (await client.post("/api/panes/support/topics", json=close)).status == 200
    await sandbox.settle()
    support = _pane(await _state(client), "support")
    shown = next(t for t in support["topics"] if t["id"] == topic["id"])
    assert shown["closed"] is True and shown["can_post"] is True, "an administrator still writes"
    service = [m for m in support["messages"] if m["thread"] == topic["id"] and m["service"]]
    assert service[-1]["service"] == "Aisha closed the topic"
    assert sandbox.world.group.topics()[-1].is_closed
    assert _pane(await _state(client), "buyer")["messages"] == buyer_before, "nothing relayed"
    assert not any("Not delivered" in m["text"] for m in support["messages"])

    said = {"text": "Closing this one, Alice.", "thread_id": topic["id"]}
    assert (await client.post("/api/panes/support/messages", json=said)).status == 200
    again = await client.post("/api/panes/support/topics", json=close)
    assert again.status == 400 and "already closed" in (await again.json())["error"]

    reopen = {"thread_id": topic["id"], "closed": False}
    assert (await client.post("/api/panes/support/topics", json=reopen)).status == 200
    support = _pane(await _state(client), "support")
    assert next(t for t in support["topics"] if t["id"] == topic["id"])["closed"] is False


async def test_a_topic_the_bot_closes_is_shown_closed(client: Client, sandbox: Sandbox) -> None:
    topic = await _escalated_topic(client, sandbox)
    await sandbox.world.app.bot.close_forum_topic(sandbox.world.group.chat_id, topic["id"])
    support = _pane(await _state(client), "support")
    shown = next(t for t in support["topics"] if t["id"] == topic["id"])
    assert shown["closed"] is True
    assert any(m["service"] == "KChat closed the topic" for m in support["messages"])


@pytest.mark.parametrize(
    ("pane", "payload", "says"),
    [
        ("buyer", {"thread_id": 5, "closed": True}, "only the support group has topics"),
        ("support", {"thread_id": 999, "closed": True}, "no topic 999"),
        ("support", {"thread_id": 5, "closed": "yes"}, "closed must be true"),
        ("support", {"closed": True}, "thread_id is missing"),
    ],
)
async def test_closing_a_topic_that_cannot_be_closed_is_refused(
    client: Client, pane: str, payload: dict[str, Any], says: str
) -> None:
    response = await client.post(f"/api/panes/{pane}/topics", json=payload)
    assert response.status == 400
    assert says in (await response.json())["error"]
