"""Typed amounts: what is accepted is exact, what would be rounded or misread is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import InvalidAmount
from bot.domain.money import MAX_MINOR, exponent, format_amount, parse_amount

CURRENCIES = ["MYR", "USD", "SGD", "JPY", "KWD", "IDR"]


@given(st.integers(1, MAX_MINOR), st.sampled_from(CURRENCIES))
def test_every_formatted_amount_parses_back_exactly(minor: int, currency: str) -> None:
    assert parse_amount(format_amount(minor, currency), currency) == minor
    assert parse_amount(f"{currency} {format_amount(minor, currency)}", currency) == minor
    assert parse_amount(f"{format_amount(minor, currency)} {currency.lower()}", currency) == minor


@given(st.text(max_size=60), st.sampled_from(CURRENCIES))
def test_any_text_is_an_exact_amount_in_range_or_a_clear_refusal(text: str, currency: str) -> None:
    try:
        minor = parse_amount(text, currency)
    except InvalidAmount as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert 0 < minor <= MAX_MINOR


@given(st.integers(0, 10**6), st.integers(1, 9), st.sampled_from(CURRENCIES))
def test_more_decimals_than_the_currency_has_are_refused_not_rounded(
    whole: int, last: int, currency: str
) -> None:
    text = f"{whole}.{'0' * exponent(currency)}{last}"
    with pytest.raises(InvalidAmount, match=r"decimal places|whole numbers"):
        parse_amount(text, currency)


@pytest.mark.parametrize(
    "text",
    [
        "1.0000000000000000000000000001",  # 29 significant digits: Decimal would round it
        "12345678901234567890123456789.5",
        "$12",  # another currency's symbol on a MYR order
        "US$ 12",
        "12 USD",
        "S$12",
        "12,50",  # a decimal comma, or 1,250? Refused rather than guessed
        "1,0",
        "1,2345",
        "١٢",  # Arabic-Indic digits
        "１２",  # full-width digits
        "1e3",
        "1E3",
        "NaN",
        "Infinity",
        "-5",
        "+5",
        "0",
        "0.00",
        "RM",
        "",
        "1.",
        "1..2",
        "10000000000.01",  # over MAX_MINOR
        "9" * 33,
    ],
)
def test_amounts_that_would_be_rounded_or_misread_are_refused(text: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_amount(text, "MYR")


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12.50", 1250),
        ("RM12.50", 1250),
        ("rm 12.5", 1250),
        ("MYR 12", 1200),
        ("12 MYR", 1200),
        ("12.50 RM", 1250),
        ("1,000", 100000),
        ("1,000,000.01", 100000001),
        (".5", 50),
        ("12.500", 1250),  # a trailing zero rounds nothing
        ("  7  ", 700),
    ],
)
def test_the_orders_own_currency_mark_and_plain_numbers_are_accepted(text: str, minor: int) -> None:
    assert parse_amount(text, "MYR") == minor


def test_a_dollar_amount_is_accepted_on_a_dollar_order() -> None:
    assert parse_amount("$12", "USD") == 1200
    assert parse_amount("US$ 12.5", "USD") == 1250
