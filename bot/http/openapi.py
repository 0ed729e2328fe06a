"""The marketplace API's OpenAPI 3.1 document, built from `ROUTES` and their pydantic models.

The same route list makes the router, so the document cannot name a path the server does
not serve. A copy is committed as docs/openapi.json (regenerate with
`python -m bot.http.openapi > docs/openapi.json`); a test checks the two agree.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.http import api_models as m
from bot.http.api import ROUTES, Route
from bot.http.problems import CONTENT_TYPE, PROBLEMS

REF = "#/components/schemas/{model}"
# Problems any /v1 route may answer, besides those of its kind.
COMMON = ("unauthorized", "forbidden_scope", "rate_limited", "not_found")
POST_ONLY = ("idempotency_key_reused", "request_in_progress", "request_interrupted")
WITH_BODY = ("invalid_request", "malformed_json", "payload_too_large", "unsupported_media_type")
WITH_ORDER = ("illegal_transition", "not_allowed", "too_early")


def _problem(codes: tuple[str, ...]) -> dict[str, Any]:
    return {
        "description": "Problem details; code is one of: " + ", ".join(codes),
        "content": {CONTENT_TYPE: {"schema": {"$ref": REF.format(model="ProblemOut")}}},
    }


def _responses(route: Route) -> dict[str, Any]:
    codes: list[str] = list(COMMON)
    if route.method == "POST":
        codes += POST_ONLY
    if route.body is not None:
        codes += WITH_BODY
    if route.handler.__name__ in ("report_payment", "cancel_order"):
        codes += WITH_ORDER
    name = route.handler.__name__
    if name == "create_order":
        codes += ("reference_taken", "not_allowed")
    if "{account}" in route.path and route.body is None:
        codes.append("invalid_request")  # an account id that is blank or not printable
    if name == "link_account":
        codes.append("bot_username_unknown")
    if name == "cancel_waiting_order":
        codes.append("illegal_transition")
    if route.handler.__name__ == "credit_balance":
        codes.append("idempotency_key_required")
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(PROBLEMS[code][0], []).append(code)
    responses: dict[str, Any] = {
        str(route.status): {
            "description": route.summary,
            "content": {
                "application/json": {"schema": {"$ref": REF.format(model=route.answer.__name__)}}
            },
        }
    }
    for status, model, when in route.also:
        responses[str(status)] = {
            "description": when,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}},
        }
    for status in sorted(by_status):
        responses[str(status)] = _problem(tuple(by_status[status]))
    for waits in ("429", "503"):
        if waits in responses:
            responses[waits]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}
            }
    return responses


def _operation(route: Route) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if route.method == "POST":
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": route.handler.__name__ == "credit_balance",
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": "The same key and body replay the first answer",
            }
        )
    op: dict[str, Any] = {
        "operationId": route.handler.__name__,
        "summary": route.summary,
        "security": [{"bearer": [route.scope]}],
        "x-scope": route.scope,
        "parameters": params,
        "responses": _responses(route),
    }
    if route.body is not None:
        op["requestBody"] = {
            "required": bool(route.body.model_fields),
            "content": {
                "application/json": {"schema": {"$ref": REF.format(model=route.body.__name__)}}
            },
        }
    return op


def openapi_document() -> dict[str, Any]:
    """The whole document."""
    models: set[type[BaseModel]] = {m.ProblemOut}
    for route in ROUTES:
        models.add(route.answer)
        models.update(model for _, model, _ in route.also)
        if route.body is not None:
            models.add(route.body)
    ordered = sorted(models, key=lambda x: x.__name__)
    _, schemas = models_json_schema([(model, "validation") for model in ordered], ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "KChat marketplace API",
            "version": "1",
            "description": "Orders, payments, balances and support tickets of the KChat order "
            "chat. See docs/integration.md.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key from `kchat apikey create`",
                }
            },
        },
    }


if __name__ == "__main__":
    print(json.dumps(openapi_document(), indent=2, ensure_ascii=False))
