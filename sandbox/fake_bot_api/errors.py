"""Bot API error responses, shaped and worded the way Telegram words them."""

from __future__ import annotations

from typing import Any

JsonDict = dict[str, Any]


class ApiError(Exception):
    """A failed Bot API call: becomes `{"ok": false, "error_code": N, "description": ...}`."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_payload(self) -> JsonDict:
        """Return the JSON body Telegram sends for this error."""
        payload: JsonDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        parameters: JsonDict = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            payload["parameters"] = parameters
        return payload


def bad_request(detail: str) -> ApiError:
    """Return a 400 error; Telegram prefixes every such description with "Bad Request: "."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Return a 403 error, e.g. "Forbidden: bot was blocked by the user"."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """Return the 429 flood-control error with its `retry_after` parameter."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def unauthorized() -> ApiError:
    """Return the 401 error Telegram gives for a well-formed but unknown token."""
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    """Return the 404 error for an unknown method or a malformed token."""
    return ApiError(404, "Not Found")


def conflict(detail: str) -> ApiError:
    """Return a 409 error, e.g. two concurrent getUpdates or getUpdates while a webhook is set."""
    return ApiError(409, f"Conflict: {detail}")


def server_error(error_code: int = 500, description: str | None = None) -> ApiError:
    """Return a 5xx error like the ones Telegram's front ends occasionally answer with."""
    default = "Internal Server Error" if error_code == 500 else "Bad Gateway"
    return ApiError(error_code, description or default)


# Descriptions that several methods share, kept in one place so they stay identical.
CHAT_NOT_FOUND = "chat not found"
BOT_BLOCKED = "bot was blocked by the user"
MESSAGE_TEXT_EMPTY = "message text is empty"
MESSAGE_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
MESSAGE_TO_COPY_NOT_FOUND = "message to copy not found"
MESSAGE_TO_FORWARD_NOT_FOUND = "message to forward not found"
REPLIED_MESSAGE_NOT_FOUND = "message to be replied not found"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
THREAD_NOT_FOUND = "message thread not found"
WRONG_FILE_ID = "wrong file identifier/HTTP URL specified"
