"""A pure in-memory model of the Telegram world one bot sees.

Users, chats, messages, files and the update queue live here, together with the actions people
take (sending, editing, tapping buttons, blocking the bot). Everything serialises to the exact
JSON shapes of the Bot API (https://core.telegram.org/bots/api#available-types) so that any
client library parses it. Nothing here does I/O or touches asyncio: the HTTP server and the
test harness subscribe to changes instead.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.fake_bot_api.errors import (
    BOT_BLOCKED,
    CHAT_NOT_FOUND,
    THREAD_NOT_FOUND,
    ApiError,
    bad_request,
    forbidden,
)
from sandbox.fake_bot_api.formatting import detect_entities
from sandbox.fake_bot_api.media import (
    FALLBACK_IMAGE_SIZE,
    FILE_ID_PREFIXES,
    FOLDERS,
    THUMBNAIL_SIDE,
    MediaKind,
    extension_for,
    guess_mime_type,
    image_size,
)

JsonDict = dict[str, Any]
Listener = Callable[[], None]


class ChatType(StrEnum):
    """Chat.type values."""

    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


class MemberStatus(StrEnum):
    """ChatMember.status values."""

    CREATOR = "creator"
    ADMINISTRATOR = "administrator"
    MEMBER = "member"
    RESTRICTED = "restricted"
    LEFT = "left"
    KICKED = "kicked"


PRESENT_STATUSES = frozenset(
    {MemberStatus.CREATOR, MemberStatus.ADMINISTRATOR, MemberStatus.MEMBER}
)

# Every boolean right of ChatMemberAdministrator; missing ones are serialised as false.
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)
ALL_ADMIN_RIGHTS = frozenset(ADMIN_RIGHTS)

# Update types delivered when allowed_updates was never given or given as [] (Telegram's rule).
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)

# The six colours Telegram allows for forum topic icons.
TOPIC_ICON_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
MAX_FILE_DOWNLOAD_SIZE = 20 * 1024 * 1024


@dataclass
class User:
    """A Telegram user or bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False
    language_code: str | None = None

    def to_api(self) -> JsonDict:
        """Serialise as a Bot API User."""
        data: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class Membership:
    """One user's standing in a group: status, admin rights, title."""

    user_id: int
    status: MemberStatus
    rights: frozenset[str] = frozenset()
    custom_title: str | None = None
    until_date: int = 0

    @property
    def is_present(self) -> bool:
        """True while the user is in the chat (owner, admin or plain member)."""
        return self.status in PRESENT_STATUSES

    def can(self, right: str) -> bool:
        """True if the member holds `right`; the owner holds every right."""
        if self.status is MemberStatus.CREATOR:
            return True
        return self.status is MemberStatus.ADMINISTRATOR and right in self.rights


@dataclass
class ForumTopic:
    """A topic of a forum supergroup; its id is the id of its creation service message."""

    message_thread_id: int
    name: str
    icon_color: int = TOPIC_ICON_COLORS[0]
    icon_custom_emoji_id: str | None = None
    is_closed: bool = False

    def to_api(self) -> JsonDict:
        """Serialise as a Bot API ForumTopic."""
        data: JsonDict = {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            data["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return data


@dataclass
class Chat:
    """A private chat with the bot, a group or a supergroup (optionally a forum)."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    description: str | None = None
    members: dict[int, Membership] = field(default_factory=dict)
    topics: dict[int, ForumTopic] = field(default_factory=dict)
    deleted_topics: set[int] = field(default_factory=set)
    last_message_id: int = 0
    pinned_message_ids: list[int] = field(default_factory=list)
    reply_keyboard: JsonDict | None = None
    menu_button: JsonDict | None = None

    @property
    def is_group(self) -> bool:
        """True for groups and supergroups."""
        return self.type in (ChatType.GROUP, ChatType.SUPERGROUP)

    def to_api(self) -> JsonDict:
        """Serialise as the short Bot API Chat embedded in messages."""
        data: JsonDict = {"id": self.id, "type": str(self.type)}
        if self.title:
            data["title"] = self.title
        if self.username:
            data["username"] = self.username
        if self.first_name:
            data["first_name"] = self.first_name
        if self.last_name:
            data["last_name"] = self.last_name
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class StoredFile:
    """A file Telegram holds: the bytes plus the metadata of its media object."""

    file_id: str
    file_unique_id: str
    kind: MediaKind
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0
    emoji: str | None = None

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def to_api(self) -> JsonDict:
        """Serialise as the media object of its kind (PhotoSize, Document, Voice, ...)."""
        data: JsonDict = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.kind in (MediaKind.PHOTO, MediaKind.STICKER, MediaKind.VIDEO, MediaKind.ANIMATION):
            data["width"] = self.width
            data["height"] = self.height
        if self.kind in (MediaKind.VOICE, MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.ANIMATION):
            data["duration"] = self.duration
        if self.kind is MediaKind.STICKER:
            data.update({"type": "regular", "is_animated": False, "is_video": False})
            if self.emoji:
                data["emoji"] = self.emoji
        if self.file_name and self.kind not in (MediaKind.PHOTO, MediaKind.STICKER):
            data["file_name"] = self.file_name
        if self.mime_type and self.kind not in (MediaKind.PHOTO, MediaKind.STICKER):
            data["mime_type"] = self.mime_type
        data["file_size"] = self.size
        return data

    def to_file_api(self) -> JsonDict:
        """Serialise as the Bot API File returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


@dataclass
class Message:
    """A message in a chat, as it currently stands (after any edits)."""

    message_id: int
    chat_id: int
    sender_id: int
    date: int
    revision: int
    text: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[JsonDict] = field(default_factory=list)
    media_kind: MediaKind | None = None
    files: list[StoredFile] = field(default_factory=list)
    reply_to_message_id: int | None = None
    reply_markup: JsonDict | None = None
    # A ForceReply the bot sent with the message: clients open a reply to it. Telegram does
    # not echo it in the Message object, so it is kept beside the inline keyboard.
    force_reply: JsonDict | None = None
    edit_date: int | None = None
    message_thread_id: int | None = None
    is_topic_message: bool = False
    media_group_id: str | None = None
    forward_origin: JsonDict | None = None
    service: JsonDict = field(default_factory=dict)
    reactions: list[JsonDict] = field(default_factory=list)
    has_protected_content: bool = False
    deleted: bool = False

    @property
    def file(self) -> StoredFile | None:
        """The message's file; for photos, the largest size."""
        return self.files[-1] if self.files else None

    @property
    def content(self) -> str:
        """The text, or the caption of a media message, or ""."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def is_service(self) -> bool:
        """True for service messages such as forum_topic_created."""
        return bool(self.service)

    @property
    def content_type(self) -> str:
        """The kind of content: text, a media kind such as photo, or the service field name."""
        if self.media_kind is not None:
            return str(self.media_kind)
        if self.service:
            return next(iter(self.service))
        return "text"


@dataclass
class CallbackQueryRecord:
    """A button tap and how the bot answered it."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    chat_instance: str
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class InlineQueryRecord:
    """An inline query and the results the bot answered with."""

    id: str
    user_id: int
    query: str
    offset: str = ""
    answered: bool = False
    results: list[JsonDict] = field(default_factory=list)
    next_offset: str | None = None
    cache_time: int | None = None


@dataclass
class PendingUpdate:
    """An update waiting in the queue until getUpdates confirms it with a higher offset."""

    update_id: int
    kind: str
    payload: JsonDict
    delivered: bool = False

    def to_api(self) -> JsonDict:
        """Serialise as a Bot API Update."""
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class WebhookConfig:
    """What setWebhook recorded."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None


@dataclass(frozen=True)
class ChatAction:
    """A sendChatAction call ("typing", "upload_photo", ...)."""

    chat_id: int
    action: str
    message_thread_id: int | None
    at: float


class TelegramState:
    """The whole Telegram world seen by one bot, mutated by the Bot API and by people."""

    def __init__(
        self,
        *,
        bot_id: int,
        bot_username: str = "kchat_test_bot",
        bot_first_name: str = "KChat",
        clock: Callable[[], float] = time.time,
        privacy_mode: bool = True,
        supports_inline_queries: bool = True,
        first_update_id: int = 810_000_001,
    ) -> None:
        self.clock = clock
        self.bot = User(bot_id, bot_first_name, username=bot_username, is_bot=True)
        self.privacy_mode = privacy_mode
        self.supports_inline_queries = supports_inline_queries
        self.users: dict[int, User] = {bot_id: self.bot}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[tuple[int, int], Message] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[PendingUpdate] = []
        self.next_update_id = first_update_id
        self.allowed_updates: frozenset[str] | None = None
        self.blocked_by: set[int] = set()
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.inline_queries: dict[str, InlineQueryRecord] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.default_menu_button: JsonDict = {"type": "default"}
        self.webhook: WebhookConfig | None = None
        self.chat_actions: list[ChatAction] = []
        self.revision = 0
        self._listeners: list[Listener] = []
        self._ids: Iterator[int] = itertools.count(1)

    # -- change notification ------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` after every change; returns a function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def touch(self) -> int:
        """Record that something changed and tell the listeners; returns the new revision."""
        self.revision += 1
        for listener in list(self._listeners):
            listener()
        return self.revision

    def now(self) -> int:
        """Unix time as Telegram stamps it on messages."""
        return int(self.clock())

    def _next_id(self) -> int:
        return next(self._ids)

    # -- building the world ---------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
        is_bot: bool = False,
    ) -> User:
        """Create (or update) a user the bot may meet."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = User(user_id, first_name, last_name, username, is_bot, language_code)
        self.users[user_id] = user
        if user_id in self.chats:
            chat = self.chats[user_id]
            chat.first_name, chat.last_name, chat.username = first_name, last_name, username
        self.touch()
        return user

    def open_private_chat(self, user_id: int) -> Chat:
        """Return the user's private chat with the bot, creating it when the user starts it."""
        chat = self.chats.get(user_id)
        if chat is None:
            user = self.users[user_id]
            chat = Chat(
                user_id,
                ChatType.PRIVATE,
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
            )
            chat.members[user_id] = Membership(user_id, MemberStatus.MEMBER)
            chat.members[self.bot.id] = Membership(self.bot.id, MemberStatus.MEMBER)
            self.chats[user_id] = chat
            self.touch()
        return chat

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        members: Iterable[tuple[int, MemberStatus]] = (),
        forum: bool = False,
        username: str | None = None,
        bot_status: MemberStatus = MemberStatus.ADMINISTRATOR,
        bot_rights: frozenset[str] = ALL_ADMIN_RIGHTS,
    ) -> Chat:
        """Create a group; ids starting with -100 (and all forums) are supergroups."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        supergroup = forum or str(chat_id).startswith("-100")
        if forum and not str(chat_id).startswith("-100"):
            raise ValueError("forum supergroup ids start with -100")
        chat = Chat(
            chat_id,
            ChatType.SUPERGROUP if supergroup else ChatType.GROUP,
            title=title,
            username=username,
            is_forum=forum,
        )
        for user_id, status in members:
            rights = ALL_ADMIN_RIGHTS if status is MemberStatus.ADMINISTRATOR else frozenset()
            chat.members[user_id] = Membership(user_id, status, rights)
        chat.members[self.bot.id] = Membership(
            self.bot.id,
            bot_status,
            bot_rights if bot_status is MemberStatus.ADMINISTRATOR else frozenset(),
        )
        self.chats[chat_id] = chat
        self.touch()
        return chat

    def set_membership(
        self,
        chat_id: int,
        user_id: int,
        status: MemberStatus,
        rights: frozenset[str] | None = None,
    ) -> Membership:
        """Set a user's status in a group silently (no service message, no update)."""
        if rights is None:
            rights = ALL_ADMIN_RIGHTS if status is MemberStatus.ADMINISTRATOR else frozenset()
        membership = Membership(user_id, status, rights)
        self.chats[chat_id].members[user_id] = membership
        self.touch()
        return membership

    def membership(self, chat: Chat, user_id: int) -> Membership:
        """The user's membership, "left" for anyone the chat has never seen."""
        if chat.type is ChatType.PRIVATE and user_id == self.bot.id and chat.id in self.blocked_by:
            return Membership(user_id, MemberStatus.KICKED)
        return chat.members.get(user_id) or Membership(user_id, MemberStatus.LEFT)

    # -- lookups used by Bot API methods ----------------------------------------------

    def chat_for_bot(self, chat_id: int | str, *, sending: bool = False) -> Chat:
        """Resolve a chat the bot addresses, failing as Telegram does when it cannot."""
        chat: Chat | None
        if isinstance(chat_id, str):
            wanted = chat_id.removeprefix("@").lower()
            chat = next(
                (
                    c
                    for c in self.chats.values()
                    if c.is_group and c.username and c.username.lower() == wanted
                ),
                None,
            )
        else:
            chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        if chat.type is ChatType.PRIVATE:
            if sending and chat.id in self.blocked_by:
                raise forbidden(BOT_BLOCKED)
            return chat
        bot_membership = self.membership(chat, self.bot.id)
        if not bot_membership.is_present:
            if bot_membership.status is MemberStatus.KICKED:
                kind = "supergroup" if chat.type is ChatType.SUPERGROUP else "group"
                raise forbidden(f"bot was kicked from the {kind} chat")
            if chat.type is ChatType.SUPERGROUP:
                raise forbidden("bot is not a member of the supergroup chat")
            raise forbidden("bot is not a member of the group chat")
        return chat

    def message(self, chat_id: int, message_id: int) -> Message | None:
        """Return a live (not deleted) message or None."""
        message = self.messages.get((chat_id, message_id))
        return None if message is None or message.deleted else message

    def chat_messages(
        self,
        chat_id: int,
        *,
        sender_id: int | None = None,
        thread_id: int | None = None,
        include_deleted: bool = False,
    ) -> list[Message]:
        """Messages of a chat in order, optionally only one sender's or one topic's."""
        found = [
            m
            for (cid, _), m in self.messages.items()
            if cid == chat_id
            and (include_deleted or not m.deleted)
            and (sender_id is None or m.sender_id == sender_id)
            and (thread_id is None or m.message_thread_id == thread_id)
        ]
        return sorted(found, key=lambda m: m.message_id)

    def check_thread(self, chat: Chat, thread_id: int | None, *, by_admin: bool) -> None:
        """Fail like Telegram when posting into a missing, deleted or closed forum topic."""
        if thread_id is None or not chat.is_forum:
            return
        topic = chat.topics.get(thread_id)
        if topic is None:
            raise bad_request(THREAD_NOT_FOUND)
        if topic.is_closed and not by_admin:
            raise bad_request("TOPIC_CLOSED")

    def resolve_user(self, user_id: int) -> JsonDict | None:
        """Return the User JSON for a known user, for tg://user?id= links."""
        user = self.users.get(user_id)
        return user.to_api() if user else None

    # -- messages and files ---------------------------------------------------------------

    def post_message(
        self,
        chat: Chat,
        sender_id: int,
        *,
        text: str | None = None,
        entities: list[JsonDict] | None = None,
        caption: str | None = None,
        caption_entities: list[JsonDict] | None = None,
        media_kind: MediaKind | None = None,
        files: list[StoredFile] | None = None,
        reply_to_message_id: int | None = None,
        reply_markup: JsonDict | None = None,
        message_thread_id: int | None = None,
        media_group_id: str | None = None,
        forward_origin: JsonDict | None = None,
        service: JsonDict | None = None,
        has_protected_content: bool = False,
    ) -> Message:
        """Store a new message in `chat` with the chat's next message id."""
        is_topic_message = False
        if chat.is_forum and message_thread_id is not None:
            is_topic_message = True
            # Telegram quirk: a message in a topic that replies to nothing is delivered as a
            # reply to the topic's forum_topic_created service message.
            if reply_to_message_id is None and message_thread_id != chat.last_message_id + 1:
                reply_to_message_id = message_thread_id
        elif not chat.is_forum:
            message_thread_id = None
        chat.last_message_id += 1
        message = Message(
            message_id=chat.last_message_id,
            chat_id=chat.id,
            sender_id=sender_id,
            date=self.now(),
            revision=self.revision + 1,
            text=text,
            entities=entities or [],
            caption=caption,
            caption_entities=caption_entities or [],
            media_kind=media_kind,
            files=files or [],
            reply_to_message_id=reply_to_message_id,
            reply_markup=reply_markup,
            message_thread_id=message_thread_id,
            is_topic_message=is_topic_message,
            media_group_id=media_group_id,
            forward_origin=forward_origin,
            service=service or {},
            has_protected_content=has_protected_content,
        )
        self.messages[(chat.id, message.message_id)] = message
        self.touch()
        return message

    def mark_edited(self, message: Message) -> None:
        """Stamp an edit on a message and notify listeners."""
        message.edit_date = self.now()
        message.revision = self.revision + 1
        self.touch()

    def delete_message(self, message: Message) -> None:
        """Delete a message for everyone."""
        message.deleted = True
        message.revision = self.revision + 1
        self.touch()

    def store_file(
        self,
        data: bytes,
        kind: MediaKind,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int = 0,
        height: int = 0,
        duration: int = 0,
        emoji: str | None = None,
    ) -> StoredFile:
        """Keep uploaded bytes and give them a file_id, a file_unique_id and a file_path."""
        number = self._next_id()
        # file_unique_id is stable for the same content, as in Telegram; file_id is not.
        digest = hashlib.sha256(kind.value.encode() + data).hexdigest()
        file_path = f"{FOLDERS[kind]}/file_{number}{extension_for(file_name, kind)}"
        stored = StoredFile(
            file_id=f"{FILE_ID_PREFIXES[kind]}{number:06d}{digest[:24]}",
            file_unique_id=f"AQAD{digest[:12]}",
            kind=kind,
            data=data,
            file_path=file_path,
            file_name=file_name,
            mime_type=mime_type or guess_mime_type(file_name, kind),
            width=width,
            height=height,
            duration=duration,
            emoji=emoji,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[file_path] = stored
        return stored

    def store_photo(self, data: bytes) -> list[StoredFile]:
        """Store a photo as Telegram's list of PhotoSize, smallest first.

        Telegram re-encodes photos into several sizes; the fake reports a scaled-down size
        for big images but serves the original bytes for every size.
        """
        width, height = image_size(data) or FALLBACK_IMAGE_SIZE
        sizes: list[StoredFile] = []
        if max(width, height) > THUMBNAIL_SIDE:
            scale = THUMBNAIL_SIDE / max(width, height)
            small = self.store_file(
                data,
                MediaKind.PHOTO,
                width=max(1, round(width * scale)),
                height=max(1, round(height * scale)),
            )
            sizes.append(small)
        sizes.append(self.store_file(data, MediaKind.PHOTO, width=width, height=height))
        return sizes

    def new_media_group_id(self) -> str:
        """Return a fresh media_group_id."""
        return str(13_000_000_000_000_000 + self._next_id())

    # -- the update queue -----------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: JsonDict) -> int:
        """Queue an update for the bot and return its update_id."""
        update = PendingUpdate(self.next_update_id, kind, payload)
        self.next_update_id += 1
        self.updates.append(update)
        self.touch()
        return update.update_id

    def confirm_updates(self, offset: int | None) -> None:
        """Forget updates as getUpdates' `offset` says (negative: keep only the last -offset)."""
        if offset is None:
            return
        before = len(self.updates)
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u.update_id >= offset]
        if len(self.updates) != before:
            self.touch()

    def set_allowed_updates(self, allowed: list[str] | None) -> None:
        """Remember allowed_updates; like Telegram, omitting it keeps the previous setting."""
        if allowed is None:
            return
        self.allowed_updates = frozenset(allowed) if allowed else None

    def is_allowed(self, kind: str) -> bool:
        """True if the bot currently receives updates of this kind."""
        allowed = self.allowed_updates
        return kind in (DEFAULT_UPDATE_TYPES if allowed is None else allowed)

    def take_updates(self, limit: int) -> list[JsonDict]:
        """Return up to `limit` queued updates (they stay queued until confirmed)."""
        dropped = [u for u in self.updates if not self.is_allowed(u.kind)]
        if dropped:
            # Updates of kinds the bot did not ask for are never delivered.
            self.updates = [u for u in self.updates if self.is_allowed(u.kind)]
        batch = self.updates[:limit]
        for update in batch:
            update.delivered = True
        if dropped or batch:
            self.touch()
        return [u.to_api() for u in batch]

    @property
    def pending_update_count(self) -> int:
        """Updates queued and not yet confirmed."""
        return len(self.updates)

    # -- serialisation --------------------------------------------------------------------

    def message_to_api(self, message: Message, *, with_reply: bool = True) -> JsonDict:
        """Serialise as a Bot API Message (a replied-to message is nested one level deep)."""
        chat = self.chats[message.chat_id]
        data: JsonDict = {"message_id": message.message_id}
        if message.message_thread_id is not None:
            data["message_thread_id"] = message.message_thread_id
        data["from"] = self.users[message.sender_id].to_api()
        data["chat"] = chat.to_api()
        data["date"] = message.date
        if message.forward_origin is not None:
            data["forward_origin"] = message.forward_origin
        if message.is_topic_message:
            data["is_topic_message"] = True
        if with_reply and message.reply_to_message_id is not None:
            replied = self.message(message.chat_id, message.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = self.message_to_api(replied, with_reply=False)
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.has_protected_content:
            data["has_protected_content"] = True
        if message.media_group_id is not None:
            data["media_group_id"] = message.media_group_id
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.media_kind is MediaKind.PHOTO:
            data["photo"] = [size.to_api() for size in message.files]
        elif message.media_kind is not None and message.file is not None:
            data[str(message.media_kind)] = message.file.to_api()
            if message.media_kind is MediaKind.ANIMATION:
                # For backward compatibility Telegram also sends animations as a document.
                data["document"] = message.file.to_api()
        if message.caption:
            data["caption"] = message.caption
            if message.caption_entities:
                data["caption_entities"] = message.caption_entities
        data.update(message.service)
        if message.reply_markup is not None:
            data["reply_markup"] = message.reply_markup
        return data

    def member_to_api(self, chat: Chat, user_id: int) -> JsonDict:
        """Serialise a membership as the right ChatMember subtype."""
        membership = self.membership(chat, user_id)
        user = self.users[user_id].to_api()
        data: JsonDict = {"status": str(membership.status), "user": user}
        status = membership.status
        if status is MemberStatus.CREATOR:
            data["is_anonymous"] = False
        elif status is MemberStatus.ADMINISTRATOR:
            data["can_be_edited"] = False
            data["is_anonymous"] = False
            data.update({right: right in membership.rights for right in ADMIN_RIGHTS})
        elif status is MemberStatus.KICKED:
            data["until_date"] = membership.until_date
        if membership.custom_title and status in (
            MemberStatus.CREATOR,
            MemberStatus.ADMINISTRATOR,
        ):
            data["custom_title"] = membership.custom_title
        return data

    def chat_full_info(self, chat: Chat) -> JsonDict:
        """Serialise as the ChatFullInfo getChat returns."""
        data = chat.to_api()
        data.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        if chat.description:
            data["description"] = chat.description
        if chat.pinned_message_ids:
            pinned = self.message(chat.id, chat.pinned_message_ids[-1])
            if pinned is not None:
                data["pinned_message"] = self.message_to_api(pinned)
        if chat.is_group:
            data["permissions"] = {
                "can_send_messages": True,
                "can_send_photos": True,
                "can_send_documents": True,
                "can_send_voice_notes": True,
                "can_send_videos": True,
            }
        return data

    def chat_instance(self, chat_id: int) -> str:
        """A stable opaque id per chat, as CallbackQuery.chat_instance is."""
        digest = hashlib.sha256(f"{self.bot.id}:{chat_id}".encode()).digest()
        return str(int.from_bytes(digest[:8], "big") >> 1)

    # -- what people do -------------------------------------------------------------------

    def _bot_receives(self, chat: Chat, message: Message) -> bool:
        """Whether a person's message reaches the bot, honouring privacy mode.

        https://core.telegram.org/bots/features#privacy-mode
        """
        if chat.type is ChatType.PRIVATE:
            return True
        bot_membership = self.membership(chat, self.bot.id)
        if not bot_membership.is_present:
            return False
        if bot_membership.status is not MemberStatus.MEMBER or not self.privacy_mode:
            return True
        if message.is_service:
            return True
        explicit_reply = message.reply_to_message_id not in (None, message.message_thread_id)
        if explicit_reply and message.reply_to_message_id is not None:
            replied = self.message(chat.id, message.reply_to_message_id)
            if replied is not None and replied.sender_id == self.bot.id:
                return True
        for entity in message.entities:
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                command = message.content[: entity["length"]]
                _, _, addressee = command.partition("@")
                if not addressee or addressee.lower() == (self.bot.username or "").lower():
                    return True
        return False

    def user_posts(
        self,
        user_id: int,
        chat_id: int,
        *,
        text: str | None = None,
        caption: str | None = None,
        media_kind: MediaKind | None = None,
        files: list[StoredFile] | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        media_group_id: str | None = None,
        forward_origin: JsonDict | None = None,
        service: JsonDict | None = None,
    ) -> Message:
        """A person sends a message; the bot gets a `message` update if it can see it."""
        if user_id not in self.users:
            raise ValueError(f"unknown user {user_id}")
        if chat_id == user_id:
            if user_id in self.blocked_by:
                # The "Restart" button a person presses to talk to a blocked bot unblocks it.
                self.user_unblocks_bot(user_id)
            chat = self.open_private_chat(user_id)
        else:
            chat = self.chats[chat_id]
            membership = self.membership(chat, user_id)
            if not membership.is_present:
                raise ValueError(f"user {user_id} is not a member of chat {chat_id}")
            try:
                # Only administrators who may manage topics write in a closed one.
                self.check_thread(
                    chat, message_thread_id, by_admin=membership.can("can_manage_topics")
                )
            except ApiError as exc:
                raise ValueError(f"cannot post into topic {message_thread_id}: {exc}") from exc
        if reply_to_message_id is not None and self.message(chat.id, reply_to_message_id) is None:
            raise ValueError(f"message {reply_to_message_id} does not exist in chat {chat.id}")
        message = self.post_message(
            chat,
            user_id,
            text=text,
            entities=detect_entities(text) if text else None,
            caption=caption,
            caption_entities=detect_entities(caption) if caption else None,
            media_kind=media_kind,
            files=files,
            reply_to_message_id=reply_to_message_id,
            message_thread_id=message_thread_id,
            media_group_id=media_group_id,
            forward_origin=forward_origin,
            service=service,
        )
        if self._bot_receives(chat, message):
            self.enqueue_update("message", self.message_to_api(message))
        return message

    def user_edits(self, user_id: int, chat_id: int, message_id: int, new_text: str) -> Message:
        """A person edits their text (or caption); the bot gets an `edited_message` update."""
        message = self.message(chat_id, message_id)
        if message is None or message.sender_id != user_id:
            raise ValueError(f"user {user_id} has no message {message_id} in chat {chat_id}")
        if message.text is not None:
            message.text, message.entities = new_text, detect_entities(new_text)
        else:
            message.caption, message.caption_entities = new_text, detect_entities(new_text)
        self.mark_edited(message)
        chat = self.chats[chat_id]
        if self._bot_receives(chat, message):
            self.enqueue_update("edited_message", self.message_to_api(message))
        return message

    def user_taps(
        self, user_id: int, chat_id: int, message_id: int, callback_data: str
    ) -> CallbackQueryRecord:
        """A person taps an inline callback button; the bot gets a `callback_query` update."""
        message = self.message(chat_id, message_id)
        if message is None:
            raise ValueError(f"message {message_id} does not exist in chat {chat_id}")
        query = CallbackQueryRecord(
            id=str(4_300_000_000_000_000_000 + self._next_id()),
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            data=callback_data,
            chat_instance=self.chat_instance(chat_id),
        )
        self.callback_queries[query.id] = query
        self.enqueue_update(
            "callback_query",
            {
                "id": query.id,
                "from": self.users[user_id].to_api(),
                "message": self.message_to_api(message),
                "chat_instance": query.chat_instance,
                "data": callback_data,
            },
        )
        return query

    def user_inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str | None = "sender"
    ) -> InlineQueryRecord:
        """A person types `@bot query`; the bot gets an `inline_query` update."""
        record = InlineQueryRecord(
            id=str(5_100_000_000_000_000_000 + self._next_id()),
            user_id=user_id,
            query=query,
            offset=offset,
        )
        self.inline_queries[record.id] = record
        payload: JsonDict = {
            "id": record.id,
            "from": self.users[user_id].to_api(),
            "query": query,
            "offset": offset,
        }
        if chat_type:
            payload["chat_type"] = chat_type
        self.enqueue_update("inline_query", payload)
        return record

    def _my_chat_member(self, user_id: int, old: MemberStatus, new: MemberStatus) -> JsonDict:
        chat = self.open_private_chat(user_id)
        bot = self.bot.to_api()
        new_member: JsonDict = {"status": str(new), "user": bot}
        if new is MemberStatus.KICKED:
            new_member["until_date"] = 0
        old_member: JsonDict = {"status": str(old), "user": bot}
        if old is MemberStatus.KICKED:
            old_member["until_date"] = 0
        return {
            "chat": chat.to_api(),
            "from": self.users[user_id].to_api(),
            "date": self.now(),
            "old_chat_member": old_member,
            "new_chat_member": new_member,
        }

    def user_blocks_bot(self, user_id: int) -> None:
        """A person blocks the bot: sends fail with 403 and the bot gets `my_chat_member`."""
        if user_id in self.blocked_by:
            return
        payload = self._my_chat_member(user_id, MemberStatus.MEMBER, MemberStatus.KICKED)
        self.blocked_by.add(user_id)
        self.enqueue_update("my_chat_member", payload)

    def user_unblocks_bot(self, user_id: int) -> None:
        """A person unblocks (restarts) the bot; the bot gets `my_chat_member` back to member."""
        if user_id not in self.blocked_by:
            return
        payload = self._my_chat_member(user_id, MemberStatus.KICKED, MemberStatus.MEMBER)
        self.blocked_by.discard(user_id)
        self.enqueue_update("my_chat_member", payload)

    def user_joins(self, user_id: int, chat_id: int) -> Message:
        """A person joins a group: a new_chat_members service message and a chat_member update."""
        chat = self.chats[chat_id]
        old = self.member_to_api(chat, user_id)
        chat.members[user_id] = Membership(user_id, MemberStatus.MEMBER)
        self._chat_member_update(chat, user_id, old)
        user = self.users[user_id].to_api()
        return self.user_posts(
            user_id,
            chat_id,
            service={
                "new_chat_members": [user],
                "new_chat_member": user,
                "new_chat_participant": user,
            },
        )

    def user_leaves(self, user_id: int, chat_id: int) -> Message:
        """A person leaves a group: a left_chat_member service message and a chat_member update."""
        chat = self.chats[chat_id]
        old = self.member_to_api(chat, user_id)
        user = self.users[user_id].to_api()
        message = self.user_posts(
            user_id,
            chat_id,
            service={"left_chat_member": user, "left_chat_participant": user},
        )
        chat.members[user_id] = Membership(user_id, MemberStatus.LEFT)
        self._chat_member_update(chat, user_id, old)
        return message

    def _chat_member_update(self, chat: Chat, user_id: int, old: JsonDict) -> None:
        # chat_member updates are opt-in: only delivered if allowed_updates names them.
        self.enqueue_update(
            "chat_member",
            {
                "chat": chat.to_api(),
                "from": self.users[user_id].to_api(),
                "date": self.now(),
                "old_chat_member": old,
                "new_chat_member": self.member_to_api(chat, user_id),
            },
        )

    def create_topic(
        self,
        chat: Chat,
        creator_id: int,
        name: str,
        *,
        icon_color: int = TOPIC_ICON_COLORS[0],
        icon_custom_emoji_id: str | None = None,
    ) -> tuple[ForumTopic, Message]:
        """Create a forum topic; its id is the id of the forum_topic_created service message."""
        thread_id = chat.last_message_id + 1
        topic = ForumTopic(thread_id, name, icon_color, icon_custom_emoji_id)
        chat.topics[thread_id] = topic
        created: JsonDict = {"name": name, "icon_color": icon_color}
        if icon_custom_emoji_id:
            created["icon_custom_emoji_id"] = icon_custom_emoji_id
        message = self.post_message(
            chat,
            creator_id,
            message_thread_id=thread_id,
            service={"forum_topic_created": created},
        )
        return topic, message

    def may_manage_topic(self, chat: Chat, user_id: int, topic: ForumTopic) -> bool:
        """Whether the user (or the bot) may close, reopen or edit the topic: Telegram lets
        administrators with can_manage_topics, and the topic's creator."""
        if self.membership(chat, user_id).can("can_manage_topics"):
            return True
        created = self.messages.get((chat.id, topic.message_thread_id))
        return created is not None and created.sender_id == user_id

    def set_topic_closed(self, chat: Chat, topic: ForumTopic, by: int, closed: bool) -> Message:
        """Close or reopen a topic: a forum_topic_closed / _reopened service message."""
        if topic.is_closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.is_closed = closed
        return self.post_message(
            chat,
            by,
            message_thread_id=topic.message_thread_id,
            service={"forum_topic_closed" if closed else "forum_topic_reopened": {}},
        )

    def user_sets_topic_closed(
        self, user_id: int, chat_id: int, thread_id: int, closed: bool
    ) -> Message:
        """A person closes or reopens a topic; the bot sees the service message."""
        chat = self.chats[chat_id]
        topic = chat.topics.get(thread_id) if chat.is_forum else None
        if topic is None:
            raise ValueError(f"chat {chat_id} has no topic {thread_id}")
        if not self.may_manage_topic(chat, user_id, topic):
            raise ValueError(f"user {user_id} may not close or reopen topic {thread_id}")
        try:
            message = self.set_topic_closed(chat, topic, user_id, closed)
        except ApiError as exc:
            state = "closed" if closed else "open"
            raise ValueError(f"topic {thread_id} is already {state}") from exc
        if self._bot_receives(chat, message):
            self.enqueue_update("message", self.message_to_api(message))
        return message

    def user_creates_topic(self, user_id: int, chat_id: int, name: str) -> ForumTopic:
        """A person creates a forum topic; the bot sees the service message."""
        chat = self.chats[chat_id]
        if not chat.is_forum:
            raise ValueError(f"chat {chat_id} is not a forum")
        topic, message = self.create_topic(chat, user_id, name)
        if self._bot_receives(chat, message):
            self.enqueue_update("message", self.message_to_api(message))
        return topic
