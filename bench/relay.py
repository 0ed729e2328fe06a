"""Relay throughput of KChat's handlers against a bare python-telegram-bot echo handler.

Both run in the same process on the same stubbed network (no HTTP, no rate limiter), fed
the same text updates from CHATS buyers the way python-telegram-bot's fetcher feeds them:
each update through the application's update processor, all in flight at once. Both use
KChat's update processor (concurrent across chats, in order within one). KChat's figure
includes everything its handlers do for a relayed message: the activity record, the mode
and order look-ups, the durable transcript and outbox rows written before the copy, the
copy, and the recorded message-id pair. Besides the rate, each reports the process's CPU
time per message (every thread, so SQLite's too), which a busy machine disturbs less.
Run: python -m bench.relay [--messages N]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bench.stub_network import StubRequest
from bot.app import build_application, load_faq
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.input_modes import InputMode
from handlers.per_chat_order import PerChatOrder

BUYER, SELLER = 1001, 2002
CHATS = 50


def _update(i: int, user_id: int) -> dict[str, Any]:
    return {
        "update_id": i,
        "message": {
            "message_id": 10_000 + i,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Alice"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Alice"},
            "text": f"hello seller, message number {i}",
        },
    }


async def _echo(update: Update, _ctx: Any) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


@dataclass(frozen=True)
class Run:
    """What one feed cost: messages per second, and CPU microseconds per message."""

    rate: float
    cpu_us: float


async def _feed(app: Any, updates: list[Update]) -> Run:
    """Process all updates as the fetcher does."""
    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(
        *(app.update_processor.process_update(u, app.process_update(u)) for u in updates)
    )
    used = time.process_time() - cpu
    return Run(len(updates) / (time.perf_counter() - start), used / len(updates) * 1e6)


def _buyer(i: int) -> int:
    return BUYER + i % CHATS


async def bench_echo(n: int) -> Run:
    """Messages per second through a bare echo handler."""
    stub = StubRequest()
    app = (
        ApplicationBuilder()
        .token("999:BENCH")
        .request(stub)
        .get_updates_request(stub)
        .concurrent_updates(PerChatOrder())
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    async with app:
        updates = [Update.de_json(_update(i, _buyer(i)), app.bot) for i in range(n)]
        return await _feed(app, updates)


def relay_app(db: Path) -> Any:
    """`kchat run`'s application on the database file `db`, the network stubbed, no rate
    limiter (what is measured is the bot's own work)."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{db}",
        flood_limit=10**9,
        poll_interval=timedelta(hours=1),
    )
    return build_application(
        settings, ManualClock(), "999:BENCH", load_faq(settings), request=StubRequest(),
        rate_limit=False,
    )  # fmt: skip


async def open_chats(app: Any) -> list[str]:
    """CHATS buyers, each in the chat of an order with their seller; the orders' ids."""
    s = app.bot_data.services
    orders = []
    for c in range(CHATS):
        await s.chat.seen(BUYER + c, "Alice", None, started=True)
        await s.chat.seen(SELLER + c, "Sam", None, started=True)
        order = await s.orders.create_order(
            buyer_id=BUYER + c, seller_id=SELLER + c, title="Key", price_minor=100, currency="MYR"
        )
        await s.chat.set_mode(BUYER + c, InputMode.CHAT, order.id)
        orders.append(order.id)
    await app.bot_data.notifier.drain()
    return orders


async def bench_kchat(n: int, folder: Path) -> tuple[Run, int]:
    """Messages per second relayed buyer -> seller inside an order chat."""
    app = relay_app(folder / "relay.db")
    async with app:
        assert app.post_init is not None
        await app.post_init(app)
        s = app.bot_data.services
        orders = await open_chats(app)
        updates = [Update.de_json(_update(i, _buyer(i)), app.bot) for i in range(n)]
        run = await _feed(app, updates)
        kept = 0
        for oid in orders:
            rows = await s.chat.transcript(oid)
            ids = [r.src_message_id for r in rows]
            assert ids == sorted(ids), f"{oid}: messages relayed out of order"
            kept += len(rows)
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
    return run, kept


async def main(n: int) -> None:
    """Measure both, print the table and the ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        await bench_echo(min(n, 200))  # warm-up: imports, first-call costs
        echo = await bench_echo(n)
        kchat, kept = await bench_kchat(n, Path(tmp))
    assert kept == n, f"only {kept} of {n} messages reached the transcript"
    print(f"{'handler':<34}{'messages/s':>12}{'CPU us/msg':>12}")
    print(f"{'bare PTB echo (baseline)':<34}{echo.rate:>12.0f}{echo.cpu_us:>12.0f}")
    print(f"{'KChat relay (durable transcript)':<34}{kchat.rate:>12.0f}{kchat.cpu_us:>12.0f}")
    print(f"ratio KChat / echo: {kchat.rate / echo.rate:.2f} (target >= 0.50)")
    print(f"CPU per message, KChat / echo: {kchat.cpu_us / echo.cpu_us:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    asyncio.run(main(parser.parse_args().messages))
