"""Outbound under load: a person's own action answered at once while thousands of notices drain.

Through the fake Telegram over HTTP, with Telegram's flood limits enforced by the emulator
(30 a second per bot, about one a second per private chat after a short burst, 20 a minute
per group):

1. **Storm.** CHATTERS buyers each have an order with their seller, its news delivered.
   Then, while the bot is down, STORM_ORDERS orders are placed for STORM_PEOPLE other
   buyers and sellers: every order queues a card for both parties, so the bot starts with
   at least 5,000 notifications to catch up on. It then drains them while the CHATTERS
   buyers, each in their order's chat, write messages (relayed to the seller), ask /orders
   and tap a button on the answer. Measured: how long each of those people waited for what
   they asked for (p50/p99), the storm's drain rate against the configured budget, and
   what the emulator refused (429s, by scope) or would have refused (its per-chat log
   replayed against the per-chat and per-group limits).
2. **CPU per relay.** RELAYS chat messages relayed buyer -> seller over HTTP, with the rate
   limiter on and off, against two peers on the same emulator: a relay bot built the way
   the popular open-source ones are (python-telegram-bot as it comes, the pair and every
   relayed message's ids kept in SQLite, the message copied to the other side), and a
   bare echo handler that keeps nothing (the floor of any python-telegram-bot bot).
   Process CPU time per message, the emulator's own work included in every row alike. The
   modes take turns for ROUNDS rounds and each figure is the median of its rounds: one
   measurement each moved the ratio to the peer by ±0.1 between runs on a shared machine.

Run: python -m bench.outbound [--orders N] [--people N] [--relays N] [--rounds N]
The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    MessageHandler,
    filters,
)

from bot.app import build_application, load_faq
from bot.bootstrap import open_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.input_modes import InputMode
from handlers.per_chat_order import PerChatOrder
from sandbox.fake_bot_api import FakeTelegram
from sandbox.fake_bot_api.harness import FakeUser
from sandbox.fake_bot_api.limits import FloodLimits, Scope, over_limits

BUDGET = 30
STORM_BUYER, STORM_SELLER = 100_000, 200_000
CHAT_BUYER, CHAT_SELLER = 300_000, 400_000
CHATTERS = 50
TIMEOUT_S = 30.0
MODES = {
    "peer": "relay bot: PTB as it comes, SQLite (peer)",
    "echo": "bare PTB echo, keeps nothing (floor)",
    "aio": "KChat, AIORateLimiter (before)",
    "off": "KChat, no rate limiter",
    "on": "KChat, LaneRateLimiter",
}


@dataclass(frozen=True)
class Storm:
    """What the storm run measured."""

    latencies_ms: list[float]
    timeouts: int
    notices: int
    storm_sends: int
    all_sends: int
    drain_s: float
    caught_up_s: float
    refused: dict[str, int]
    over: int
    chatters_calls: dict[str, int]  # the bot's calls into the chatters' chats, by method


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _settings(tg: FakeTelegram, db: Path, **overrides: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_api_base_url=tg.bot_base_url,
        telegram_api_file_url=tg.file_base_url,
        database_url=f"sqlite:///{db}",
        flood_limit=10**9,
        poll_interval=timedelta(hours=1),
        send_budget=BUDGET,
        **overrides,
    )


@asynccontextmanager
async def _running(app: Any) -> Any:
    await app.initialize()
    await app.post_init(app)
    await app.start()
    await app.updater.start_polling(timeout=1, poll_interval=0)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.post_shutdown(app)
        await app.shutdown()


def _people(base: int, n: int) -> Iterator[int]:
    return iter(range(base, base + n))


async def _place_storm(settings: Settings, clock: ManualClock, orders: int, people: int) -> int:
    """Orders placed while the bot is down; returns how many notifications they queued."""
    s = await open_services(settings, clock)
    try:
        for i in range(people):
            await s.chat.seen(STORM_BUYER + i, "Bea", None, started=True)
            await s.chat.seen(STORM_SELLER + i, "Sol", None, started=True)
        for n in range(orders):
            p = n % people
            await s.orders.create_order(
                buyer_id=STORM_BUYER + p,
                seller_id=STORM_SELLER + p,
                title=f"Gift card {n}",
                price_minor=1000 + n,
                currency="MYR",
            )
        count, _ = await s.notifications.backlog()
        return count
    finally:
        await s.close()


async def _before_downtime(settings: Settings, clock: ManualClock, tg: FakeTelegram) -> None:
    """The chatters' orders were placed, and their news delivered, before the bot went
    down: what the storm catches up on is only what was queued while it was down."""
    s = await open_services(settings, clock)
    try:
        await _open_chats(s)
    finally:
        await s.close()
    app = build_application(settings, clock, tg.token, load_faq(settings))
    async with _running(app):
        while (await app.bot_data.services.notifications.backlog())[0]:
            await app.bot_data.notifier.drain()
            await asyncio.sleep(0.1)


async def _open_chats(s: Any) -> None:
    """CHATTERS buyers, each in the chat of an order with their seller."""
    for c in range(CHATTERS):
        await s.chat.seen(CHAT_BUYER + c, "Alice", None, started=True)
        await s.chat.seen(CHAT_SELLER + c, "Sam", None, started=True)
        order = await s.orders.create_order(
            buyer_id=CHAT_BUYER + c, seller_id=CHAT_SELLER + c, title="Key", price_minor=100,
            currency="MYR",
        )  # fmt: skip
        await s.chat.set_mode(CHAT_BUYER + c, InputMode.CHAT, order.id)


async def _chatter(
    tg: FakeTelegram, c: int, seen: list[float], missed: list[int], rnd: random.Random
) -> None:
    """One person: writes to the seller, asks /orders, taps the first button on the answer."""
    buyer, seller = FakeUser(tg, CHAT_BUYER + c), FakeUser(tg, CHAT_SELLER + c)
    n = 0
    await asyncio.sleep(rnd.uniform(0, 5))
    while True:
        n += 1
        step = n % 3
        started = time.monotonic()
        try:
            if step == 1:
                text = f"chat {c}-{n}: is it ready?"
                buyer.send(text)
                await seller.wait_for_message(contains=text, timeout=TIMEOUT_S)
            elif step == 2:
                buyer.send("/orders")
                await buyer.wait_for_message(timeout=TIMEOUT_S)
            else:
                last = buyer.last_message()
                if last is None or not last.buttons:
                    continue
                buyer.tap_data(last, last.buttons[0][0].callback_data or "")
                await buyer.wait_for_message(timeout=TIMEOUT_S)
            seen.append((time.monotonic() - started) * 1000)
        except TimeoutError:
            missed.append(1)
        await asyncio.sleep(rnd.uniform(15, 25))


async def storm(folder: Path, orders: int, people: int) -> Storm:
    """The storm run (see the module's docstring)."""
    limits = FloodLimits(per_second=BUDGET)
    clock = ManualClock()
    async with FakeTelegram(flood_limits=limits) as tg:
        for base in (STORM_BUYER, STORM_SELLER):
            for uid in _people(base, people):
                tg.user(uid, "Storm")
                tg.state.open_private_chat(uid)
        for base in (CHAT_BUYER, CHAT_SELLER):
            for uid in _people(base, CHATTERS):
                tg.user(uid, "Chat")
                tg.state.open_private_chat(uid)
        settings = _settings(tg, folder / "storm.db")
        await _before_downtime(settings, clock, tg)
        notices = await _place_storm(settings, clock, orders, people)
        app = build_application(settings, clock, tg.token, load_faq(settings))
        seen: list[float] = []
        missed: list[int] = []
        rnd = random.Random(17)
        started = time.monotonic()
        # The bot starts with the backlog: its start-up drain is the catch-up.
        async with _running(app):
            chatters = [
                asyncio.create_task(_chatter(tg, c, seen, missed, random.Random(rnd.random())))
                for c in range(CHATTERS)
            ]
            while (await app.bot_data.services.notifications.backlog())[0]:
                await asyncio.sleep(0.5)
                await app.bot_data.notifier.drain()
            caught_up = time.monotonic() - started
            for task in chatters:
                task.cancel()
            await asyncio.gather(*chatters, return_exceptions=True)
        assert tg.flood is not None
        storm_chats = {
            chat: times
            for chat, times in tg.flood.sent.items()
            if STORM_BUYER <= chat < STORM_SELLER + people
        }
        sends = sum(len(t) for t in storm_chats.values())
        first = min(t for times in storm_chats.values() for t in times)
        last = max(t for times in storm_chats.values() for t in times)
        # Everything the bot sent meanwhile: the storm, the chatters' own backlog, the replies.
        used = sum(first <= t <= last for times in tg.flood.sent.values() for t in times)
        refused = {scope.value: len(tg.flood.refusals(scope)) for scope in Scope}
        over = sum(over_limits(tg.flood.sent, limits).values())
        calls = _chatters_calls(tg, first, last)
    return Storm(
        seen, len(missed), notices, sends, used, last - first, caught_up, refused, over, calls
    )


def _chatters_calls(tg: FakeTelegram, first: float, last: float) -> dict[str, int]:
    """What the bot sent or edited in the chatters' chats while the storm drained."""
    # The request log keeps wall-clock times; the flood log, monotonic ones.
    offset = time.time() - time.monotonic()
    chatters = {*_people(CHAT_BUYER, CHATTERS), *_people(CHAT_SELLER, CHATTERS)}
    calls: dict[str, int] = {}
    for r in tg.requests():
        chat = r.params.get("chat_id")
        if r.ok and chat is not None and int(chat) in chatters and first <= r.at - offset <= last:
            calls[r.method] = calls.get(r.method, 0) + 1
    return dict(sorted(calls.items()))


# -- CPU per relay --------------------------------------------------------------------------


async def _echo(update: Update, _ctx: Any) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


class RelayPeer:
    """The peer: a relay bot as the popular open-source ones are written. Each person's
    counterpart is kept in SQLite (sqlite3 in the handler, its defaults: a journal and a
    full sync per commit); a message is copied to the counterpart under a one-line header,
    and the pair of message ids is kept so that replies can be routed back."""

    def __init__(self, db: Path) -> None:
        self.db = sqlite3.connect(db)
        self.db.executescript(
            "CREATE TABLE pairs (user_id INTEGER PRIMARY KEY, partner_id INTEGER NOT NULL);"
            "CREATE TABLE relayed (src_chat INTEGER, src_id INTEGER, dst_chat INTEGER, "
            "dst_id INTEGER, at INTEGER, PRIMARY KEY (src_chat, src_id));"
        )
        with self.db:
            self.db.executemany(
                "INSERT INTO pairs VALUES (?, ?)",
                [(CHAT_BUYER + c, CHAT_SELLER + c) for c in range(CHATTERS)]
                + [(CHAT_SELLER + c, CHAT_BUYER + c) for c in range(CHATTERS)],
            )

    async def relay(self, update: Update, ctx: Any) -> None:
        message = update.message
        assert message is not None and message.text is not None and message.from_user
        row = self.db.execute(
            "SELECT partner_id FROM pairs WHERE user_id = ?", (message.chat_id,)
        ).fetchone()
        if row is None:
            return
        sent = await ctx.bot.send_message(
            row[0], f"💬 {message.from_user.first_name}:\n{message.text}"
        )
        with self.db:
            self.db.execute(
                "INSERT INTO relayed VALUES (?, ?, ?, ?, ?)",
                (message.chat_id, message.message_id, row[0], sent.message_id, int(time.time())),
            )


async def _relay_cpu(tg: FakeTelegram, n: int, kchat: bool) -> float:
    """CPU microseconds per message: n messages from CHATTERS buyers, each seen through
    (by the seller it was relayed to, or with `kchat` False by the buyer it was echoed to)."""
    buyers = [FakeUser(tg, CHAT_BUYER + c) for c in range(CHATTERS)]
    readers = [FakeUser(tg, (CHAT_SELLER if kchat else CHAT_BUYER) + c) for c in range(CHATTERS)]
    cpu = time.process_time()
    sent: list[tuple[FakeUser, str]] = []
    for i in range(n):
        c = i % CHATTERS
        text = f"relay {i}: hello"
        buyers[c].send(text)
        sent.append((readers[c], text))
        if c == CHATTERS - 1 or i == n - 1:  # a round: one message from every buyer
            for reader, t in sent:
                await reader.wait_for_message(contains=t, timeout=TIMEOUT_S)
            sent.clear()
    return (time.process_time() - cpu) / n * 1e6


async def cpu_per_relay(folder: Path, n: int, mode: str) -> float:
    """CPU per relay of one of MODES."""
    async with FakeTelegram() as tg:
        for base in (CHAT_BUYER, CHAT_SELLER):
            for uid in _people(base, CHATTERS):
                tg.user(uid, "Chat")
                tg.state.open_private_chat(uid)
        if mode in ("echo", "peer"):
            plain: Application[Any, Any, Any, Any, Any, Any] = (
                ApplicationBuilder()
                .token(tg.token)
                .base_url(tg.bot_base_url)
                .concurrent_updates(PerChatOrder())
                .build()
            )
            if mode == "echo":
                plain.add_handler(MessageHandler(filters.TEXT, _echo))
            else:
                plain.add_handler(MessageHandler(filters.TEXT, RelayPeer(folder / "peer.db").relay))
            async with _running_plain(plain):
                await _relay_cpu(tg, min(n, 200), kchat=mode == "peer")  # warm-up
                return await _relay_cpu(tg, n, kchat=mode == "peer")
        settings = _settings(tg, folder / f"relay-{mode}.db")
        # "aio": python-telegram-bot's AIORateLimiter, one first-come queue (what KChat used).
        app = build_application(
            settings,
            ManualClock(),
            tg.token,
            load_faq(settings),
            rate_limit=mode != "off",
            limiter=AIORateLimiter(max_retries=3) if mode == "aio" else None,
        )
        s = await open_services(settings, ManualClock())
        await _open_chats(s)
        await s.close()
        async with _running(app):
            await app.bot_data.notifier.drain()
            await _relay_cpu(tg, min(n, 200), kchat=True)  # warm-up
            return await _relay_cpu(tg, n, kchat=True)


@asynccontextmanager
async def _running_plain(app: Any) -> Any:
    await app.initialize()
    await app.start()
    await app.updater.start_polling(timeout=1, poll_interval=0)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def main(orders: int, people: int, relays: int, rounds: int) -> None:
    """Both runs; a table, then one JSON line."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs: dict[str, list[float]] = {mode: [] for mode in MODES}
        for r in range(rounds):
            (folder / f"round{r}").mkdir()
            for mode in MODES:
                runs[mode].append(await cpu_per_relay(folder / f"round{r}", relays, mode))
        cpu = {mode: statistics.median(values) for mode, values in runs.items()}
        per_round = [off / peer for off, peer in zip(runs["off"], runs["peer"], strict=True)]
        result = await storm(folder, orders, people)
    lat = result.latencies_ms
    drain_per_s = result.storm_sends / result.drain_s if result.drain_s else 0.0
    print(f"storm: {result.notices} notifications queued while down, {orders} orders")
    print(
        f"  drained: {result.storm_sends} messages in {result.drain_s:.1f} s "
        f"(outbox empty {result.caught_up_s:.1f} s after start)"
    )
    used_per_s = result.all_sends / result.drain_s if result.drain_s else 0.0
    print(f"  drain rate: {drain_per_s:.1f}/s of a budget of {BUDGET}/s")
    print(f"  budget used meanwhile (storm, the chatters' own news, replies): {used_per_s:.1f}/s")
    to_chatters = ", ".join(
        f"{method} {n / result.drain_s:.2f}/s" for method, n in result.chatters_calls.items()
    )
    print(f"  of which to the chatters: {to_chatters}")
    print(
        f"  interactive ({len(lat)} replies, {result.timeouts} over {TIMEOUT_S:.0f} s): "
        f"p50 {_pct(lat, 0.5):.0f} ms, p99 {_pct(lat, 0.99):.0f} ms, "
        f"max {max(lat, default=0):.0f} ms"
    )
    print(f"  429s from the emulator: {result.refused}")
    print(f"  messages over its limits in its log: {result.over}")
    print(f"{'CPU per relay (us, emulator included)':<42}{'':>4}")
    labels = {
        "peer": "relay bot, PTB as it comes (peer)",
        "echo": "bare PTB echo, keeps nothing (floor)",
        "off": "KChat, limiter off",
        "on": "KChat, limiter on",
    }
    for mode, label in labels.items():
        print(f"  {label:<40}{cpu[mode]:>8.0f}")
    print(
        f"  KChat without limiter / peer: {cpu['off'] / cpu['peer']:.2f} "
        f"(medians of {rounds} rounds; by round {min(per_round):.2f}–{max(per_round):.2f})"
    )
    print(f"  KChat without limiter / bare echo: {cpu['off'] / cpu['echo']:.2f}")
    print(f"  KChat with lanes / with AIORateLimiter: {cpu['on'] / cpu['aio']:.2f}")
    print(
        json.dumps(
            {
                "notifications": result.notices,
                "storm_messages": result.storm_sends,
                "interactive_n": len(lat),
                "interactive_timeouts": result.timeouts,
                "interactive_p50_ms": round(_pct(lat, 0.5), 1),
                "interactive_p99_ms": round(_pct(lat, 0.99), 1),
                "drain_per_s": round(drain_per_s, 2),
                "budget_per_s": BUDGET,
                "budget_used_per_s": round(used_per_s, 2),
                "chatters_calls_per_s": {
                    method: round(n / result.drain_s, 2)
                    for method, n in result.chatters_calls.items()
                },
                "refused_429": result.refused,
                "over_limits": result.over,
                "cpu_us_per_relay_peer": round(cpu["peer"]),
                "cpu_us_per_relay_bare_echo": round(cpu["echo"]),
                "cpu_us_per_relay_limiter_off": round(cpu["off"]),
                "cpu_us_per_relay_limiter_on": round(cpu["on"]),
                "cpu_us_per_relay_aio_limiter": round(cpu["aio"]),
                "cpu_off_vs_peer": round(cpu["off"] / cpu["peer"], 2),
                "cpu_off_vs_peer_by_round": [round(x, 2) for x in per_round],
                "cpu_off_vs_bare_echo": round(cpu["off"] / cpu["echo"], 2),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=2600, help="orders placed while down")
    parser.add_argument("--people", type=int, default=520, help="buyers (and sellers) in them")
    parser.add_argument("--relays", type=int, default=1000, help="messages for CPU per relay")
    parser.add_argument("--rounds", type=int, default=3, help="turns of the CPU-per-relay modes")
    args = parser.parse_args()
    asyncio.run(main(args.orders, args.people, args.relays, args.rounds))
