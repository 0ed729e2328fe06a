"""One sandbox world: a fake Telegram, the unchanged bot polling it, and the people in it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Update

from bot.app import App, build_application
from bot.bootstrap import Services
from bot.clock import ManualClock, SystemClock
from bot.config import Settings
from bot.domain.faq import FaqIndex
from handlers.delivery.notifier import Notifier
from sandbox.fake_bot_api import FakeGroup, FakeTelegram, FakeUser
from sandbox.settings import SandboxSettings

log = logging.getLogger(__name__)

BOT_USERNAME = "kchat_sandbox_bot"
BOT_NAME = "KChat"
SUPPORT_CHAT_ID = -1001234567890  # a supergroup id: forums must be supergroups
SUPPORT_CHAT_TITLE = "KALEOZ Support"

# The long poll the bot keeps open; the fake answers at once when an update arrives.
POLL_TIMEOUT_S = 5
# Time travel applies deadlines one moment at a time; this bounds one jump's work.
MAX_STEPS_PER_JUMP = 500


async def bot_idle(app: App, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Wait until the application holds no update: none queued, none being handled.

    The fake's idle sees requests; an update the bot fetched but is still working on makes
    none for a while (a slow machine), so the application itself is asked too. Quiet twice in
    a row: an update just taken off the queue starts its task a moment later.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    quiet = 0
    while quiet < 2:
        busy = app.update_queue.qsize() > 0 or app.update_processor.current_concurrent_updates
        quiet = 0 if busy else quiet + 1
        if loop.time() > deadline:
            raise TimeoutError("the bot is still handling updates")
        await asyncio.sleep(0.01)


@dataclass(frozen=True)
class Person:
    """Someone the page plays."""

    id: int
    first_name: str
    username: str


BUYER = Person(1001, "Alice", "alice_buys")
SELLER = Person(2002, "Sam", "sams_game_keys")
AGENT = Person(7007, "Aisha", "aisha_kaleoz")


class SandboxClock(ManualClock):
    """The sandbox's ManualClock: tells the page whenever time travel moves it."""

    def __init__(self, start: datetime, on_move: Callable[[], None]) -> None:
        super().__init__(start)
        self._on_move = on_move

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta` (ManualClock.set comes through here too)."""
        moved = super().advance(delta)
        self._on_move()
        return moved


def bot_settings(settings: SandboxSettings, tg: FakeTelegram) -> Settings:
    """The user's settings, pointed at the fake Telegram, the sandbox database and group."""
    return settings.model_copy(
        update={
            "telegram_bot_token": None,
            "telegram_api_base_url": tg.bot_base_url,
            "telegram_api_file_url": tg.file_base_url,
            "database_url": settings.sandbox_database_url,
            "support_chat_id": SUPPORT_CHAT_ID,
            # Every member of the sandbox group is an agent, whatever .env names for production.
            "support_agents": (),
            "webhook_url": None,
        }
    )


class World:
    """A running fake Telegram with the bot polling it and the buyer, seller and agent."""

    def __init__(
        self, tg: FakeTelegram, app: App, clock: ManualClock, started_at: datetime
    ) -> None:
        self.tg = tg
        self.app = app
        self.clock = clock
        self.started_at = started_at
        self.buyer = FakeUser(tg, BUYER.id)
        self.seller = FakeUser(tg, SELLER.id)
        self.agent = FakeUser(tg, AGENT.id)
        self.group = FakeGroup(tg, SUPPORT_CHAT_ID)

    @property
    def services(self) -> Services:
        """The bot's services (its store, its clock)."""
        services: Services = self.app.bot_data.services
        return services

    @property
    def notifier(self) -> Notifier:
        """The bot's outbox deliverer."""
        notifier: Notifier = self.app.bot_data.notifier
        return notifier

    @property
    def forum(self) -> bool:
        """Whether the support group has topics."""
        return self.tg.state.chats[SUPPORT_CHAT_ID].is_forum

    async def settle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has handled every update and sent every notification."""
        await self.tg.idle(quiet=0.05, timeout=timeout)
        await bot_idle(self.app, timeout)
        await self.notifier.drain()
        await self.tg.idle(quiet=0.05, timeout=timeout)

    async def run_due_work(self) -> None:
        """What the bot's wake-up job does: deadline sweep, support SLA sweep, notifications."""
        services = self.services
        await services.deadlines.sweep()
        await services.support.sweep_sla()
        await self.notifier.drain()

    async def advance(self, delta: timedelta) -> None:
        """Let `delta` pass: every deadline on the way is applied at its own moment.

        Jumping straight to the end would be a restart after downtime, where a reminder that
        fell due together with what it warns of is skipped; time passing shows each one.
        """
        target = self.clock.now() + delta
        swept_at: datetime | None = None
        for _ in range(MAX_STEPS_PER_JUMP):
            due = await self.services.deadlines.next_due_at()
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            elif swept_at == self.clock.now():
                break  # a deadline that keeps failing is left to the wake-up job's retries
            swept_at = self.clock.now()
            await self.run_due_work()
        self.clock.set(target)
        await self.run_due_work()
        # The wake-up job plans with the clock; let it look again at the new time.
        self.app.bot_data.wake()

    async def close(self) -> None:
        """Stop the bot (as `kchat run` does on Ctrl+C), then the fake Telegram."""
        app = self.app
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
            await app.shutdown()
        finally:
            await self.tg.stop()


async def open_world(
    settings: SandboxSettings, faq: FaqIndex, clock: ManualClock, *, forum: bool
) -> World:
    """Start a fake Telegram on 127.0.0.1 and the real bot polling it over HTTP."""
    # Messages are stamped with the sandbox's time, so time travel shows in the chats too.
    tg = FakeTelegram(
        bot_username=BOT_USERNAME,
        bot_first_name=BOT_NAME,
        clock=lambda: clock.now().timestamp(),
    )
    await tg.start("127.0.0.1", 0)
    for person in (BUYER, SELLER, AGENT):
        tg.user(person.id, person.first_name, person.username)
    # The agent administers the group (with the right to manage topics), as support agents
    # do in Telegram: she can close and reopen a ticket's topic and still write in a closed one.
    tg.group(
        SUPPORT_CHAT_ID,
        SUPPORT_CHAT_TITLE,
        admins=[FakeUser(tg, AGENT.id)],
        forum=forum,
    )
    try:
        app = build_application(bot_settings(settings, tg), clock, tg.token, faq)
    except BaseException:
        await tg.stop()
        raise
    world = World(tg, app, clock, clock.now())
    try:
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        # A marketplace's receiver checks webhook signatures against its real clock.
        world.services.webhook_sender.signing_clock = SystemClock()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            timeout=POLL_TIMEOUT_S, poll_interval=0, allowed_updates=Update.ALL_TYPES
        )
    except BaseException:
        await world.close()
        raise
    log.info("sandbox world up: fake Telegram at %s", tg.url)
    return world
