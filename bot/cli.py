"""`kchat`: run the bot, answer from the FAQ, and let the marketplace and operators act.

Errors (unknown id, bad amount, illegal transition) print one clear line on standard
error and exit with status 2, having changed nothing (DESIGN.md §3).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from bot.bootstrap import (
    Services,
    back_up_to_file,
    can_back_up_to_file,
    database_location,
    database_name,
    explain_storage_error,
    open_services,
    remove_database,
)
from bot.clock import SystemClock
from bot.config import MAX_TELEGRAM_ID, Settings, settings_error
from bot.domain.errors import DomainError
from bot.domain.ids import normalize_order_id
from bot.domain.linking import link_url
from bot.domain.model import Status
from bot.domain.money import format_amount, normalize_currency, parse_amount
from bot.order_json import balance_to_json, order_document
from bot.ports.errors import BackupRefused, DatabaseMissing, DatabaseUnavailable
from bot.ports.records import ApiKeyRecord, WebhookDelivery, WebhookSubscription
from bot.services.api_keys import parse_scopes
from bot.services.webhooks import STATUSES, event_types
from bot.timefmt import to_db

EXIT_USAGE = 2
MAX_LIMIT = 10_000  # --limit and the like: enough for a screen or a script, not a dump


class UsageError(Exception):
    """Bad command-line input."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the whole usage on error; the contract is one clear line.
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"kchat: {_one_line(message)} (see kchat --help)\n")


def _one_line(text: str) -> str:
    """Control characters a person typed (a newline, a carriage return) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _user_id(text: str) -> int:
    """A Telegram user id: a positive whole number below 2^63."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value <= MAX_TELEGRAM_ID:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a Telegram user id (a positive whole number below 2^63)"
        )
    return value


def _count(low: int, high: int) -> Callable[[str], int]:
    """A whole number from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text[:40]!r}: give a whole number {low} to {high}")
        return value

    return parse


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, sort_keys=False))


def _order_id(text: str) -> str:
    oid = normalize_order_id(text)
    if oid is None:
        raise UsageError(f"'{text}' is not an order id (like K1234567)")
    return oid


async def _order_create(s: Services, a: argparse.Namespace) -> int:
    currency = normalize_currency(a.currency)
    order = await s.orders.create_order(
        buyer_id=a.buyer,
        seller_id=a.seller,
        title=a.title,
        price_minor=parse_amount(a.price, currency),
        currency=currency,
    )
    if a.json:
        _print_json(await _show(s, order.id))
    else:
        print(
            f"{order.id} created: {order.title}, {currency} "
            f"{format_amount(order.amount_minor, currency)}, {order.status.label}"
        )
    return 0


async def _show(s: Services, order_id: str) -> dict[str, Any]:
    return await order_document(s, order_id)


async def _order_paid(s: Services, a: argparse.Namespace) -> int:
    order = await s.orders.mark_paid_external(_order_id(a.id))
    if a.json:
        _print_json(await _show(s, order.id))
    else:
        print(f"{order.id} is now {order.status.label}")
    return 0


async def _order_show(s: Services, a: argparse.Namespace) -> int:
    data = await _show(s, _order_id(a.id))
    if a.json:
        _print_json(data)
        return 0
    for key in ("id", "status_label", "title", "amount", "currency", "buyer", "seller"):
        print(f"{key:>14}: {data[key]}")
    for key in ("refund_request", "dispute"):
        if data[key]:
            print(f"{key:>14}: {json.dumps(data[key])}")
    for d in data["deadlines"]:
        print(f"{'deadline':>14}: {d['kind']} at {d['due_at']}")
    return 0


async def _order_list(s: Services, a: argparse.Namespace) -> int:
    status = Status(a.status) if a.status else None
    if a.user is not None:
        orders = await s.orders.orders_of(a.user, [status] if status else None, a.limit)
    else:
        orders = await s.orders.all_orders(status, a.limit)
    for o in orders:
        print(
            f"{o.id}  {o.status.label:<21} {o.currency} "
            f"{format_amount(o.amount_minor, o.currency):>10}  {o.title}"
        )
    return 0


async def _order_log(s: Services, a: argparse.Namespace) -> int:
    order = await s.orders.get(_order_id(a.id))
    for e in await s.orders.timeline(order.id):
        who = f"{e.actor_role}:{e.actor_id}" if e.actor_id else e.actor_role
        print(f"{to_db(e.at)}  {who:<18} {e.action} {e.detail}".rstrip())
    for item in await s.orders.notifications(order.id):
        print(f"{to_db(item.created_at)}  notify {item.recipient_id}: {item.kind}")
    return 0


async def _balance(s: Services, a: argparse.Namespace) -> int:
    data = balance_to_json(a.telegram_id, await s.orders.balances(a.telegram_id))
    shown = data["balances"]
    if a.json:
        _print_json(data)
    elif not shown:
        print(f"{a.telegram_id}: no balance yet")
    else:
        print(", ".join(f"{cur} {v}" for cur, v in shown.items()))
    return 0


async def _topup(s: Services, a: argparse.Namespace) -> int:
    currency = normalize_currency(a.currency)
    applied = await s.orders.top_up(
        a.telegram_id, parse_amount(a.amount, currency), currency, a.key or uuid.uuid4().hex
    )
    if not applied:
        print(f"kchat: top-up {a.key} was already applied; nothing credited", file=sys.stderr)
    return await _balance(s, argparse.Namespace(telegram_id=a.telegram_id, json=a.json))


async def _offer_create(s: Services, a: argparse.Namespace) -> int:
    currency = normalize_currency(a.currency)
    offer = await s.orders.create_offer(
        seller_id=a.seller,
        title=a.title,
        price_minor=parse_amount(a.price, currency),
        currency=currency,
    )
    print(offer.id)
    return 0


async def _offer_price(s: Services, a: argparse.Namespace) -> int:
    offer = await s.orders.get_offer(a.id)
    updated = await s.orders.set_offer_price(offer.id, None, parse_amount(a.price, offer.currency))
    print(
        f"{updated.id}: {updated.currency} {format_amount(updated.price_minor, updated.currency)}"
    )
    return 0


async def _sweep(s: Services, a: argparse.Namespace) -> int:
    report = await s.deadlines.sweep()
    print(
        f"applied {report.applied}, reminders {report.reminders}, "
        f"obsolete {report.obsolete}, failed {report.failed}"
    )
    return 0


async def _deadlines(s: Services, a: argparse.Namespace) -> int:
    for d in await s.deadlines.due_by(s.clock.now() if a.due else _FAR_FUTURE, a.limit):
        print(f"{to_db(d.due_at)}  {d.order_id}  {d.kind}")
    return 0


async def _faq_report(s: Services, a: argparse.Namespace) -> int:
    if not 1 <= a.days <= 3650:
        raise UsageError(f"--days {a.days}: give 1 to 3650 days")
    report = await s.help_log.report(a.days, misses=a.misses)
    if a.json:
        _print_json(
            {
                "days": report.days,
                "asked": report.asked,
                "declined": report.declined,
                "per_answer": [vars(x) for x in report.per_answer],
                "misses": [{**vars(m), "asked_at": m.asked_at.isoformat()} for m in report.misses],
            }
        )
        return 0
    share = f" ({report.declined / report.asked:.0%})" if report.asked else ""
    print(
        f"Help center, last {report.days} days: {report.asked} questions asked in the chat, "
        f"{report.declined} declined{share}"
    )
    if report.per_answer:
        print(f"\n{'answer':<32} {'asked':>6} {'helpful':>8} {'unhelpful':>10} {'person':>7}")
        for x in report.per_answer:
            name = x.doc_id or "(declined)"
            print(
                f"{name[:32]:<32} {x.asked:>6} {x.helpful:>8} {x.not_helpful:>10} "
                f"{x.support_asked:>7}"
            )
    if report.misses:
        print("\nLatest misses (declined, or marked unhelpful): where documents need work")
        for m in report.misses:
            what = "declined" if m.doc_id is None else f"unhelpful: {m.doc_id}"
            print(f"{m.asked_at:%Y-%m-%d %H:%M}  {what:<34} {m.question[:120]!r}")
    return 0


async def _check(s: Services, a: argparse.Namespace) -> int:
    problems = await s.orders.ledger_problems()
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ledger ok")
    return 0


async def _migrate(s: Services, a: argparse.Namespace) -> int:
    version = await s.schema_version()
    print(f"database at {a.database_name} is ready (schema version {version})")
    return 0


async def _apikey_create(s: Services, a: argparse.Namespace) -> int:
    made = await s.api_keys.create(a.name, parse_scopes(a.scopes))
    if a.json:
        _print_json({"key": made.key})
    else:
        print(made.key)
    print(
        f"kchat: API key {made.record.name} (id {made.record.id}, scopes "
        f"{','.join(made.record.scopes)}) created; the key is shown this once",
        file=sys.stderr,
    )
    return 0


def _key_json(k: ApiKeyRecord) -> dict[str, Any]:
    return {
        "id": k.id,
        "name": k.name,
        "scopes": list(k.scopes),
        "created_at": to_db(k.created_at),
        "revoked_at": to_db(k.revoked_at) if k.revoked_at else None,
    }


async def _apikey_list(s: Services, a: argparse.Namespace) -> int:
    keys = await s.api_keys.all()
    if a.json:
        _print_json([_key_json(k) for k in keys])
        return 0
    for k in keys:
        state = f"revoked {to_db(k.revoked_at)}" if k.revoked_at else "active"
        print(f"{k.id}  {k.name:<24} {','.join(k.scopes):<16} {to_db(k.created_at)}  {state}")
    return 0


async def _apikey_revoke(s: Services, a: argparse.Namespace) -> int:
    k = await s.api_keys.revoke(a.key)
    print(f"API key {k.name} (id {k.id}) is revoked")
    return 0


async def _account_link_url(s: Services, a: argparse.Namespace) -> int:
    # Imported here: the Telegram client is not worth loading for every other command.
    from bot.bot_username import BotUsernameSource

    username = await BotUsernameSource(a.settings)()
    if username is None:
        raise UsageError(
            "the bot's username is not known: set KCHAT_BOT_USERNAME (or TELEGRAM_BOT_TOKEN, "
            "to ask Telegram)"
        )
    issued = await s.accounts.issue_link(a.account)
    url = link_url(username, issued.payload)
    if a.json:
        _print_json(
            {
                "account": issued.account,
                "url": url,
                "token": issued.payload,
                "expires_at": to_db(issued.expires_at),
            }
        )
    else:
        print(url)
        print(
            f"kchat: a one-time link for {issued.account}, valid until {to_db(issued.expires_at)}",
            file=sys.stderr,
        )
    return 0


async def _account_show(s: Services, a: argparse.Namespace) -> int:
    found = await s.accounts.show(a.account)
    waiting = await s.accounts.still_waiting(found.account, MAX_LIMIT)
    shown = {
        "account": found.account,
        "linked": found.telegram_id is not None,
        "telegram_id": found.telegram_id,
        "linked_at": to_db(found.linked_at) if found.linked_at else None,
        "waiting": [w.reference for w in waiting],
    }
    if a.json:
        _print_json(shown)
        return 0
    state = (
        f"linked to Telegram user {found.telegram_id} since {shown['linked_at']}"
        if found.telegram_id is not None
        else "not linked"
    )
    print(f"{found.account}: {state}; {len(waiting)} order(s) waiting for it")
    for w in waiting:
        print(
            f"  {w.reference}  {w.title}  {w.currency} {format_amount(w.price_minor, w.currency)}"
        )
    return 0


def _webhook_json(w: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": w.id,
        "url": w.url,
        "events": list(w.events) or ["*"],
        "created_at": to_db(w.created_at),
        "removed_at": to_db(w.removed_at) if w.removed_at else None,
    }


async def _webhook_add(s: Services, a: argparse.Namespace) -> int:
    made = await s.webhooks.add(a.url, a.events)
    if a.json:
        _print_json({**_webhook_json(made.subscription), "secret": made.secret})
    else:
        print(f"{made.subscription.id}  {made.secret}")
    print(
        f"kchat: webhook {made.subscription.id} added for {made.subscription.url}; its signing "
        "secret is shown this once",
        file=sys.stderr,
    )
    return 0


async def _webhook_list(s: Services, a: argparse.Namespace) -> int:
    subs = await s.webhooks.all()
    if a.json:
        _print_json([_webhook_json(w) for w in subs])
        return 0
    for w in subs:
        state = f"removed {to_db(w.removed_at)}" if w.removed_at else "active"
        events = ",".join(w.events) or "*"
        print(f"{w.id}  {w.url}  {events}  {to_db(w.created_at)}  {state}")
    return 0


async def _webhook_remove(s: Services, a: argparse.Namespace) -> int:
    w = await s.webhooks.remove(a.id)
    print(f"webhook {w.id} ({w.url}) is removed; nothing more is sent to it")
    return 0


def _delivery_json(d: WebhookDelivery) -> dict[str, Any]:
    def at(x: datetime | None) -> str | None:
        return to_db(x) if x else None

    return {
        "id": d.id,
        "webhook": d.subscription_id,
        "event_id": d.event_id,
        "type": d.event_type,
        "order_id": d.order_id,
        "status": d.status,
        "attempts": d.attempts,
        "created_at": to_db(d.created_at),
        "last_attempt_at": at(d.last_attempt_at),
        "next_attempt_at": at(d.next_attempt_at) if d.status == "pending" else None,
        "last_status": d.last_status,
        "last_error": d.last_error,
    }


async def _webhook_deliveries(s: Services, a: argparse.Namespace) -> int:
    order_id = _order_id(a.order) if a.order is not None else None
    found = await s.webhooks.deliveries(order_id=order_id, status=a.status, limit=a.limit)
    if a.json:
        _print_json([_delivery_json(d) for d in found])
        return 0
    for d in found:
        j = _delivery_json(d)
        when = f"next {j['next_attempt_at']}" if d.status == "pending" else ""
        why = f"  {d.last_error}" if d.last_error and d.status != "delivered" else ""
        print(
            f"{d.id}  {d.created_at:%Y-%m-%d %H:%M:%S}  {d.order_id}  {d.event_type:<22} "
            f"{d.subscription_id}  {d.status} ({d.attempts} attempts) {when}{why}".rstrip()
        )
    return 0


async def _webhook_retry(s: Services, a: argparse.Namespace) -> int:
    d = await s.webhooks.retry(a.delivery_id)
    print(f"delivery {d.id} ({d.event_type} of {d.order_id}) is queued to be sent again now")
    return 0


_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)

Command = Callable[[Services, argparse.Namespace], Awaitable[int]]


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    p = _Parser(prog="kchat", description="KChat: the order chat of a digital-goods marketplace")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser(
        "run",
        help="run the Telegram bot (long polling, or webhook if configured); "
        "without TELEGRAM_BOT_TOKEN it exits (status 2) saying how to get one",
    )
    # Accepted for scripts written when `run` fell back to the sandbox; it changes nothing.
    r.add_argument("--no-sandbox", action="store_true", help=argparse.SUPPRESS)
    r.add_argument(
        "--verbose",
        action="store_true",
        help="when the bot cannot start, print the whole traceback, not only what to try",
    )
    sub.add_parser(
        "api",
        help="serve the HTTP port (the marketplace API and the operator's endpoints) "
        "without polling Telegram; needs KCHAT_HTTP_PORT",
    )
    mg = sub.add_parser(
        "migrate", help="create the database, or apply its pending migrations, and exit"
    )
    mg.set_defaults(run=_migrate, creates=True, migrates=True)

    from bot.faq_cli import add_faq_parser

    add_faq_parser(sub)

    order = sub.add_parser("order", help="create, pay and inspect orders").add_subparsers(
        dest="order_command", required=True, parser_class=_Parser
    )
    c = order.add_parser("create", help="place an order (marketplace intake)")
    c.add_argument("--buyer", type=_user_id, required=True, metavar="TG_ID")
    c.add_argument("--seller", type=_user_id, required=True, metavar="TG_ID")
    c.add_argument("--title", required=True)
    c.add_argument("--price", required=True, help="e.g. 12.50")
    c.add_argument("--currency", default=None)
    c.add_argument("--json", action="store_true")
    # Intake may create a new database (external checks start on a fresh path), saying so.
    c.set_defaults(run=_order_create, creates=True)
    pd = order.add_parser("paid", help="the marketplace reports an external payment")
    pd.add_argument("id")
    pd.add_argument("--json", action="store_true")
    pd.set_defaults(run=_order_paid)
    sh = order.add_parser("show", help="one order")
    sh.add_argument("id")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(run=_order_show)
    ls = order.add_parser("list", help="orders, newest last (or one user's, newest first)")
    ls.add_argument("--user", type=_user_id, default=None, metavar="TG_ID")
    ls.add_argument("--status", choices=[st.value for st in Status], default=None)
    ls.add_argument("--limit", type=_count(1, MAX_LIMIT), default=50)
    ls.set_defaults(run=_order_list)
    lg = order.add_parser("log", help="an order's timeline and notifications")
    lg.add_argument("id")
    lg.set_defaults(run=_order_log)

    offer = sub.add_parser("offer", help="sellers' offers").add_subparsers(
        dest="offer_command", required=True, parser_class=_Parser
    )
    oc = offer.add_parser("create", help="list an item at a price")
    oc.add_argument("--seller", type=_user_id, required=True, metavar="TG_ID")
    oc.add_argument("--title", required=True)
    oc.add_argument("--price", required=True)
    oc.add_argument("--currency", default=None)
    oc.set_defaults(run=_offer_create)
    op = offer.add_parser("price", help="change an offer's price (placed orders keep theirs)")
    op.add_argument("id")
    op.add_argument("price")
    op.set_defaults(run=_offer_price)

    b = sub.add_parser("balance", help="a user's KALEOZ balance")
    b.add_argument("telegram_id", type=_user_id, metavar="TG_ID")
    b.add_argument("--json", action="store_true")
    b.set_defaults(run=_balance)
    t = sub.add_parser("topup", help="operator: credit a user's balance")
    t.add_argument("telegram_id", type=_user_id, metavar="TG_ID")
    t.add_argument("amount")
    t.add_argument("--currency", default=None)
    t.add_argument("--key", default=None, help="idempotency key (a repeat does nothing)")
    t.add_argument("--json", action="store_true")
    t.set_defaults(run=_topup)

    ak = sub.add_parser("apikey", help="the marketplace API's keys").add_subparsers(
        dest="apikey_command", required=True, parser_class=_Parser
    )
    akc = ak.add_parser("create", help="a new key, printed once (only its hash is kept)")
    akc.add_argument("--name", required=True)
    akc.add_argument("--scopes", required=True, help="comma-separated: read, write, money")
    akc.add_argument("--json", action="store_true", help='print {"key": "..."}')
    # A key is often the first thing made on a fresh deployment: like intake, it may
    # create the database (saying so).
    akc.set_defaults(run=_apikey_create, creates=True)
    akl = ak.add_parser("list", help="every key: id, name, scopes, created, revoked")
    akl.add_argument("--json", action="store_true")
    akl.set_defaults(run=_apikey_list)
    akr = ak.add_parser("revoke", help="refuse a key from now on")
    akr.add_argument("key", metavar="ID_OR_NAME")
    akr.set_defaults(run=_apikey_revoke)

    ac = sub.add_parser("account", help="marketplace accounts linked to Telegram").add_subparsers(
        dest="account_command", required=True, parser_class=_Parser
    )
    acl = ac.add_parser("link-url", help="a one-time t.me link that links the account")
    acl.add_argument("account", metavar="ACCOUNT")
    acl.add_argument("--json", action="store_true", help="print {account, url, token, expires_at}")
    acl.set_defaults(run=_account_link_url)
    acs = ac.add_parser("show", help="whether the account is linked, and what waits for it")
    acs.add_argument("account", metavar="ACCOUNT")
    acs.add_argument("--json", action="store_true")
    acs.set_defaults(run=_account_show)
    wh = sub.add_parser(
        "webhook", help="order events POSTed, signed, to the marketplace"
    ).add_subparsers(dest="webhook_command", required=True, parser_class=_Parser)
    wha = wh.add_parser("add", help="a new subscriber; prints its id and signing secret once")
    wha.add_argument("url", metavar="URL")
    wha.add_argument(
        "--events",
        default="*",
        help=f"comma-separated event types (default *, every one): {', '.join(event_types())}",
    )
    wha.add_argument("--json", action="store_true")
    wha.set_defaults(run=_webhook_add, creates=True)
    whl = wh.add_parser("list", help="every subscriber: id, URL, events, created, removed")
    whl.add_argument("--json", action="store_true")
    whl.set_defaults(run=_webhook_list)
    whr = wh.add_parser("remove", help="stop sending to a subscriber")
    whr.add_argument("id", metavar="ID")
    whr.set_defaults(run=_webhook_remove)
    whd = wh.add_parser("deliveries", help="events sent and to send, newest first")
    whd.add_argument("--order", default=None, metavar="ID")
    whd.add_argument("--status", choices=STATUSES, default=None)
    whd.add_argument("--limit", type=_count(1, 1000), default=50)
    whd.add_argument("--json", action="store_true")
    whd.set_defaults(run=_webhook_deliveries)
    wht = wh.add_parser("retry", help="send a delivered or failed delivery again, now")
    wht.add_argument("delivery_id", type=_count(1, 2**63 - 1), metavar="DELIVERY_ID")
    wht.set_defaults(run=_webhook_retry)

    sw = sub.add_parser("sweep", help="apply every deadline that is due now")
    sw.set_defaults(run=_sweep)
    dl = sub.add_parser("deadlines", help="pending deadlines, earliest first")
    dl.add_argument("--due", action="store_true", help="only those due now")
    dl.add_argument("--limit", type=_count(1, MAX_LIMIT), default=50)
    dl.set_defaults(run=_deadlines)
    ck = sub.add_parser("check", help="verify the ledger's invariants")
    ck.set_defaults(run=_check)
    bk = sub.add_parser(
        "backup",
        help="copy the database to PATH, consistent while the bot runs (SQLite; for "
        "PostgreSQL use pg_dump)",
    )
    bk.add_argument("path", metavar="PATH", help="the file to write")
    bk.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    fr = sub.add_parser(
        "faq-report", help="what the help center was asked in the chat, and what missed"
    )
    fr.add_argument("--days", type=int, default=7, help="how far back (default 7)")
    fr.add_argument(
        "--misses", type=_count(0, MAX_LIMIT), default=20, help="how many misses to list"
    )
    fr.add_argument("--json", action="store_true")
    fr.set_defaults(run=_faq_report)
    return p


async def _run_command(settings: Settings, command: Command, args: argparse.Namespace) -> int:
    file = database_location(settings)
    fresh = file is not None and not file.exists()
    args.database_name = database_name(settings)
    # Only `migrate` and intake may create a database; anything else on a missing one
    # would answer from an empty database ("no balance yet") in the wrong folder. On
    # PostgreSQL only `migrate` changes the schema; the rest refuse one with migrations due.
    services = await open_services(
        settings,
        SystemClock(),
        create=bool(getattr(args, "creates", False)),
        migrate=bool(getattr(args, "migrates", False)),
    )
    try:
        code = await command(services, args)
    except BaseException:
        await services.close()
        if fresh and file is not None:
            remove_database(file)  # a failed first command leaves no empty database behind
        raise
    await services.close()
    if fresh:
        print(f"kchat: created a new database at {file}", file=sys.stderr)
    return code


def _undecodable(text: str) -> bool:
    # Bytes that are not UTF-8 reach argv as lone surrogates, which nothing can store.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _fail(message: str) -> int:
    # Errors often quote what was typed; the contract is one line whatever that was.
    print(f"kchat: {_one_line(message)}", file=sys.stderr)
    return EXIT_USAGE


def _missing(exc: DatabaseMissing, settings: Settings) -> str:
    return (
        f"no database at {exc.path} (KCHAT_DATABASE_URL={settings.database_url}); "
        "create one with `kchat migrate`, or point KCHAT_DATABASE_URL at the existing one"
    )


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    """`kchat backup PATH [--force]`: one line saying what was copied where, or why not."""
    if not can_back_up_to_file(settings):
        return _fail(
            "backup copies SQLite databases; back PostgreSQL up with its own pg_dump "
            '(pg_dump --format=custom --file=kchat.dump "$KCHAT_DATABASE_URL"), '
            "see docs/operations.md"
        )
    try:
        made = asyncio.run(back_up_to_file(settings, Path(args.path), force=args.force))
    except BackupRefused as exc:
        return _fail(str(exc))
    except DatabaseMissing as exc:
        return _fail(_missing(exc, settings))
    except DatabaseUnavailable as exc:
        return _fail(str(exc))
    print(
        f"backed up {made.source} to {made.target} ({made.size:,} bytes, "
        f"schema version {made.schema_version}, {made.orders} "
        f"order{'' if made.orders == 1 else 's'})"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kchat` console script."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed as one line
        return int(exc.code or 0)
    for value in vars(args).values():
        if isinstance(value, str) and not value.isprintable() and _undecodable(value):
            return _fail(f"{value!r} is not valid UTF-8 text (check the terminal's encoding)")
    if args.command == "faq":
        from bot.faq_cli import run_faq

        return int(run_faq(args))
    try:
        settings = Settings()
    except ValidationError as exc:
        return _fail(settings_error(exc))
    if args.command == "run":
        from bot.app import run_bot

        return run_bot(settings, verbose=args.verbose)
    if args.command == "api":
        from bot.api_server import run_api

        return run_api(settings)
    if args.command == "backup":
        return _backup(settings, args)
    if getattr(args, "currency", "x") is None:
        args.currency = settings.default_currency
    args.settings = settings
    try:
        command: Command = args.run
        return asyncio.run(_run_command(settings, command, args))
    except (DomainError, UsageError) as exc:
        return _fail(str(exc))
    except DatabaseMissing as exc:
        return _fail(_missing(exc, settings))
    except DatabaseUnavailable as exc:
        return _fail(str(exc))
    except ValueError as exc:  # e.g. an unsupported database URL
        return _fail(str(exc))
    except Exception as exc:  # e.g. locked by another process past the busy timeout
        explained = explain_storage_error(settings, exc)
        if explained is None:
            raise
        return _fail(explained)


if __name__ == "__main__":
    raise SystemExit(main())
