"""Telegram's text limits, measured the way Telegram measures them.

Telegram counts the text after it parsed the HTML (tags gone, entities decoded), in UTF-16
code units: an emoji outside the Basic Multilingual Plane counts 2
(https://core.telegram.org/api/entities#entity-length). A message holds 4,096 of them, a
caption 1,024, a callback answer 200. What a user wrote is cut as plain text, before it is
escaped and formatted, so a cut can never land inside a tag or an entity.
"""

from __future__ import annotations

import re
from html import escape, unescape

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
MAX_ALERT = 200
ELLIPSIS = "…"
_TAG = re.compile(r"<[^<>]*>")  # [^<>]: a run of "<" is scanned once, not once per "<"


def utf16_len(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible(html: str) -> str:
    """What Telegram shows (and counts) of our own HTML: tags dropped, entities decoded."""
    return unescape(_TAG.sub("", html))


def cut(text: str, units: int) -> str:
    """`text` if it fits in `units`, else its start and "…" within `units` (never half an emoji)."""
    if utf16_len(text) <= units:
        return text
    budget = units - utf16_len(ELLIPSIS)
    out: list[str] = []
    for ch in text:
        budget -= 2 if ord(ch) > 0xFFFF else 1
        if budget < 0:
            break
        out.append(ch)
    return "".join(out).rstrip() + ELLIPSIS


def quote(text: str, units: int) -> str:
    """User text for an HTML message: cut as plain text to `units`, then escaped."""
    return escape(cut(text, units))


def fits(html: str, limit: int = MAX_MESSAGE) -> bool:
    """True if Telegram would take this HTML as one message (or caption, with its limit)."""
    return utf16_len(visible(html)) <= limit


def plain_fallback(html: str, limit: int = MAX_MESSAGE) -> str:
    """The same words without formatting, cut to fit: what to send when Telegram refused the
    formatted text for good (too long, or entities it could not parse)."""
    return cut(visible(html), limit)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters for a button, cut at a word boundary with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-·") + "…"
