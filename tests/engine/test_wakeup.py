"""The scheduler's wake-up job: one pending job, at the next due time or the safety poll."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.services.deadlines import SweepReport
from scheduler.wakeup import JOB_NAME, WakeUp

POLL = timedelta(seconds=60)
Callback = Callable[[Any], Coroutine[Any, Any, Any]]


@dataclass
class FakeJob:
    """What PTB's run_once returns; remembers whether it was cancelled."""

    callback: Callback
    when: float
    name: str | None
    removed: bool = False

    def schedule_removal(self) -> None:
        self.removed = True


@dataclass
class FakeJobQueue:
    """Records run_once calls instead of running anything."""

    jobs: list[FakeJob] = field(default_factory=list)

    def run_once(self, callback: Callback, when: float, *, name: str | None = None) -> FakeJob:
        job = FakeJob(callback, when, name)
        self.jobs.append(job)
        return job

    @property
    def live(self) -> list[FakeJob]:
        return [j for j in self.jobs if not j.removed]

    async def run_latest(self) -> None:
        """Fire the most recently scheduled job, as the job queue would when it is due."""
        await self.jobs[-1].callback(None)


@dataclass
class FakeSweeper:
    """Counts sweeps; reports a configurable next due time; can be made to fail."""

    next_due: datetime | None = None
    fail_sweep: bool = False
    fail_next_due: bool = False
    sweeps: int = 0

    async def sweep(self, max_batches: int | None = None) -> SweepReport:
        self.sweeps += 1
        if self.fail_sweep:
            raise RuntimeError("database is locked")
        return SweepReport(applied=1)

    async def next_due_at(self) -> datetime | None:
        if self.fail_next_due:
            raise RuntimeError("store closed")
        return self.next_due


@pytest.fixture
def queue() -> FakeJobQueue:
    return FakeJobQueue()


@pytest.fixture
def sweeper() -> FakeSweeper:
    return FakeSweeper()


@pytest.fixture
def wakeup(sweeper: FakeSweeper, clock: ManualClock) -> WakeUp:
    return WakeUp(sweeper, clock, poll=POLL)


def test_attaching_schedules_one_immediate_sweep(wakeup: WakeUp, queue: FakeJobQueue) -> None:
    wakeup.attach(queue)

    assert [(j.when, j.name) for j in queue.jobs] == [(0.0, JOB_NAME)]


async def test_the_first_run_sweeps_and_then_sleeps_until_the_next_due_time(
    wakeup: WakeUp, queue: FakeJobQueue, sweeper: FakeSweeper, clock: ManualClock
) -> None:
    sweeper.next_due = clock.now() + timedelta(seconds=25)
    wakeup.attach(queue)

    await queue.run_latest()

    assert sweeper.sweeps == 1
    assert [j.when for j in queue.jobs] == [0.0, 25.0]
    assert len(queue.live) == 2 and queue.jobs[-1].name == JOB_NAME


@pytest.mark.parametrize(
    ("due_in", "expected_wait"),
    [
        (timedelta(hours=5), 60.0),  # far away: the safety poll comes first
        (None, 60.0),  # nothing pending at all: poll
        (timedelta(seconds=-30), 0.0),  # already overdue: at once
        (timedelta(milliseconds=1500), 1.5),
    ],
    ids=["far away", "nothing pending", "overdue", "soon"],
)
async def test_the_next_wake_up_is_the_next_due_time_clamped_to_the_poll_interval(
    wakeup: WakeUp,
    queue: FakeJobQueue,
    sweeper: FakeSweeper,
    clock: ManualClock,
    due_in: timedelta | None,
    expected_wait: float,
) -> None:
    sweeper.next_due = None if due_in is None else clock.now() + due_in
    wakeup.attach(queue)

    await queue.run_latest()

    assert queue.jobs[-1].when == expected_wait


async def test_a_poke_brings_a_distant_wake_up_forward_and_cancels_the_old_job(
    wakeup: WakeUp, queue: FakeJobQueue, sweeper: FakeSweeper
) -> None:
    wakeup.attach(queue)
    await queue.run_latest()  # sleeps for the poll interval now
    sleeping = queue.jobs[-1]
    assert sleeping.when == 60.0

    wakeup.poke()

    assert sleeping.removed
    assert [j.when for j in queue.live] == [0.0, 0.0]  # the spent first job, and the new one
    assert queue.jobs[-1].when == 0.0


async def test_pokes_are_coalesced_while_a_wake_up_is_already_due(
    wakeup: WakeUp, queue: FakeJobQueue, clock: ManualClock
) -> None:
    wakeup.attach(queue)
    wakeup.poke()
    wakeup.poke()

    assert len(queue.jobs) == 1

    clock.advance(timedelta(seconds=1))  # still due (not yet run): no new job either
    wakeup.poke()
    assert len(queue.jobs) == 1


def test_a_poke_before_attaching_does_nothing(wakeup: WakeUp, queue: FakeJobQueue) -> None:
    wakeup.poke()

    assert queue.jobs == []


async def test_a_failing_sweep_is_logged_and_tried_again_later(
    wakeup: WakeUp,
    queue: FakeJobQueue,
    sweeper: FakeSweeper,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sweeper.fail_sweep = True
    sweeper.next_due = clock.now() - timedelta(minutes=5)  # the due work is still there
    wakeup.attach(queue)

    with caplog.at_level(logging.ERROR, logger="scheduler.wakeup"):
        await queue.run_latest()

    assert sweeper.sweeps == 1
    assert any("sweep failed" in r.getMessage() and r.exc_info for r in caplog.records)
    assert [j.when for j in queue.jobs] == [0.0, 0.0]

    sweeper.fail_sweep = False
    await queue.run_latest()
    assert sweeper.sweeps == 2


async def test_a_store_that_cannot_say_what_is_next_falls_back_to_the_poll(
    wakeup: WakeUp, queue: FakeJobQueue, sweeper: FakeSweeper
) -> None:
    sweeper.fail_next_due = True
    wakeup.attach(queue)

    await queue.run_latest()

    assert queue.jobs[-1].when == 60.0


async def test_the_after_sweep_hook_runs_after_each_sweep(
    sweeper: FakeSweeper, queue: FakeJobQueue, clock: ManualClock
) -> None:
    seen: list[int] = []

    async def after() -> None:
        seen.append(sweeper.sweeps)

    wakeup = WakeUp(sweeper, clock, poll=POLL, after_sweep=after)
    wakeup.attach(queue)
    await queue.run_latest()
    await queue.run_latest()

    assert seen == [1, 2]
