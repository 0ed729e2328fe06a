"""What the sandbox page may ask for, as pydantic models: anything else is a clear 400.

Every request body is validated here before it reaches the sandbox, so a wrong type, a
number out of range (NaN, 1e300), an unknown field or a body that is not a JSON object
gets one friendly line and changes nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, ClassVar, Literal, TypeVar, cast

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from sandbox.runner import MAX_CAPTION, MAX_JUMP, SandboxInputError

# Telegram's message and topic ids are 32-bit; a bigger one names nothing.
MAX_ID = 2**31 - 1
# Telegram's limit for callback_data (1-64 bytes).
MAX_CALLBACK_DATA = 64
MAX_FILE_NAME = 255
PANES = ("buyer", "seller", "support")

Pane = Literal["buyer", "seller", "support"]
MessageId = Annotated[int, Field(ge=1, le=MAX_ID)]
_MIME = re.compile(r"^[A-Za-z0-9][\w.+-]{0,63}/[A-Za-z0-9][\w.+-]{0,127}$")
_FILE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

M = TypeVar("M", bound="PageInput")


class PageInput(BaseModel):
    """A request the page makes; `HINTS` say, per field, what a valid value is."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)
    HINTS: ClassVar[dict[str, str]] = {}


def _reason(model: type[PageInput], error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    kind, loc = first["type"], first["loc"]
    field = str(loc[0]) if loc else ""
    if kind == "json_invalid":
        return "the request body is not valid JSON"
    if not loc:
        return "the request body must be a JSON object"
    if kind == "extra_forbidden":
        return f"unknown field {field!r}"
    hint = model.HINTS.get(field, f"{field} is not valid")
    return f"{field} is missing: {hint}" if kind == "missing" else hint


def parse_json(model: type[M], body: bytes) -> M:
    """The JSON request `body` as `model`, or SandboxInputError with one clear line."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise SandboxInputError(_reason(model, exc)) from exc


def parse_fields(model: type[M], fields: dict[str, object]) -> M:
    """Form fields (strings) as `model`, or SandboxInputError with one clear line."""
    try:
        return model.model_validate(fields, strict=False)
    except ValidationError as exc:
        raise SandboxInputError(_reason(model, exc)) from exc


def pane(name: str) -> Pane:
    """A pane's name from the URL."""
    if name in PANES:
        return cast(Pane, name)
    raise SandboxInputError(f"no pane {name[:40]!r}; the panes are buyer, seller and support")


def file_id(value: str) -> str:
    """A file id from the URL (the fake's ids are short URL-safe tokens)."""
    if not _FILE_ID.match(value):
        raise SandboxInputError("that is not a file id")
    return value


def _no_surrogates(value: object) -> object:
    # A lone surrogate cannot be sent to Telegram (it is not UTF-8), whatever decoded it.
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("not valid Unicode") from exc
    return value


Text = Annotated[str, BeforeValidator(_no_surrogates)]


def _callback_data(value: str) -> str:
    # Telegram counts callback data in bytes.
    if len(value.encode("utf-8")) > MAX_CALLBACK_DATA:
        raise ValueError("callback data is too long")
    return value


class MessageIn(PageInput):
    """POST /api/panes/{pane}/messages."""

    HINTS: ClassVar[dict[str, str]] = {
        "text": "text must be the message, as a string",
        "reply_to": "reply_to must be the id of a message in this chat, or null",
        "thread_id": "thread_id must be the id of a forum topic, or null",
    }

    text: Text
    reply_to: MessageId | None = None
    thread_id: MessageId | None = None


class TapIn(PageInput):
    """POST /api/panes/{pane}/taps."""

    HINTS: ClassVar[dict[str, str]] = {
        "message_id": "message_id must be the id of the message with the button",
        "data": f"data must be the button's callback data (1-{MAX_CALLBACK_DATA} bytes)",
    }

    message_id: MessageId
    data: Annotated[Text, Field(min_length=1), AfterValidator(_callback_data)]


class TopicIn(PageInput):
    """POST /api/panes/{pane}/topics: close or reopen a forum topic."""

    HINTS: ClassVar[dict[str, str]] = {
        "thread_id": "thread_id must be the id of a forum topic",
        "closed": "closed must be true (close the topic) or false (reopen it)",
    }

    thread_id: MessageId
    closed: bool


# What a pane's person may set Telegram to: English, or a language the help center is in.
LANGUAGES = ("en", "ms")


class LanguageIn(PageInput):
    """POST /api/panes/{pane}/language: the Telegram language of the pane's person."""

    HINTS: ClassVar[dict[str, str]] = {
        "language": f"language must be one of {', '.join(LANGUAGES)}",
    }

    language: Literal["en", "ms"]


class TimeIn(PageInput):
    """POST /api/time: how far to travel."""

    HINTS: ClassVar[dict[str, str]] = {
        "seconds": (
            "time travel goes forward: seconds must be a number more than 0 and at most "
            f"{MAX_JUMP.days} days ({int(MAX_JUMP.total_seconds())})"
        ),
    }

    seconds: Annotated[float, Field(gt=0, le=MAX_JUMP.total_seconds())]

    @property
    def delta(self) -> timedelta:
        """The jump."""
        return timedelta(seconds=self.seconds)


class ResetIn(PageInput):
    """POST /api/reset: no options (an empty object, or no body)."""


def _blank_is_none(value: object) -> object:
    return None if value in ("", "null", "undefined") else value


FormId = Annotated[MessageId | None, BeforeValidator(_blank_is_none)]


class FileFormIn(PageInput):
    """The text fields of POST /api/panes/{pane}/files (multipart: they arrive as strings)."""

    HINTS: ClassVar[dict[str, str]] = {
        "caption": f"caption must be text of at most {MAX_CAPTION} characters",
        "as_photo": "as_photo must be 1 or 0",
        "reply_to": MessageIn.HINTS["reply_to"],
        "thread_id": MessageIn.HINTS["thread_id"],
    }

    caption: Text | None = None
    as_photo: Literal["1", "0", "true", "false", "on", "off"] = "0"
    reply_to: FormId = None
    thread_id: FormId = None

    @property
    def photo(self) -> bool:
        """Whether the file goes as a photo."""
        return self.as_photo in ("1", "true", "on")


def file_name(raw: str | None) -> str:
    """An uploaded file's name, without control characters or a path, at most 255."""
    name = _CONTROL.sub("", (raw or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return (name or "file")[:MAX_FILE_NAME]


def mime_type(raw: str | None) -> str | None:
    """An uploaded file's MIME type, when it is one (the browser's word, not checked)."""
    return raw if raw and _MIME.match(raw) else None
