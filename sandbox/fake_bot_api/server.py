"""The HTTP face of the fake: `/bot<token>/<method>` and `/file/bot<token>/<path>` on aiohttp.

It accepts whatever real clients send (query strings, urlencoded or JSON bodies, multipart
uploads with `attach://` references), long-polls getUpdates, applies armed faults and records
every request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from aiohttp import web

from sandbox.fake_bot_api.errors import (
    ApiError,
    bad_request,
    conflict,
    not_found,
    too_many_requests,
    unauthorized,
)
from sandbox.fake_bot_api.faults import Fault, FaultKind, FaultPlan, RecordedRequest, RequestLog
from sandbox.fake_bot_api.limits import FloodControl
from sandbox.fake_bot_api.methods import BotApi, WithDescription
from sandbox.fake_bot_api.params import Params, Upload
from sandbox.fake_bot_api.state import TelegramState

logger = logging.getLogger(__name__)

JsonDict = dict[str, Any]
Listener = Callable[[], None]

# A token Telegram would accept the shape of; other shapes get 404 rather than 401.
_TOKEN_SHAPE = re.compile(r"^\d+:[\w-]+$")
# Telegram's upload limit for bots is 50 MB per file; leave room for the other form fields.
_MAX_BODY_SIZE = 52 * 1024 * 1024
# How long a held ("timed out") request is kept at most when no duration was given.
_MAX_HOLD_SECONDS = 300.0
_dumps = partial(json.dumps, ensure_ascii=False)


class _Poll:
    """One running getUpdates call; a newer call supersedes it (Telegram answers it 409)."""

    def __init__(self) -> None:
        self.superseded = False


class FakeBotApiServer:
    """Serves the Bot API for one bot token over real HTTP."""

    def __init__(
        self,
        state: TelegramState,
        token: str,
        *,
        faults: FaultPlan | None = None,
        log: RequestLog | None = None,
        flood: FloodControl | None = None,
    ) -> None:
        self.state = state
        self.token = token
        self.api = BotApi(state)
        self.faults = faults or FaultPlan()
        self.log = log or RequestLog()
        # Telegram's flood limits, when enforced (None: only injected 429s happen).
        self.flood = flood
        self.in_flight = 0
        self.last_activity = time.monotonic()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._wakeup = asyncio.Event()
        self._closing = asyncio.Event()
        self._active_poll: _Poll | None = None
        self._listeners: list[Listener] = []
        self._unsubscribe = state.subscribe(self._wake_pollers)

    # -- lifecycle ------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """Return the aiohttp application (usable on its own, e.g. with aiohttp's test client)."""
        app = web.Application(client_max_size=_MAX_BODY_SIZE)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (port 0 picks a free one)."""
        if self._runner is not None:
            raise RuntimeError("server already started")
        self._closing.clear()
        # handler_cancellation: a long poll whose client went away must not linger.
        runner = web.AppRunner(
            self.build_app(), handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self._url = f"http://{bound_host}:{bound_port}"
        logger.debug("fake Bot API listening on %s", self._url)

    async def stop(self) -> None:
        """Answer pending long polls and held requests at once, then close the listener."""
        self._closing.set()
        self._wake_pollers()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def url(self) -> str:
        """Base URL, e.g. "http://127.0.0.1:43121"."""
        if self._url is None:
            raise RuntimeError("server not started")
        return self._url

    # -- activity, for waiting until the bot is idle ----------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` whenever a request arrives or finishes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _activity(self, delta: int) -> None:
        self.in_flight += delta
        self.last_activity = time.monotonic()
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _wake_pollers(self) -> None:
        wakeup, self._wakeup = self._wakeup, asyncio.Event()
        wakeup.set()

    # -- request handling -----------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        method = request.match_info["method"]
        if token != self.token:
            return _error_response(unauthorized() if _TOKEN_SHAPE.match(token) else not_found())
        if not self.api.knows(method):
            return _error_response(not_found())
        is_poll = method.lower() == "getupdates"
        if not is_poll:
            self._activity(+1)
        try:
            return await self._process(request, method, is_poll)
        finally:
            if not is_poll:
                self._activity(-1)

    async def _process(
        self, request: web.Request, method: str, is_poll: bool
    ) -> web.StreamResponse:
        try:
            params = await _read_params(request)
        except ApiError as exc:
            return _error_response(exc)
        entry = RecordedRequest(
            method=method,
            params=params.decoded(),
            at=self.state.clock(),
            http_method=request.method,
            files={name: len(upload.data) for name, upload in params.uploads.items()},
        )
        self.log.append(entry)
        self._notify()
        fault = self.faults.take(method, params.raw("chat_id"))
        entry.fault = fault
        if fault is not None and fault.kind is not FaultKind.HOLD:
            return _apply_fault(request, fault, entry)
        if self.flood is not None and not is_poll:
            retry_after = self.flood.admit(method, _chat_of(params), _paid(params))
            if retry_after is not None:
                error = too_many_requests(retry_after)
                entry.status, entry.error = error.error_code, error.description
                return _error_response(error)
        try:
            executed: Any = None
            if fault is not None and fault.executes:
                executed = self._execute_sync(method, params)
            if fault is not None:
                held_to_end = await self._hold(fault.hold_seconds)
                if not held_to_end:
                    return _drop_connection(request, entry)
            if executed is not None:
                result = executed
            elif is_poll:
                result = await self._get_updates(params)
            else:
                result = self._execute_sync(method, params)
        except ApiError as exc:
            entry.status, entry.error = exc.error_code, exc.description
            return _error_response(exc)
        except asyncio.CancelledError:
            # The client hung up (a cancelled long poll, a client-side timeout).
            entry.error = "client went away"
            raise
        except Exception:
            logger.exception("fake Bot API failed on %s", method)
            entry.status, entry.error = 500, "Internal Server Error"
            return _error_response(ApiError(500, "Internal Server Error"))
        payload: JsonDict = {"ok": True, "result": result}
        if isinstance(result, WithDescription):
            payload = {"ok": True, "result": result.result, "description": result.description}
        entry.status, entry.result = 200, payload["result"]
        return web.json_response(payload, dumps=_dumps)

    def _execute_sync(self, method: str, params: Params) -> Any:
        if method.lower() == "getupdates":
            raise bad_request("getUpdates can't be executed by a held request")
        return self.api.call(method, params)

    async def _hold(self, seconds: float | None) -> bool:
        """Hold a request; True if the full time passed, False if the server is closing."""
        limit = _MAX_HOLD_SECONDS if seconds is None else seconds
        try:
            await asyncio.wait_for(self._closing.wait(), limit)
        except TimeoutError:
            return seconds is not None
        return False

    async def _get_updates(self, params: Params) -> list[JsonDict]:
        """Long polling: answer at once if updates are queued, else wait up to `timeout`."""
        request = self.api.begin_get_updates(params)
        if self._active_poll is not None:
            self._active_poll.superseded = True
            self._wake_pollers()
        poll = self._active_poll = _Poll()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout
        try:
            while True:
                if poll.superseded:
                    raise conflict(
                        "terminated by other getUpdates request; "
                        "make sure that only one bot instance is running"
                    )
                updates = self.state.take_updates(request.limit)
                if updates or self._closing.is_set():
                    return updates
                wakeup = self._wakeup
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wakeup.wait(), remaining)
        finally:
            if self._active_poll is poll:
                self._active_poll = None

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        file_path = request.match_info["file_path"]
        self._activity(+1)
        try:
            entry = RecordedRequest(
                method="file",
                params={"file_path": file_path},
                at=self.state.clock(),
                http_method=request.method,
            )
            self.log.append(entry)
            stored = self.state.files_by_path.get(file_path)
            if request.match_info["token"] != self.token or stored is None:
                entry.status = 404
                return _error_response(not_found())
            entry.status = 200
            return web.Response(
                body=stored.data, content_type=stored.mime_type or "application/octet-stream"
            )
        finally:
            self._activity(-1)


def _chat_of(params: Params) -> int | None:
    """The numeric chat a call addresses (a @username is nobody's chat id here)."""
    try:
        chat = params.chat_id()
    except ApiError:
        return None
    return chat if isinstance(chat, int) else None


def _paid(params: Params) -> bool:
    """Whether the call pays for Telegram's higher broadcast limit."""
    try:
        return params.get_bool("allow_paid_broadcast")
    except ApiError:
        return False  # the method itself says what is wrong with it


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.to_payload(), status=error.error_code, dumps=_dumps)


def _apply_fault(request: web.Request, fault: Fault, entry: RecordedRequest) -> web.StreamResponse:
    if fault.kind is FaultKind.DISCONNECT or fault.error is None:
        return _drop_connection(request, entry)
    entry.status, entry.error = fault.error.error_code, fault.error.description
    return _error_response(fault.error)


def _drop_connection(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
    """Close the socket without an answer, as a network failure or a dying proxy would."""
    entry.error = "connection dropped"
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=499)


async def _read_params(request: web.Request) -> Params:
    values: dict[str, object] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            values.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(
                        name, value.filename, value.content_type, value.file.read()
                    )
                else:
                    values[name] = value
    return Params(values, uploads)
