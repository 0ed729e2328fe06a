"""The marketplace API's keys: created and revoked by an operator, checked on every request.

A key is `kc_<id>_<secret>`: the id finds the stored row, and only a SHA-256 of the whole
key is kept (the secret has 256 bits of randomness, so a plain hash suffices; a slow hash
is for passwords people choose). The comparison takes constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from bot.clock import Clock
from bot.domain.errors import InvalidInput
from bot.ports.records import ApiKeyRecord
from bot.ports.storage import Storage

SCOPES = ("read", "write", "money")
PREFIX = "kc"
MAX_NAME = 64
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class ApiKeyNotFound(InvalidInput):
    """No key has this id or name."""


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: `key` is shown this once and never again."""

    record: ApiKeyRecord
    key: str


def key_hash(key: str) -> str:
    """What is stored of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_scopes(text: str) -> tuple[str, ...]:
    """Comma-separated scopes, each one of SCOPES (InvalidInput otherwise), in SCOPES' order."""
    given = {s.strip().lower() for s in text.split(",") if s.strip()}
    unknown = sorted(given - set(SCOPES))
    if unknown or not given:
        raise InvalidInput(
            f"scopes {','.join(unknown) or '(none)'}: give one or more of {', '.join(SCOPES)}"
        )
    return tuple(s for s in SCOPES if s in given)


class ApiKeyService:
    """Create, list, revoke and check API keys."""

    def __init__(self, store: Storage, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def create(self, name: str, scopes: tuple[str, ...]) -> NewApiKey:
        """A new key named `name` (unique) with `scopes`."""
        if len(name) > MAX_NAME or not _NAME.fullmatch(name):
            raise InvalidInput(
                f"key name {name[:MAX_NAME]!r}: use letters, digits, '.', '_' or '-' "
                f"(at most {MAX_NAME}, starting with a letter or digit)"
            )
        key_id = secrets.token_hex(6)
        key = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKeyRecord(key_id, name, key_hash(key), scopes, self.clock.now(), None)
        async with self.store.transaction() as tx:
            if not await tx.insert_api_key(record):
                raise InvalidInput(f"an API key named {name!r} exists already")
        return NewApiKey(record, key)

    async def all(self) -> list[ApiKeyRecord]:
        """Every key, revoked ones too, oldest first."""
        async with self.store.read() as tx:
            return await tx.api_keys()

    async def revoke(self, id_or_name: str) -> ApiKeyRecord:
        """Revoke a key by id or name: from now on it is refused (401)."""
        async with self.store.transaction() as tx:
            record = await tx.revoke_api_key(id_or_name, self.clock.now())
        if record is None:
            raise ApiKeyNotFound(f"no API key with id or name {id_or_name[:MAX_NAME]!r}")
        return record

    async def authenticate(self, key: str) -> ApiKeyRecord | None:
        """The live key `key` is, or None (unknown, malformed, revoked: never which)."""
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX or len(key) > 200:
            return None
        async with self.store.read() as tx:
            record = await tx.get_api_key(parts[1])
        if record is None or record.revoked_at is not None:
            return None
        if not hmac.compare_digest(record.key_hash, key_hash(key)):
            return None
        return record
