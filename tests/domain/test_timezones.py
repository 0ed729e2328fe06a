"""Time zones as people write them: offsets with the right sign, abbreviations, places."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from bot.domain.timezones import PART_HOURS, offset_label, parse_zone

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # no daylight saving in the zones below


@cache
def known() -> dict[str, str]:
    names: dict[str, str] = {}
    for name in available_timezones():
        names.setdefault(name.lower(), name)
        names.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").lower(), name)
    return names


def offset_of(name: str) -> timedelta:
    offset = ZoneInfo(name).utcoffset(NOW)
    assert offset is not None
    return offset


@given(st.integers(-12, 14), st.sampled_from(["UTC{s}{h}", "GMT{s}{h}", "{s}{h}", "{s}{hh}:00",
                                               "utc {s} {h}", "{s}{hh}00"]))  # fmt: skip
def test_every_whole_hour_offset_means_that_offset_never_its_mirror(hours: int, form: str) -> None:
    sign = "-" if hours < 0 else "+"
    text = form.format(s=sign, h=abs(hours), hh=f"{abs(hours):02d}")
    assert offset_of(parse_zone(text, known())) == timedelta(hours=hours)


def test_gmt_plus_seven_is_seven_hours_east_not_west() -> None:
    assert parse_zone("GMT+7", known()) == "Etc/GMT-7"
    assert offset_of("Etc/GMT-7") == timedelta(hours=7)


@pytest.mark.parametrize(("hours", "minutes"), sorted(PART_HOURS))
def test_offsets_that_are_not_whole_hours_map_to_a_place_that_keeps_them(
    hours: int, minutes: int
) -> None:
    sign = "+" if hours > 0 else "-"
    zone = parse_zone(f"UTC{sign}{abs(hours)}:{minutes:02d}", known())
    expected = timedelta(hours=hours) + timedelta(minutes=minutes if hours > 0 else -minutes)
    if zone != "America/St_Johns":  # it keeps daylight saving; in January it is standard
        assert offset_of(zone) == expected
    assert parse_zone(f"{sign}{abs(hours):02d}{minutes:02d}", known()) == zone


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("MYT", "Asia/Kuala_Lumpur"),
        ("Malaysia", "Asia/Kuala_Lumpur"),
        ("KL", "Asia/Kuala_Lumpur"),
        ("kuala lumpur", "Asia/Kuala_Lumpur"),
        ("WIB", "Asia/Jakarta"),
        ("Jakarta", "Asia/Jakarta"),
        ("asia/jakarta", "Asia/Jakarta"),
        ("  Asia/Jakarta ", "Asia/Jakarta"),
        ("SGT", "Asia/Singapore"),
        ("Ho Chi Minh", "Asia/Ho_Chi_Minh"),
        ("UTC", "UTC"),
        ("+0", "UTC"),
    ],
)
def test_unambiguous_names_are_read(typed: str, zone: str) -> None:
    assert parse_zone(typed, known()) == zone


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("IST", "India (Asia/Kolkata), Israel"),
        ("Indonesia", "Jakarta (WIB), Makassar (WITA)"),
        ("UTC+15", "No time zone keeps UTC+15:00"),
        ("GMT-13", "No time zone keeps UTC-13:00"),
        ("+5:15", "No time zone keeps UTC+5:15"),
        ("Mars/Olympus", "I don't know that time zone"),
        ("", "Send a time zone"),
    ],
)
def test_what_is_ambiguous_or_unknown_is_refused_with_what_to_write(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=r"like Asia/Jakarta|send one of those") as refused:
        parse_zone(typed, known())
    assert says in str(refused.value)


def test_offsets_read_as_people_write_them() -> None:
    assert [offset_label(m) for m in (0, 420, -210, 345)] == [
        "UTC",
        "UTC+7",
        "UTC-3:30",
        "UTC+5:45",
    ]
