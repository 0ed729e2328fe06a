"""The core's refusals in the reader's language.

The core refuses in English, naming values apart from its words (`bot.domain.errors.Words`):
the words are looked up in the catalogue, and the values put back in, a duration said the
reader's way. A refusal the catalogue does not have stays English.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.errors import DomainError, Words
from handlers.views.amounts import shown_amount
from handlers.views.i18n import _, ngettext


def refusal_text(exc: DomainError) -> str:
    """What the core refused, said to the person being spoken to."""
    text = _(exc.template)
    if not exc.params:
        return text
    return text.format(**{key: _shown(value) for key, value in exc.params.items()})


def _shown(value: object) -> object:
    if isinstance(value, Words):
        return _(value)
    if isinstance(value, timedelta):
        return span(value)
    if isinstance(value, str):
        return shown_amount(value)  # an amount the core wrote, as the reader writes it
    return value


def span(duration: timedelta) -> str:
    """A window as people say it ("1 day", "2 hours 30 minutes"), the two largest parts."""
    seconds = int(duration.total_seconds())
    if seconds < 60:
        return ngettext("{n} second", "{n} seconds", seconds).format(n=seconds)
    parts = []
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(_unit(unit, count))
    return " ".join(parts[:2])


def _unit(unit: str, count: int) -> str:
    if unit == "day":
        return ngettext("{n} day", "{n} days", count).format(n=count)
    if unit == "hour":
        return ngettext("{n} hour", "{n} hours", count).format(n=count)
    return ngettext("{n} minute", "{n} minutes", count).format(n=count)
