"""The sandbox page's API under generated requests: whatever arrives, never a 5xx.

The sandbox runs on its own event loop in a thread, on real HTTP, so hypothesis drives it
with plain blocking requests (any Host, Origin, method, path and body). A bounded number
of examples keeps it fast and the same on every run.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.faq import FaqIndex
from bot.services.audit import ledger_violations
from sandbox.runner import Sandbox
from sandbox.web import build_web_app
from tests.sandbox.conftest import sandbox_settings


@dataclass
class Served:
    """A sandbox served on 127.0.0.1 from a thread of its own."""

    port: int
    sandbox: Sandbox
    loop: asyncio.AbstractEventLoop

    def call(self, coro: Any) -> Any:
        """Run a coroutine on the sandbox's loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sandbox_faq: FaqIndex) -> Iterator[Served]:
    """One started sandbox for the whole module (starting one takes a while)."""
    tmp = tmp_path_factory.mktemp("fuzz")
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def serve() -> None:
        sandbox = Sandbox(sandbox_settings(Path(tmp)), sandbox_faq)
        await sandbox.start()
        runner = web.AppRunner(build_web_app(sandbox), shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        stop = asyncio.Event()
        box.update(
            served=Served(runner.addresses[0][1], sandbox, asyncio.get_running_loop()),
            stop=stop,
        )
        ready.set()
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await sandbox.stop()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert ready.wait(60), "the sandbox did not start"
    served: Served = box["served"]
    yield served
    served.loop.call_soon_threadsafe(box["stop"].set)
    thread.join(30)


def request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, bytes, str]:
    """One plain HTTP request; the status, the body and its content type."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        headers = {"Host": f"127.0.0.1:{port}", **headers}
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
            headers["Content-Length"] = str(len(body))
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Content-Type") or ""
    finally:
        conn.close()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
# Numbers JSON cannot hold but Python's encoder writes (and a lax parser reads back).
odd_numbers = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e300", "1e400", "-0", "0.0", "2678400.5", "1e-300"]
)
# Each endpoint with the fields it reads, so generated bodies reach its validation.
ENDPOINTS = {
    "/api/panes/{pane}/messages": ["text", "reply_to", "thread_id"],
    "/api/panes/{pane}/taps": ["message_id", "data"],
    "/api/panes/{pane}/topics": ["thread_id", "closed"],
    "/api/time": ["seconds"],
    "/api/reset": [],
}
ids = st.integers(min_value=-3, max_value=40) | st.integers(min_value=2**31 - 2, max_value=2**64)


@st.composite
def bodies(draw: st.DrawFn, names: list[str]) -> bytes | None:
    """A request body: none, raw bytes, any JSON, or an object of the endpoint's fields."""
    kind = draw(st.sampled_from(["none", "raw", "json", "fields", "fields", "fields"]))
    if kind == "none":
        return None
    if kind == "raw":
        return draw(st.binary(max_size=64))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    parts = []
    for name in [*names, "extra"]:
        if draw(st.integers(0, 9)) < (1 if name == "extra" else 8):
            value = draw(
                st.one_of(
                    odd_numbers,
                    ids.map(str),
                    st.text(max_size=80).map(json.dumps),
                    json_values.map(json.dumps),
                )
            )
            parts.append(f"{json.dumps(name)}: {value}")
    return ("{" + ", ".join(parts) + "}").encode()


@st.composite
def forms(draw: st.DrawFn) -> tuple[bytes, str]:
    """A multipart form like the page's file upload, with any values in it."""
    boundary = "fuzzboundary"
    parts = []
    if draw(st.booleans()) or draw(st.booleans()):
        data = draw(st.sampled_from([b"", b"\x89PNG\r\n\x1a\n" + b"0" * 30, b"GIF89a", b"hello"]))
        name = draw(
            st.text(max_size=20).filter(lambda t: '"' not in t and "\r" not in t and "\n" not in t)
        )
        mime = draw(st.sampled_from(["image/png", "text/html", "", "x", "a/b; c=d"]))
        head = f'Content-Disposition: form-data; name="file"; filename="{name}"'
        if mime:
            head += f"\r\nContent-Type: {mime}"
        parts.append(head.encode() + b"\r\n\r\n" + data)
    for field in ("caption", "as_photo", "reply_to", "thread_id", "other"):
        if draw(st.booleans()):
            value = draw(
                st.sampled_from(["", "1", "0", "-1", "null", "9" * 30, "x"]) | st.text(max_size=20)
            )
            parts.append(
                f'Content-Disposition: form-data; name="{field}"\r\n\r\n'.encode()
                + value.encode("utf-8", "replace")
            )
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    if draw(st.integers(0, 9)) == 0:
        body = body[: draw(st.integers(0, len(body)))]  # cut short
    return body, f"multipart/form-data; boundary={boundary}"


panes = st.sampled_from(["buyer", "seller", "support"]) | st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=12
)
FOREIGN_HOSTS = ("evil.test", "127.0.0.1:1", "")
FOREIGN_ORIGINS = ("https://evil.test", "null")
hosts = st.sampled_from(["own", "own", "own", "localhost:{port}", "[::1]:{port}", *FOREIGN_HOSTS])
origins = st.sampled_from([None, None, "http://127.0.0.1:{port}", *FOREIGN_ORIGINS])
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(status: int, content: bytes, kind: str, what: object) -> None:
    assert status < 500, (what, content[:300])
    if status >= 400:
        assert kind.startswith("application/json"), (what, status, content[:300])
        assert json.loads(content)["error"]


@FUZZ
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
    path=st.sampled_from(
        [
            "/",
            "/static/app.js",
            "/static/x",
            "/api/state",
            "/api/files/{file}",
            "/api/x",
            *ENDPOINTS,
        ]
    ),
    pane=panes,
    file=st.text(max_size=20),
    body=bodies(["text", "seconds", "message_id", "data"]),
    host=hosts,
    origin=origins,
)
def test_no_request_from_anywhere_gets_a_server_error(
    served: Served,
    method: str,
    path: str,
    pane: str,
    file: str,
    body: bytes | None,
    host: str,
    origin: str | None,
) -> None:
    headers = {}
    if host != "own":
        headers["Host"] = host.format(port=served.port)
    if origin is not None:
        headers["Origin"] = origin.format(port=served.port)
    target = path.format(pane=pane, file=quote(file, safe=""))
    status, content, kind = request(served.port, method, target, body, headers)
    if not target.startswith("/api/") or method == "HEAD":  # no body to read
        assert status < 500
        return
    _check(status, content, kind, (method, target, body, headers))
    if host in FOREIGN_HOSTS or origin in FOREIGN_ORIGINS:
        assert status == 403


@FUZZ
@given(path=st.sampled_from(list(ENDPOINTS)), pane=panes, data=st.data())
def test_no_body_the_page_could_post_gets_a_server_error(
    served: Served, path: str, pane: str, data: st.DataObject
) -> None:
    body = data.draw(bodies(ENDPOINTS[path]))
    target = path.format(pane=pane)
    status, content, kind = request(served.port, "POST", target, body, {})
    _check(status, content, kind, (target, body))


@FUZZ
@given(pane=panes, form=forms())
def test_no_upload_gets_a_server_error(served: Served, pane: str, form: tuple[bytes, str]) -> None:
    body, content_type = form
    target = f"/api/panes/{pane}/files"
    status, content, kind = request(
        served.port, "POST", target, body, {"Content-Type": content_type}
    )
    _check(status, content, kind, (target, body[:200]))


def test_after_the_fuzzing_the_books_still_balance(served: Served) -> None:
    """Whatever the generated requests did to the world, the ledger's invariants hold."""
    problems = served.call(ledger_violations(served.sandbox.world.services.store))
    assert problems == []
