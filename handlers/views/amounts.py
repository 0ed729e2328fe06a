"""Amounts as the reader writes them: "MYR 12.50" in English, "RM12.50" in Malay (Babel's
currency formats for the reader's language)."""

from __future__ import annotations

import re
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency

from bot.domain.money import display, exponent
from handlers.views.i18n import speaking_now

# An amount as the core writes it into news and refusals (`bot.domain.money.display`).
_DISPLAYED = re.compile(r"([A-Z]{3}) (-?\d+(?:\.\d+)?)")


def money(minor: int, currency: str) -> str:
    """`minor` units of `currency` for the person being spoken to."""
    language = speaking_now()
    if language is None:
        return display(minor, currency)
    try:
        locale = Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        return display(minor, currency)
    value = Decimal(minor).scaleb(-exponent(currency))
    return format_currency(value, currency, locale=locale)


def shown_amount(text: str) -> str:
    """An amount the core wrote ("MYR 12.50") as the reader writes it; other text as is."""
    found = _DISPLAYED.fullmatch(text)
    if found is None or speaking_now() is None:
        return text
    currency, number = found.groups()
    minor = int(Decimal(number).scaleb(exponent(currency)))
    return money(minor, currency)
