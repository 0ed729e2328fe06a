"""The one-time link's token: signed for one account, expiring, and unforgeable."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput, LinkExpired, LinkForged
from bot.domain.linking import (
    MAX_PAYLOAD,
    NONCE_BYTES,
    Party,
    link_url,
    normalize_account,
    read_link,
    sign_link,
    verify_link,
)

SECRET = b"k" * 32
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")

accounts = st.text(min_size=1, max_size=200).filter(lambda a: a.strip() == a and a.isprintable())
nonces = st.binary(min_size=NONCE_BYTES, max_size=NONCE_BYTES)
secrets_ = st.binary(min_size=16, max_size=64)


@given(secret=secrets_, nonce=nonces, account=accounts, ttl=st.integers(1, 10**8))
def test_a_signed_link_fits_the_start_payload_and_verifies_until_it_expires(
    secret: bytes, nonce: bytes, account: str, ttl: int
) -> None:
    expires_at = NOW + timedelta(seconds=ttl)
    payload = sign_link(secret, nonce, account, expires_at)
    assert START_PAYLOAD.fullmatch(payload) and len(payload) <= MAX_PAYLOAD
    token = read_link(payload)
    assert token.nonce == nonce.hex() and token.expires_at == expires_at
    verify_link(secret, token, account, NOW)
    verify_link(secret, token, account, expires_at - timedelta(seconds=1))
    with pytest.raises(LinkExpired):
        verify_link(secret, token, account, expires_at)


@given(nonce=nonces, account=accounts, other=accounts)
def test_a_link_is_for_its_own_account_only(nonce: bytes, account: str, other: str) -> None:
    token = read_link(sign_link(SECRET, nonce, account, LATER))
    if other != account:
        with pytest.raises(LinkForged):
            verify_link(SECRET, token, other, NOW)


@given(nonce=nonces, account=accounts, secret=secrets_)
def test_another_key_does_not_verify(nonce: bytes, account: str, secret: bytes) -> None:
    token = read_link(sign_link(secret, nonce, account, LATER))
    if secret != SECRET:
        with pytest.raises(LinkForged):
            verify_link(SECRET, token, account, NOW)


@given(nonce=nonces, account=accounts, at=st.integers(5, 48), char=st.sampled_from("AQgw-_09"))
def test_any_changed_character_is_a_forgery_never_merely_expired(
    nonce: bytes, account: str, at: int, char: str
) -> None:
    payload = sign_link(SECRET, nonce, account, LATER)
    position = at % len(payload)
    changed = payload[:position] + char + payload[position + 1 :]
    if changed == payload:
        return
    with pytest.raises(LinkForged):
        verify_link(SECRET, read_link(changed), account, LATER + timedelta(days=1))


@given(st.text(max_size=80))
def test_anything_else_is_refused_as_forged_without_an_error_of_another_kind(
    text: str,
) -> None:
    try:
        token = read_link(text)
    except LinkForged:
        return
    with pytest.raises(LinkForged):
        verify_link(SECRET, token, "someone", NOW)


def test_a_stretched_expiry_does_not_verify() -> None:
    nonce = bytes(range(NONCE_BYTES))
    honest = sign_link(SECRET, nonce, "user-1", LATER)
    stretched = sign_link(b"x" * 32, nonce, "user-1", LATER + timedelta(days=30))
    token = read_link(honest)
    # The stretched token's expiry with the honest token's signature.
    mixed = read_link(stretched).__class__(token.nonce, LATER + timedelta(days=30), token.mac)
    with pytest.raises(LinkForged):
        verify_link(SECRET, mixed, "user-1", NOW)


def test_the_url_opens_the_bot_with_the_payload() -> None:
    assert link_url("kchat_bot", "link_abc") == "https://t.me/kchat_bot?start=link_abc"


@pytest.mark.parametrize("bad", ["", "   ", "a\nb", "x" * 201, "tab\there"])
def test_an_account_is_printable_text_of_reasonable_length(bad: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_account(bad)


def test_an_account_keeps_its_spelling_without_outer_spaces() -> None:
    assert normalize_account("  Shop-User 7 ") == "Shop-User 7"


def test_a_party_is_one_of_telegram_id_or_account() -> None:
    with pytest.raises(ValueError):
        Party()
    with pytest.raises(ValueError):
        Party(telegram_id=1, account="a")
    assert Party(account="a").telegram_id is None
