"""FakeTelegram: a local Telegram for end-to-end tests and the sandbox.

Start it, point a real Bot API client at `bot_base_url` / `file_base_url`, then act as people
(`tg.user(...)`, `tg.group(...)`) and wait for the bot's answers without sleeping::

    async with FakeTelegram() as tg:
        app = (
            ApplicationBuilder().token(tg.token)
            .base_url(tg.bot_base_url).base_file_url(tg.file_base_url).build()
        )
        alice = tg.user(1001, "Alice", username="alice")
        alice.send("/start")
        reply = await alice.wait_for_message(contains="Welcome")
        alice.tap("Buy")
        await tg.idle()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

from sandbox.fake_bot_api.faults import Fault, FaultPlan, RecordedRequest, RequestLog
from sandbox.fake_bot_api.limits import FloodControl, FloodLimits
from sandbox.fake_bot_api.media import MediaKind, image_size
from sandbox.fake_bot_api.server import FakeBotApiServer
from sandbox.fake_bot_api.state import (
    ALL_ADMIN_RIGHTS,
    CallbackQueryRecord,
    ChatAction,
    ForumTopic,
    InlineQueryRecord,
    MemberStatus,
    Message,
    StoredFile,
    TelegramState,
)
from sandbox.fake_bot_api.webhook import WebhookPusher

JsonDict = dict[str, Any]
T = TypeVar("T")

# Shaped like a real token (<bot id>:<35 characters>) but valid nowhere.
DEFAULT_TOKEN = "7000000001:AAFakeTokenForLocalTelegramOnly0000"
# A 512x512 WebP header: enough for a sticker to report its size.
_STICKER_BYTES = (
    b"RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00"
    + (511).to_bytes(3, "little")
    + (511).to_bytes(3, "little")
)


class ButtonNotFoundError(LookupError):
    """Raised by `tap` when no visible button has the given text."""


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as a person sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class MessageView:
    """A snapshot of a message as it stands: text after edits, buttons, media."""

    message_id: int
    chat_id: int
    sender_id: int
    from_bot: bool
    date: int
    content_type: str
    text: str | None
    caption: str | None
    entities: tuple[JsonDict, ...]
    buttons: tuple[tuple[Button, ...], ...]
    reply_to_message_id: int | None
    message_thread_id: int | None
    media_group_id: str | None
    edit_date: int | None
    file_id: str | None
    file_name: str | None
    deleted: bool
    raw: JsonDict
    # The ForceReply the bot sent with it (force_reply, input_field_placeholder, selective).
    force_reply: JsonDict | None = None
    # The world's revision when this message last changed (sent, edited or deleted): a live
    # view re-renders only messages whose revision moved.
    revision: int = 0

    @property
    def content(self) -> str:
        """The text, or the caption of a media message, or ""."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def button_texts(self) -> list[list[str]]:
        """The keyboard as rows of visible button texts."""
        return [[button.text for button in row] for row in self.buttons]

    @property
    def flat_buttons(self) -> list[Button]:
        """All buttons, row by row."""
        return [button for row in self.buttons for button in row]

    def button(self, text: str) -> Button:
        """The button with exactly this visible text."""
        for button in self.flat_buttons:
            if button.text == text:
                return button
        raise ButtonNotFoundError(f"no button {text!r}; buttons: {self.button_texts}")

    def has_button(self, text: str) -> bool:
        """True if a button has exactly this visible text."""
        return any(button.text == text for button in self.flat_buttons)


@dataclass(frozen=True)
class CallbackAnswer:
    """What answerCallbackQuery showed a person after a tap."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class TopicView:
    """A forum topic as members see it."""

    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None
    is_closed: bool


MessageRef = MessageView | int


def _message_id(ref: MessageRef) -> int:
    return ref if isinstance(ref, int) else ref.message_id


class FakeTelegram:
    """A running fake Telegram: Bot API server, world state, faults and waiting helpers."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "kchat_test_bot",
        bot_first_name: str = "KChat",
        clock: Callable[[], float] = time.time,
        privacy_mode: bool = True,
        flood_limits: FloodLimits | None = None,
        webhook_endpoint: str | None = None,
    ) -> None:
        """`webhook_endpoint`: where to POST updates while the bot has a webhook set (the
        local address standing in for the public one it registered); without it, a bot
        with a webhook gets nothing, as from a Telegram that cannot reach it."""
        bot_id = int(token.split(":", 1)[0])
        self.token = token
        self.state = TelegramState(
            bot_id=bot_id,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            clock=clock,
            privacy_mode=privacy_mode,
        )
        self.faults = FaultPlan()
        self.log = RequestLog()
        # Telegram's flood limits are enforced only when asked for (tests that are not about
        # them should not wait on them); `flood.sent` is then the per-chat log of messages.
        self.flood = FloodControl(flood_limits) if flood_limits is not None else None
        self.server = FakeBotApiServer(
            self.state, token, faults=self.faults, log=self.log, flood=self.flood
        )
        self.webhook = (
            WebhookPusher(self.state, webhook_endpoint) if webhook_endpoint is not None else None
        )
        self._changed = asyncio.Event()
        self._last_change = time.monotonic()
        self.state.subscribe(self._on_state_change)
        self.server.subscribe(self._wake_waiters)

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        """Start serving the Bot API; port 0 picks a free port."""
        await self.server.start(host, port)
        if self.webhook is not None:
            await self.webhook.start()
        return self

    async def stop(self) -> None:
        """Stop serving; pending long polls are answered at once."""
        if self.webhook is not None:
            await self.webhook.stop()
        await self.server.stop()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Server root, e.g. "http://127.0.0.1:43121"."""
        return self.server.url

    @property
    def bot_base_url(self) -> str:
        """What to pass to ApplicationBuilder.base_url()."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """What to pass to ApplicationBuilder.base_file_url()."""
        return f"{self.url}/file/bot"

    @property
    def bot_id(self) -> int:
        """The bot's user id (the token's prefix)."""
        return self.state.bot.id

    @property
    def bot_username(self) -> str:
        """The bot's username."""
        return self.state.bot.username or ""

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` after every change of the world (live views); returns unsubscribe.

        The listener runs synchronously inside the change: it should only note that something
        changed (set an event, schedule work), never act on the world itself.
        """
        return self.state.subscribe(listener)

    @property
    def revision(self) -> int:
        """A number that grows with every change of the world."""
        return self.state.revision

    # -- people and chats -----------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> FakeUser:
        """Create a person; their private chat opens when they first write to the bot."""
        self.state.add_user(
            user_id,
            first_name,
            username=username,
            last_name=last_name,
            language_code=language_code,
        )
        return FakeUser(self, user_id)

    def group(
        self,
        chat_id: int,
        title: str,
        members: Iterable[FakeUser] = (),
        forum: bool = False,
        *,
        admins: Iterable[FakeUser] = (),
        owner: FakeUser | None = None,
        username: str | None = None,
        bot_status: str = "administrator",
        bot_rights: Iterable[str] | None = None,
    ) -> FakeGroup:
        """Create a group (a supergroup if the id starts with -100; forums must be)."""
        roster: list[tuple[int, MemberStatus]] = [(m.id, MemberStatus.MEMBER) for m in members]
        roster += [(a.id, MemberStatus.ADMINISTRATOR) for a in admins]
        if owner is not None:
            roster.append((owner.id, MemberStatus.CREATOR))
        self.state.add_group(
            chat_id,
            title,
            members=roster,
            forum=forum,
            username=username,
            bot_status=MemberStatus(bot_status),
            bot_rights=ALL_ADMIN_RIGHTS if bot_rights is None else frozenset(bot_rights),
        )
        return FakeGroup(self, chat_id)

    # -- faults and the request log -------------------------------------------------------

    def inject(
        self, method: str, fault: Fault, *, times: int = 1, chat_id: int | str | None = None
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) fail with `fault`."""
        self.faults.add(method, fault, times=times, chat_id=chat_id)

    def requests(self, method: str | None = None) -> list[RecordedRequest]:
        """Requests the bot made, optionally of one method (case-insensitive)."""
        return self.log.of(method)

    def last_request(self, method: str) -> RecordedRequest:
        """The latest request of `method`; fails if there was none."""
        found = self.log.of(method)
        if not found:
            raise LookupError(f"the bot never called {method}")
        return found[-1]

    # -- reading the world ----------------------------------------------------------------

    def view(self, message: Message) -> MessageView:
        """Snapshot a stored message."""
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        buttons = tuple(
            tuple(
                Button(b["text"], b.get("callback_data"), b.get("url"))
                for b in row
                if isinstance(b, dict)
            )
            for row in rows
        )
        file = message.file
        return MessageView(
            message_id=message.message_id,
            chat_id=message.chat_id,
            sender_id=message.sender_id,
            from_bot=message.sender_id == self.bot_id,
            date=message.date,
            content_type=message.content_type,
            text=message.text,
            caption=message.caption,
            entities=tuple(message.entities or message.caption_entities),
            buttons=buttons,
            reply_to_message_id=message.reply_to_message_id,
            message_thread_id=message.message_thread_id,
            media_group_id=message.media_group_id,
            edit_date=message.edit_date,
            file_id=file.file_id if file else None,
            file_name=file.file_name if file else None,
            deleted=message.deleted,
            raw=self.state.message_to_api(message),
            force_reply=message.force_reply,
            revision=message.revision,
        )

    def message(self, chat_id: int, message_id: int) -> MessageView | None:
        """The current state of one message, or None if it does not exist (or was deleted)."""
        message = self.state.message(chat_id, message_id)
        return self.view(message) if message else None

    def bot_messages(self, chat_id: int, *, thread_id: int | None = None) -> list[MessageView]:
        """What the bot has posted in a chat (and not deleted), oldest first."""
        return [
            self.view(m)
            for m in self.state.chat_messages(chat_id, sender_id=self.bot_id, thread_id=thread_id)
        ]

    def file_bytes(self, file_id: str) -> bytes:
        """The bytes behind a file_id."""
        return self.state.files[file_id].data

    def chat_actions(self, chat_id: int | None = None) -> list[ChatAction]:
        """sendChatAction calls, optionally for one chat."""
        return [a for a in self.state.chat_actions if chat_id is None or a.chat_id == chat_id]

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[str]:
        """The command names set with setMyCommands for a scope (default scope if None)."""
        return [c["command"] for c in self.command_menu(scope, language_code)]

    def command_menu(
        self, scope: JsonDict | None = None, language_code: str = ""
    ) -> list[JsonDict]:
        """The BotCommand objects ({"command", "description"}) a client's "/" menu shows."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return [dict(c) for c in self.state.commands.get(key, [])]

    # -- waiting --------------------------------------------------------------------------

    def _on_state_change(self) -> None:
        self._last_change = time.monotonic()
        self._wake_waiters()

    def _wake_waiters(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    # The waiting helpers take a `timeout` (rather than leaving it to asyncio.timeout) so a
    # failed wait can report what the bot did meanwhile.
    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        what: str | None = None,
    ) -> T:
        """Re-check `predicate` after every change until it returns something truthy."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._timeout_report(what or "condition", timeout))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def idle(self, quiet: float = 0.1, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every update is consumed and no request has run for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            busy = self.state.pending_update_count > 0 or self.server.in_flight > 0
            # Long polls do not count as activity; every other request and change does.
            quiet_for = time.monotonic() - max(self._last_change, self.server.last_activity)
            if not busy and quiet_for >= quiet:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._timeout_report("the bot to go idle", timeout))
            wait = remaining if busy else min(remaining, quiet - quiet_for)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), wait)

    def _timeout_report(self, what: str, timeout: float) -> str:
        lines = [f"timed out after {timeout}s waiting for {what}"]
        lines.append(
            f"pending updates: {self.state.pending_update_count}, "
            f"requests in flight: {self.server.in_flight}"
        )
        if not self.log.of("getUpdates"):
            lines.append("the bot never called getUpdates: is it polling this server?")
        for entry in self.log.entries[-8:]:
            outcome = "ok" if entry.ok else f"{entry.status} {entry.error or ''}".strip()
            lines.append(f"  request {entry.method}: {outcome}")
        recent = sorted(
            (m for m in self.state.messages.values() if m.sender_id == self.bot_id),
            key=lambda m: m.revision,
        )[-5:]
        for message in recent:
            lines.append(
                f"  bot message {message.chat_id}/{message.message_id}: {message.content!r}"
            )
        return "\n".join(lines)

    async def _wait_for_message(
        self,
        chat_id: int,
        since: int,
        contains: str | None,
        predicate: Callable[[MessageView], bool] | None,
        thread_id: int | None,
        within: float,
    ) -> MessageView:
        def match() -> MessageView | None:
            candidates = sorted(
                (
                    m
                    for m in self.state.chat_messages(chat_id, sender_id=self.bot_id)
                    if m.revision > since
                    and (thread_id is None or m.message_thread_id == thread_id)
                ),
                key=lambda m: m.revision,
            )
            for message in candidates:
                view = self.view(message)
                if contains is not None and contains not in view.content:
                    continue
                if predicate is not None and not predicate(view):
                    continue
                return view
            return None

        what = f"a bot message in chat {chat_id}" + (
            f" containing {contains!r}" if contains else ""
        )
        return await self.wait_for(match, within, what=what)

    def _tap(
        self,
        user_id: int,
        chat_id: int,
        button_text: str,
        message: MessageRef | None,
        thread_id: int | None,
    ) -> CallbackQueryRecord:
        if message is not None:
            stored = self.state.message(chat_id, _message_id(message))
            if stored is None:
                raise ButtonNotFoundError(f"message {_message_id(message)} is gone")
            candidates = [self.view(stored)]
        else:
            candidates = list(reversed(self.bot_messages(chat_id, thread_id=thread_id)))
        for view in candidates:
            for button in view.flat_buttons:
                if button.text != button_text:
                    continue
                if button.callback_data is None:
                    kind = "a URL button" if button.url else "not a callback button"
                    raise ButtonNotFoundError(f"button {button_text!r} is {kind}")
                return self.state.user_taps(user_id, chat_id, view.message_id, button.callback_data)
        present = [
            f"message {view.message_id}: {view.button_texts}" for view in candidates if view.buttons
        ]
        raise ButtonNotFoundError(
            f"no button {button_text!r} in chat {chat_id}; buttons present: "
            + ("; ".join(present) if present else "none")
        )

    def _tap_data(
        self, user_id: int, chat_id: int, message: MessageRef, callback_data: str
    ) -> CallbackQueryRecord:
        stored = self.state.message(chat_id, _message_id(message))
        if stored is None:
            raise ButtonNotFoundError(f"message {_message_id(message)} is gone")
        view = self.view(stored)
        if not any(b.callback_data == callback_data for b in view.flat_buttons):
            # A person can only press what is on the screen; forged data is `state.user_taps`.
            raise ButtonNotFoundError(
                f"message {view.message_id} has no button with data {callback_data!r}"
            )
        return self.state.user_taps(user_id, chat_id, view.message_id, callback_data)

    def _store_media(
        self,
        kind: MediaKind,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        duration: int = 0,
        emoji: str | None = None,
    ) -> list[StoredFile]:
        if kind is MediaKind.PHOTO:
            return self.state.store_photo(data)
        width, height = image_size(data) or (0, 0)
        return [
            self.state.store_file(
                data,
                kind,
                file_name=file_name,
                mime_type=mime_type,
                width=width,
                height=height,
                duration=duration,
                emoji=emoji,
            )
        ]


class FakeUser:
    """A person talking to the bot in their private chat."""

    def __init__(self, tg: FakeTelegram, user_id: int) -> None:
        self.tg = tg
        self.id = user_id
        self._since = tg.state.revision

    @property
    def first_name(self) -> str:
        """The person's first name."""
        return self.tg.state.users[self.id].first_name

    @property
    def username(self) -> str | None:
        """The person's username, if any."""
        return self.tg.state.users[self.id].username

    @property
    def chat_id(self) -> int:
        """Their private chat's id (equal to their user id, as in Telegram)."""
        return self.id

    def _act(self) -> None:
        self._since = self.tg.state.revision

    def _post(self, **content: Any) -> MessageView:
        self._act()
        return self.tg.view(self.tg.state.user_posts(self.id, self.id, **content))

    def send(self, text: str, *, reply_to: MessageRef | None = None) -> MessageView:
        """Write to the bot; "/cmd args" carries a bot_command entity as in Telegram."""
        reply_id = _message_id(reply_to) if reply_to is not None else None
        return self._post(text=text, reply_to_message_id=reply_id)

    def start(self, payload: str | None = None) -> MessageView:
        """Press Start, optionally through a t.me/<bot>?start=<payload> deep link."""
        return self.send(f"/start {payload}" if payload else "/start")

    def reply(self, to_message: MessageRef, text: str) -> MessageView:
        """Reply to a message in the private chat."""
        return self.send(text, reply_to=to_message)

    def send_photo(
        self, data: bytes, caption: str | None = None, *, reply_to: MessageRef | None = None
    ) -> MessageView:
        """Send a photo."""
        files = self.tg._store_media(MediaKind.PHOTO, data)
        return self._post(
            caption=caption,
            media_kind=MediaKind.PHOTO,
            files=files,
            reply_to_message_id=_message_id(reply_to) if reply_to is not None else None,
        )

    def send_document(
        self,
        data: bytes,
        filename: str = "file.bin",
        caption: str | None = None,
        *,
        mime_type: str | None = None,
        reply_to: MessageRef | None = None,
    ) -> MessageView:
        """Send a file as a document."""
        files = self.tg._store_media(
            MediaKind.DOCUMENT, data, file_name=filename, mime_type=mime_type
        )
        return self._post(
            caption=caption,
            media_kind=MediaKind.DOCUMENT,
            files=files,
            reply_to_message_id=_message_id(reply_to) if reply_to is not None else None,
        )

    def send_voice(
        self, data: bytes = b"OggS voice", duration: int = 1, caption: str | None = None
    ) -> MessageView:
        """Send a voice note."""
        files = self.tg._store_media(MediaKind.VOICE, data, duration=duration)
        return self._post(caption=caption, media_kind=MediaKind.VOICE, files=files)

    def send_video(
        self, data: bytes, caption: str | None = None, *, duration: int = 1
    ) -> MessageView:
        """Send a video."""
        files = self.tg._store_media(MediaKind.VIDEO, data, duration=duration)
        return self._post(caption=caption, media_kind=MediaKind.VIDEO, files=files)

    def send_sticker(self, data: bytes = _STICKER_BYTES, emoji: str = "👍") -> MessageView:
        """Send a sticker."""
        files = self.tg._store_media(MediaKind.STICKER, data, emoji=emoji)
        return self._post(media_kind=MediaKind.STICKER, files=files)

    def send_album(
        self, items: Sequence[bytes], caption: str | None = None, *, kind: str = "photo"
    ) -> list[MessageView]:
        """Send 2-10 photos (or documents) as one album; the caption goes on the first."""
        media_kind = MediaKind(kind)
        group_id = self.tg.state.new_media_group_id()
        self._act()
        sent: list[MessageView] = []
        for index, data in enumerate(items):
            files = self.tg._store_media(
                media_kind, data, file_name=f"file{index + 1}.bin" if kind != "photo" else None
            )
            message = self.tg.state.user_posts(
                self.id,
                self.id,
                caption=caption if index == 0 else None,
                media_kind=media_kind,
                files=files,
                media_group_id=group_id,
            )
            sent.append(self.tg.view(message))
        return sent

    def edit(self, message: MessageRef, new_text: str) -> MessageView:
        """Edit one of their own messages; the bot gets an edited_message update."""
        self._act()
        return self.tg.view(
            self.tg.state.user_edits(self.id, self.id, _message_id(message), new_text)
        )

    def tap(self, button_text: str, message: MessageRef | None = None) -> CallbackQueryRecord:
        """Tap the inline button with this text on the latest bot message showing it."""
        self._act()
        return self.tg._tap(self.id, self.id, button_text, message, None)

    def tap_data(self, message: MessageRef, callback_data: str) -> CallbackQueryRecord:
        """Tap the button carrying `callback_data` on this message (as a client knows it)."""
        self._act()
        return self.tg._tap_data(self.id, self.id, message, callback_data)

    def inline_query(self, query: str, offset: str = "") -> InlineQueryRecord:
        """Type "@bot query" in any chat; the record fills in when the bot answers."""
        self._act()
        return self.tg.state.user_inline_query(self.id, query, offset=offset)

    def block_bot(self) -> None:
        """Block the bot: it gets my_chat_member (kicked) and 403 on every send."""
        self._act()
        self.tg.state.user_blocks_bot(self.id)

    def unblock_bot(self) -> None:
        """Unblock the bot: it gets my_chat_member (member) again."""
        self._act()
        self.tg.state.user_unblocks_bot(self.id)

    def messages(self) -> list[MessageView]:
        """The bot's messages in this private chat, as they stand now."""
        return self.tg.bot_messages(self.id)

    def history(self) -> list[MessageView]:
        """Every message of this private chat, both sides."""
        return [self.tg.view(m) for m in self.tg.state.chat_messages(self.id)]

    def last_message(self) -> MessageView | None:
        """The bot's latest message in this private chat."""
        messages = self.messages()
        return messages[-1] if messages else None

    def callback_answers(self) -> list[CallbackAnswer]:
        """Every answerCallbackQuery the bot gave this person's taps, in tap order."""
        return [
            CallbackAnswer(q.id, q.answer_text, q.show_alert, q.url)
            for q in self.tg.state.callback_queries.values()
            if q.user_id == self.id and q.answered
        ]

    def alerts(self) -> list[str]:
        """Texts of the notifications and alerts the bot showed after this person's taps."""
        return [a.text for a in self.callback_answers() if a.text]

    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard the bot currently shows in this chat, as button texts."""
        chat = self.tg.state.chats.get(self.id)
        if chat is None or chat.reply_keyboard is None:
            return None
        return [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in chat.reply_keyboard.get("keyboard", [])
        ]

    async def wait_for_message(
        self,
        contains: str | None = None,
        *,
        predicate: Callable[[MessageView], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> MessageView:
        """The first bot message sent or edited here since this person's last action."""
        return await self.tg._wait_for_message(
            self.id, self._since, contains, predicate, None, timeout
        )

    async def wait_for_alert(self, contains: str = "", timeout: float = 5.0) -> str:  # noqa: ASYNC109
        """Wait until the bot answers one of this person's taps with a matching text."""
        return await self.tg.wait_for(
            lambda: next((text for text in self.alerts() if contains in text), None),
            timeout,
            what=f"an alert containing {contains!r} for user {self.id}",
        )

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"


class FakeGroup:
    """A group or supergroup (optionally a forum) with the bot in it."""

    def __init__(self, tg: FakeTelegram, chat_id: int) -> None:
        self.tg = tg
        self.chat_id = chat_id
        self._since = tg.state.revision

    @property
    def title(self) -> str:
        """The group's title."""
        return self.tg.state.chats[self.chat_id].title or ""

    def _act(self) -> None:
        self._since = self.tg.state.revision

    def send(
        self,
        user: FakeUser,
        text: str,
        *,
        thread_id: int | None = None,
        reply_to: MessageRef | None = None,
    ) -> MessageView:
        """A member writes into the group, optionally into a forum topic."""
        self._act()
        message = self.tg.state.user_posts(
            user.id,
            self.chat_id,
            text=text,
            message_thread_id=thread_id,
            reply_to_message_id=_message_id(reply_to) if reply_to is not None else None,
        )
        return self.tg.view(message)

    def reply(self, user: FakeUser, to_message: MessageRef, text: str) -> MessageView:
        """A member replies to a message (in its topic, if it has one)."""
        target = self.tg.state.message(self.chat_id, _message_id(to_message))
        thread_id = target.message_thread_id if target else None
        return self.send(user, text, thread_id=thread_id, reply_to=to_message)

    def send_photo(
        self,
        user: FakeUser,
        data: bytes,
        caption: str | None = None,
        *,
        thread_id: int | None = None,
        reply_to: MessageRef | None = None,
    ) -> MessageView:
        """A member posts a photo."""
        self._act()
        files = self.tg._store_media(MediaKind.PHOTO, data)
        message = self.tg.state.user_posts(
            user.id,
            self.chat_id,
            caption=caption,
            media_kind=MediaKind.PHOTO,
            files=files,
            message_thread_id=thread_id,
            reply_to_message_id=_message_id(reply_to) if reply_to is not None else None,
        )
        return self.tg.view(message)

    def send_document(
        self,
        user: FakeUser,
        data: bytes,
        filename: str = "file.bin",
        caption: str | None = None,
        *,
        thread_id: int | None = None,
        reply_to: MessageRef | None = None,
        mime_type: str | None = None,
    ) -> MessageView:
        """A member posts a document."""
        self._act()
        files = self.tg._store_media(
            MediaKind.DOCUMENT, data, file_name=filename, mime_type=mime_type
        )
        message = self.tg.state.user_posts(
            user.id,
            self.chat_id,
            caption=caption,
            media_kind=MediaKind.DOCUMENT,
            files=files,
            message_thread_id=thread_id,
            reply_to_message_id=_message_id(reply_to) if reply_to is not None else None,
        )
        return self.tg.view(message)

    def edit(self, user: FakeUser, message: MessageRef, new_text: str) -> MessageView:
        """A member edits their message."""
        self._act()
        return self.tg.view(
            self.tg.state.user_edits(user.id, self.chat_id, _message_id(message), new_text)
        )

    def tap(
        self,
        user: FakeUser,
        button_text: str,
        message: MessageRef | None = None,
        *,
        thread_id: int | None = None,
    ) -> CallbackQueryRecord:
        """A member taps an inline button on the latest bot message here showing it."""
        self._act()
        return self.tg._tap(user.id, self.chat_id, button_text, message, thread_id)

    def tap_data(
        self, user: FakeUser, message: MessageRef, callback_data: str
    ) -> CallbackQueryRecord:
        """A member taps the button carrying `callback_data` on this message."""
        self._act()
        return self.tg._tap_data(user.id, self.chat_id, message, callback_data)

    def create_topic(self, user: FakeUser, name: str) -> TopicView:
        """A member creates a forum topic; the bot sees forum_topic_created."""
        self._act()
        return _topic_view(self.tg.state.user_creates_topic(user.id, self.chat_id, name))

    def close_topic(self, user: FakeUser, thread_id: int) -> MessageView:
        """An administrator (or the topic's creator) closes a topic; the bot sees it."""
        self._act()
        return self.tg.view(
            self.tg.state.user_sets_topic_closed(user.id, self.chat_id, thread_id, closed=True)
        )

    def reopen_topic(self, user: FakeUser, thread_id: int) -> MessageView:
        """An administrator (or the topic's creator) reopens a closed topic."""
        self._act()
        return self.tg.view(
            self.tg.state.user_sets_topic_closed(user.id, self.chat_id, thread_id, closed=False)
        )

    def may_post_in(self, user: FakeUser, thread_id: int | None) -> bool:
        """Whether the user can write in the topic now (a closed one takes admins only)."""
        chat = self.tg.state.chats[self.chat_id]
        topic = chat.topics.get(thread_id) if thread_id is not None else None
        membership = self.tg.state.membership(chat, user.id)
        if not membership.is_present:
            return False
        return topic is None or not topic.is_closed or membership.can("can_manage_topics")

    def may_manage_topic(self, user: FakeUser, thread_id: int) -> bool:
        """Whether the user may close and reopen the topic."""
        chat = self.tg.state.chats[self.chat_id]
        topic = chat.topics.get(thread_id)
        return topic is not None and self.tg.state.may_manage_topic(chat, user.id, topic)

    def add_member(self, user: FakeUser) -> MessageView:
        """A person joins: new_chat_members service message (+ chat_member if allowed)."""
        self._act()
        return self.tg.view(self.tg.state.user_joins(user.id, self.chat_id))

    def remove_member(self, user: FakeUser) -> MessageView:
        """A person leaves: left_chat_member service message (+ chat_member if allowed)."""
        self._act()
        return self.tg.view(self.tg.state.user_leaves(user.id, self.chat_id))

    def set_status(self, user: FakeUser, status: str) -> None:
        """Silently set a member's status ("creator", "administrator", "member", "left", ...)."""
        self.tg.state.set_membership(self.chat_id, user.id, MemberStatus(status))

    def messages(
        self, thread_id: int | None = None, *, everyone: bool = False
    ) -> list[MessageView]:
        """The bot's messages here (everyone's with everyone=True), optionally of one topic."""
        if not everyone:
            return self.tg.bot_messages(self.chat_id, thread_id=thread_id)
        return [
            self.tg.view(m) for m in self.tg.state.chat_messages(self.chat_id, thread_id=thread_id)
        ]

    def last_message(self, thread_id: int | None = None) -> MessageView | None:
        """The bot's latest message here (in one topic if given)."""
        messages = self.messages(thread_id)
        return messages[-1] if messages else None

    def topics(self) -> list[TopicView]:
        """The forum's current topics, oldest first."""
        chat = self.tg.state.chats[self.chat_id]
        return [_topic_view(chat.topics[key]) for key in sorted(chat.topics)]

    def topic(self, name: str) -> TopicView:
        """The topic with this name."""
        for topic in self.topics():
            if topic.name == name:
                return topic
        raise LookupError(f"no topic {name!r}; topics: {[t.name for t in self.topics()]}")

    async def wait_for_message(
        self,
        contains: str | None = None,
        *,
        thread_id: int | None = None,
        predicate: Callable[[MessageView], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> MessageView:
        """The first bot message sent or edited here since the last action through this group."""
        return await self.tg._wait_for_message(
            self.chat_id, self._since, contains, predicate, thread_id, timeout
        )

    async def wait_for_topic(self, name: str, timeout: float = 5.0) -> TopicView:  # noqa: ASYNC109
        """Wait until a topic with this name exists (e.g. after the bot creates it)."""
        return await self.tg.wait_for(
            lambda: next((t for t in self.topics() if t.name == name), None),
            timeout,
            what=f"topic {name!r} in chat {self.chat_id}",
        )

    def __repr__(self) -> str:
        return f"FakeGroup(chat_id={self.chat_id}, title={self.title!r})"


def _topic_view(topic: ForumTopic) -> TopicView:
    return TopicView(
        topic.message_thread_id,
        topic.name,
        topic.icon_color,
        topic.icon_custom_emoji_id,
        topic.is_closed,
    )
