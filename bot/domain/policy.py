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
