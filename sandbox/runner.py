"""The sandbox: the world, the seed and time travel, behind the API the page calls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from bot.clock import SystemClock
from bot.domain.faq import FaqIndex
from bot.domain.money import normalize_currency
from bot.services.api_keys import SCOPES
from sandbox.fake_bot_api import ButtonNotFoundError, FakeGroup, FakeUser
from sandbox.seed import Story, seed
from sandbox.settings import SandboxSettings
from sandbox.snapshot import snapshot
from sandbox.world import SandboxClock, World, open_world
from store.connection import sqlite_path

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
MAX_TEXT = 4096  # Telegram's limit for a message
MAX_CAPTION = 1024
MAX_JUMP = timedelta(days=31)
# The Bot API's limit for a photo is 10 MB; the page takes files up to 20 MB.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024

JsonDict = dict[str, Any]

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def _sniff_image(data: bytes) -> str | None:
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in _IMAGE_MAGIC if data.startswith(magic)), None)


class SandboxError(Exception):
    """The sandbox cannot start as configured (one clear line for the command line)."""


class SandboxInputError(ValueError):
    """Something the page asked for that a person could not do."""


def sandbox_url(port: int) -> str:
    """The page's address."""
    return f"http://{HOST}:{port}"


def sandbox_notice(port: int) -> str:
    """What `make run` says when it starts the sandbox for want of a token."""
    where = f"at {sandbox_url(port)}" if port else "(its address follows)"
    return (
        f"TELEGRAM_BOT_TOKEN is not set: starting the sandbox {where} "
        "(set the token to run the real bot; get one from @BotFather, https://t.me/BotFather, "
        "command /newbot, and put it in .env). `kchat run` on its own never starts the sandbox."
    )


def _database_files(url: str) -> list[Path]:
    path = sqlite_path(url)
    if path == ":memory:":
        return []
    return [Path(path + suffix) for suffix in ("", "-wal", "-shm", "-journal")]


def check_database(settings: SandboxSettings) -> None:
    """Refuse a sandbox database that is the bot's own: the sandbox wipes it."""
    try:
        sandbox = _database_files(settings.sandbox_database_url)
    except ValueError as exc:
        raise SandboxError(f"KCHAT_SANDBOX_DATABASE_URL: {exc}") from exc
    try:
        real = _database_files(settings.database_url)
    except ValueError:
        return
    if sandbox and real and sandbox[0].resolve() == real[0].resolve():
        raise SandboxError(
            "KCHAT_SANDBOX_DATABASE_URL is the bot's own database (KCHAT_DATABASE_URL); "
            "the sandbox wipes its database, so give it a file of its own"
        )


class Sandbox:
    """One playable world at a time: start, act as people, travel in time, reset."""

    def __init__(self, settings: SandboxSettings, faq: FaqIndex) -> None:
        check_database(settings)
        self.settings = settings
        self.faq = faq
        self.tz = ZoneInfo(settings.timezone)
        self.epoch = 0
        # Grows with every change: the page keeps the newest state when answers cross.
        self.version = 0
        self._world: World | None = None
        self._story: Story | None = None
        self._lock = asyncio.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribe_world: Callable[[], None] | None = None
        self._http: aiohttp.ClientSession | None = None
        # The marketplace API's key in this world (KCHAT_HTTP_PORT set): made at every start.
        self.api_key: str | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """A fresh world: empty database, fake Telegram, the bot, the seed."""
        async with self._lock:
            self._http = aiohttp.ClientSession()
            await self._open()

    async def stop(self) -> None:
        """Stop the bot and the fake Telegram."""
        async with self._lock:
            await self._close()
            if self._http is not None:
                await self._http.close()
                self._http = None

    async def reset(self) -> None:
        """Start over: a new empty database, a fresh fake world, the seed again."""
        async with self._lock:
            await self._close()
            await self._open()

    async def _open(self) -> None:
        for path in _database_files(self.settings.sandbox_database_url):
            path.unlink(missing_ok=True)
        self.epoch += 1
        # The sandbox starts at the real current time; from then on only time travel moves it.
        clock = SandboxClock(SystemClock().now(), self._changed)
        world = await open_world(self.settings, self.faq, clock, forum=self.settings.sandbox_forum)
        try:
            self._story = await seed(world, self.settings.default_currency)
        except BaseException:
            await world.close()
            raise
        self._world = world
        self.api_key = await self._make_api_key(world)
        self._unsubscribe_world = world.tg.subscribe(self._changed)
        self._changed()

    async def _make_api_key(self, world: World) -> str | None:
        """A key with every scope, for trying the marketplace API against this world.

        The world's database is new at every start and reset, so no key made before it (with
        `kchat apikey create`) can exist in it: the sandbox makes one and shows it.
        """
        if self.settings.http_port is None:
            return None
        made = await world.services.api_keys.create("sandbox", SCOPES)
        log.info("marketplace API key for this sandbox world: %s", made.key)
        return made.key

    def marketplace_api(self) -> JsonDict | None:
        """Where the marketplace API of this world answers, and its key (None: not served)."""
        if self.settings.http_port is None or self.api_key is None:
            return None
        url = f"http://{self.settings.http_host}:{self.settings.http_port}"
        return {"url": url, "key": self.api_key, "openapi": f"{url}/openapi.json"}

    async def _close(self) -> None:
        world, self._world = self._world, None
        if self._unsubscribe_world is not None:
            self._unsubscribe_world()
            self._unsubscribe_world = None
        self._changed()
        if world is not None:
            await world.close()

    @property
    def world(self) -> World:
        """The running world (fails while it is being replaced)."""
        if self._world is None:
            raise SandboxInputError("the sandbox is starting; try again in a moment")
        return self._world

    @property
    def story(self) -> Story:
        """What was seeded, and the hint."""
        if self._story is None:
            raise SandboxInputError("the sandbox is starting; try again in a moment")
        return self._story

    # -- live updates ----------------------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` whenever what the page shows may have changed."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _changed(self) -> None:
        self.version += 1
        for listener in list(self._listeners):
            listener()

    async def snapshot(self) -> JsonDict:
        """What the page shows now."""
        world, story, version = self._world, self._story, self.version
        if world is None or story is None:
            return {"ready": False, "epoch": self.epoch, "version": version}
        try:
            data = await snapshot(
                world,
                story,
                epoch=self.epoch,
                tz=self.tz,
                currency=normalize_currency(self.settings.default_currency),
            )
        except Exception:
            if self._world is not world:  # replaced by a reset while we read it
                return {"ready": False, "epoch": self.epoch, "version": version}
            raise
        data["version"] = version
        data["marketplace_api"] = self.marketplace_api()
        return data

    async def settle(self) -> None:
        """Wait until the bot has answered everything (tests and the seed use this)."""
        await self.world.settle()

    # -- time travel -----------------------------------------------------------------------

    async def advance(self, delta: timedelta) -> None:
        """Move the sandbox clock forward and let the bot do what falls due on the way."""
        if not timedelta(0) < delta <= MAX_JUMP:
            raise SandboxInputError("time travel goes forward, at most 31 days at once")
        async with self._lock:
            await self.world.advance(delta)

    # -- acting as people ------------------------------------------------------------------

    def _actor(self, pane: str) -> tuple[FakeUser, FakeGroup | None]:
        world = self.world
        if pane == "buyer":
            return world.buyer, None
        if pane == "seller":
            return world.seller, None
        if pane == "support":
            return world.agent, world.group
        raise KeyError(pane)

    def _thread(self, group: FakeGroup, thread_id: int | None, reply_to: int | None) -> int | None:
        if not self.world.forum:
            return None
        if thread_id is None and reply_to is not None:
            target = self.world.tg.state.message(group.chat_id, reply_to)
            return target.message_thread_id if target else None
        return thread_id

    async def send_text(
        self, pane: str, text: str, *, reply_to: int | None = None, thread_id: int | None = None
    ) -> int:
        """The pane's person writes `text` (a command too); returns the new message's id."""
        text = text.strip()
        if not text:
            raise SandboxInputError("type a message first")
        if len(text) > MAX_TEXT:
            raise SandboxInputError(f"a message holds at most {MAX_TEXT} characters")
        async with self._lock:
            person, group = self._actor(pane)
            try:
                if group is None:
                    return person.send(text, reply_to=reply_to).message_id
                thread = self._thread(group, thread_id, reply_to)
                return group.send(person, text, thread_id=thread, reply_to=reply_to).message_id
            except ValueError as exc:
                raise SandboxInputError(str(exc)) from exc

    async def send_file(
        self,
        pane: str,
        data: bytes,
        *,
        filename: str,
        mime_type: str | None,
        caption: str | None = None,
        as_photo: bool = False,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> int:
        """The pane's person sends a photo or a document; returns the new message's id."""
        if not data:
            raise SandboxInputError("the file is empty")
        if len(data) > MAX_FILE_BYTES:
            raise SandboxInputError(f"a file may be at most {MAX_FILE_BYTES // 2**20} MB")
        if as_photo and len(data) > MAX_PHOTO_BYTES:
            raise SandboxInputError(
                f"a photo may be at most {MAX_PHOTO_BYTES // 2**20} MB; send it as a file"
            )
        if as_photo and _sniff_image(data) is None:
            # Telegram refuses a "photo" it cannot decode (IMAGE_PROCESS_FAILED).
            raise SandboxInputError(
                "that is not a PNG, JPEG, GIF or WebP picture; send it as a file"
            )
        caption = (caption or "").strip() or None
        if caption is not None and len(caption) > MAX_CAPTION:
            raise SandboxInputError(f"a caption holds at most {MAX_CAPTION} characters")
        async with self._lock:
            person, group = self._actor(pane)
            try:
                if group is None:
                    if as_photo:
                        return person.send_photo(data, caption, reply_to=reply_to).message_id
                    return person.send_document(
                        data, filename, caption, mime_type=mime_type, reply_to=reply_to
                    ).message_id
                thread = self._thread(group, thread_id, reply_to)
                if as_photo:
                    return group.send_photo(
                        person, data, caption, thread_id=thread, reply_to=reply_to
                    ).message_id
                return group.send_document(
                    person,
                    data,
                    filename,
                    caption,
                    thread_id=thread,
                    reply_to=reply_to,
                    mime_type=mime_type,
                ).message_id
            except ValueError as exc:
                raise SandboxInputError(str(exc)) from exc

    async def set_topic_closed(self, pane: str, thread_id: int, closed: bool) -> None:
        """The pane's person closes or reopens a forum topic (administrators may)."""
        async with self._lock:
            _, group = self._actor(pane)
            if group is None or not self.world.forum:
                raise SandboxInputError("only the support group has topics")
            person = self.world.agent
            try:
                if closed:
                    group.close_topic(person, thread_id)
                else:
                    group.reopen_topic(person, thread_id)
            except ValueError as exc:
                raise SandboxInputError(str(exc)) from exc

    async def set_language(self, pane: str, language: str) -> None:
        """The pane's person switches Telegram to `language`: the bot sees it on their next
        message or tap, as it would from Telegram."""
        async with self._lock:
            person, _ = self._actor(pane)
            state = self.world.tg.state
            state.users[person.id].language_code = language
            state.touch()

    async def tap(self, pane: str, message_id: int, data: str) -> str:
        """The pane's person taps the button carrying `data`; returns the callback query id."""
        async with self._lock:
            person, group = self._actor(pane)
            try:
                if group is None:
                    return person.tap_data(message_id, data).id
                return group.tap_data(person, message_id, data).id
            except (ButtonNotFoundError, ValueError) as exc:
                raise SandboxInputError(
                    "that button is no longer there (the message changed)"
                ) from exc

    async def download(self, file_id: str) -> tuple[bytes, str, str | None]:
        """A file's bytes, MIME type and name, through the fake's file download (getFile path)."""
        world = self.world
        stored = world.tg.state.files.get(file_id)
        if stored is None or self._http is None:
            raise KeyError(file_id)
        url = f"{world.tg.file_base_url}{world.tg.token}/{stored.file_path}"
        async with self._http.get(url) as response:
            if response.status != 200:
                raise KeyError(file_id)
            body = await response.read()
            mime = response.content_type
        if mime == "application/octet-stream":
            # Photos carry no MIME type in the Bot API; the page's <img> wants one.
            mime = _sniff_image(body) or mime
        return body, mime, stored.file_name


# -- the command ---------------------------------------------------------------------------
