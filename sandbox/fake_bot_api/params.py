"""Typed access to Bot API call parameters, however the client encoded them.

Telegram accepts query strings, application/x-www-form-urlencoded, application/json and
multipart/form-data. In the form encodings every value is a string, and structured values
(reply_markup, entities, media, ...) are JSON-serialised strings; in JSON bodies they may be
either real objects or such strings. Accessors accept both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.fake_bot_api.errors import ApiError, bad_request

JsonDict = dict[str, Any]

# Parameters whose value is JSON; decoded eagerly for the request log.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "media",
        "results",
        "commands",
        "scope",
        "menu_button",
        "allowed_updates",
        "reaction",
        "button",
        "permissions",
        "message_ids",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "duration",
        "width",
        "height",
        "icon_color",
        "max_connections",
    }
)
BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "drop_pending_updates",
        "is_personal",
        "is_big",
        "show_caption_above_media",
        "has_spoiler",
        "only_if_banned",
        "revoke_messages",
    }
)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


def _parse_int(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise bad_request(f"invalid {name} specified")


def _decode_for_log(name: str, value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        if name in JSON_FIELDS:
            return json.loads(value)
        if name in INT_FIELDS:
            return int(value)
        if name in BOOL_FIELDS and value.lower() in ("true", "false"):
            return value.lower() == "true"
    except ValueError:
        return value
    return value


class Params:
    """The parameters of one Bot API call, with typed and validating accessors."""

    def __init__(self, values: Mapping[str, object], uploads: Mapping[str, Upload]) -> None:
        self.values = dict(values)
        self.uploads = dict(uploads)

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.uploads

    def decoded(self) -> JsonDict:
        """All values with JSON, integer and boolean fields decoded, for logs and assertions."""
        decoded = {name: _decode_for_log(name, value) for name, value in self.values.items()}
        for name, upload in self.uploads.items():
            decoded.setdefault(
                name, f"<upload {upload.filename or name}: {len(upload.data)} bytes>"
            )
        return decoded

    def raw(self, name: str) -> object:
        """The value as sent, or None."""
        value = self.values.get(name)
        return None if value == "" else value

    def get_str(self, name: str, default: str | None = None) -> str | None:
        """A string value (numbers are stringified, as Telegram does)."""
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f"invalid {name} specified")

    def need_str(self, name: str, missing: str | None = None) -> str:
        """A string that must be present; `missing` is Telegram's wording when it is not."""
        value = self.get_str(name)
        if value is None:
            raise bad_request(missing or f"{name} is empty")
        return value

    def get_int(self, name: str, default: int | None = None) -> int | None:
        """An integer value, accepting "123" as well as 123."""
        value = self.raw(name)
        return default if value is None else _parse_int(name, value)

    def need_int(self, name: str, missing: str | None = None) -> int:
        """An integer that must be present."""
        value = self.get_int(name)
        if value is None:
            raise bad_request(missing or f"{name} is empty")
        return value

    def get_bool(self, name: str, default: bool = False) -> bool:
        """A boolean, accepting true/false, 1/0 and real booleans."""
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        raise bad_request(f"invalid {name} specified")

    def get_json(self, name: str, error: str | None = None) -> Any:
        """A structured value, decoding it if it arrived as a JSON string."""
        value = self.raw(name)
        if value is None or not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(error or f"can't parse {name} JSON object") from exc

    def chat_id(self, name: str = "chat_id") -> int | str:
        """A chat id: an integer, or "@username" for public groups and channels."""
        value = self.raw(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return _parse_int(name, value)
        except ApiError as exc:
            raise bad_request("chat not found") from exc

    def file(self, name: str) -> Upload | str | None:
        """An InputFile: an uploaded part, an `attach://` reference, a file_id or a URL."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.get_str(name)
        if value is None:
            return None
        return self.attachment(value)

    def attachment(self, value: str) -> Upload | str:
        """Resolve `attach://<name>` to its uploaded part; other strings pass through."""
        if value.startswith("attach://"):
            upload = self.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong HTTP URL specified")
            return upload
        return value
