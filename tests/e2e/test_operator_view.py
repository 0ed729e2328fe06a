"""The operator's view of a running bot, over real HTTP on KCHAT_HTTP_PORT: liveness,
readiness (503 with a reason when the database or Telegram is not there), Prometheus
metrics that count what the bot did, and ERROR lines in the operator chat, rate-limited."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.faq import FaqIndex
from bot.metrics import OVERDUE_AFTER
from bot.services.inbox import InboxService
from handlers.send_share import ALIVE_FOR
from sandbox.fake_bot_api.faults import Fault
from sandbox.fake_bot_api.harness import FakeGroup
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, SELLER, Running

OPERATORS = -1009876543210


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def get(port: int, path: str) -> tuple[int, Any]:
    """(status, body: JSON if it is JSON, else text) of GET `path` on the operator port."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of a Prometheus exposition, keyed by (name, labels)."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(scraped: Samples, name: str, **labels: str) -> float:
    return scraped[(name, frozenset(labels.items()))]


async def test_liveness_and_readiness_answer_on_the_operator_port(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()
    async with running_kchat(tmp_path, faq_index, http_port=port):
        assert await get(port, "/healthz") == (200, {"status": "ok"})
        status, body = await get(port, "/readyz")
        assert status == 200
        assert body == {
            "status": "ready",
            "checks": {"database": "ok", "migrations": "ok", "telegram": "ok"},
        }
    # Stopped with the bot: nothing listens any more.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


async def test_the_send_budget_is_split_with_every_instance_on_the_database(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()

    async def instances_seen(n: int) -> Samples:
        for _ in range(100):  # the bot counts the instances every 2 s
            scraped = samples((await get(port, "/metrics"))[1])
            if value(scraped, "kchat_instances") == n:
                return scraped
            await asyncio.sleep(0.1)
        raise AssertionError(f"the bot never counted {n} instances")

    async with running_kchat(tmp_path, faq_index, http_port=port, send_budget=30) as k:
        alone = await instances_seen(1)
        assert value(alone, "kchat_send_budget_per_second") == 30
        other = InboxService(k.services.store, k.clock, timedelta(seconds=30))
        assert await other.beat(ALIVE_FOR) == 2  # another instance starts on this database
        assert value(await instances_seen(2), "kchat_send_budget_per_second") == 15
        await other.leave()
        assert value(await instances_seen(1), "kchat_send_budget_per_second") == 30
        store_url = k.app.bot_data.settings.database_url

    # Stopped, the bot left: a newcomer has the database to itself.
    store = await open_storage(store_url)
    try:
        newcomer = InboxService(store, ManualClock(), timedelta(seconds=30))
        assert await newcomer.beat(ALIVE_FOR) == 1
    finally:
        await store.close()


async def test_readiness_is_503_with_a_reason_when_the_database_is_unreachable(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()
    async with running_kchat(tmp_path, faq_index, http_port=port) as k:
        await k.services.store.close()
        status, body = await get(port, "/readyz")
        assert status == 503
        assert body["status"] == "not ready"
        assert body["reason"].startswith("database: unreachable: ")
        assert body["checks"]["migrations"] == "unknown"
        assert body["checks"]["telegram"] == "ok"
        assert (await get(port, "/healthz"))[0] == 200, "alive all the same"
        # Metrics are served without the gauges the database would give.
        status, text = await get(port, "/metrics")
        assert status == 200 and "kchat_updates_total" in text


async def edit_migrations(tmp_path: Path, sql: str, version: int) -> None:
    """Edit the migration table while the bot runs, as a second process would.

    In a thread: the bot's transactions run on this event loop, so waiting for its
    write lock here, on the loop, would wait for a commit that cannot happen until
    the wait ends ("database is locked" after the whole busy timeout). BEGIN
    IMMEDIATE takes the lock first, so the busy timeout covers the whole edit.
    """

    def edit() -> None:
        db_path = tmp_path / "kchat.db"
        with closing(sqlite3.connect(db_path, timeout=30, isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(sql, (version,))
            db.execute("COMMIT")

    await asyncio.to_thread(edit)


@pytest.mark.sqlite_only("edits SQLite's migration table; PostgreSQL's: test_schema_versions")
async def test_readiness_is_503_when_the_schema_is_newer_than_the_code_or_behind_it(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()
    async with running_kchat(tmp_path, faq_index, http_port=port) as k:
        newest = await k.services.schema_version()
        # A newer release migrated.
        await edit_migrations(
            tmp_path, "INSERT INTO schema_migrations VALUES (?, 'future.sql')", newest + 1
        )
        status, body = await get(port, "/readyz")
        assert status == 503
        assert body["reason"] == (
            f"migrations: the database is at schema version {newest + 1}, newer than this "
            f"code ({newest}): run the newer release"
        )
        assert body["checks"]["database"] == "ok"

        # Now one migration behind.
        await edit_migrations(tmp_path, "DELETE FROM schema_migrations WHERE version >= ?", newest)
        status, body = await get(port, "/readyz")
        assert status == 503
        assert body["reason"] == (
            f"migrations: the database is at schema version {newest - 1}, this code needs "
            f"{newest}: run kchat migrate"
        )


async def test_readiness_is_503_while_telegram_does_not_answer(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()
    async with running_kchat(tmp_path, faq_index, http_port=port) as k:
        k.tg.inject("getMe", Fault.server_error(502))
        status, body = await get(port, "/readyz")
        assert status == 503
        assert body["reason"] == "telegram: unreachable: Bad Gateway"
        assert body["checks"]["database"] == "ok"
        status, body = await get(port, "/readyz")  # it answers again
        assert status == 200


async def test_metrics_count_updates_transitions_answers_errors_and_the_backlog(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    port = free_port()
    async with running_kchat(tmp_path, faq_index, http_port=port) as k:
        buyer, seller = k.tg.user(BUYER, "Alice"), k.tg.user(SELLER, "Sam")
        buyer.start()
        seller.start()
        await k.settle()
        buyer.send("partial refnd how")  # answered
        await buyer.wait_for_message(contains="How to partially refund an order?")
        buyer.send("my account was hacked")  # declined
        await buyer.wait_for_message(contains="not sure")
        paid = await k.paid_order()  # create, pay
        await k.order()  # create: left unpaid
        k.tg.inject("sendMessage", Fault.server_error(502), chat_id=BUYER)
        await k.services.orders.deliver(paid, SELLER, "code 1")  # deliver; the buyer's news waits
        await k.settle()
        assert k.app.job_queue is not None
        k.app.job_queue.scheduler.pause()  # the scheduler falls behind: deadlines pile up
        # An update another instance took and holds (a long lease): it waits to be applied.
        elsewhere = InboxService(k.services.store, k.clock, timedelta(days=1))
        await elsewhere.keep(77_000_001, 4242, "{}")
        assert await elsewhere.claim(10)
        k.clock.advance(timedelta(hours=2))
        now = k.clock.now()

        status, text = await get(port, "/metrics")
        assert status == 200
        scraped = samples(text)
        due = await k.services.deadlines.due_by(now, 1000)

    assert value(scraped, "kchat_updates_total", kind="command") == 2  # the two /start
    assert value(scraped, "kchat_updates_total", kind="message") == 2
    assert value(scraped, "kchat_update_handling_seconds_count", kind="message") == 2
    assert value(scraped, "kchat_transitions_total", action="create") == 2
    assert value(scraped, "kchat_transitions_total", action="pay") == 1
    assert value(scraped, "kchat_transitions_total", action="deliver") == 1
    assert value(scraped, "kchat_faq_questions_total", outcome="answered") == 1
    assert value(scraped, "kchat_faq_questions_total", outcome="declined") == 1
    assert value(scraped, "kchat_telegram_errors_total", code="network", where="notifier") == 1
    assert value(scraped, "kchat_telegram_errors_total", code="429", where="notifier") == 0
    # The unpaid order's payment reminder and expiry, at least, are due and overdue.
    assert len(due) >= 2
    assert value(scraped, "kchat_deadlines_due") == len(due)
    overdue = [d for d in due if d.due_at < now - OVERDUE_AFTER]
    assert value(scraped, "kchat_deadlines_overdue") == len(overdue) >= 2
    # The buyer's news of the delivery waits for its retry, queued two hours ago.
    assert value(scraped, "kchat_outbox_pending") == 1
    assert value(scraped, "kchat_outbox_oldest_pending_age_seconds") == 2 * 3600
    assert value(scraped, "kchat_inbox_pending") == 1
    assert value(scraped, "kchat_inbox_oldest_pending_age_seconds") == 2 * 3600


def _reports(k: Running) -> list[str]:
    return [m.content for m in k.tg.bot_messages(OPERATORS)]


async def _ops_group(k: Running) -> FakeGroup:
    return k.tg.group(OPERATORS, "KChat operators", members=[k.tg.user(9009, "Olga")])


async def test_errors_reach_the_operator_chat_once_and_repeats_are_held_back(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with running_kchat(tmp_path, faq_index, operator_chat_id=OPERATORS) as k:
        await _ops_group(k)
        buyer = k.tg.user(BUYER, "Alice")
        buyer.start()
        await k.settle()
        odd = Fault.api_error(400, "Bad Request: something odd happened")

        # A handler fails: the error handler logs it, the user hears something went wrong,
        # and the operators read what and where.
        k.tg.inject("sendMessage", odd, chat_id=BUYER)
        buyer.send("/help")
        await k.tg.wait_for(lambda: _reports(k), what="the first report")
        [first] = _reports(k)
        assert first.startswith("⚠️ KChat ERROR in handlers.inbound.errors\n")
        assert "telegram.error.BadRequest: Something odd happened" in first
        assert re.search(r"\nat handlers/inbound/common\.py:\d+ in tell$", first), first
        assert "(see the log)" not in first and "held back" not in first

        # The same error a minute later is held back ...
        k.clock.advance(timedelta(minutes=1))
        k.tg.inject("sendMessage", odd, chat_id=BUYER)
        buyer.send("/help")
        await buyer.wait_for_message(contains="Something went wrong")
        await k.settle()
        assert len(_reports(k)) == 1

        # ... and once KCHAT_OPERATOR_REPEAT_EVERY (10 min) has passed it goes out again,
        # saying how many were held back meanwhile.
        k.clock.advance(timedelta(minutes=10))
        k.tg.inject("sendMessage", odd, chat_id=BUYER)
        buyer.send("/help")
        await k.tg.wait_for(lambda: len(_reports(k)) == 2, what="the second report")
        assert _reports(k)[1].endswith(
            "(1 more report was held back since the last one: see the log.)"
        )
        scraped = samples(k.app.bot_data.metrics.exposition().decode())
        assert value(scraped, "kchat_telegram_errors_total", code="400", where="handler") == 3


async def test_a_failed_delivery_reaches_the_operator_chat_and_the_hourly_cap_holds(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with running_kchat(
        tmp_path, faq_index, operator_chat_id=OPERATORS, operator_max_per_hour=2
    ) as k:
        await _ops_group(k)
        buyer = k.tg.user(BUYER, "Alice")
        buyer.start()
        await k.settle()
        oid = await k.order()
        refusal = Fault.api_error(400, "Bad Request: message is too long")
        k.tg.inject("sendMessage", refusal, times=2, chat_id=BUYER)  # the card, its plain form
        await k.services.orders.mark_paid_external(oid)
        await k.tg.wait_for(lambda: _reports(k), what="the report of the failed delivery")
        [report] = _reports(k)
        assert report.startswith("⚠️ KChat ERROR in handlers.delivery.notifier\n")
        assert "could not deliver outbox" in report and f"to {BUYER}" in report

        # Distinct errors: the second of the hour goes out, the third and fourth wait.
        log = logging.getLogger("bot.app")
        for n in range(3):
            log.error("disk %d is full", n)
        await k.settle()
        assert len(_reports(k)) == 2 and _reports(k)[1].endswith("disk 0 is full")
        k.clock.advance(timedelta(hours=1))
        log.error("disk 3 is full")
        await k.tg.wait_for(lambda: len(_reports(k)) == 3, what="the report after the hour")
        assert _reports(k)[2].endswith(
            "disk 3 is full\n\n(2 more reports were held back since the last one: see the log.)"
        )


async def test_two_bots_in_one_process_count_only_their_own(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    async with (
        running_kchat(tmp_path / "one", faq_index) as one,
        running_kchat(tmp_path / "two", faq_index) as two,
    ):
        one.tg.user(BUYER, "Alice").start()
        for uid in (BUYER, SELLER):
            two.tg.user(uid, "Sam").start()
        await one.settle()
        await two.settle()
        counted = [
            value(samples(k.app.bot_data.metrics.exposition().decode()), name, kind="command")
            for k in (one, two)
            for name in ("kchat_updates_total",)
        ]
    assert counted == [1, 2]
