"""Which language the bot speaks to a person.

The bot's texts and the help-center documents are written in English (`SOURCE_LANGUAGE`)
and translated into other languages. A person reads the language they chose with /language,
and until they choose, the one their Telegram is set to; either falls back to English where
the bot has no translation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The bot's own texts and the documents are written in English.
SOURCE_LANGUAGE = "en"
# A language is named as Telegram's language_code names it ("ms", "pt-br"), lowercase.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")


def language_tag(text: str) -> str | None:
    """`text` as a language tag ("ms-MY" → "ms-my"), or None when it is not one."""
    tag = text.strip().lower().replace("_", "-")
    return tag if LANGUAGE_CODE.fullmatch(tag) and len(tag) <= 35 else None


def reader_language(language_code: str | None, languages: Iterable[str]) -> str | None:
    """Which translation a reader gets from Telegram's `language_code`, or None for English.

    Telegram sends an IETF tag ("ms", "pt-br", sometimes "ms-MY"): the tag itself when it is
    translated, else its language alone ("ms-MY" reads "ms").
    """
    if not language_code:
        return None
    code = language_code.strip().lower()
    offered = set(languages)
    for candidate in (code, code.split("-", 1)[0]):
        if candidate in offered:
            return candidate
    return None
