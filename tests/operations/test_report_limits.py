"""Reports to a chat on a fake clock: the same error at most once per period, at most so many
an hour, and the next message that goes out says how many were held back."""

from __future__ import annotations

import logging
import re
import sys
from datetime import timedelta

from bot.clock import ManualClock
from bot.domain.errors import InvalidAmount
from bot.domain.money import parse_amount
from handlers.delivery.operator_chat import ChatReporter, ReportLimit, describe

MINUTE = timedelta(minutes=1)


def reporter(clock: ManualClock, repeat_every: timedelta, per_hour: int) -> ChatReporter:
    # `take` decides without sending: no bot is needed.
    return ChatReporter(None, -100, clock, ReportLimit(repeat_every, per_hour))  # type: ignore[arg-type]


def test_the_same_error_goes_out_once_per_period_and_then_says_how_many_were_held_back() -> None:
    clock = ManualClock()
    r = reporter(clock, 10 * MINUTE, per_hour=100)
    assert r.take("disk full") == "disk full"
    for _ in range(3):
        clock.advance(MINUTE)
        assert r.take("disk full") is None
    assert r.take("another error") == (
        "another error\n\n(3 more reports were held back since the last one: see the log.)"
    )
    clock.advance(7 * MINUTE)  # 10 minutes after the first "disk full"
    assert r.take("disk full") == "disk full"


def test_no_more_than_the_hourly_cap_goes_out_in_any_hour() -> None:
    clock = ManualClock()
    r = reporter(clock, MINUTE, per_hour=3)
    sent = []
    for n in range(10):  # a different error every 5 minutes
        sent.append(r.take(f"error {n}"))
        clock.advance(5 * MINUTE)
    assert sent[:3] == ["error 0", "error 1", "error 2"]
    assert sent[3:] == [None] * 7
    # The first went out 50 minutes ago: ten more minutes, and one more may go.
    clock.advance(10 * MINUTE)
    assert r.take("error 10") == (
        "error 10\n\n(7 more reports were held back since the last one: see the log.)"
    )
    assert r.take("error 11") is None


def test_a_gap_between_any_two_reports_keeps_the_support_group_quiet() -> None:
    limit = ReportLimit(10 * MINUTE, per_hour=6, gap=10 * MINUTE)
    clock = ManualClock()
    assert limit.admit("a", clock.now()) == 0
    clock.advance(9 * MINUTE)
    assert limit.admit("b", clock.now()) is None
    clock.advance(MINUTE)
    assert limit.admit("b", clock.now()) == 1


def test_a_key_makes_differently_worded_reports_of_one_error_the_same() -> None:
    clock = ManualClock()
    r = reporter(clock, 10 * MINUTE, per_hour=100)
    assert r.take("while handling update 1: boom", key="ValueError: boom") is not None
    assert r.take("while handling update 2: boom", key="ValueError: boom") is None


def test_a_long_report_is_cut_to_what_telegram_takes() -> None:
    r = reporter(ManualClock(), MINUTE, per_hour=10)
    message = r.take("x" * 10_000)
    assert message is not None and len(message) == 4096 and message.endswith("…")


def _logged(name: str, msg: str, *args: object) -> logging.LogRecord:
    """A record of `msg` with the exception being handled, as `log.exception` makes one."""
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, sys.exc_info())


def test_an_error_is_described_by_its_logger_exception_and_place_in_our_code() -> None:
    try:
        parse_amount("abc", "MYR")
    except InvalidAmount:
        record = _logged("handlers.inbound.orders", "error in %s", "x")
    key, text = describe(record)
    error = "bot.domain.errors.InvalidAmount: 'abc' is not an amount in MYR. Write it like 12.50."
    assert key == f"handlers.inbound.orders: {error}"
    lines = text.splitlines()
    assert lines[:3] == ["⚠️ KChat ERROR in handlers.inbound.orders", "error in x", error]
    assert re.fullmatch(r"at bot/domain/money\.py:\d+ in parse_amount", lines[3]), lines[3]
    assert len(lines) == 4


def test_an_error_outside_our_code_is_placed_by_its_file_name() -> None:
    try:
        int("x")
    except ValueError:
        record = _logged("bot.app", "oops")
    where = describe(record)[1].splitlines()[-1]
    assert re.fullmatch(r"at test_report_limits\.py:\d+ in test_an_error_outside_\w+", where)


def test_a_line_without_an_exception_is_its_logger_and_message() -> None:
    plain = logging.LogRecord("bot.app", logging.ERROR, __file__, 1, "disk %d full", (3,), None)
    assert describe(plain) == ("bot.app: disk 3 full", "⚠️ KChat ERROR in bot.app\ndisk 3 full")
