"""The marketplace's time rules (DESIGN.md §1), as values handed to the core."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict


class Policy(BaseModel):
    """Every window and reminder lead time; built from settings, defaults are the FAQ's."""

    model_config = ConfigDict(frozen=True)

    payment_window: timedelta = timedelta(hours=1)
    delivery_window: timedelta = timedelta(hours=72)
    confirm_window: timedelta = timedelta(hours=72)
    refund_min_age: timedelta = timedelta(hours=1)
    refund_response_undelivered: timedelta = timedelta(hours=6)
    refund_response_delivered: timedelta = timedelta(hours=24)
    payment_reminder_leads: tuple[timedelta, ...] = (timedelta(minutes=15),)
    delivery_reminder_leads: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=6))
    confirm_reminder_leads: tuple[timedelta, ...] = (timedelta(hours=24),)
    refund_reminder_leads: tuple[timedelta, ...] = (timedelta(hours=1),)


def spoken(duration: timedelta) -> str:
    """A window as people say it: `1 hour`, `90 minutes` → `1 hour 30 minutes`, `3 days`."""
    seconds = int(duration.total_seconds())
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    parts = []
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return " ".join(parts[:2])  # "2 days 3 hours": the minutes no longer matter
