"""Linking a marketplace account to a Telegram user: the one-time link's token.

A token travels as Telegram's /start payload (`link_<token>`: at most 64 characters of
[A-Za-z0-9_-]), so it cannot carry the account (up to 200 characters). It carries a random
nonce naming the issued link (the store keeps the nonce's account and marks it used once),
its expiry, and an HMAC-SHA256 over nonce, expiry and account: a token cannot be guessed,
changed or moved to another account, and its expiry cannot be stretched. Pure: the secret,
the nonce and `now` are arguments.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.errors import InvalidInput, LinkExpired, LinkForged

PREFIX = "link_"
NONCE_BYTES = 12
EXPIRY_BYTES = 5  # seconds since 1970: enough for 34 000 years
MAC_BYTES = 16
TOKEN_CHARS = 44  # base64url of 33 bytes, no padding
MAX_PAYLOAD = 64  # Telegram's /start payload
MAX_ACCOUNT = 200
assert len(PREFIX) + TOKEN_CHARS <= MAX_PAYLOAD


@dataclass(frozen=True)
class LinkToken:
    """What a token says: which issued link, until when, and its signature."""

    nonce: str  # hex, names the issued link in the store
    expires_at: datetime
    mac: bytes


def normalize_account(text: str) -> str:
    """A marketplace account id as given: 1 to 200 printable characters, no outer spaces."""
    account = text.strip()
    if not account or len(account) > MAX_ACCOUNT or not account.isprintable():
        raise InvalidInput(
            f"An account is 1 to {MAX_ACCOUNT} printable characters, like 'user-1001'."
        )
    return account


def _mac(secret: bytes, nonce: bytes, expiry: bytes, account: str) -> bytes:
    message = b"kchat-link-v1\x00" + nonce + expiry + account.encode()
    return hmac.new(secret, message, hashlib.sha256).digest()[:MAC_BYTES]


def _expiry(expires_at: datetime) -> bytes:
    return int(expires_at.timestamp()).to_bytes(EXPIRY_BYTES, "big")


def sign_link(secret: bytes, nonce: bytes, account: str, expires_at: datetime) -> str:
    """The start payload `link_<token>` for `account`, valid until `expires_at`."""
    if len(nonce) != NONCE_BYTES:
        raise ValueError(f"a nonce is {NONCE_BYTES} bytes")
    expiry = _expiry(expires_at)
    raw = nonce + expiry + _mac(secret, nonce, expiry, account)
    return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_link(payload: str) -> LinkToken:
    """The parts of a start payload; LinkForged for anything not shaped like a token."""
    body = payload.removeprefix(PREFIX)
    if not payload.startswith(PREFIX) or len(body) != TOKEN_CHARS or not body.isascii():
        raise LinkForged()
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise LinkForged() from None
    # Only the exact encoding is accepted (no second spelling of the same bytes).
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != body:
        raise LinkForged()
    nonce, rest = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    expiry, mac = rest[:EXPIRY_BYTES], rest[EXPIRY_BYTES:]
    seconds = int.from_bytes(expiry, "big")
    try:
        expires_at = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, ValueError, OSError):
        raise LinkForged() from None
    return LinkToken(nonce.hex(), expires_at, mac)


def verify_link(secret: bytes, token: LinkToken, account: str, now: datetime) -> None:
    """LinkForged unless the token was signed with `secret` for `account`; LinkExpired when
    it was, but its time is over (a forgery is never told it merely expired)."""
    nonce = bytes.fromhex(token.nonce)
    expected = _mac(secret, nonce, _expiry(token.expires_at), account)
    if not hmac.compare_digest(expected, token.mac):
        raise LinkForged()
    if now >= token.expires_at:
        raise LinkExpired()


def link_url(bot_username: str, payload: str) -> str:
    """The t.me link that opens the bot with the payload."""
    return f"https://t.me/{bot_username}?start={payload}"


@dataclass(frozen=True)
class Party:
    """A buyer or seller as the marketplace names them: a Telegram id or its own account."""

    telegram_id: int | None = None
    account: str | None = None

    def __post_init__(self) -> None:
        if (self.telegram_id is None) == (self.account is None):
            raise ValueError("a party is a Telegram id or an account, one of the two")
