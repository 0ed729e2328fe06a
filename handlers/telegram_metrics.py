"""How Telegram's things are named in the metrics: an update's kind, an error's code."""

from __future__ import annotations

from telegram import MessageEntity, Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)


def update_kind(update: object) -> str:
    """`command` for a message that starts with a bot command, else the update's field:
    message, edited_message, callback_query, inline_query, my_chat_member, ..."""
    if not isinstance(update, Update):
        return "other"
    message = update.message
    if message is not None:
        first = message.entities[0] if message.entities else None
        if first is not None and first.type == MessageEntity.BOT_COMMAND and first.offset == 0:
            return "command"
        return "message"
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return str(kind)
    return "other"


def error_code(exc: BaseException) -> str | None:
    """The code a Telegram error is counted under (None: not Telegram's).

    Timeouts and connection failures have no answer from Telegram: they are `timeout` and
    `network`. The order matters: PTB's BadRequest and TimedOut are NetworkErrors too.
    """
    codes: tuple[tuple[type[TelegramError], str], ...] = (
        (RetryAfter, "429"),
        (Forbidden, "403"),
        (InvalidToken, "401"),
        (Conflict, "409"),
        (BadRequest, "400"),
        (TimedOut, "timeout"),
        (NetworkError, "network"),
        (TelegramError, "other"),
    )
    for kind, code in codes:
        if isinstance(exc, kind):
            return code
    return None
