"""Stored timestamps: fixed-width UTC text, read back exactly, anything else refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.timefmt import from_db, to_db

instants = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)


@given(instants, st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_an_instant_is_stored_as_fixed_width_utc_and_read_back_exactly(
    instant: datetime, offset_minutes: int
) -> None:
    local = instant.astimezone(timezone(timedelta(minutes=offset_minutes)))
    stored = to_db(local)
    assert len(stored) == 27 and stored.endswith("Z")
    assert from_db(stored) == instant and from_db(stored).tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-05T09:00:00Z",
        "2026-01-05 09:00:00.000000Z",
        "2026-01-05T09:00:00.000000+00:00",
        "2026-01-05T09:00:00.000000z0",
        "2026-13-05T09:00:00.000000Z",
        "",
    ],
)
def test_anything_but_the_stored_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        from_db(text)


def test_a_naive_datetime_is_not_stored() -> None:
    with pytest.raises(ValueError):
        to_db(datetime(2026, 1, 5, 9))
