"""The outbound schedule and its rate limiter, on a fake clock: who goes first, who waits, and
for how long."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from telegram.error import RetryAfter

from handlers.outbound_lanes import (
    PAID_BUDGET,
    Lane,
    LaneRateLimiter,
    OutboundSchedule,
    Pacing,
    background,
    counted,
    new_message,
)

GROUP = -1001234567890


def drain(schedule: OutboundSchedule, now: float) -> list[Any]:
    """Every ticket the schedule grants at `now`, in order."""
    out = []
    while (ticket := schedule.grant(now)) is not None:
        out.append(ticket)
    return out


def run_for(schedule: OutboundSchedule, seconds: float, step: float = 0.01) -> list[Any]:
    """Grant what may go, moving the clock by `step`, for `seconds`."""
    out: list[Any] = []
    t = 0.0
    while t <= seconds + 1e-9:
        out.extend((round(t, 2), x) for x in drain(schedule, t))
        t += step
    return out


def test_what_counts_as_a_message_is_what_telegram_limits() -> None:
    assert counted("sendMessage") and counted("copyMessage") and counted("editMessageText")
    assert not counted("answerCallbackQuery") and not counted("sendChatAction")
    assert not counted("getMe")
    assert new_message("sendDocument") and not new_message("editMessageReplyMarkup")


def test_an_interactive_reply_goes_before_a_backlog_of_notifications() -> None:
    s = OutboundSchedule(Pacing(budget=30, burst=1), now=0.0)
    for chat in range(100):
        s.add(1000 + chat, Lane.BACKGROUND)
    assert drain(s, 0.0)[0].lane is Lane.BACKGROUND  # the one token there is
    reply = s.add(7, Lane.INTERACTIVE)
    assert s.grant(0.0) is None  # the budget is spent: nobody goes, not even the reply
    assert s.grant(1 / 30) is reply  # the next token is the reply's, ahead of 99 waiting


def test_notifications_fill_the_budget_and_no_more() -> None:
    s = OutboundSchedule(Pacing(budget=30, burst=5), now=0.0)
    for chat in range(1000):
        s.add(1000 + chat, Lane.BACKGROUND)
    granted = run_for(s, 10.0)
    assert 300 <= len(granted) <= 305  # 30 a second, plus the burst
    for start in range(0, 10):
        in_second = [t for t, _ in granted if start < t <= start + 1]
        assert len(in_second) <= 31


def test_chats_take_turns_so_one_busy_chat_does_not_hold_back_the_others() -> None:
    s = OutboundSchedule(Pacing(budget=30, burst=30, chat_burst=100), now=0.0)
    for _ in range(50):
        s.add(1, Lane.BACKGROUND)  # one chat with a long backlog, queued first
    for chat in (2, 3, 4):
        s.add(chat, Lane.BACKGROUND)
    first_eight = [t.chat_id for t in drain(s, 0.0)[:8]]
    assert first_eight[:4] == [1, 2, 3, 4]  # each chat had its turn within the first round
    assert first_eight[4:] == [1, 1, 1, 1]


def test_a_private_chat_is_paced_to_about_one_message_a_second_after_a_short_burst() -> None:
    s = OutboundSchedule(Pacing(budget=30, burst=30, chat_per_second=1, chat_burst=3), now=0.0)
    for _ in range(10):
        s.add(5, Lane.BACKGROUND)
    times = [t for t, _ in run_for(s, 4.5)]
    assert times[:3] == [0.0, 0.0, 0.0]
    assert times[3:] == pytest.approx([1.0, 2.0, 3.0, 4.0], abs=0.02)


def test_edits_of_a_private_chat_are_not_paced_per_chat() -> None:
    s = OutboundSchedule(Pacing(budget=30, burst=30, chat_burst=1), now=0.0)
    for _ in range(5):
        s.add(5, Lane.INTERACTIVE, new=False)
    assert len(drain(s, 0.0)) == 5


def test_a_group_gets_at_most_twenty_messages_a_minute() -> None:
    s = OutboundSchedule(Pacing(budget=30, burst=30), now=0.0)
    for _ in range(30):
        s.add(GROUP, Lane.BACKGROUND)
    granted = run_for(s, 90.0, step=0.5)
    assert len([t for t, _ in granted if t < 60]) == 20
    assert len([t for t, _ in granted if 60 <= t < 61]) == 10  # the window has moved on
    assert s.ready_at(90.0) is None


def test_a_429_pauses_that_chat_and_the_others_go_on() -> None:
    s = OutboundSchedule(Pacing(budget=30, burst=30), now=0.0)
    s.pause(5, until=3.0)
    s.add(5, Lane.INTERACTIVE)
    other = s.add(6, Lane.BACKGROUND)
    assert drain(s, 0.0) == [other]
    assert s.ready_at(0.0) == pytest.approx(3.0)
    assert drain(s, 2.9) == []
    assert [t.chat_id for t in drain(s, 3.0)] == [5]


def test_a_429_without_a_chat_pauses_everything() -> None:
    s = OutboundSchedule(Pacing(budget=30, burst=30), now=0.0)
    s.pause(None, until=2.0)
    s.add(5, Lane.INTERACTIVE)
    assert drain(s, 1.0) == [] and s.ready_at(1.0) == pytest.approx(2.0)
    assert len(drain(s, 2.0)) == 1


def test_a_cancelled_caller_leaves_no_ticket_behind() -> None:
    s = OutboundSchedule(Pacing(), now=0.0)
    ticket = s.add(5, Lane.BACKGROUND)
    s.cancel(ticket)
    assert len(s) == 0 and s.ready_at(0.0) is None


class FakeMonotonic:
    """The limiter's clock, moved by the test."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def limiter(clock: FakeMonotonic, **kw: Any) -> LaneRateLimiter:
    return LaneRateLimiter(pacing=Pacing(budget=30, burst=1, chat_burst=1), monotonic=clock, **kw)


async def test_the_limiter_sends_a_reply_ahead_of_waiting_notifications() -> None:
    clock = FakeMonotonic()
    rl = limiter(clock)
    order: list[str] = []

    async def call(name: str) -> dict[str, Any]:
        order.append(name)
        return {"ok": True}

    async def send(name: str, chat: int) -> None:
        await rl.process_request(call, (name,), {}, "sendMessage", {"chat_id": chat}, None)

    with background():
        notices = [asyncio.create_task(send(f"notice {i}", 100 + i)) for i in range(5)]
    await asyncio.sleep(0)
    reply = asyncio.create_task(send("reply", 7))
    await asyncio.sleep(0)
    assert order == ["notice 0"]  # the one token there was
    clock.t = 1 / 30
    rl._wake.set()
    await asyncio.wait_for(reply, 1)
    assert order == ["notice 0", "reply"]
    while not all(n.done() for n in notices):
        clock.t += 1 / 30
        rl._wake.set()
        await asyncio.sleep(0.001)
    assert order[2:] == [f"notice {i}" for i in range(1, 5)]
    assert rl.granted == {Lane.INTERACTIVE: 1, Lane.BACKGROUND: 5}
    await rl.shutdown()


async def test_the_limiter_waits_out_a_429_for_that_chat_only_and_tries_again() -> None:
    clock = FakeMonotonic()
    rl = LaneRateLimiter(pacing=Pacing(budget=30, burst=30), monotonic=clock)
    calls: Counter[int] = Counter()

    async def call(chat: int) -> bool:
        calls[chat] += 1
        if chat == 5 and calls[chat] == 1:
            raise RetryAfter(4)
        return True

    async def send(chat: int) -> Any:
        return await rl.process_request(call, (chat,), {}, "sendMessage", {"chat_id": chat}, None)

    limited = asyncio.create_task(send(5))
    await asyncio.sleep(0.01)
    assert calls[5] == 1 and not limited.done()
    assert await send(6) is True  # another chat is not held
    clock.t = 4.0
    rl._wake.set()
    assert await limited is True and calls[5] == 2
    assert rl.throttled == 1
    await rl.shutdown()


async def test_answers_to_taps_and_reads_are_not_queued() -> None:
    rl = limiter(FakeMonotonic())

    async def call() -> bool:
        return True

    for _ in range(10):  # far over the budget of one token: none of them waits
        assert await rl.process_request(call, (), {}, "answerCallbackQuery", {}, None) is True
    assert rl.granted == {Lane.INTERACTIVE: 0, Lane.BACKGROUND: 0}


async def test_paid_broadcast_marks_background_sends_and_raises_the_budget() -> None:
    rl = LaneRateLimiter(30, paid_broadcast=True)
    assert rl.pacing.budget == PAID_BUDGET
    seen: list[dict[str, Any]] = []

    async def call(data: dict[str, Any]) -> bool:
        seen.append(dict(data))
        return True

    with background():
        data: dict[str, Any] = {"chat_id": 5, "text": "news"}
        await rl.process_request(call, (data,), {}, "sendMessage", data, None)
    reply: dict[str, Any] = {"chat_id": 6, "text": "reply"}
    await rl.process_request(call, (reply,), {}, "sendMessage", reply, None)
    assert seen[0].get("allow_paid_broadcast") is True
    assert "allow_paid_broadcast" not in seen[1]  # a reply to a person is not a broadcast
    await rl.shutdown()


async def test_a_share_of_the_budget_paces_this_instance_to_its_part() -> None:
    clock = FakeMonotonic()
    rl = LaneRateLimiter(pacing=Pacing(budget=30, burst=1, chat_burst=100), monotonic=clock)
    rl.share(3)
    assert rl.budget == 10 and rl.pacing.budget == 30  # the bot's budget is unchanged
    sent: list[float] = []

    async def call() -> bool:
        sent.append(clock.t)
        return True

    async def send(chat: int) -> None:
        await rl.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)

    with background():
        tasks = [asyncio.create_task(send(100 + i)) for i in range(40)]
    while clock.t < 2.0:
        await asyncio.sleep(0.001)
        clock.t = round(clock.t + 0.01, 2)
        rl._wake.set()
    assert 20 <= len(sent) <= 22  # 10 a second for 2 s, not 30
    rl.share(1)  # the others stopped: the whole budget again
    while not all(t.done() for t in tasks):
        await asyncio.sleep(0.001)
        clock.t = round(clock.t + 0.01, 2)
        rl._wake.set()
    assert clock.t < 2.8  # the other 18 or so at 30 a second
    await rl.shutdown()
