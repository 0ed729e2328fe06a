"""The sandbox page: static files, a small JSON API and live updates (Server-Sent Events).

    GET  /                          the page
    GET  /static/{name}             app.js, style.css
    GET  /api/state                 everything the page shows (see snapshot.py)
    GET  /api/events                the same, pushed as `state` events whenever it changes
    POST /api/panes/{pane}/messages {"text", "reply_to"?, "thread_id"?}
    POST /api/panes/{pane}/files    multipart: file, caption?, as_photo?, reply_to?, thread_id?
    POST /api/panes/{pane}/taps     {"message_id", "data"}
    POST /api/panes/{pane}/topics   {"thread_id", "closed"}: close or reopen a forum topic
    POST /api/time                  {"seconds"}: time travel
    POST /api/reset                 start over
    GET  /api/files/{file_id}       a photo or document, through the fake's file download

Panes are "buyer", "seller" and "support". Errors answer {"error": "one clear line"}: 400 for
anything the page could not have asked for (validated by the models in inputs.py), 403 for a
request from anywhere but this machine's own page (the Host must be 127.0.0.1, localhost or
[::1] with the page's port, and so must an Origin when there is one: a page on another site,
or one that rebinds its DNS name to 127.0.0.1, cannot read or play the sandbox).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from importlib import resources
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from sandbox import inputs
from sandbox.inputs import (
    FileFormIn,
    LanguageIn,
    MessageIn,
    ResetIn,
    TapIn,
    TimeIn,
    TopicIn,
)
from sandbox.runner import MAX_FILE_BYTES, Sandbox, SandboxInputError

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
MAX_JSON = 64 * 1024
# A file of the largest size the sandbox takes, with room for the form around it.
MAX_UPLOAD = MAX_FILE_BYTES + MAX_JSON
# The page's own addresses; anything else in Host or Origin is another site.
_LOCAL_AUTHORITY = re.compile(r"^(?:127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$", re.IGNORECASE)
_LOCAL_ORIGIN = re.compile(r"^http://(?P<authority>[^/]+)$", re.IGNORECASE)
# Served inline; any other file is a download (an uploaded "text/html" must not run here).
_INLINE = re.compile(r"^(?:image/(?:png|jpeg|gif|webp)|audio/[\w.+-]+|video/[\w.+-]+|text/plain)$")
_HTTP_ERRORS = {
    404: "no such page or API endpoint",
    405: "that method is not allowed here",
    413: f"the request is too large (a file may be at most {MAX_FILE_BYTES // 2**20} MB)",
}

JsonDict = dict[str, Any]


def _static(name: str) -> bytes:
    return (resources.files("sandbox") / "static" / name).read_bytes()


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _sandbox(request: web.Request) -> Sandbox:
    return request.app[SANDBOX_KEY]


def _pane(request: web.Request) -> inputs.Pane:
    return inputs.pane(request.match_info["pane"])


def _served_port(request: web.Request) -> int | None:
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    return int(sockname[1]) if isinstance(sockname, tuple) and len(sockname) >= 2 else None


def _is_local(authority: str, port: int | None) -> bool:
    match = _LOCAL_AUTHORITY.match(authority)
    if match is None:
        return False
    return port is None or int(match.group(1) or 80) == port


def _foreign(request: web.Request) -> str | None:
    """Why the request is not from this machine's sandbox page, or None when it is."""
    port = _served_port(request)
    # A DNS name rebound to 127.0.0.1 still arrives with its own name as the Host.
    if not _is_local(request.headers.get("Host", ""), port):
        return "the sandbox answers only at 127.0.0.1, localhost or [::1] with its own port"
    origin = request.headers.get("Origin")
    if origin is not None:  # a browser's request; curl, scripts and tests send none
        match = _LOCAL_ORIGIN.match(origin)
        if match is None or not _is_local(match.group("authority"), port):
            return "requests must come from the sandbox page"
    return None


async def _body(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_JSON:
        raise SandboxInputError(f"the request body is too large (at most {MAX_JSON} bytes)")
    body = await request.read()
    if len(body) > MAX_JSON:
        raise SandboxInputError(f"the request body is too large (at most {MAX_JSON} bytes)")
    return body


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    reason = _foreign(request)
    if reason is not None:
        return _error(403, reason)
    try:
        response: web.StreamResponse = await handler(request)
    except SandboxInputError as exc:
        return _error(400, str(exc))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error(exc.status, _HTTP_ERRORS.get(exc.status, exc.reason))
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
    body = inputs.parse_json(MessageIn, await _body(request))
    message_id = await _sandbox(request).send_text(
        pane, body.text, reply_to=body.reply_to, thread_id=body.thread_id
    )
    return web.json_response({"ok": True, "message_id": message_id})


async def post_file(request: web.Request) -> web.Response:
    """The pane's person sends a photo or a document."""
    pane = _pane(request)
    if request.content_type != "multipart/form-data":
        raise SandboxInputError("send the file as multipart/form-data")
    try:
        form = await request.post()
    except (ValueError, HttpProcessingError) as exc:  # a malformed multipart body
        raise SandboxInputError("the form could not be read") from exc
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        raise SandboxInputError("no file in the form")
    fields = inputs.parse_fields(FileFormIn, {k: v for k, v in form.items() if k != "file"})
    data = upload.file.read()
    message_id = await _sandbox(request).send_file(
        pane,
        data,
        filename=inputs.file_name(upload.filename),
        mime_type=inputs.mime_type(upload.content_type),
        caption=fields.caption,
        as_photo=fields.photo,
        reply_to=fields.reply_to,
        thread_id=fields.thread_id,
    )
    return web.json_response({"ok": True, "message_id": message_id})


async def post_tap(request: web.Request) -> web.Response:
    """The pane's person taps an inline button."""
    pane = _pane(request)
    body = inputs.parse_json(TapIn, await _body(request))
    query_id = await _sandbox(request).tap(pane, body.message_id, body.data)
    return web.json_response({"ok": True, "query_id": query_id})


async def post_language(request: web.Request) -> web.Response:
    """The pane's person sets Telegram's language (help-center answers follow it)."""
    pane = _pane(request)
    body = inputs.parse_json(LanguageIn, await _body(request))
    await _sandbox(request).set_language(pane, body.language)
    return web.json_response({"ok": True, "language": body.language})


async def post_topic(request: web.Request) -> web.Response:
    """The agent closes or reopens a ticket's topic."""
    pane = _pane(request)
    body = inputs.parse_json(TopicIn, await _body(request))
    await _sandbox(request).set_topic_closed(pane, body.thread_id, body.closed)
    return web.json_response({"ok": True})


async def post_time(request: web.Request) -> web.Response:
    """Time travel: move the clock forward and run what falls due."""
    body = inputs.parse_json(TimeIn, await _body(request))
    sandbox = _sandbox(request)
    await sandbox.advance(body.delta)
    return web.json_response({"ok": True, "now": sandbox.world.clock.now().isoformat()})


async def post_reset(request: web.Request) -> web.Response:
    """Start over with an empty database and a fresh world."""
    raw = await _body(request)
    if raw.strip():
        inputs.parse_json(ResetIn, raw)
    sandbox = _sandbox(request)
    await sandbox.reset()
    return web.json_response({"ok": True, "epoch": sandbox.epoch})


async def get_file(request: web.Request) -> web.Response:
    """A photo or document someone sent."""
    file_id = inputs.file_id(request.match_info["file_id"])
    try:
        body, mime, name = await _sandbox(request).download(file_id)
    except KeyError:
        return _error(404, "no such file")
    inline = _INLINE.match(mime) is not None
    headers = {
        "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    safe = inputs.file_name(name)
    plain = safe.encode("ascii", "replace").decode("ascii").replace('"', "'")
    headers["Content-Disposition"] = (
        f'{"inline" if inline else "attachment"}; filename="{plain}"; '
        f"filename*=UTF-8''{quote(safe, safe='')}"
    )
    content_type = mime if inline else "application/octet-stream"
    return web.Response(body=body, content_type=content_type, headers=headers)


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
    app.router.add_post("/api/panes/{pane}/topics", post_topic)
    app.router.add_post("/api/panes/{pane}/language", post_language)
    app.router.add_post("/api/time", post_time)
    app.router.add_post("/api/reset", post_reset)
    app.router.add_get("/api/files/{file_id}", get_file)
    return app
