"""Fault injection and the log of every request the bot made.

Tests arm faults for a method (optionally only for one chat) for the next N calls: flood
control (429 with retry_after), a blocked user (403), 5xx answers, a request held past the
client's timeout, or a dropped connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.fake_bot_api.errors import (
    BOT_BLOCKED,
    ApiError,
    forbidden,
    server_error,
    too_many_requests,
)

JsonDict = dict[str, Any]


class FaultKind(StrEnum):
    """How a faulty call misbehaves."""

    ERROR = "error"
    HOLD = "hold"
    DISCONNECT = "disconnect"


@dataclass(frozen=True)
class Fault:
    """One misbehaviour; build it with the class methods, e.g. `Fault.flood(retry_after=3)`."""

    kind: FaultKind
    error: ApiError | None = None
    hold_seconds: float | None = None
    executes: bool = False

    @classmethod
    def flood(cls, retry_after: int = 1) -> Fault:
        """429 "Too Many Requests: retry after N"; the call is not executed."""
        return cls(FaultKind.ERROR, too_many_requests(retry_after))

    @classmethod
    def blocked(cls) -> Fault:
        """403 "Forbidden: bot was blocked by the user"."""
        return cls(FaultKind.ERROR, forbidden(BOT_BLOCKED))

    @classmethod
    def server_error(cls, error_code: int = 500, description: str | None = None) -> Fault:
        """A 5xx answer (500 Internal Server Error, 502 Bad Gateway, ...)."""
        return cls(FaultKind.ERROR, server_error(error_code, description))

    @classmethod
    def api_error(cls, error_code: int, description: str) -> Fault:
        """Any other error answer, worded as given."""
        return cls(FaultKind.ERROR, ApiError(error_code, description))

    @classmethod
    def timeout(cls, seconds: float | None = None, *, executes: bool = False) -> Fault:
        """Hold the request for `seconds` (None: until the client gives up or the server stops).

        With `executes=True` the call takes effect before the answer is withheld, like a
        sendMessage that reached Telegram although the client timed out.
        """
        return cls(FaultKind.HOLD, hold_seconds=seconds, executes=executes)

    @classmethod
    def disconnect(cls) -> Fault:
        """Close the connection without answering."""
        return cls(FaultKind.DISCONNECT)


@dataclass
class ArmedFault:
    """A fault waiting for matching calls."""

    method: str
    fault: Fault
    remaining: int
    chat_id: int | str | None = None

    def matches(self, method: str, chat_id: object) -> bool:
        """True if this fault applies to a call of `method` addressed to `chat_id`."""
        if self.method != method.lower():
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)


class FaultPlan:
    """The faults armed for upcoming calls, consumed in the order they were added."""

    def __init__(self) -> None:
        self.armed: list[ArmedFault] = []

    def add(
        self, method: str, fault: Fault, *, times: int = 1, chat_id: int | str | None = None
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) misbehave."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self.armed.append(ArmedFault(method.lower(), fault, times, chat_id))

    def take(self, method: str, chat_id: object) -> Fault | None:
        """Consume and return the fault for this call, if one is armed."""
        for armed in self.armed:
            if armed.matches(method, chat_id):
                armed.remaining -= 1
                if armed.remaining == 0:
                    self.armed.remove(armed)
                return armed.fault
        return None

    def clear(self) -> None:
        """Disarm everything."""
        self.armed.clear()


@dataclass
class RecordedRequest:
    """One HTTP call the bot made, with its decoded parameters and the answer it got."""

    method: str
    params: JsonDict
    at: float
    http_method: str = "POST"
    status: int | None = None
    result: Any = None
    error: str | None = None
    fault: Fault | None = None
    files: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True if the call succeeded."""
        return self.status == 200


class RequestLog:
    """Every request in arrival order."""

    def __init__(self) -> None:
        self.entries: list[RecordedRequest] = []

    def append(self, entry: RecordedRequest) -> None:
        """Record a request."""
        self.entries.append(entry)

    def of(self, method: str | None = None) -> list[RecordedRequest]:
        """Requests of one method (case-insensitive), or all of them."""
        if method is None:
            return list(self.entries)
        wanted = method.lower()
        return [entry for entry in self.entries if entry.method.lower() == wanted]

    def clear(self) -> None:
        """Forget everything recorded so far."""
        self.entries.clear()
