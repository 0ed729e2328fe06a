"""The sandbox page: static files, a small JSON API and live updates (Server-Sent Events).

    GET  /                          the page
    GET  /static/{name}             app.js, style.css
    GET  /api/state                 everything the page shows (see snapshot.py)
    GET  /api/events                the same, pushed as `state` events whenever it changes
    POST /api/panes/{pane}/messages {"text", "reply_to"?, "thread_id"?}
    POST /api/panes/{pane}/files    multipart: file, caption?, as_photo?, reply_to?, thread_id?
    POST /api/panes/{pane}/taps     {"message_id", "data"}
    POST /api/time                  {"seconds"}: time travel
    POST /api/reset                 start over
    GET  /api/files/{file_id}       a photo or document, through the fake's file download

Panes are "buyer", "seller" and "support". Errors answer {"error": "one clear line"}.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from importlib import resources
from typing import Any

from aiohttp import web

from bot.sandbox.runner import Sandbox, SandboxInputError

log = logging.getLogger(__name__)

SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
# One event per open event stream: set on a change, and on shutdown so the stream ends.
STREAMS_KEY = web.AppKey("streams", set[asyncio.Event])
CLOSING_KEY = web.AppKey("closing", asyncio.Event)

STATIC = {
    "index.html": "text/html",
    "app.js": "text/javascript",
    "style.css": "text/css",
}
# A burst of changes (a bot answer edits a card and sends news) becomes one push.
COALESCE_S = 0.03
KEEPALIVE_S = 15.0
MAX_UPLOAD = 20 * 1024 * 1024

JsonDict = dict[str, Any]


def _static(name: str) -> bytes:
    return (resources.files("bot.sandbox") / "static" / name).read_bytes()


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _sandbox(request: web.Request) -> Sandbox:
    return request.app[SANDBOX_KEY]


def _pane(request: web.Request) -> str:
    pane = request.match_info["pane"]
    if pane not in ("buyer", "seller", "support"):
        raise web.HTTPNotFound(
            text=json.dumps({"error": f"no pane {pane!r}"}), content_type="application/json"
        )
    return pane


def _optional_int(value: Any, name: str) -> int | None:
    if value in (None, "", "null"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise SandboxInputError(f"{name} must be a number") from exc


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:  # not a browser's cross-site request (curl, scripts, tests)
        return True
    return origin in (f"http://{request.host}", f"https://{request.host}")


async def _json_body(request: web.Request) -> JsonDict:
    try:
        body = await request.json()
    except ValueError as exc:
        raise SandboxInputError("the request body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise SandboxInputError("the request body must be a JSON object")
    return body


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.method not in ("GET", "HEAD") and not _same_origin(request):
        # Another site open in the same browser must not play (or reset) the sandbox.
        return _error(403, "requests must come from the sandbox page")
    try:
        response: web.StreamResponse = await handler(request)
    except SandboxInputError as exc:
        return _error(400, str(exc))
    return response


async def index(request: web.Request) -> web.Response:
    """The page."""
    return _static_response("index.html")


async def static(request: web.Request) -> web.Response:
    """app.js and style.css (only the files the page needs)."""
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    return _static_response(name)


def _static_response(name: str) -> web.Response:
    # No caching: after an upgrade the page must not mix an old script with a new API.
    return web.Response(
        body=_static(name),
        content_type=STATIC[name],
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


async def state(request: web.Request) -> web.Response:
    """Everything the page shows, now."""
    return web.json_response(await _sandbox(request).snapshot())


async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: the whole state whenever it changes, and a keep-alive comment."""
    sandbox = _sandbox(request)
    closing = request.app[CLOSING_KEY]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    changed = asyncio.Event()
    changed.set()
    streams = request.app[STREAMS_KEY]
    streams.add(changed)
    unsubscribe = sandbox.subscribe(changed.set)
    last = ""
    try:
        while True:
            try:
                await asyncio.wait_for(changed.wait(), KEEPALIVE_S)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if closing.is_set():
                break
            await asyncio.sleep(COALESCE_S)
            changed.clear()
            state = await sandbox.snapshot()
            # Only what the page shows: a change it cannot see (an update confirmed) is no news.
            shown = json.dumps({k: v for k, v in state.items() if k != "version"})
            if shown != last:
                body = json.dumps(state, ensure_ascii=False)
                await response.write(f"event: state\ndata: {body}\n\n".encode())
                last = shown
    except ConnectionResetError:
        log.debug("an event stream's page went away")
    finally:
        unsubscribe()
        streams.discard(changed)
    return response


async def post_message(request: web.Request) -> web.Response:
    """The pane's person sends text (or a /command)."""
    pane = _pane(request)
    body = await _json_body(request)
    text = body.get("text")
    if not isinstance(text, str):
        raise SandboxInputError("text must be a string")
    message_id = await _sandbox(request).send_text(
        pane,
        text,
        reply_to=_optional_int(body.get("reply_to"), "reply_to"),
        thread_id=_optional_int(body.get("thread_id"), "thread_id"),
    )
    return web.json_response({"ok": True, "message_id": message_id})


async def post_file(request: web.Request) -> web.Response:
    """The pane's person sends a photo or a document."""
    pane = _pane(request)
    if request.content_type != "multipart/form-data":
        raise SandboxInputError("send the file as multipart/form-data")
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        raise SandboxInputError("no file in the form")
    data = upload.file.read()
    caption = form.get("caption")
    message_id = await _sandbox(request).send_file(
        pane,
        data,
        filename=upload.filename or "file",
        mime_type=upload.content_type or None,
        caption=caption if isinstance(caption, str) else None,
        as_photo=form.get("as_photo") in ("1", "true", "on"),
        reply_to=_optional_int(form.get("reply_to"), "reply_to"),
        thread_id=_optional_int(form.get("thread_id"), "thread_id"),
    )
    return web.json_response({"ok": True, "message_id": message_id})


async def post_tap(request: web.Request) -> web.Response:
    """The pane's person taps an inline button."""
    pane = _pane(request)
    body = await _json_body(request)
    message_id = _optional_int(body.get("message_id"), "message_id")
    data = body.get("data")
    if message_id is None or not isinstance(data, str):
        raise SandboxInputError("a tap needs message_id and data")
    query_id = await _sandbox(request).tap(pane, message_id, data)
    return web.json_response({"ok": True, "query_id": query_id})


async def post_time(request: web.Request) -> web.Response:
    """Time travel: move the clock forward and run what falls due."""
    body = await _json_body(request)
    seconds = body.get("seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        raise SandboxInputError("seconds must be a number")
    sandbox = _sandbox(request)
    await sandbox.advance(timedelta(seconds=seconds))
    return web.json_response({"ok": True, "now": sandbox.world.clock.now().isoformat()})


async def post_reset(request: web.Request) -> web.Response:
    """Start over with an empty database and a fresh world."""
    sandbox = _sandbox(request)
    await sandbox.reset()
    return web.json_response({"ok": True, "epoch": sandbox.epoch})


async def get_file(request: web.Request) -> web.Response:
    """A photo or document someone sent."""
    try:
        body, mime, name = await _sandbox(request).download(request.match_info["file_id"])
    except KeyError:
        return _error(404, "no such file")
    headers = {"Cache-Control": "private, max-age=3600"}
    if name:
        quoted = name.replace('"', "")
        headers["Content-Disposition"] = f'inline; filename="{quoted}"'
    return web.Response(body=body, content_type=mime, headers=headers)


async def _on_shutdown(app: web.Application) -> None:
    app[CLOSING_KEY].set()
    for stream in app[STREAMS_KEY]:
        stream.set()


def build_web_app(sandbox: Sandbox) -> web.Application:
    """The page server for `sandbox` (usable with aiohttp's test client too)."""
    app = web.Application(middlewares=[_errors], client_max_size=MAX_UPLOAD)
    app[SANDBOX_KEY] = sandbox
    app[CLOSING_KEY] = asyncio.Event()
    app[STREAMS_KEY] = set()
    app.on_shutdown.append(_on_shutdown)
    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/state", state)
    app.router.add_get("/api/events", events)
    app.router.add_post("/api/panes/{pane}/messages", post_message)
    app.router.add_post("/api/panes/{pane}/files", post_file)
    app.router.add_post("/api/panes/{pane}/taps", post_tap)
    app.router.add_post("/api/time", post_time)
    app.router.add_post("/api/reset", post_reset)
    app.router.add_get("/api/files/{file_id}", get_file)
    return app
