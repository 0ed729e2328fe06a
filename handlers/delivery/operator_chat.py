"""Telling people in a chat what went wrong, rate-limited, so a storm of errors is a few messages.

Two chats hear of problems: the support group, of notifications Telegram refused for good
(the notifier), and the operator chat (KCHAT_OPERATOR_CHAT_ID), of every ERROR log line of
the bot. Both go through a `ChatReporter`; a message that goes out after some were held
back says how many, so the log is where to read the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from collections import deque
from datetime import datetime, timedelta
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError

from bot.clock import Clock
from handlers.views.telegram_text import MAX_MESSAGE, cut

log = logging.getLogger(__name__)

HOUR = timedelta(hours=1)
MAX_REMEMBERED = 1000  # distinct texts kept to hold back repeats: bounded, whatever happens
MAX_DETAIL = 1500  # of a log message: the start says what it is, the log has the whole


class ReportLimit:
    """Which reports go out: the same text at most once per `repeat_every`, at most `per_hour`
    in any hour, and at most one per `gap` (if given). Counts what it held back."""

    def __init__(
        self, repeat_every: timedelta, per_hour: int, gap: timedelta = timedelta(0)
    ) -> None:
        self.repeat_every = repeat_every
        self.per_hour = per_hour
        self.gap = gap
        self._last_of: dict[str, datetime] = {}
        self._sent: deque[datetime] = deque()
        self.held_back = 0

    def admit(self, key: str, now: datetime) -> int | None:
        """None: hold this report back. Otherwise it goes out: how many were held back since
        the last one that went out."""
        while self._sent and now - self._sent[0] >= HOUR:
            self._sent.popleft()
        last = self._last_of.get(key)
        if (
            (last is not None and now - last < self.repeat_every)
            or len(self._sent) >= self.per_hour
            or (self._sent and now - self._sent[-1] < self.gap)
        ):
            self.held_back += 1
            return None
        if len(self._last_of) >= MAX_REMEMBERED:
            self._last_of = {k: t for k, t in self._last_of.items() if now - t < self.repeat_every}
        self._last_of[key] = now
        self._sent.append(now)
        held, self.held_back = self.held_back, 0
        return held


class ChatReporter:
    """Sends reports to one chat as plain text, within a `ReportLimit`."""

    def __init__(self, bot: Bot, chat_id: int, clock: Clock, limit: ReportLimit) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.clock = clock
        self.limit = limit

    def take(self, text: str, key: str | None = None) -> str | None:
        """The message to send for `text` (saying what was held back before it), or None when
        the limit holds it back. `key` says which reports are "the same" (default: the text)."""
        held = self.limit.admit(key if key is not None else text, self.clock.now())
        if held is None:
            return None
        if held:
            some = "1 more report was" if held == 1 else f"{held} more reports were"
            text = f"{text}\n\n({some} held back since the last one: see the log.)"
        return cut(text, MAX_MESSAGE)

    async def send(self, message: str) -> None:
        """Send a message `take` let through (a failure is logged, never raised)."""
        try:
            await self.bot.send_message(self.chat_id, message)
        except TelegramError as exc:
            # WARNING, not ERROR: a report that failed must not become a report itself.
            log.warning("could not report to chat %s: %s", self.chat_id, exc)

    async def report(self, text: str, key: str | None = None) -> None:
        """Send `text` unless the limit holds it back."""
        message = self.take(text, key)
        if message is not None:
            await self.send(message)


# Our own packages: an error's place is our innermost frame, not a library's (installed,
# they sit beside the libraries in site-packages).
PROJECT = Path(__file__).resolve().parent.parent.parent
OURS = tuple(PROJECT / package for package in ("bot", "handlers", "store", "scheduler"))
# Ours, but plumbing: the rate limiter only passes a Bot API call on (as PTB's own did).
PLUMBING = (PROJECT / "handlers" / "outbound_lanes.py",)


def _where(record: logging.LogRecord) -> str:
    """Where the record's exception was raised in our code, as path:line in function."""
    if not record.exc_info or record.exc_info[2] is None:
        return ""
    frames = traceback.extract_tb(record.exc_info[2])
    ours = [
        f
        for f in frames
        if any(Path(f.filename).is_relative_to(p) for p in OURS)
        and Path(f.filename) not in PLUMBING
    ]
    frame = (ours or frames)[-1]
    path = Path(frame.filename)
    shown = path.relative_to(PROJECT) if ours else path.name
    return f"at {shown}:{frame.lineno} in {frame.name}"


def describe(record: logging.LogRecord) -> tuple[str, str]:
    """(key, text) of an ERROR record: the text for the chat, and what makes two the same.

    Two records are the same error when the same logger logged the same exception (type and
    message, whatever update it met) or, without one, the same message.
    """
    message = cut(record.getMessage(), MAX_DETAIL)
    lines = [f"⚠️ KChat {record.levelname} in {record.name}", message]
    key = f"{record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        lines += [cut(error, MAX_DETAIL), _where(record)]
        key = f"{record.name}: {error}"
    return key, "\n".join(line for line in lines if line)


class OperatorChatLog(logging.Handler):
    """Sends ERROR log records (and worse) to the operator chat through a `ChatReporter`.

    `emit` may run on any thread: it only decides (under the handler's lock) and queues; a
    task on the bot's event loop sends, one message at a time.
    """

    def __init__(self, reporter: ChatReporter) -> None:
        super().__init__(level=logging.ERROR)
        self.reporter = reporter
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._send_all())

    def emit(self, record: logging.LogRecord) -> None:
        """Queue the record for the chat, unless the limit holds it back."""
        if record.name == __name__:
            return
        try:
            key, text = describe(record)
            message = self.reporter.take(text, key)
            if message is not None:
                self._loop.call_soon_threadsafe(self._queue.put_nowait, message)
        except Exception:  # a log handler must never break the code that logs
            self.handleError(record)

    async def _send_all(self) -> None:
        while True:
            message = await self._queue.get()
            await self.reporter.send(message)
            self._queue.task_done()

    async def aclose(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Send what is queued (for at most `timeout` seconds), then stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self.close()
