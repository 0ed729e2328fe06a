"""The marketplace API under /v1/ (DESIGN.md §3, docs/integration.md): thin handlers over
the same services as the chat and the command line.

Every request carries `Authorization: Bearer <key>`; each route needs one scope (`read`,
`write` or `money`). Every POST takes an `Idempotency-Key`: see `bot.services.idempotency`.
Bodies are read up to MAX_BODY bytes and validated before anything runs, so bad input
changes nothing. `ROUTES` is the single list the router and the OpenAPI document are
built from.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from bot.bootstrap import Services
from bot.domain.errors import DomainError
from bot.domain.linking import Party, link_url
from bot.domain.money import format_amount, normalize_currency, parse_amount
from bot.domain.tickets import TicketKind
from bot.http import api_models as m
from bot.http.problems import Problem, from_domain
from bot.http.rate_limit import RateLimit
from bot.order_json import balance_to_json, order_document
from bot.ports.records import AccountRecord, ApiKeyRecord, ApiRequestRecord, WaitingOrderRecord
from bot.timefmt import to_db

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024  # bytes: an order is a few hundred; anything near this is not one
MAX_IDEMPOTENCY_KEY = 200
MAX_LIST = 100
# A request still marked running after this long will never answer: its instance stopped.
INTERRUPTED_AFTER = timedelta(minutes=2)
PREFIX = "/v1/"


BotUsername = Callable[[], Awaitable[str | None]]


async def _no_username() -> str | None:
    return None


@dataclass
class ApiContext:
    """What the handlers need; `services` is set once the database is open.

    `bot_username` says the bot's username for link URLs (KCHAT_BOT_USERNAME, else getMe).
    """

    rate_limit: RateLimit
    default_currency: str
    services: Services | None = None
    bot_username: BotUsername = _no_username

    def open(self) -> Services:
        if self.services is None:
            raise Problem("unavailable", "The service is starting; retry in a moment.")
        return self.services


@dataclass(frozen=True)
class Call:
    """One authenticated request: its key, its validated body, its path parameters."""

    services: Services
    key: ApiKeyRecord
    body: BaseModel
    params: dict[str, str]
    idempotency_key: str | None
    default_currency: str
    bot_username: BotUsername = _no_username


Answer = tuple[int, Any]
Handler = Callable[[Call], Awaitable[Answer]]


@dataclass(frozen=True)
class Route:
    """A /v1 path: its handler, scope and what it takes and answers (for the document)."""

    method: str
    path: str
    handler: Handler
    scope: str
    summary: str
    status: int
    answer: type[BaseModel]
    body: type[BaseModel] | None = None
    parameters: tuple[str, ...] = ()
    # Other successful answers: (status, model, when), e.g. 202 for an order that waits.
    also: tuple[tuple[int, type[BaseModel], str], ...] = ()


# --- helpers ---------------------------------------------------------------------------------


def _telegram_id(text: str) -> int:
    value = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else 0
    if not 0 < value <= m.MAX_TELEGRAM_ID:
        raise Problem("not_found", f"No user {text[:20]!r}.")
    return value


def _party(party: m.TelegramParty | m.AccountParty) -> Party:
    if isinstance(party, m.AccountParty):
        return Party(account=party.account)
    return Party(telegram_id=party.telegram_id)


def _waiting_json(w: WaitingOrderRecord, waiting_for: tuple[str, ...]) -> dict[str, Any]:
    return {
        "reference": w.reference,
        "state": w.state,
        "waiting_for": list(waiting_for) if w.state == "waiting" else [],
        "buyer": {"telegram_id": w.buyer_id, "account": w.buyer_account},
        "seller": {"telegram_id": w.seller_id, "account": w.seller_account},
        "title": w.title,
        "amount": format_amount(w.price_minor, w.currency),
        "currency": w.currency,
        "created_at": to_db(w.created_at),
        "order_id": w.order_id,
        "closed_at": to_db(w.closed_at) if w.closed_at else None,
        "note": w.note,
    }


async def _waiting_document(s: Services, w: WaitingOrderRecord) -> dict[str, Any]:
    """The waiting order as JSON, with whose accounts it waits for now."""
    roles = []
    for role, account in (("buyer", w.buyer_account), ("seller", w.seller_account)):
        if account is not None and (await s.accounts.show(account)).telegram_id is None:
            roles.append(role)
    return _waiting_json(w, tuple(roles))


def _account_json(a: AccountRecord) -> dict[str, Any]:
    return {
        "account": a.account,
        "linked": a.telegram_id is not None,
        "telegram_id": a.telegram_id,
        "linked_at": to_db(a.linked_at) if a.linked_at else None,
    }


def _currency(given: str | None, default: str) -> str:
    return normalize_currency(given or default)


# --- handlers ------------------------------------------------------------------------------


async def create_order(c: Call) -> Answer:
    """Intake: the same use case as `kchat order create`, with the marketplace's reference."""
    body = c.body
    assert isinstance(body, m.CreateOrder)
    currency = _currency(body.currency, c.default_currency)
    placed = await c.services.accounts.place_order(
        buyer=_party(body.buyer),
        seller=_party(body.seller),
        title=body.title,
        price_minor=parse_amount(body.price, currency),
        currency=currency,
        reference=body.reference,
    )
    if placed.waiting is not None:
        # A party's account is not linked yet: the order waits, and is created (201's
        # order, cards in the chat) the moment the last account it waits for links.
        return 202, _waiting_json(placed.waiting, placed.waiting_for)
    assert placed.order is not None
    return 201, await order_document(c.services, placed.order.id)


async def report_payment(c: Call) -> Answer:
    """The marketplace's payment provider took the money (`kchat order paid`)."""
    order = await c.services.orders.mark_paid_external(c.params["order_id"])
    return 200, await order_document(c.services, order.id)


async def cancel_order(c: Call) -> Answer:
    """A party's cancellation, with the chat's rules (buyer: unpaid only; seller: refund)."""
    body = c.body
    assert isinstance(body, m.CancelOrder)
    order_id, party = c.params["order_id"], body.telegram_id
    order = await c.services.orders.cancel(order_id, party, body.reason or "")
    return 200, await order_document(c.services, order.id)


async def show_order(c: Call) -> Answer:
    return 200, await order_document(c.services, c.params["order_id"])


async def list_orders(c: Call) -> Answer:
    user = _telegram_id(c.params["telegram_id"])
    orders = await c.services.orders.orders_of(user, None, MAX_LIST)
    return 200, {
        "telegram_id": user,
        "orders": [await order_document(c.services, o.id) for o in orders],
    }


async def _balance(s: Services, user: int) -> dict[str, Any]:
    return balance_to_json(user, await s.orders.balances(user))


async def show_balance(c: Call) -> Answer:
    return 200, await _balance(c.services, _telegram_id(c.params["telegram_id"]))


async def credit_balance(c: Call) -> Answer:
    """An operator's top-up (`kchat topup`), keyed by the request's Idempotency-Key."""
    body = c.body
    assert isinstance(body, m.Credit)
    if c.idempotency_key is None:
        raise Problem("idempotency_key_required", "Crediting money needs an Idempotency-Key.")
    user = _telegram_id(c.params["telegram_id"])
    currency = _currency(body.currency, c.default_currency)
    await c.services.orders.top_up(
        user,
        parse_amount(body.amount, currency),
        currency,
        f"api:{c.key.id}:{c.idempotency_key}",
    )
    return 200, await _balance(c.services, user)


async def raise_ticket(c: Call) -> Answer:
    """A user asks support for help, as /help does in the chat (joining an open ticket)."""
    body = c.body
    assert isinstance(body, m.NewTicket)
    ticket, joined = await c.services.support.raise_ticket(
        TicketKind.HELP, order_id=body.order_id, user_id=body.telegram_id, subject=body.message
    )
    answer = {"id": ticket.id, "kind": ticket.kind.value, "order_id": ticket.order_id}
    return 201, {**answer, "joined": joined}


async def link_account(c: Call) -> Answer:
    """A one-time link for the marketplace's user: opened in Telegram, it links them."""
    username = await c.bot_username()
    if username is None:
        raise Problem(
            "bot_username_unknown",
            "The bot's username is not known: set KCHAT_BOT_USERNAME, or let the bot reach "
            "Telegram (getMe) and retry.",
            headers={"Retry-After": "5"},
        )
    issued = await c.services.accounts.issue_link(c.params["account"])
    return 201, {
        "account": issued.account,
        "url": link_url(username, issued.payload),
        "token": issued.payload,
        "expires_at": to_db(issued.expires_at),
    }


async def show_account(c: Call) -> Answer:
    return 200, _account_json(await c.services.accounts.show(c.params["account"]))


async def unlink_account(c: Call) -> Answer:
    """The marketplace unlinks its account (its orders stay; new ones wait again)."""
    return 200, _account_json(await c.services.accounts.unlink_account(c.params["account"]))


async def list_account_orders(c: Call) -> Answer:
    s = c.services
    account = await s.accounts.show(c.params["account"])
    orders = []
    if account.telegram_id is not None:
        found = await s.orders.orders_of(account.telegram_id, None, MAX_LIST)
        orders = [await order_document(s, o.id) for o in found]
    waiting = await s.accounts.still_waiting(account.account, MAX_LIST)
    return 200, {
        "account": account.account,
        "telegram_id": account.telegram_id,
        "orders": orders,
        "waiting": [await _waiting_document(s, w) for w in waiting],
    }


async def show_waiting_order(c: Call) -> Answer:
    s = c.services
    return 200, await _waiting_document(s, await s.accounts.waiting(c.params["reference"]))


async def cancel_waiting_order(c: Call) -> Answer:
    """The marketplace withdraws an order that still waits for an account."""
    s = c.services
    return 200, await _waiting_document(s, await s.accounts.cancel_waiting(c.params["reference"]))


ORDER = ("order_id",)
USER = ("telegram_id",)
ACCOUNT = ("account",)
REFERENCE = ("reference",)
ROUTES: tuple[Route, ...] = (
    Route("POST", "/v1/orders", create_order, "write", "Create an order", 201, m.OrderOut,
          m.CreateOrder,
          also=((202, m.WaitingOrderOut, "The order waits for a party's account to be linked"),)),
    Route("GET", "/v1/orders/{order_id}", show_order, "read", "Read an order", 200, m.OrderOut,
          parameters=ORDER),
    Route("POST", "/v1/orders/{order_id}/payment", report_payment, "money",
          "Report the order's payment", 200, m.OrderOut, m.ReportPayment, ORDER),
    Route("POST", "/v1/orders/{order_id}/cancel", cancel_order, "write",
          "Cancel the order for one of its parties", 200, m.OrderOut, m.CancelOrder, ORDER),
    Route("GET", "/v1/users/{telegram_id}/orders", list_orders, "read",
          "A user's orders, newest activity first", 200, m.OrderList, parameters=USER),
    Route("GET", "/v1/users/{telegram_id}/balance", show_balance, "read", "A user's balance",
          200, m.Balance, parameters=USER),
    Route("POST", "/v1/users/{telegram_id}/credits", credit_balance, "money",
          "Credit a user's balance", 200, m.Balance, m.Credit, USER),
    Route("POST", "/v1/tickets", raise_ticket, "write", "Ask support for help", 201,
          m.TicketOut, m.NewTicket),
    Route("POST", "/v1/accounts/{account}/link", link_account, "write",
          "A one-time link that links the account to the user's Telegram", 201, m.LinkOut,
          parameters=ACCOUNT),
    Route("DELETE", "/v1/accounts/{account}/link", unlink_account, "write",
          "Unlink the account from Telegram", 200, m.AccountOut, parameters=ACCOUNT),
    Route("GET", "/v1/accounts/{account}", show_account, "read",
          "Whether the account is linked, and to whom", 200, m.AccountOut, parameters=ACCOUNT),
    Route("GET", "/v1/accounts/{account}/orders", list_account_orders, "read",
          "The account's orders, and those waiting for it to link", 200, m.AccountOrders,
          parameters=ACCOUNT),
    Route("GET", "/v1/waiting-orders/{reference}", show_waiting_order, "read",
          "An order that waits (or waited) for an account, by its reference", 200,
          m.WaitingOrderOut, parameters=REFERENCE),
    Route("POST", "/v1/waiting-orders/{reference}/cancel", cancel_waiting_order, "write",
          "Withdraw an order that waits for an account", 200, m.WaitingOrderOut,
          m.CancelWaiting, REFERENCE),
)  # fmt: skip


# --- the request pipeline --------------------------------------------------------------------


async def _read_body(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise Problem("payload_too_large", f"The body may be at most {MAX_BODY} bytes.")
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.readany():
        size += len(chunk)
        if size > MAX_BODY:
            raise Problem("payload_too_large", f"The body may be at most {MAX_BODY} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _validate(model: type[BaseModel], raw: bytes, content_type: str) -> tuple[BaseModel, Any]:
    """The body as `model`, and as plain JSON (for the request's hash)."""
    if not raw.strip() and not model.model_fields:
        return model(), {}
    if content_type not in ("application/json", "application/octet-stream", ""):
        raise Problem("unsupported_media_type", f"Send JSON, not {content_type[:60]}.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise Problem("malformed_json", "The body is not valid UTF-8 JSON.") from None
    if _has_nul(data):
        raise Problem("invalid_request", "body: text may not contain NUL (\\u0000).")
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(x) for x in first["loc"]) or "body"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise Problem("invalid_request", f"{where}: {first['msg']}{more}") from None


def _has_nul(data: Any) -> bool:
    """Whether any string in `data` (keys too) holds a NUL, which PostgreSQL's text refuses:
    the same request is refused on either backend. Iterative: nesting is as deep as JSON's."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
    return False


def _idempotency_key(request: web.Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 0 < len(key) <= MAX_IDEMPOTENCY_KEY or not key.isprintable() or not key.isascii():
        raise Problem(
            "invalid_request",
            f"Idempotency-Key: 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters.",
        )
    return key


def _request_hash(request: web.Request, data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


async def _authenticate(ctx: ApiContext, request: web.Request, scope: str) -> ApiKeyRecord:
    s = ctx.open()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    key = await s.api_keys.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        raise Problem(
            "unauthorized",
            "Send Authorization: Bearer <key> with a key from `kchat apikey create`.",
            headers={"WWW-Authenticate": 'Bearer realm="kchat"'},
        )
    if scope not in key.scopes:
        raise Problem("forbidden_scope", f"This needs the {scope!r} scope.")
    wait = ctx.rate_limit.take(key.id)
    if wait:
        raise Problem(
            "rate_limited",
            f"At most {ctx.rate_limit.per_minute} requests a minute per key; retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    return key


def _json(status: int, body: Any) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _endpoint(ctx: ApiContext, route: Route) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def endpoint(request: web.Request) -> web.Response:
        key = await _authenticate(ctx, request, route.scope)
        s = ctx.open()
        idem = _idempotency_key(request) if route.method == "POST" else None
        body: BaseModel = m.ReportPayment()
        data: Any = {}
        if route.body is not None:
            body, data = _validate(route.body, await _read_body(request), request.content_type)
        call = Call(
            s, key, body, dict(request.match_info), idem, ctx.default_currency, ctx.bot_username
        )
        if idem is None:
            return _json(*await _run(route, call))
        request_hash = _request_hash(request, data)
        seen = await s.api_requests.begin(key.id, idem, request_hash)
        if seen is not None:
            return _replay(seen.request_hash == request_hash, seen, s.clock.now())
        try:
            status, answer = await _run(route, call)
        except BaseException:
            await s.api_requests.forget(key.id, idem)
            raise
        text = json.dumps(answer, ensure_ascii=False)
        await s.api_requests.finish(key.id, idem, status, text)
        return _json(status, answer)

    return endpoint


def _replay(same: bool, seen: ApiRequestRecord, now: datetime) -> web.Response:
    if not same:
        raise Problem(
            "idempotency_key_reused",
            "This Idempotency-Key was sent with another request; use a new key.",
        )
    if not seen.done and now - seen.started_at > INTERRUPTED_AFTER:
        # The instance running it stopped (a crash, a kill) between its effect and its
        # answer: whether the effect happened is unknown here, and running it again could
        # apply it twice. Say so, rather than "still running" for ever.
        raise Problem(
            "request_interrupted",
            "The first request with this Idempotency-Key did not finish: the service "
            "stopped while it ran. Read the order or the balance to see whether it took "
            "effect, then retry with a new Idempotency-Key if it did not.",
        )
    if not seen.done or seen.status is None:
        raise Problem(
            "request_in_progress",
            "The first request with this Idempotency-Key is still running; retry shortly.",
            headers={"Retry-After": "1"},
        )
    return web.Response(
        status=seen.status,
        text=seen.body,
        content_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


async def _run(route: Route, call: Call) -> Answer:
    try:
        return await route.handler(call)
    except DomainError as exc:
        raise from_domain(exc) from None


@web.middleware
async def problems_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every /v1 answer that is not a success is problem details; never a traceback."""
    if not request.path.startswith(PREFIX):
        return await handler(request)
    try:
        return await handler(request)
    except Problem as problem:
        return problem.response()
    except web.HTTPNotFound:
        return Problem("not_found", f"No such path: {request.path[:100]}").response()
    except web.HTTPMethodNotAllowed as exc:
        allow = {"Allow": ",".join(sorted(exc.allowed_methods))}
        detail = f"{request.method} is not allowed here."
        return Problem("method_not_allowed", detail, headers=allow).response()
    except Exception:
        log.exception("API %s %s failed", request.method, request.path[:100])
        return Problem("internal", "Something went wrong on our side; retry later.").response()


def add_api_routes(app: web.Application, ctx: ApiContext) -> None:
    """Serve ROUTES and `GET /openapi.json` on `app`."""
    from bot.http.openapi import openapi_document

    document = openapi_document()

    async def openapi(request: web.Request) -> web.Response:
        return web.json_response(document)

    app.middlewares.append(problems_middleware)
    app.router.add_get("/openapi.json", openapi)
    for route in ROUTES:
        app.router.add_route(route.method, route.path, _endpoint(ctx, route))
