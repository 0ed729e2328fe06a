"""Telegram's flood limits, as the emulator applies them, and the log of what each chat got.

What Telegram documents (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
in one chat, no more than about one message a second ("we may allow short bursts that go
over this limit, but eventually you'll begin receiving 429 errors"); across chats, about
30 messages a second (up to 1000 a second with `allow_paid_broadcast`, which costs Stars);
in one group, no more than 20 messages a minute. Over a limit, Telegram answers 429 "Too
Many Requests: retry after N" with `parameters.retry_after` in whole seconds, and does not
execute the call.

Telegram does not publish the burst sizes; this model assumes a private chat may take
`chat_burst` new messages at once and then one a second (a token bucket), the bot as a
whole `per_second` at once and then `per_second` a second, and a group at most
`group_per_minute` in any 60 seconds (a sliding window: the strict reading of "20 a
minute"). What counts (`counted`): sends, copies, forwards and edits of messages; a
private chat's pace counts only new messages (`new_message`: bots edit their keyboards
freely); reads, callback answers and chat actions count nowhere.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

GROUP_WINDOW_S = 60.0


def counted(method: str) -> bool:
    """True if a call of `method` puts a message into a chat or changes one."""
    m = method.lower()
    if m == "sendchataction":
        return False
    return m.startswith(("send", "copymessage", "forwardmessage", "editmessage"))


def new_message(method: str) -> bool:
    """True if a call of `method` puts a new message into a chat (not an edit)."""
    return counted(method) and not method.lower().startswith("editmessage")


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids."""
    return chat_id < 0


class Scope(StrEnum):
    """Which limit a refused call was over."""

    CHAT = "chat"
    GROUP = "group"
    GLOBAL = "global"


@dataclass(frozen=True)
class FloodLimits:
    """The limits the emulator enforces (see the module's docstring for the model)."""

    per_second: float = 30.0
    paid_per_second: float = 1000.0
    chat_per_second: float = 1.0
    chat_burst: int = 8
    group_per_minute: int = 20


@dataclass(frozen=True)
class Refusal:
    """A call the emulator refused with 429."""

    at: float
    method: str
    chat_id: int
    scope: Scope
    retry_after: int


@dataclass
class _Bucket:
    capacity: float
    rate: float
    tokens: float
    at: float

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: now); refills first."""
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class FloodControl:
    """Admits or refuses each counted call, and logs per chat what it admitted."""

    limits: FloodLimits = field(default_factory=FloodLimits)
    clock: Callable[[], float] = time.monotonic
    # Every admitted message, by chat: the times it arrived (the emulator's per-chat log).
    sent: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    refused: list[Refusal] = field(default_factory=list)
    _free: _Bucket | None = None
    _paid: _Bucket | None = None
    _chats: dict[int, _Bucket] = field(default_factory=dict)
    _groups: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def admit(self, method: str, chat_id: int | None, paid: bool = False) -> int | None:
        """None if the call may go (and it is counted), else retry_after in whole seconds."""
        if chat_id is None or not counted(method):
            return None
        now = self.clock()
        overall = self._overall(paid, now)
        waits = [(overall.wait(now), Scope.GLOBAL)]
        if is_group(chat_id):
            window = self._groups[chat_id]
            while window and window[0] <= now - GROUP_WINDOW_S:
                window.popleft()
            full = len(window) >= self.limits.group_per_minute
            waits.append((window[0] + GROUP_WINDOW_S - now if full else 0.0, Scope.GROUP))
        elif new_message(method):
            chat = self._chat(chat_id, now)
            waits.append((chat.wait(now), Scope.CHAT))
        wait, scope = max(waits, key=lambda w: w[0])
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            self.refused.append(Refusal(now, method, chat_id, scope, retry_after))
            return retry_after
        overall.take()
        if is_group(chat_id):
            self._groups[chat_id].append(now)
        elif new_message(method):
            self._chats[chat_id].take()
        self.sent[chat_id].append(now)
        return None

    def refusals(self, scope: Scope | None = None) -> list[Refusal]:
        """The calls refused so far (of one scope, or all)."""
        return [r for r in self.refused if scope is None or r.scope is scope]

    def _overall(self, paid: bool, now: float) -> _Bucket:
        if paid:
            if self._paid is None:
                rate = self.limits.paid_per_second
                self._paid = _Bucket(rate, rate, rate, now)
            return self._paid
        if self._free is None:
            rate = self.limits.per_second
            self._free = _Bucket(rate, rate, rate, now)
        return self._free

    def _chat(self, chat_id: int, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            burst = float(self.limits.chat_burst)
            bucket = self._chats[chat_id] = _Bucket(burst, self.limits.chat_per_second, burst, now)
        return bucket


def over_limits(sent: dict[int, list[float]], limits: FloodLimits) -> dict[int, int]:
    """Per chat, how many of its messages (arrival times) went over the per-chat or group
    limit: the same model replayed on a log, for a bot that ran without enforcement."""
    now = [0.0]
    unlimited = 1e12  # the overall limit is not a chat's: left out
    per_chat = FloodLimits(
        unlimited, unlimited, limits.chat_per_second, limits.chat_burst, limits.group_per_minute
    )
    over: dict[int, int] = {}
    for chat_id, times in sent.items():
        control = FloodControl(per_chat, clock=lambda: now[0])
        for at in sorted(times):
            now[0] = at
            if control.admit("sendMessage", chat_id) is not None:
                over[chat_id] = over.get(chat_id, 0) + 1
    return over
