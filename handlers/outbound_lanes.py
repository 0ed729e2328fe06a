"""What goes out to Telegram, and when: two lanes, one budget, a fair share per chat.

Telegram's limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
about 30 messages a second for the whole bot (1000 with `allow_paid_broadcast`), about one
a second in one private chat (short bursts allowed), 20 a minute in one group. A 429 says
"retry after N seconds" and the call is not executed.

A single first-come queue in front of those limits makes a person who just tapped a button
wait behind every notification a deadline sweep or a catch-up queued before them. Here:

- the *interactive* lane (answers to a person's own update: their card, their command's
  reply, the relay of the message they just sent) goes first whenever the budget allows;
- the *background* lane (outbox notifications, reminders) fills the rest of the budget;
- within a lane, destination chats take turns (round robin), so no chat and no sweep holds
  back the others; each chat is paced to its own limit, the bot to the global budget;
- a 429 pauses the chat it was about for retry_after (the whole bot only when the call had
  no chat), then the call is tried again; other chats go on.

Which lane a call is in is the task's context (`background()`): a handler's calls are
interactive by default; the notifier marks what it drains as background. Calls that are
not messages (callback answers, reads, chat actions) are not queued at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import IntEnum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Telegram's limit for bots that pay for broadcasts (Stars per message beyond the free 30/s).
PAID_BUDGET = 1000
GROUP_WINDOW_S = 60.0
# Methods that accept `allow_paid_broadcast` (Bot API 7.11).
_PAID_METHODS = frozenset(
    m.lower()
    for m in (
        "sendMessage", "sendPhoto", "sendVideo", "sendAnimation", "sendAudio", "sendDocument",
        "sendSticker", "sendVoice", "sendVideoNote", "sendMediaGroup", "sendLocation",
        "sendVenue", "sendContact", "sendPoll", "sendDice", "sendInvoice", "sendPaidMedia",
        "copyMessage", "copyMessages",
    )
)  # fmt: skip


class Lane(IntEnum):
    """Who waits for a call: a person who just acted, or nobody in particular."""

    INTERACTIVE = 0
    BACKGROUND = 1


_lane: ContextVar[Lane] = ContextVar("outbound_lane", default=Lane.INTERACTIVE)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Calls made inside (and in tasks started inside) go in the background lane."""
    token = _lane.set(Lane.BACKGROUND)
    try:
        yield
    finally:
        _lane.reset(token)


@contextlib.contextmanager
def interactive() -> Iterator[None]:
    """Calls made inside go in the interactive lane (a person waits for them)."""
    token = _lane.set(Lane.INTERACTIVE)
    try:
        yield
    finally:
        _lane.reset(token)


def current_lane() -> Lane:
    """The lane this task's calls go in."""
    return _lane.get()


def counted(endpoint: str) -> bool:
    """True if a call puts a message into a chat or changes one (what Telegram limits)."""
    m = endpoint.lower()
    if m == "sendchataction":
        return False
    return m.startswith(("send", "copymessage", "forwardmessage", "editmessage"))


def new_message(endpoint: str) -> bool:
    """True if a call puts a new message into a chat (a private chat's pace counts only these;
    bots edit their keyboards freely)."""
    return counted(endpoint) and not endpoint.lower().startswith("editmessage")


@dataclass(frozen=True)
class Pacing:
    """The limits the schedule keeps to.

    `burst` is how many the bot may send at once after a quiet spell; kept well under the
    budget so that calls granted together but arriving close together still fit Telegram's
    own bucket.
    """

    budget: float = 30.0
    burst: float = 5.0
    chat_per_second: float = 1.0
    chat_burst: float = 3.0
    group_per_minute: int = 20


@dataclass(eq=False)
class Ticket:
    """One call waiting for its turn."""

    chat_id: int | None
    lane: Lane
    new: bool


@dataclass
class _Chat:
    """One destination's pace: a token bucket (private chat) or a minute's window (group)."""

    tokens: float
    at: float
    sent: deque[float] = field(default_factory=deque)
    paused_until: float = 0.0


class OutboundSchedule:
    """Who may send next, given the time (monotonic seconds); no I/O, no clock of its own.

    `add` queues a ticket; `grant(now)` hands out the next one that may go now (interactive
    first, then background; round robin over chats within a lane) and counts it against the
    budget and its chat; `ready_at(now)` says when something may go; `pause` holds a chat
    (or, with `None`, everything) after a 429.
    """

    def __init__(self, pacing: Pacing, now: float) -> None:
        self.pacing = pacing
        self._tokens = min(pacing.burst, pacing.budget)
        self._at = now
        self._paused_until = 0.0
        self._queues: dict[Lane, dict[int | None, deque[Ticket]]] = {lane: {} for lane in Lane}
        self._turns: dict[Lane, deque[int | None]] = {lane: deque() for lane in Lane}
        self._chats: dict[int, _Chat] = {}

    def __len__(self) -> int:
        return sum(len(q) for lane in Lane for q in self._queues[lane].values())

    def waiting(self, lane: Lane) -> int:
        """How many calls of `lane` wait."""
        return sum(len(q) for q in self._queues[lane].values())

    def add(self, chat_id: int | None, lane: Lane, new: bool = True) -> Ticket:
        """Queue a call to `chat_id` (None: no chat of its own) behind that chat's others."""
        ticket = Ticket(chat_id, lane, new)
        queue = self._queues[lane].get(chat_id)
        if queue is None:
            queue = self._queues[lane][chat_id] = deque()
            self._turns[lane].append(chat_id)
        queue.append(ticket)
        return ticket

    def cancel(self, ticket: Ticket) -> None:
        """Forget a ticket nobody waits for any more (its caller was cancelled)."""
        queue = self._queues[ticket.lane].get(ticket.chat_id)
        if queue is not None and ticket in queue:
            queue.remove(ticket)
            if not queue:
                del self._queues[ticket.lane][ticket.chat_id]
                self._turns[ticket.lane].remove(ticket.chat_id)

    def pause(self, chat_id: int | None, until: float) -> None:
        """Nothing to `chat_id` (None: nothing at all) before `until`."""
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
        else:
            chat = self._chat(chat_id, until)
            chat.paused_until = max(chat.paused_until, until)

    def grant(self, now: float) -> Ticket | None:
        """The next call that may go now, counted as sent; None if none may."""
        if self._global_wait(now) > 0:
            return None
        for lane in Lane:
            turns = self._turns[lane]
            for _ in range(len(turns)):
                chat_id = turns[0]
                queue = self._queues[lane][chat_id]
                if self._chat_wait(chat_id, queue[0].new, now) > 0:
                    turns.rotate(-1)
                    continue
                ticket = queue.popleft()
                turns.popleft()
                if queue:
                    turns.append(chat_id)  # its next call waits for every other chat's turn
                else:
                    del self._queues[lane][chat_id]
                self._take(ticket, now)
                return ticket
        return None

    def ready_at(self, now: float) -> float | None:
        """When the next call may go (None: nothing waits)."""
        waits = [
            self._chat_wait(chat_id, queue[0].new, now)
            for lane in Lane
            for chat_id, queue in self._queues[lane].items()
        ]
        if not waits:
            return None
        return now + max(self._global_wait(now), min(waits))

    # -- the limits ---------------------------------------------------------------------

    def _global_wait(self, now: float) -> float:
        p = self.pacing
        self._tokens = min(p.burst, self._tokens + (now - self._at) * p.budget)
        self._at = now
        short = 0.0 if self._tokens >= 1 else (1 - self._tokens) / p.budget
        return max(short, self._paused_until - now)

    def _chat(self, chat_id: int, now: float) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(self.pacing.chat_burst, now)
        return chat

    def _chat_wait(self, chat_id: int | None, new: bool, now: float) -> float:
        if chat_id is None:
            return 0.0
        chat = self._chat(chat_id, now)
        p = self.pacing
        wait = chat.paused_until - now
        if chat_id < 0:  # groups, supergroups, channels: every message and edit counts
            while chat.sent and chat.sent[0] <= now - GROUP_WINDOW_S:
                chat.sent.popleft()
            if len(chat.sent) >= p.group_per_minute:
                wait = max(wait, chat.sent[0] + GROUP_WINDOW_S - now)
        elif new:
            chat.tokens = min(p.chat_burst, chat.tokens + (now - chat.at) * p.chat_per_second)
            chat.at = now
            if chat.tokens < 1:
                wait = max(wait, (1 - chat.tokens) / p.chat_per_second)
        return max(wait, 0.0)

    def _take(self, ticket: Ticket, now: float) -> None:
        self._tokens -= 1
        if ticket.chat_id is None:
            return
        chat = self._chat(ticket.chat_id, now)
        if ticket.chat_id < 0:
            chat.sent.append(now)
        elif ticket.new:
            chat.tokens -= 1


def _paced(pacing: Pacing, budget: float) -> Pacing:
    """`pacing` at `budget` a second, with a burst small enough for Telegram's own bucket."""
    return replace(pacing, budget=budget, burst=max(1.0, min(5.0, budget / 6)))


def _chat_of(data: dict[str, Any]) -> int | None:
    chat = data.get("chat_id")
    if isinstance(chat, int) and not isinstance(chat, bool):
        return chat
    if isinstance(chat, str):
        with contextlib.suppress(ValueError):
            return int(chat)
    return None  # a @username, or no chat at all: only the global budget applies


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


JSONDict = dict[str, Any]
Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


class LaneRateLimiter(BaseRateLimiter[None]):
    """python-telegram-bot's rate limiter, with the schedule above deciding each turn.

    `budget` is messages a second for the whole bot; `paid_broadcast` sends background
    calls with `allow_paid_broadcast` and raises the budget to Telegram's paid limit.
    `monotonic` is the clock the pacing runs on (the process's: this paces a network, it is
    not order state).
    """

    def __init__(
        self,
        budget: float = 30,
        *,
        paid_broadcast: bool = False,
        pacing: Pacing | None = None,
        max_retries: int = 3,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if pacing is None:
            rate = max(budget, PAID_BUDGET) if paid_broadcast else budget
            pacing = _paced(Pacing(), rate)
        self.pacing = pacing  # the whole bot's; `share` gives this instance its part of it
        self.instances = 1
        self.paid_broadcast = paid_broadcast
        self.max_retries = max_retries
        self._now = monotonic
        self.schedule = OutboundSchedule(pacing, monotonic())
        self._futures: dict[Ticket, asyncio.Future[None]] = {}
        self._wake = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        # What went out, by lane (the operator's view and the benchmark read these).
        self.granted = {lane: 0 for lane in Lane}
        self.throttled = 0

    @property
    def budget(self) -> float:
        """Messages a second this instance keeps to now."""
        return self.schedule.pacing.budget

    def share(self, instances: int) -> None:
        """Keep to 1/`instances` of the bot's budget: every instance on one database sends
        for the same bot, and Telegram counts them together. Per-chat pacing is unchanged
        (a chat's news is sent by one instance at a time)."""
        n = max(1, instances)
        if n == self.instances:
            return
        self.instances = n
        self.schedule.pacing = _paced(self.pacing, self.pacing.budget / n)
        self._wake.set()  # a larger share may let a waiting call go sooner

    async def initialize(self) -> None:
        """Nothing to open: the dispatcher starts with the first call."""

    async def shutdown(self) -> None:
        """Stop the dispatcher; calls still waiting are cancelled."""
        task, self._dispatcher = self._dispatcher, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for future in self._futures.values():
            future.cancel()
        self._futures.clear()

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for the call's turn in its lane, make it, and wait out a 429 for its chat."""
        if not counted(endpoint):
            return await callback(*args, **kwargs)
        lane = current_lane()
        chat_id = _chat_of(data)
        if self.paid_broadcast and lane is Lane.BACKGROUND and endpoint.lower() in _PAID_METHODS:
            data["allow_paid_broadcast"] = True
        attempt = 0
        while True:
            await self._turn(chat_id, lane, new_message(endpoint))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.throttled += 1
                wait = _seconds(exc.retry_after)
                self.schedule.pause(chat_id, self._now() + wait)
                log.info("429 for chat %s: paused %.0f s (%s)", chat_id, wait, lane.name.lower())
                attempt += 1
                if attempt > self.max_retries:
                    raise

    async def _turn(self, chat_id: int | None, lane: Lane, new: bool) -> None:
        nobody_waits = not self._futures
        ticket = self.schedule.add(chat_id, lane, new)
        if nobody_waits and self.schedule.grant(self._now()) is ticket:
            self.granted[lane] += 1  # the usual case off-peak: no queue, no dispatcher
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._futures[ticket] = future
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="outbound-lanes")
        self._wake.set()
        try:
            await future
        except asyncio.CancelledError:
            self._futures.pop(ticket, None)
            self.schedule.cancel(ticket)
            raise

    async def _dispatch(self) -> None:
        while True:
            now = self._now()
            while (ticket := self.schedule.grant(now)) is not None:
                self.granted[ticket.lane] += 1
                future = self._futures.pop(ticket, None)
                if future is not None and not future.done():
                    future.set_result(None)
            if not self._futures:
                return  # nobody waits: the next call that has to wait starts it again
            at = self.schedule.ready_at(now)
            self._wake.clear()
            timer = (
                None
                if at is None
                else asyncio.get_running_loop().call_at(
                    asyncio.get_running_loop().time() + (at - now), self._wake.set
                )
            )
            try:
                await self._wake.wait()
            finally:
                if timer is not None:
                    timer.cancel()
