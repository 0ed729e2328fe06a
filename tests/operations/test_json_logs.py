"""KCHAT_LOG_FORMAT=json: one JSON object a line, with time, level, logger, message, and the
exception's text when there is one."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime

from bot.log_format import JsonLines, log_handler


def _record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise RuntimeError("the disk is\nfull")
        except RuntimeError:
            info = sys.exc_info()
    return logging.LogRecord("bot.app", logging.ERROR, __file__, 7, msg, args, info)


def test_a_record_is_one_line_of_json_with_the_fields_a_collector_reads() -> None:
    line = JsonLines().format(_record("sweep of %d deadlines", 3))
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message"}
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "ERROR",
        "bot.app",
        "sweep of 3 deadlines",
    )
    assert datetime.fromisoformat(entry["time"]).utcoffset() is not None


def test_an_exception_travels_in_its_own_field_and_newlines_stay_inside_the_line() -> None:
    line = JsonLines().format(_record("failed:\nsee below", exc=True))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed:\nsee below"
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith("RuntimeError: the disk is\nfull")


def test_the_setting_picks_the_formatter() -> None:
    assert isinstance(log_handler("json").formatter, JsonLines)
    text = log_handler("text").formatter
    assert text is not None and not isinstance(text, JsonLines)
    assert text.format(_record("plain")).endswith(" ERROR bot.app: plain")
