"""What people type for a time zone is read as the zone they mean, or refused with examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from bot.domain.timezones import (
    FRACTIONAL,
    catalogue,
    offset_text,
    parse_zone,
    zone_for_offset,
    zone_label,
)

# From 2023: the bot shows times from now on, and the zones it reads offsets as keep those
# offsets from then (Asia/Tehran, UTC+3:30, kept summer time until September 2022).
instants = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


def _offset(zone: str, at: datetime) -> timedelta:
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    assert offset is not None
    return offset


@given(
    hours=st.integers(-12, 14),
    form=st.sampled_from(["UTC{h:+d}", "GMT{h:+d}", "{h:+d}", "{h:+03d}:00", "{h:+03d}00"]),
    upper=st.booleans(),
    at=instants,
)
def test_every_whole_hour_offset_is_read_with_its_own_sign(
    hours: int, form: str, upper: bool, at: datetime
) -> None:
    typed = form.format(h=hours)
    zone = parse_zone(typed.upper() if upper else typed.lower())
    assert _offset(zone, at) == timedelta(hours=hours)
    assert zone_label(zone) == offset_text(timedelta(hours=hours))


@given(quarters=st.integers(-12 * 4, 14 * 4), at=instants)
def test_an_offset_is_either_read_exactly_or_refused(quarters: int, at: datetime) -> None:
    minutes = quarters * 15
    hours, mins = divmod(abs(minutes), 60)
    typed = f"UTC{'-' if minutes < 0 else '+'}{hours}:{mins:02d}"
    try:
        zone = parse_zone(typed)
    except InvalidInput as exc:
        assert minutes % 60 and minutes not in FRACTIONAL
        assert "No time zone uses" in exc.message
        return
    assert _offset(zone, at) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("GMT+8", "Etc/GMT-8"),
        ("UTC+8", "Etc/GMT-8"),
        ("GMT+7", "Etc/GMT-7"),
        ("+8", "Etc/GMT-8"),
        ("+08:00", "Etc/GMT-8"),
        ("+0530", "Asia/Kolkata"),
        ("UTC+5:30", "Asia/Kolkata"),
        ("utc \u2212 3", "Etc/GMT+3"),
        ("MYT", "Asia/Kuala_Lumpur"),
        ("wib", "Asia/Jakarta"),
        ("SGT", "Asia/Singapore"),
        ("Malaysia", "Asia/Kuala_Lumpur"),
        ("KL", "Asia/Kuala_Lumpur"),
        ("Kuala Lumpur", "Asia/Kuala_Lumpur"),
        ("kuala_lumpur", "Asia/Kuala_Lumpur"),
        ("JAKARTA", "Asia/Jakarta"),
        ("Singapore", "Asia/Singapore"),
        ("asia/jakarta", "Asia/Jakarta"),
        ("ho chi minh", "Asia/Ho_Chi_Minh"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("utc", "UTC"),
    ],
)
def test_what_people_write_is_read_as_the_zone_they_mean(typed: str, zone: str) -> None:
    assert parse_zone(typed) == zone


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("IST", "India, Ireland and Israel"),
        ("cst", "China"),
        ("Indonesia", "WIB (Jakarta)"),
        ("Etc/GMT+7", "/timezone UTC+7 or /timezone UTC-7"),
        ("utc+15", "No time zone uses UTC+15"),
        ("+5:20", "No time zone uses UTC+5:20"),
        ("8", "/timezone UTC+8"),
        ("Mars/Olympus_Mons", "/timezone Jakarta"),
        ("localtime", "/timezone Jakarta"),
        ("", "/timezone Jakarta"),
        ("x" * 100, "/timezone Jakarta"),
    ],
)
def test_what_is_unknown_or_ambiguous_is_refused_with_examples(typed: str, why: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_zone(typed)
    assert why in refused.value.message


def test_every_zone_offered_loads_and_is_read_back_as_itself() -> None:
    for zone in catalogue():
        ZoneInfo(zone)
        assert parse_zone(zone_label(zone)) == zone
    assert len(set(catalogue())) == len(catalogue())


def test_no_zone_is_offered_for_an_offset_the_world_does_not_use() -> None:
    assert zone_for_offset(15 * 60) is None and zone_for_offset(-13 * 60) is None
    assert zone_for_offset(0) == "UTC" and zone_for_offset(7 * 60) == "Etc/GMT-7"
