"""Money as integer minor units; parsing and formatting of user-typed amounts."""

from __future__ import annotations

import re

from bot.domain.errors import InvalidAmount, Words

# ISO 4217 exponents for the currencies the marketplace is likely to see; others use 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "IDR": 2, "BHD": 3, "KWD": 3}
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Digits 0-9 only (not other scripts' digits); commas only as thousands separators.
_TYPED = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+")
_MAX_TYPED = 32  # characters: far more than any real amount, and a bound on the work
MAX_MINOR = 10**12  # far above any real order; keeps arithmetic and storage bounded
# Symbols people type for a currency, besides its code; only the order's own are accepted.
_SYMBOLS: dict[str, tuple[str, ...]] = {
    "MYR": ("RM",),
    "USD": ("US$", "$"),
    "SGD": ("S$",),
    "IDR": ("Rp",),
    "THB": ("฿",),
    "PHP": ("₱",),
    "EUR": ("€",),
    "GBP": ("£",),
    "JPY": ("¥",),
}


def exponent(currency: str) -> int:
    """Number of decimal places of `currency`."""
    return _EXPONENTS.get(currency, 2)


def normalize_currency(code: str) -> str:
    """Upper-case ISO 4217 code, or InvalidAmount."""
    c = code.strip().upper()
    if not _CURRENCY.match(c):
        raise InvalidAmount(Words("'{code}' is not a currency code (like MYR)."), code=code)
    return c


def parse_amount(text: str, currency: str) -> int:
    """Parse a typed amount ("12.50", "RM 12.5", "12 MYR", "1,000") into minor units.

    Refused, never guessed: anything that would be rounded (more decimals than the currency
    has), another currency's symbol or code ("$12" on a MYR order), exponents, signs, NaN
    and infinity, digits from other scripts, a comma that is not a thousands separator
    ("12,50" could mean either), zero, and amounts beyond MAX_MINOR.
    """
    raw = _strip_currency(" ".join(text.split()), currency)
    if len(raw) > _MAX_TYPED or not _TYPED.fullmatch(raw):
        raise InvalidAmount(
            Words("'{text}' is not an amount in {currency}. Write it like {example}."),
            text=_shown(text),
            currency=currency,
            example=format_amount(1250 * 10 ** max(exponent(currency) - 2, 0), currency),
        )
    whole, _, fraction = raw.replace(",", "").partition(".")
    places = exponent(currency)
    fraction = fraction.rstrip("0")
    if len(fraction) > places:
        if places:
            raise InvalidAmount(
                Words("{currency} amounts have at most {places} decimal places."),
                currency=currency,
                places=places,
            )
        raise InvalidAmount(Words("{currency} amounts are whole numbers."), currency=currency)
    scale: int = 10**places
    minor = int(whole or "0") * scale + (int(fraction.ljust(places, "0")) if places else 0)
    if minor <= 0:
        raise InvalidAmount(Words("The amount must be more than zero."))
    if minor > MAX_MINOR:
        raise InvalidAmount(Words("That amount is too large."))
    return minor


def _strip_currency(raw: str, currency: str) -> str:
    """The number without the order's own currency code or symbol, before or after it.

    Another currency's mark is left in place, so the amount is refused rather than taken
    in the wrong currency.
    """
    marks = sorted((currency, *_SYMBOLS.get(currency, ())), key=len, reverse=True)
    upper = raw.upper()
    for mark in marks:
        m = mark.upper()
        if upper.startswith(m):
            return raw[len(m) :].strip()
        if upper.endswith(m):
            return raw[: -len(m)].strip()
    return raw


def _shown(text: str) -> str:
    """A typed amount repeated back in a refusal: short and on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 24 else flat[:23] + "…"


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
