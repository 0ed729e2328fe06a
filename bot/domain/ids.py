"""Order and offer ids: what people type in chat, so short, unambiguous and case-free."""

from __future__ import annotations

import re

# No 0/O or 1/I/L: ids are read off phone screens and typed back.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ORDER_ID_LEN = 7
_ORDER_ID = re.compile(r"\bK[0-9A-Z]{7}\b", re.IGNORECASE)
_EXACT = re.compile(r"^K[0-9A-Z]{7}$")


def make_order_id(random_index: list[int]) -> str:
    """Build an order id from 7 random indexes into ALPHABET (randomness is injected)."""
    return "K" + "".join(ALPHABET[i % len(ALPHABET)] for i in random_index[:ORDER_ID_LEN])


def normalize_order_id(text: str) -> str | None:
    """Return the canonical id if `text` is an order id (any case), else None."""
    t = text.strip().upper()
    return t if _EXACT.match(t) else None


def find_order_ids(text: str) -> list[str]:
    """All order ids mentioned in free text, upper-cased, in order, without repeats."""
    seen: list[str] = []
    for m in _ORDER_ID.finditer(text):
        oid = m.group(0).upper()
        if oid not in seen:
            seen.append(oid)
    return seen
