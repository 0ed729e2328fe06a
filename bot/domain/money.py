"""Money as integer minor units; parsing and formatting of user-typed amounts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.domain.errors import InvalidAmount

# ISO 4217 exponents for the currencies the marketplace is likely to see; others use 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "IDR": 2, "BHD": 3, "KWD": 3}
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")
MAX_MINOR = 10**12  # far above any real order; keeps arithmetic and storage bounded


def exponent(currency: str) -> int:
    """Number of decimal places of `currency`."""
    return _EXPONENTS.get(currency, 2)


def normalize_currency(code: str) -> str:
    """Upper-case ISO 4217 code, or InvalidAmount."""
    c = code.strip().upper()
    if not _CURRENCY.match(c):
        raise InvalidAmount(f"'{code}' is not a currency code (like MYR).")
    return c


def parse_amount(text: str, currency: str) -> int:
    """Parse a typed amount ("12.50", "RM 12.5", "12") into minor units; must be positive."""
    raw = text.strip().replace(",", "")
    for prefix in ("RM", currency, "$"):
        if raw.upper().startswith(prefix.upper()):
            raw = raw[len(prefix) :].strip()
    if not _AMOUNT.match(raw):
        raise InvalidAmount(f"'{text}' is not an amount. Write it like 12.50.")
    places = exponent(currency)
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise InvalidAmount(f"'{text}' is not an amount.") from exc
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{currency} amounts have at most {places} decimal places.")
    minor = int(scaled)
    if minor <= 0:
        raise InvalidAmount("The amount must be more than zero.")
    if minor > MAX_MINOR:
        raise InvalidAmount("That amount is too large.")
    return minor


def format_amount(minor: int, currency: str) -> str:
    """Minor units as a plain decimal string ("12.50")."""
    places = exponent(currency)
    if places == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def display(minor: int, currency: str) -> str:
    """Amount with its currency for people ("MYR 12.50")."""
    return f"{currency} {format_amount(minor, currency)}"
