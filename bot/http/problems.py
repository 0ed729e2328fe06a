"""Errors of the marketplace API as problem details (RFC 9457, `application/problem+json`).

Every refusal has a stable `code` a client can branch on; `detail` is for people. Nothing
internal (a traceback, a query) ever reaches a client.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from aiohttp import web

from bot.domain.errors import (
    DomainError,
    IllegalTransition,
    InsufficientBalance,
    NotAllowed,
    OfferNotFound,
    OrderNotFound,
    ReferenceTaken,
    TooEarly,
)

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:kchat:problem:"

# code → (HTTP status, title): the stable part of every problem the API answers.
PROBLEMS: dict[str, tuple[int, str]] = {
    "invalid_request": (422, "The request is not valid"),
    "malformed_json": (400, "The body is not JSON"),
    "payload_too_large": (413, "The body is too large"),
    "unsupported_media_type": (415, "The body must be application/json"),
    "unauthorized": (401, "A valid API key is needed"),
    "forbidden_scope": (403, "The API key lacks the scope this needs"),
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    "illegal_transition": (409, "The order's state does not allow this"),
    "not_allowed": (409, "This party may not do this"),
    "too_early": (409, "Not possible yet"),
    "insufficient_balance": (409, "The balance does not cover it"),
    "reference_taken": (409, "The reference names another order"),
    "request_in_progress": (409, "A request with this Idempotency-Key is still running"),
    "request_interrupted": (409, "A request with this Idempotency-Key did not finish"),
    "idempotency_key_reused": (422, "The Idempotency-Key was used for another request"),
    "idempotency_key_required": (422, "This request needs an Idempotency-Key"),
    "rate_limited": (429, "Too many requests"),
    "unavailable": (503, "Not ready"),
    "bot_username_unknown": (503, "The bot's username is not known yet"),
    "internal": (500, "Internal error"),
}


class Problem(Exception):
    """A refusal to answer as problem details; `headers` go with it (Retry-After)."""

    def __init__(self, code: str, detail: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.status, self.title = PROBLEMS[code]
        self.detail = detail
        self.headers = dict(headers or {})

    def body(self) -> dict[str, object]:
        """The problem document."""
        return {
            "type": f"{TYPE_BASE}{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }

    def response(self) -> web.Response:
        """The HTTP answer."""
        return web.Response(
            status=self.status,
            text=json.dumps(self.body(), ensure_ascii=False),
            content_type=CONTENT_TYPE,
            headers=self.headers,
        )


def from_domain(exc: DomainError) -> Problem:
    """What a refusal of the core means over HTTP (its message is fit to show)."""
    code = "invalid_request"
    if isinstance(exc, OrderNotFound | OfferNotFound):
        code = "not_found"
    elif isinstance(exc, ReferenceTaken):
        code = "reference_taken"
    elif isinstance(exc, InsufficientBalance):
        code = "insufficient_balance"
    elif isinstance(exc, TooEarly):
        code = "too_early"
    elif isinstance(exc, NotAllowed):
        code = "not_allowed"
    elif isinstance(exc, IllegalTransition):
        code = "illegal_transition"
    return Problem(code, exc.message)
