"""The Bot API methods, executed against a TelegramState.

Each method validates its parameters the way Telegram does, changes the state and returns the
`result` JSON. Errors are raised as ApiError with Telegram's own wording. getUpdates' waiting
lives in the HTTP server; its bookkeeping is here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sandbox.fake_bot_api.errors import (
    BUTTON_DATA_INVALID,
    CAPTION_TOO_LONG,
    MESSAGE_NOT_MODIFIED,
    MESSAGE_TEXT_EMPTY,
    MESSAGE_TO_COPY_NOT_FOUND,
    MESSAGE_TO_DELETE_NOT_FOUND,
    MESSAGE_TO_EDIT_NOT_FOUND,
    MESSAGE_TO_FORWARD_NOT_FOUND,
    MESSAGE_TOO_LONG,
    QUERY_TOO_OLD,
    REPLIED_MESSAGE_NOT_FOUND,
    THREAD_NOT_FOUND,
    WRONG_FILE_ID,
    bad_request,
    conflict,
)
from sandbox.fake_bot_api.formatting import (
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    FormattedText,
    format_text,
    utf16_len,
)
from sandbox.fake_bot_api.media import FALLBACK_IMAGE_SIZE, MediaKind, image_size
from sandbox.fake_bot_api.params import Params, Upload
from sandbox.fake_bot_api.state import (
    MAX_FILE_DOWNLOAD_SIZE,
    TOPIC_ICON_COLORS,
    Chat,
    ChatAction,
    ChatType,
    MemberStatus,
    Message,
    StoredFile,
    TelegramState,
    WebhookConfig,
)

JsonDict = dict[str, Any]
MethodImpl = Callable[["BotApi", Params], Any]
ImplT = TypeVar("ImplT", bound=MethodImpl)

_METHODS: dict[str, MethodImpl] = {}

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
MESSAGE_DELETE_WINDOW = 48 * 3600


def api_method(name: str) -> Callable[[ImplT], ImplT]:
    """Register a function as the implementation of a Bot API method."""

    def register(func: ImplT) -> ImplT:
        _METHODS[name.lower()] = func
        return func

    return register


@dataclass(frozen=True)
class WithDescription:
    """A successful result that Telegram accompanies with a `description` (webhook calls)."""

    result: Any
    description: str


@dataclass(frozen=True)
class UpdatesRequest:
    """The validated parameters of a getUpdates call."""

    limit: int
    timeout: float


class BotApi:
    """Executes Bot API calls against the in-memory Telegram world."""

    def __init__(self, state: TelegramState) -> None:
        self.state = state

    @staticmethod
    def knows(method: str) -> bool:
        """True if `method` is implemented (method names are case-insensitive, as in Telegram)."""
        return method.lower() in _METHODS or method.lower() == "getupdates"

    def call(self, method: str, params: Params) -> Any:
        """Execute one call and return its result (or WithDescription)."""
        return _METHODS[method.lower()](self, params)

    def begin_get_updates(self, params: Params) -> UpdatesRequest:
        """Validate getUpdates, confirm updates below `offset` and apply `allowed_updates`."""
        if self.state.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        limit = params.get_int("limit", 100) or 100
        timeout = params.get_int("timeout", 0) or 0
        allowed = params.get_json("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON object")
        self.state.confirm_updates(params.get_int("offset"))
        self.state.set_allowed_updates(allowed)
        return UpdatesRequest(limit=min(max(limit, 1), 100), timeout=max(timeout, 0))

    # -- shared helpers -------------------------------------------------------------------

    def _bot_membership_can(self, chat: Chat, right: str) -> bool:
        return self.state.membership(chat, self.state.bot.id).can(right)

    def _thread(self, chat: Chat, params: Params) -> int | None:
        thread_id = params.get_int("message_thread_id")
        if thread_id is not None and chat.is_forum:
            self.state.check_thread(
                chat, thread_id, by_admin=self._bot_membership_can(chat, "can_manage_topics")
            )
        return thread_id if chat.is_forum else None

    def _reply_to(self, chat: Chat, params: Params, thread_id: int | None) -> int | None:
        reply = params.get_json("reply_parameters", "can't parse reply parameters JSON object")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
            other_chat = reply.get("chat_id")
            if other_chat is not None and str(other_chat) != str(chat.id):
                # Replies into another chat become quotes there; the fake does not model them.
                return None
        else:
            message_id = params.get_int("reply_to_message_id")
            allow_missing = params.get_bool("allow_sending_without_reply")
        if message_id is None:
            return None
        if not isinstance(message_id, int):
            raise bad_request("can't parse reply parameters JSON object")
        replied = self.state.message(chat.id, message_id)
        if replied is None or (
            thread_id is not None and replied.message_thread_id not in (None, thread_id)
        ):
            if allow_missing:
                return None
            raise bad_request(REPLIED_MESSAGE_NOT_FOUND)
        return message_id

    def _markup(self, chat: Chat, params: Params) -> JsonDict | None:
        """Return the inline keyboard to attach; reply keyboards are remembered per chat."""
        markup = params.get_json("reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            _validate_inline_keyboard(markup["inline_keyboard"])
            return {"inline_keyboard": markup["inline_keyboard"]}
        if markup.get("force_reply") is True:
            placeholder = markup.get("input_field_placeholder")
            if placeholder is not None and not 1 <= len(str(placeholder)) <= 64:
                raise bad_request("input field placeholder must be 1-64 characters long")
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        return None

    def _inline_markup_only(self, params: Params) -> JsonDict | None:
        markup = params.get_json("reply_markup", "can't parse reply keyboard markup JSON object")
        if markup is None:
            return None
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            raise bad_request("can't parse inline keyboard markup JSON object")
        _validate_inline_keyboard(markup["inline_keyboard"])
        return {"inline_keyboard": markup["inline_keyboard"]}

    def _format(
        self, params: Params, text: str, entities_field: str, parse_mode_field: str = "parse_mode"
    ) -> FormattedText:
        return format_text(
            text,
            params.get_str(parse_mode_field),
            params.get_json(entities_field, "can't parse entities JSON object"),
            self.state.resolve_user,
        )

    def _caption(self, params: Params) -> FormattedText | None:
        caption = params.get_str("caption")
        if caption is None:
            return None
        formatted = self._format(params, caption, "caption_entities")
        if formatted.length > MAX_CAPTION_LENGTH:
            raise bad_request(CAPTION_TOO_LONG)
        return formatted

    def _editable(self, params: Params) -> tuple[Chat, Message]:
        if params.get_str("inline_message_id"):
            # Messages sent via inline mode are not modelled.
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.state.chat_for_bot(params.chat_id(), sending=True)
        message_id = params.need_int("message_id", "message identifier is not specified")
        message = self.state.message(chat.id, message_id)
        if message is None:
            raise bad_request(MESSAGE_TO_EDIT_NOT_FOUND)
        if message.sender_id != self.state.bot.id:
            raise bad_request("message can't be edited")
        return chat, message

    def _resolve_file(
        self, source: Upload | str, kind: MediaKind, params: Params | None = None
    ) -> list[StoredFile]:
        state = self.state
        duration = _optional_int(params, "duration")
        if isinstance(source, Upload):
            if not source.data:
                raise bad_request("file must be non-empty")
            if kind is MediaKind.PHOTO:
                return state.store_photo(source.data)
            width, height = _optional_int(params, "width"), _optional_int(params, "height")
            if kind is MediaKind.STICKER:
                width, height = image_size(source.data) or FALLBACK_IMAGE_SIZE
            content_type = source.content_type
            if content_type == "application/octet-stream":
                content_type = None
            emoji = params.get_str("emoji") if params else None
            return [
                state.store_file(
                    source.data,
                    kind,
                    file_name=source.filename,
                    mime_type=content_type,
                    width=width,
                    height=height,
                    duration=duration,
                    emoji=emoji,
                )
            ]
        stored = state.files.get(source)
        if stored is not None:
            if stored.kind is not kind:
                raise bad_request(
                    f"can't use file of type {stored.kind.value.title()} as {kind.value.title()}"
                )
            return [stored]
        if urlsplit(source).scheme in ("http", "https"):
            # Telegram would download the URL; with no network the fake keeps an empty file.
            name = urlsplit(source).path.rsplit("/", 1)[-1] or None
            if kind is MediaKind.PHOTO:
                return state.store_photo(b"")
            return [state.store_file(b"", kind, file_name=name, duration=duration)]
        raise bad_request(WRONG_FILE_ID)

    def _send_media(self, params: Params, kind: MediaKind) -> JsonDict:
        state = self.state
        chat = state.chat_for_bot(params.chat_id(), sending=True)
        source = params.file(kind.value)
        if source is None:
            raise bad_request(f"there is no {kind.value} in the request")
        thread_id = self._thread(chat, params)
        reply_to = self._reply_to(chat, params, thread_id)
        markup = self._markup(chat, params)
        caption = None if kind is MediaKind.STICKER else self._caption(params)
        files = self._resolve_file(source, kind, params)
        message = state.post_message(
            chat,
            state.bot.id,
            caption=caption.text if caption else None,
            caption_entities=caption.entities if caption else None,
            media_kind=kind,
            files=files,
            reply_to_message_id=reply_to,
            reply_markup=markup,
            message_thread_id=thread_id,
            has_protected_content=params.get_bool("protect_content"),
        )
        return state.message_to_api(message)

    # -- getting started ------------------------------------------------------------------

    @api_method("getMe")
    def get_me(self, params: Params) -> JsonDict:
        """Return the bot's User with its capabilities."""
        data = self.state.bot.to_api()
        data.update(
            {
                "can_join_groups": True,
                "can_read_all_group_messages": not self.state.privacy_mode,
                "supports_inline_queries": self.state.supports_inline_queries,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        return data

    @api_method("logOut")
    def log_out(self, params: Params) -> bool:
        """Accept logOut (the fake has no cloud server to log out of)."""
        return True

    @api_method("close")
    def close(self, params: Params) -> bool:
        """Accept close."""
        return True

    @api_method("setWebhook")
    def set_webhook(self, params: Params) -> WithDescription:
        """Record a webhook; Telegram only accepts HTTPS on ports 80, 88, 443 and 8443."""
        url = params.get_str("url", "") or ""
        if params.get_bool("drop_pending_updates"):
            self.state.updates.clear()
        if not url:
            self.state.webhook = None
            self.state.touch()
            return WithDescription(True, "Webhook is already deleted")
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in _WEBHOOK_PORTS:
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        allowed = params.get_json("allowed_updates")
        self.state.webhook = WebhookConfig(
            url=url,
            secret_token=params.get_str("secret_token"),
            max_connections=params.get_int("max_connections", 40) or 40,
            allowed_updates=allowed if isinstance(allowed, list) else None,
            ip_address=params.get_str("ip_address"),
        )
        self.state.set_allowed_updates(allowed if isinstance(allowed, list) else None)
        self.state.touch()
        return WithDescription(True, "Webhook was set")

    @api_method("deleteWebhook")
    def delete_webhook(self, params: Params) -> WithDescription:
        """Remove the webhook, optionally dropping pending updates."""
        if params.get_bool("drop_pending_updates"):
            self.state.updates.clear()
        existed = self.state.webhook is not None
        self.state.webhook = None
        self.state.touch()
        return WithDescription(
            True, "Webhook was deleted" if existed else "Webhook is already deleted"
        )

    @api_method("getWebhookInfo")
    def get_webhook_info(self, params: Params) -> JsonDict:
        """Return WebhookInfo; an empty url means getUpdates is in use."""
        webhook = self.state.webhook
        info: JsonDict = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": self.state.pending_update_count,
        }
        if webhook is not None:
            info["max_connections"] = webhook.max_connections
            if webhook.allowed_updates is not None:
                info["allowed_updates"] = webhook.allowed_updates
            if webhook.ip_address:
                info["ip_address"] = webhook.ip_address
        return info

    # -- commands and bot profile ---------------------------------------------------------

    def _commands_key(self, params: Params) -> tuple[str, str]:
        scope = params.get_json("scope", "can't parse BotCommandScope JSON object")
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get_str("language_code", "") or ""

    @api_method("setMyCommands")
    def set_my_commands(self, params: Params) -> bool:
        """Store the command list for a scope and language."""
        commands = params.get_json("commands", "can't parse commands JSON object")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse commands JSON object")
            if not _COMMAND_NAME.match(str(command.get("command", "")).removeprefix("/")):
                raise bad_request("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned = [
            {"command": str(c["command"]).removeprefix("/"), "description": c["description"]}
            for c in commands
        ]
        self.state.commands[self._commands_key(params)] = cleaned
        self.state.touch()
        return True

    @api_method("getMyCommands")
    def get_my_commands(self, params: Params) -> list[JsonDict]:
        """Return the commands of exactly this scope and language."""
        return list(self.state.commands.get(self._commands_key(params), []))

    @api_method("deleteMyCommands")
    def delete_my_commands(self, params: Params) -> bool:
        """Delete the commands of a scope and language."""
        self.state.commands.pop(self._commands_key(params), None)
        self.state.touch()
        return True

    @api_method("setChatMenuButton")
    def set_chat_menu_button(self, params: Params) -> bool:
        """Set the menu button of one private chat, or the default one."""
        button = params.get_json("menu_button", "can't parse menu button JSON object")
        button = button or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("can't parse menu button JSON object")
        if "chat_id" in params:
            chat = self.state.chat_for_bot(params.chat_id())
            if chat.type is not ChatType.PRIVATE:
                raise bad_request("chat is not a private chat")
            chat.menu_button = button
        else:
            self.state.default_menu_button = button
        self.state.touch()
        return True

    @api_method("getChatMenuButton")
    def get_chat_menu_button(self, params: Params) -> JsonDict:
        """Return the menu button of a chat, or the default one."""
        if "chat_id" in params:
            chat = self.state.chat_for_bot(params.chat_id())
            if chat.menu_button is not None:
                return chat.menu_button
        return self.state.default_menu_button

    # -- sending ---------------------------------------------------------------------------

    @api_method("sendMessage")
    def send_message(self, params: Params) -> JsonDict:
        """Send a text message."""
        state = self.state
        chat = state.chat_for_bot(params.chat_id(), sending=True)
        text = params.get_str("text") or ""
        if not text.strip():
            raise bad_request(MESSAGE_TEXT_EMPTY)
        formatted = self._format(params, text, "entities")
        if not formatted.text:
            raise bad_request(MESSAGE_TEXT_EMPTY)
        if formatted.length > MAX_TEXT_LENGTH:
            raise bad_request(MESSAGE_TOO_LONG)
        thread_id = self._thread(chat, params)
        reply_to = self._reply_to(chat, params, thread_id)
        markup = self._markup(chat, params)
        message = state.post_message(
            chat,
            state.bot.id,
            text=formatted.text,
            entities=formatted.entities,
            reply_to_message_id=reply_to,
            reply_markup=markup,
            message_thread_id=thread_id,
            has_protected_content=params.get_bool("protect_content"),
        )
        message.force_reply = _force_reply(params)
        return state.message_to_api(message)

    @api_method("sendPhoto")
    def send_photo(self, params: Params) -> JsonDict:
        """Send a photo (upload, file_id or URL)."""
        return self._send_media(params, MediaKind.PHOTO)

    @api_method("sendDocument")
    def send_document(self, params: Params) -> JsonDict:
        """Send a general file."""
        return self._send_media(params, MediaKind.DOCUMENT)

    @api_method("sendVoice")
    def send_voice(self, params: Params) -> JsonDict:
        """Send a voice note."""
        return self._send_media(params, MediaKind.VOICE)

    @api_method("sendSticker")
    def send_sticker(self, params: Params) -> JsonDict:
        """Send a sticker."""
        return self._send_media(params, MediaKind.STICKER)

    @api_method("sendVideo")
    def send_video(self, params: Params) -> JsonDict:
        """Send a video."""
        return self._send_media(params, MediaKind.VIDEO)

    @api_method("sendAudio")
    def send_audio(self, params: Params) -> JsonDict:
        """Send an audio file."""
        return self._send_media(params, MediaKind.AUDIO)

    @api_method("sendAnimation")
    def send_animation(self, params: Params) -> JsonDict:
        """Send a GIF or silent video."""
        return self._send_media(params, MediaKind.ANIMATION)

    @api_method("sendMediaGroup")
    def send_media_group(self, params: Params) -> list[JsonDict]:
        """Send an album of 2-10 photos/videos, documents or audios."""
        state = self.state
        chat = state.chat_for_bot(params.chat_id(), sending=True)
        media = params.get_json("media", "can't parse InputMedia JSON object")
        if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
            raise bad_request("can't parse InputMedia JSON object")
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media in the album: expected 2-10")
        kinds = {_input_media_kind(item) for item in media}
        if len(kinds) > 1 and not kinds <= {MediaKind.PHOTO, MediaKind.VIDEO}:
            raise bad_request("documents and audios can't be mixed with other media types")
        thread_id = self._thread(chat, params)
        reply_to = self._reply_to(chat, params, thread_id)
        prepared: list[tuple[MediaKind, list[StoredFile], FormattedText | None]] = []
        for item in media:
            kind = _input_media_kind(item)
            source = item.get("media")
            if not isinstance(source, str) or not source:
                raise bad_request("there is no media in the request")
            files = self._resolve_file(params.attachment(source), kind)
            caption = None
            if item.get("caption"):
                caption = format_text(
                    str(item["caption"]),
                    item.get("parse_mode"),
                    item.get("caption_entities"),
                    state.resolve_user,
                )
                if caption.length > MAX_CAPTION_LENGTH:
                    raise bad_request(CAPTION_TOO_LONG)
            prepared.append((kind, files, caption))
        group_id = state.new_media_group_id()
        sent = [
            state.post_message(
                chat,
                state.bot.id,
                caption=caption.text if caption else None,
                caption_entities=caption.entities if caption else None,
                media_kind=kind,
                files=files,
                reply_to_message_id=reply_to,
                message_thread_id=thread_id,
                media_group_id=group_id,
                has_protected_content=params.get_bool("protect_content"),
            )
            for kind, files, caption in prepared
        ]
        return [state.message_to_api(message) for message in sent]

    @api_method("sendChatAction")
    def send_chat_action(self, params: Params) -> bool:
        """Record a chat action such as "typing"."""
        chat = self.state.chat_for_bot(params.chat_id(), sending=True)
        action = params.need_str("action", "wrong parameter action in request")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        thread_id = self._thread(chat, params)
        self.state.chat_actions.append(ChatAction(chat.id, action, thread_id, self.state.clock()))
        self.state.touch()
        return True

    @api_method("copyMessage")
    def copy_message(self, params: Params) -> JsonDict:
        """Copy any message (text or media) without a link to the original."""
        state = self.state
        chat = state.chat_for_bot(params.chat_id(), sending=True)
        source_chat = state.chat_for_bot(params.chat_id("from_chat_id"))
        message_id = params.need_int("message_id", "message identifier is not specified")
        source = state.message(source_chat.id, message_id)
        if source is None:
            raise bad_request(MESSAGE_TO_COPY_NOT_FOUND)
        if source.is_service:
            raise bad_request("message can't be copied")
        if source.has_protected_content:
            raise bad_request("message has protected content and can't be forwarded")
        thread_id = self._thread(chat, params)
        reply_to = self._reply_to(chat, params, thread_id)
        markup = self._markup(chat, params)
        caption_text, caption_entities = source.caption, source.caption_entities
        if source.media_kind is not None and "caption" in params.values:
            caption = self._caption(params)
            caption_text = caption.text if caption else None
            caption_entities = caption.entities if caption else []
        message = state.post_message(
            chat,
            state.bot.id,
            text=source.text,
            entities=list(source.entities),
            caption=caption_text or None,
            caption_entities=list(caption_entities),
            media_kind=source.media_kind,
            files=list(source.files),
            reply_to_message_id=reply_to,
            reply_markup=markup,
            message_thread_id=thread_id,
            has_protected_content=params.get_bool("protect_content"),
        )
        return {"message_id": message.message_id}

    @api_method("forwardMessage")
    def forward_message(self, params: Params) -> JsonDict:
        """Forward a message; the copy carries a forward_origin."""
        state = self.state
        chat = state.chat_for_bot(params.chat_id(), sending=True)
        source_chat = state.chat_for_bot(params.chat_id("from_chat_id"))
        message_id = params.need_int("message_id", "message identifier is not specified")
        source = state.message(source_chat.id, message_id)
        if source is None:
            raise bad_request(MESSAGE_TO_FORWARD_NOT_FOUND)
        if source.is_service:
            raise bad_request("message can't be forwarded")
        if source.has_protected_content:
            raise bad_request("message has protected content and can't be forwarded")
        thread_id = self._thread(chat, params)
        origin = source.forward_origin or {
            "type": "user",
            "sender_user": state.users[source.sender_id].to_api(),
            "date": source.date,
        }
        message = state.post_message(
            chat,
            state.bot.id,
            text=source.text,
            entities=list(source.entities),
            caption=source.caption,
            caption_entities=list(source.caption_entities),
            media_kind=source.media_kind,
            files=list(source.files),
            message_thread_id=thread_id,
            forward_origin=origin,
            has_protected_content=params.get_bool("protect_content"),
        )
        return state.message_to_api(message)

    # -- editing and deleting -------------------------------------------------------------

    @api_method("editMessageText")
    def edit_message_text(self, params: Params) -> JsonDict:
        """Edit a text message; omitting reply_markup removes its inline keyboard."""
        _, message = self._editable(params)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text = params.get_str("text") or ""
        if not text.strip():
            raise bad_request(MESSAGE_TEXT_EMPTY)
        formatted = self._format(params, text, "entities")
        if not formatted.text:
            raise bad_request(MESSAGE_TEXT_EMPTY)
        if formatted.length > MAX_TEXT_LENGTH:
            raise bad_request(MESSAGE_TOO_LONG)
        markup = self._inline_markup_only(params)
        if (
            formatted.text == message.text
            and formatted.entities == message.entities
            and markup == message.reply_markup
        ):
            raise bad_request(MESSAGE_NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = (
            formatted.text,
            formatted.entities,
            markup,
        )
        self.state.mark_edited(message)
        return self.state.message_to_api(message)

    @api_method("editMessageCaption")
    def edit_message_caption(self, params: Params) -> JsonDict:
        """Edit (or remove) the caption of a media message."""
        _, message = self._editable(params)
        if message.media_kind is None:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params) or FormattedText("")
        markup = self._inline_markup_only(params)
        if (
            caption.text == (message.caption or "")
            and caption.entities == message.caption_entities
            and markup == message.reply_markup
        ):
            raise bad_request(MESSAGE_NOT_MODIFIED)
        message.caption = caption.text or None
        message.caption_entities = caption.entities
        message.reply_markup = markup
        self.state.mark_edited(message)
        return self.state.message_to_api(message)

    @api_method("editMessageReplyMarkup")
    def edit_message_reply_markup(self, params: Params) -> JsonDict:
        """Replace (or, when omitted, remove) a message's inline keyboard."""
        _, message = self._editable(params)
        markup = self._inline_markup_only(params)
        if markup == message.reply_markup:
            raise bad_request(MESSAGE_NOT_MODIFIED)
        message.reply_markup = markup
        self.state.mark_edited(message)
        return self.state.message_to_api(message)

    def _deletable(self, chat: Chat, message: Message) -> bool:
        if chat.is_group and self._bot_membership_can(chat, "can_delete_messages"):
            return True
        if chat.is_group and message.sender_id != self.state.bot.id:
            return False
        # Outside admin rights, Telegram lets bots delete messages only within 48 hours.
        return self.state.now() - message.date <= MESSAGE_DELETE_WINDOW

    @api_method("deleteMessage")
    def delete_message(self, params: Params) -> bool:
        """Delete one message."""
        chat = self.state.chat_for_bot(params.chat_id())
        message_id = params.need_int("message_id", "message identifier is not specified")
        message = self.state.message(chat.id, message_id)
        if message is None:
            raise bad_request(MESSAGE_TO_DELETE_NOT_FOUND)
        if not self._deletable(chat, message):
            raise bad_request("message can't be deleted")
        self.state.delete_message(message)
        return True

    @api_method("deleteMessages")
    def delete_messages(self, params: Params) -> bool:
        """Delete several messages; ones that are missing are skipped."""
        chat = self.state.chat_for_bot(params.chat_id())
        message_ids = params.get_json("message_ids", "can't parse message_ids JSON object")
        if not isinstance(message_ids, list) or not 1 <= len(message_ids) <= 100:
            raise bad_request("can't parse message_ids JSON object")
        found = [self.state.message(chat.id, int(mid)) for mid in message_ids]
        live = [m for m in found if m is not None and self._deletable(chat, m)]
        if not live:
            raise bad_request(MESSAGE_TO_DELETE_NOT_FOUND)
        for message in live:
            self.state.delete_message(message)
        return True

    # -- callback and inline queries ------------------------------------------------------

    @api_method("answerCallbackQuery")
    def answer_callback_query(self, params: Params) -> bool:
        """Answer a button tap once; a second answer or an unknown id fails like Telegram."""
        query_id = params.need_str("callback_query_id", QUERY_TOO_OLD)
        record = self.state.callback_queries.get(query_id)
        if record is None or record.answered:
            raise bad_request(QUERY_TOO_OLD)
        text = params.get_str("text")
        if text is not None and utf16_len(text) > 200:  # counted as Telegram counts
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer_text = text or None
        record.show_alert = params.get_bool("show_alert")
        record.url = params.get_str("url")
        self.state.touch()
        return True

    @api_method("answerInlineQuery")
    def answer_inline_query(self, params: Params) -> bool:
        """Record the results for an inline query."""
        query_id = params.need_str("inline_query_id", QUERY_TOO_OLD)
        record = self.state.inline_queries.get(query_id)
        if record is None or record.answered:
            raise bad_request(QUERY_TOO_OLD)
        results = params.get_json("results", "can't parse inline query results JSON object")
        if not isinstance(results, list) or len(results) > 50:
            raise bad_request("can't parse inline query results JSON object")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or "type" not in result or "id" not in result:
                raise bad_request("can't parse inline query result JSON object")
            result_id = str(result["id"])
            if not 1 <= len(result_id.encode()) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
        record.answered = True
        record.results = results
        record.next_offset = params.get_str("next_offset")
        record.cache_time = params.get_int("cache_time")
        self.state.touch()
        return True

    @api_method("setMessageReaction")
    def set_message_reaction(self, params: Params) -> bool:
        """Record the bot's reaction to a message."""
        chat = self.state.chat_for_bot(params.chat_id())
        message_id = params.need_int("message_id", "message identifier is not specified")
        message = self.state.message(chat.id, message_id)
        if message is None:
            raise bad_request("message to react not found")
        reaction = params.get_json("reaction", "can't parse reaction types JSON object") or []
        if not isinstance(reaction, list):
            raise bad_request("can't parse reaction types JSON object")
        message.reactions = reaction
        self.state.touch()
        return True

    # -- files ------------------------------------------------------------------------------

    @api_method("getFile")
    def get_file(self, params: Params) -> JsonDict:
        """Return a File with the file_path to download it from /file/bot<token>/<path>."""
        file_id = params.need_str("file_id", "invalid file_id")
        stored = self.state.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_FILE_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return stored.to_file_api()

    # -- chats and members ----------------------------------------------------------------

    @api_method("getChat")
    def get_chat(self, params: Params) -> JsonDict:
        """Return ChatFullInfo."""
        return self.state.chat_full_info(self.state.chat_for_bot(params.chat_id()))

    @api_method("getChatMember")
    def get_chat_member(self, params: Params) -> JsonDict:
        """Return the ChatMember of a user in a chat."""
        chat = self.state.chat_for_bot(params.chat_id())
        user_id = params.need_int("user_id", "user not found")
        if user_id not in self.state.users:
            raise bad_request("user not found")
        return self.state.member_to_api(chat, user_id)

    @api_method("getChatAdministrators")
    def get_chat_administrators(self, params: Params) -> list[JsonDict]:
        """Return the owner and administrators of a group."""
        chat = self.state.chat_for_bot(params.chat_id())
        if chat.type is ChatType.PRIVATE:
            raise bad_request("there are no administrators in the private chat")
        ranked = sorted(
            (m for m in chat.members.values() if m.status in _ADMIN_STATUSES),
            key=lambda m: (m.status is not MemberStatus.CREATOR, m.user_id),
        )
        return [self.state.member_to_api(chat, m.user_id) for m in ranked]

    @api_method("getChatMemberCount")
    def get_chat_member_count(self, params: Params) -> int:
        """Return how many members a chat has."""
        chat = self.state.chat_for_bot(params.chat_id())
        return sum(1 for m in chat.members.values() if m.is_present)

    @api_method("leaveChat")
    def leave_chat(self, params: Params) -> bool:
        """Make the bot leave a group."""
        chat = self.state.chat_for_bot(params.chat_id())
        if chat.type is ChatType.PRIVATE:
            raise bad_request("chat member status can't be changed in private chats")
        self.state.set_membership(chat.id, self.state.bot.id, MemberStatus.LEFT)
        return True

    @api_method("banChatMember")
    def ban_chat_member(self, params: Params) -> bool:
        """Ban a user from a group (needs can_restrict_members)."""
        chat = self.state.chat_for_bot(params.chat_id())
        user_id = params.need_int("user_id", "user not found")
        if chat.type is ChatType.PRIVATE:
            raise bad_request("chat member status can't be changed in private chats")
        if not self._bot_membership_can(chat, "can_restrict_members"):
            raise bad_request("not enough rights to restrict/unrestrict chat member")
        self.state.set_membership(chat.id, user_id, MemberStatus.KICKED)
        return True

    @api_method("unbanChatMember")
    def unban_chat_member(self, params: Params) -> bool:
        """Lift a ban; with only_if_banned a present member is left alone."""
        chat = self.state.chat_for_bot(params.chat_id())
        user_id = params.need_int("user_id", "user not found")
        if not self._bot_membership_can(chat, "can_restrict_members"):
            raise bad_request("not enough rights to restrict/unrestrict chat member")
        current = self.state.membership(chat, user_id)
        # Without only_if_banned, Telegram also removes a present member (who may rejoin).
        if current.status is MemberStatus.KICKED or (
            current.is_present and not params.get_bool("only_if_banned")
        ):
            self.state.set_membership(chat.id, user_id, MemberStatus.LEFT)
        return True

    @api_method("pinChatMessage")
    def pin_chat_message(self, params: Params) -> bool:
        """Pin a message; groups also get a pinned_message service message."""
        chat = self.state.chat_for_bot(params.chat_id())
        message_id = params.need_int("message_id", "message identifier is not specified")
        message = self.state.message(chat.id, message_id)
        if message is None:
            raise bad_request("message to pin not found")
        if chat.is_group and not self._bot_membership_can(chat, "can_pin_messages"):
            raise bad_request("not enough rights to manage pinned messages in the chat")
        chat.pinned_message_ids.append(message_id)
        if chat.is_group:
            self.state.post_message(
                chat,
                self.state.bot.id,
                message_thread_id=message.message_thread_id,
                service={"pinned_message": self.state.message_to_api(message, with_reply=False)},
            )
        self.state.touch()
        return True

    @api_method("unpinChatMessage")
    def unpin_chat_message(self, params: Params) -> bool:
        """Unpin one message (the latest when no id is given)."""
        chat = self.state.chat_for_bot(params.chat_id())
        message_id = params.get_int("message_id")
        if not chat.pinned_message_ids:
            raise bad_request("message to unpin not found")
        if message_id is None:
            chat.pinned_message_ids.pop()
        elif message_id in chat.pinned_message_ids:
            chat.pinned_message_ids.remove(message_id)
        else:
            raise bad_request("message to unpin not found")
        self.state.touch()
        return True

    @api_method("unpinAllChatMessages")
    def unpin_all_chat_messages(self, params: Params) -> bool:
        """Unpin everything."""
        chat = self.state.chat_for_bot(params.chat_id())
        chat.pinned_message_ids.clear()
        self.state.touch()
        return True

    # -- forum topics ---------------------------------------------------------------------

    def _forum(self, params: Params, right_missing: str) -> Chat:
        chat = self.state.chat_for_bot(params.chat_id())
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        if not self._bot_membership_can(chat, "can_manage_topics"):
            raise bad_request(right_missing)
        return chat

    def _topic_id(self, chat: Chat, params: Params) -> int:
        thread_id = params.need_int("message_thread_id", THREAD_NOT_FOUND)
        if thread_id not in chat.topics:
            raise bad_request(THREAD_NOT_FOUND)
        return thread_id

    @api_method("createForumTopic")
    def create_forum_topic(self, params: Params) -> JsonDict:
        """Create a topic; the bot needs can_manage_topics."""
        chat = self._forum(params, "not enough rights to create a topic")
        name = params.get_str("name", "") or ""
        if not name.strip():
            raise bad_request("TOPIC_TITLE_EMPTY")
        if len(name) > 128:
            raise bad_request("TOPIC_TITLE_TOO_LONG")
        icon_color = params.get_int("icon_color", TOPIC_ICON_COLORS[0]) or TOPIC_ICON_COLORS[0]
        if icon_color not in TOPIC_ICON_COLORS:
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        topic, _ = self.state.create_topic(
            chat,
            self.state.bot.id,
            name,
            icon_color=icon_color,
            icon_custom_emoji_id=params.get_str("icon_custom_emoji_id"),
        )
        return topic.to_api()

    @api_method("editForumTopic")
    def edit_forum_topic(self, params: Params) -> bool:
        """Rename a topic or change its icon."""
        chat = self._forum(params, "not enough rights to edit a topic")
        topic = chat.topics[self._topic_id(chat, params)]
        name = params.get_str("name")
        emoji = params.get_str("icon_custom_emoji_id")
        edited: JsonDict = {}
        if name is not None and name != topic.name:
            if len(name) > 128:
                raise bad_request("TOPIC_TITLE_TOO_LONG")
            topic.name = edited["name"] = name
        if emoji is not None and emoji != (topic.icon_custom_emoji_id or ""):
            topic.icon_custom_emoji_id = emoji or None
            edited["icon_custom_emoji_id"] = emoji
        if not edited:
            raise bad_request("TOPIC_NOT_MODIFIED")
        self.state.post_message(
            chat,
            self.state.bot.id,
            message_thread_id=topic.message_thread_id,
            service={"forum_topic_edited": edited},
        )
        return True

    def _set_topic_closed(self, params: Params, closed: bool) -> bool:
        chat = self.state.chat_for_bot(params.chat_id())
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        topic = chat.topics[self._topic_id(chat, params)]
        # The bot needs can_manage_topics, "unless it is the creator of the topic".
        if not self.state.may_manage_topic(chat, self.state.bot.id, topic):
            raise bad_request("not enough rights to manage topics")
        self.state.set_topic_closed(chat, topic, self.state.bot.id, closed)
        return True

    @api_method("closeForumTopic")
    def close_forum_topic(self, params: Params) -> bool:
        """Close a topic: only administrators who may manage topics can post in it then."""
        return self._set_topic_closed(params, closed=True)

    @api_method("reopenForumTopic")
    def reopen_forum_topic(self, params: Params) -> bool:
        """Reopen a closed topic."""
        return self._set_topic_closed(params, closed=False)

    @api_method("deleteForumTopic")
    def delete_forum_topic(self, params: Params) -> bool:
        """Delete a topic with all its messages."""
        chat = self._forum(params, "not enough rights to delete a topic")
        thread_id = self._topic_id(chat, params)
        for message in self.state.chat_messages(chat.id, thread_id=thread_id):
            message.deleted = True
        del chat.topics[thread_id]
        chat.deleted_topics.add(thread_id)
        self.state.touch()
        return True

    @api_method("unpinAllForumTopicMessages")
    def unpin_all_forum_topic_messages(self, params: Params) -> bool:
        """Unpin all messages of a topic."""
        chat = self._forum(params, "not enough rights to manage pinned messages in the chat")
        self._topic_id(chat, params)
        return True

    @api_method("getForumTopicIconStickers")
    def get_forum_topic_icon_stickers(self, params: Params) -> list[JsonDict]:
        """Return the icon stickers (none in the fake)."""
        return []


_ADMIN_STATUSES = frozenset({MemberStatus.CREATOR, MemberStatus.ADMINISTRATOR})
_INPUT_MEDIA_KINDS = {
    "photo": MediaKind.PHOTO,
    "video": MediaKind.VIDEO,
    "document": MediaKind.DOCUMENT,
    "audio": MediaKind.AUDIO,
}


def _optional_int(params: Params | None, name: str) -> int:
    value = params.get_int(name) if params is not None else None
    return value or 0


def _input_media_kind(item: JsonDict) -> MediaKind:
    kind = _INPUT_MEDIA_KINDS.get(str(item.get("type")))
    if kind is None:
        raise bad_request("can't parse InputMedia JSON object")
    return kind


def _force_reply(params: Params) -> JsonDict | None:
    """The ForceReply markup of a send, if that is what it carried."""
    markup = params.get_json("reply_markup", "can't parse reply keyboard markup JSON object")
    if isinstance(markup, dict) and markup.get("force_reply") is True:
        return markup
    return None


def _validate_inline_keyboard(rows: object) -> None:
    """Reject keyboards Telegram rejects, notably callback_data over 64 bytes."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button JSON object")
            if not button["text"]:
                raise bad_request("BUTTON_TEXT_INVALID")
            if not any(action in button for action in _BUTTON_ACTIONS):
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
                    raise bad_request(BUTTON_DATA_INVALID)
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not urlsplit(url).scheme:
                    raise bad_request("BUTTON_URL_INVALID")
