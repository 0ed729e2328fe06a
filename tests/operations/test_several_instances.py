"""Three real `kchat run` processes in webhook mode on one PostgreSQL database, behind a load
balancer, with the fake Telegram pushing updates to it; instances are SIGKILLed at random
moments and restarted. Afterwards: every update applied once, every message relayed (in
order, and sent again only where an instance died holding it), every overdue deadline
resolved once, and `kchat check` clean."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import signal
import socket
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.bootstrap import open_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.input_modes import InputMode
from bot.domain.model import Status
from sandbox.fake_bot_api.harness import FakeTelegram
from tests.databases import database_url, fetch, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="several instances: PostgreSQL only")

ROOT = Path(__file__).resolve().parent.parent.parent
KCHAT = Path(sys.executable).parent / "kchat"
SECRET = "several-instances-secret"
INSTANCES = 3
PAIRS = 40  # buyer and seller of one order each
MESSAGES = 50  # each buyer writes this many into the order chat
OVERDUE = 500  # orders whose confirmation window ran out while every instance was down
BUYER0, SELLER0 = 610_000_000, 620_000_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Instance:
    """One `kchat run` process and the port its webhook listens on."""

    port: int
    process: asyncio.subprocess.Process | None = None
    kills: int = 0


@dataclass
class Balancer:
    """Round-robin over the instances that answer, as any load balancer in front of them."""

    instances: list[Instance]
    turn: itertools.count[int] = field(default_factory=itertools.count)
    session: aiohttp.ClientSession | None = None

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")}
        headers["Content-Type"] = "application/json"
        start = next(self.turn)
        assert self.session is not None
        for step in range(len(self.instances)):
            target = self.instances[(start + step) % len(self.instances)]
            url = f"http://127.0.0.1:{target.port}/telegram"
            try:
                async with self.session.post(url, data=body, headers=headers) as answer:
                    return web.Response(status=answer.status, body=await answer.read())
            except (aiohttp.ClientError, TimeoutError):
                continue  # that instance is down: the next one
        return web.Response(status=502)


def _env(tg: FakeTelegram, url: str, port: int, http_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCHAT_", "TELEGRAM_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.bot_base_url,
        TELEGRAM_API_FILE_URL=tg.file_base_url,
        KCHAT_DATABASE_URL=url,
        KCHAT_WEBHOOK_URL="https://bot.example.com/telegram",
        KCHAT_WEBHOOK_SECRET=SECRET,
        KCHAT_WEBHOOK_LISTEN="127.0.0.1",
        KCHAT_WEBHOOK_PORT=str(port),
        KCHAT_HTTP_PORT=str(http_port),
        KCHAT_LEASE="2s",
        KCHAT_POLL_INTERVAL="0.5s",
        KCHAT_FLOOD_LIMIT="100000",
        KCHAT_LOG_LEVEL="INFO",
    )
    return env


async def _start(instance: Instance, env: dict[str, str], cwd: Path) -> None:
    with (cwd / f"kchat-{instance.port}.log").open("ab") as log:  # what it said, for a failure
        instance.process = await asyncio.create_subprocess_exec(
            str(KCHAT), "run", cwd=cwd, env=env, stdout=log, stderr=log
        )


async def _seed(url: str, tmp_path: Path) -> tuple[list[str], list[str]]:
    """Orders in chat (paid, each buyer in its chat), and orders delivered ten days ago whose
    confirmation window ran out meanwhile."""
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    long_ago = ManualClock(datetime.now(UTC) - timedelta(days=10))
    services = await open_services(settings, long_ago)
    try:
        overdue = []
        for i in range(OVERDUE):
            order = await services.orders.create_order(
                buyer_id=BUYER0 + 1000 + i,
                seller_id=SELLER0 + 1000 + i,
                title=f"Gift card {i}",
                price_minor=1000 + i,
                currency="MYR",
            )
            await services.orders.mark_paid_external(order.id)
            await services.orders.deliver(order.id, SELLER0 + 1000 + i, f"CODE-{i}")
            overdue.append(order.id)
    finally:
        await services.close()
    services = await open_services(settings, ManualClock(datetime.now(UTC)))
    try:
        chats = []
        for i in range(PAIRS):
            order = await services.orders.create_order(
                buyer_id=BUYER0 + i,
                seller_id=SELLER0 + i,
                title=f"Game key {i}",
                price_minor=2000 + i,
                currency="MYR",
            )
            await services.orders.mark_paid_external(order.id)
            await services.chat.set_mode(BUYER0 + i, InputMode.CHAT, order.id)
            chats.append(order.id)
    finally:
        await services.close()
    return chats, overdue


async def _wait(what: str, done: object, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not done():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def test_three_instances_killed_at_random_lose_nothing_and_apply_nothing_twice(
    tmp_path: Path,
) -> None:
    url = database_url(tmp_path)
    _, overdue = await _seed(url, tmp_path)
    lb_port = _free_port()
    instances = [Instance(_free_port()) for _ in range(INSTANCES)]
    balancer = Balancer(instances)
    app = web.Application()
    app.router.add_post("/telegram", balancer.forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", lb_port).start()
    balancer.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))
    rng = random.Random(20261205)
    try:
        async with FakeTelegram(webhook_endpoint=f"http://127.0.0.1:{lb_port}/telegram") as tg:
            buyers = [tg.user(BUYER0 + i, f"Buyer{i}") for i in range(PAIRS)]
            sellers = [tg.user(SELLER0 + i, f"Seller{i}") for i in range(PAIRS)]
            for i in range(OVERDUE):  # they never started the bot: their news is held
                tg.user(BUYER0 + 1000 + i, f"Late{i}")
                tg.user(SELLER0 + 1000 + i, f"LateSeller{i}")
            envs = [_env(tg, url, inst.port, _free_port()) for inst in instances]
            for inst, env in zip(instances, envs, strict=True):
                await _start(inst, env, tmp_path)
            await _wait("a webhook", lambda: tg.state.webhook is not None, 60)

            # The buyers write; meanwhile instances die and come back.
            texts = {i: [f"b{i} says {j:03}" for j in range(MESSAGES)] for i in range(PAIRS)}

            async def chaos() -> None:
                for _ in range(8):
                    await asyncio.sleep(rng.uniform(0.5, 1.5))
                    inst = rng.choice(instances)
                    assert inst.process is not None
                    with contextlib.suppress(ProcessLookupError):
                        inst.process.send_signal(signal.SIGKILL)
                    await inst.process.wait()
                    inst.kills += 1
                    await asyncio.sleep(rng.uniform(0.1, 0.8))
                    await _start(inst, envs[instances.index(inst)], tmp_path)

            async def traffic() -> None:
                for person in (*buyers, *sellers):  # a bot may write only to who started it
                    person.start()
                for j in range(MESSAGES):
                    for i, buyer in enumerate(buyers):
                        buyer.send(texts[i][j])
                    await asyncio.sleep(0.05)

            first_update = tg.state.next_update_id
            await asyncio.gather(chaos(), traffic())
            sent_updates = tg.state.next_update_id - first_update

            def relayed(i: int) -> list[str]:
                return [
                    m.content.split("\n", 1)[1]
                    for m in sellers[i].messages()
                    if m.from_bot and " says " in m.content
                ]

            def everything_arrived() -> bool:
                return not tg.state.updates and all(
                    set(relayed(i)) == set(texts[i]) for i in range(PAIRS)
                )

            try:
                await _wait("every relay", everything_arrived, 240)
            except AssertionError:
                assert tg.webhook is not None
                print(
                    "DBG fake pending",
                    len(tg.state.updates),
                    tg.webhook.attempts,
                    tg.webhook.refused,
                )
                print("DBG inbox", fetch(url, "SELECT state, COUNT(*) FROM inbox GROUP BY state"))
                print("DBG relayed", [len(relayed(i)) for i in range(PAIRS)])
                print(
                    "DBG outbox",
                    fetch(url, "SELECT kind, state, COUNT(*) FROM outbox GROUP BY kind, state"),
                )
                print("DBG seller0", [m.content[:80] for m in sellers[0].messages()][-5:])
                raise

            def resolved() -> bool:
                ids = ",".join(f"'{o}'" for o in overdue)
                rows = fetch(
                    url, f"SELECT COUNT(*) FROM orders WHERE status = 'completed' AND id IN ({ids})"
                )
                return rows[0][0] == OVERDUE

            await _wait("every overdue order resolved", resolved, 120)
            await _wait(
                "every notification sent",
                lambda: (
                    fetch(url, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")[0][0] == 0
                ),
                120,
            )
            # They split the send budget (30 a second): the killed ones' rows have run out.
            shares: dict[int, tuple[float, float]] = {}

            async def split_three_ways() -> bool:
                for env in envs:
                    shares[int(env["KCHAT_HTTP_PORT"])] = await _share(env["KCHAT_HTTP_PORT"])
                return all(share == (3, 10) for share in shares.values())

            for _ in range(100):
                if await split_three_ways():
                    break
                await asyncio.sleep(0.3)
            assert all(share == (3, 10) for share in shares.values()), shares
            for inst in instances:
                assert inst.process is not None
                with contextlib.suppress(ProcessLookupError):
                    inst.process.send_signal(signal.SIGTERM)
            for inst in instances:
                assert inst.process is not None
                await asyncio.wait_for(inst.process.wait(), 30)
    finally:
        for inst in instances:
            if inst.process is not None and inst.process.returncode is None:
                inst.process.kill()
                await inst.process.wait()
        await balancer.session.close()
        await runner.cleanup()

    kills = sum(inst.kills for inst in instances)
    assert kills == 8
    assert fetch(url, "SELECT COUNT(*) FROM instances")[0][0] == 0, "each left as it stopped"
    # Every update Telegram sent was kept once and applied.
    states = dict(fetch(url, "SELECT state, COUNT(*) FROM inbox GROUP BY state"))
    assert states == {"applied": sent_updates}, states
    # Each buyer message was kept once in the transcript, and reached the seller in order.
    kept = fetch(
        url,
        "SELECT src_chat_id, src_message_id, COUNT(*) FROM order_messages "
        "GROUP BY src_chat_id, src_message_id HAVING COUNT(*) > 1",
    )
    assert kept == [], "a message kept twice"
    assert fetch(url, "SELECT COUNT(*) FROM order_messages")[0][0] == PAIRS * MESSAGES
    resent = 0
    for i in range(PAIRS):
        got = relayed(i)
        first_seen = list(dict.fromkeys(got))
        assert first_seen == texts[i], f"pair {i}: out of order"
        resent += len(got) - len(first_seen)
    # At least once to Telegram: a message is sent again only if an instance died after
    # Telegram took it and before it could record so; that is at most what each killed
    # instance had in flight.
    assert resent <= kills * PAIRS, resent
    print(f"{sent_updates} updates, {kills} kills, {resent} messages sent again")
    # Every overdue order completed exactly once: one settlement each, money balanced.
    settled = Counter(
        row[0]
        for row in fetch(url, "SELECT txn_key FROM ledger_txns WHERE txn_key LIKE '%:settle'")
    )
    assert all(n == 1 for n in settled.values())
    assert len([k for k in settled if k.split(":")[0] in set(overdue)]) == OVERDUE
    assert (
        fetch(url, "SELECT COUNT(*) FROM deadlines WHERE state = 'pending' AND due_at < now()")[0][
            0
        ]
        == 0
    )
    check = await asyncio.create_subprocess_exec(
        str(KCHAT), "check", env=_env_for_cli(url), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await check.communicate()
    assert check.returncode == 0, out.decode()
    assert Status.COMPLETED.value == "completed"


async def _share(http_port: str) -> tuple[float, float]:
    """(instances, messages a second) an instance's /metrics says it keeps to."""
    seen: dict[str, float] = {}
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{http_port}/metrics") as answer,
        ):
            for line in (await answer.text()).splitlines():
                name, _, number = line.partition(" ")
                if name in ("kchat_instances", "kchat_send_budget_per_second"):
                    seen[name] = float(number)
    except aiohttp.ClientError:
        return (0, 0)  # restarting
    return seen.get("kchat_instances", 0), seen.get("kchat_send_budget_per_second", 0)


def _env_for_cli(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCHAT_", "TELEGRAM_"))}
    env.update(PYTHONPATH=str(ROOT), KCHAT_DATABASE_URL=url)
    return env
