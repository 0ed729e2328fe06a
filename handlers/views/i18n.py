"""The bot's own texts in the reader's language: gettext catalogues, read with Babel.

Texts are written in English in the code and marked for extraction: `_("…")` where a text
is shown to the person being spoken to (`speaking(language)` says who that is, for the
update being handled or the notice being sent), `N_("…")` where a text is defined (a
constant, a command description) and `_()` is applied where it is shown. `make messages`
extracts every marked text into `handlers/locale/kchat.pot` and updates each language's
catalogue (`handlers/locale/<language>/LC_MESSAGES/kchat.po`); a language is its catalogue
and nothing else. Catalogues are compiled in memory when first asked for, so no build step
makes `.mo` files.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.domain.languages import SOURCE_LANGUAGE, reader_language

DOMAIN = "kchat"
LOCALE_DIR = Path(__file__).parent.parent / "locale"


# The language of the person the bot is speaking to now (None: English). A context variable,
# so that concurrent updates and notices each keep their reader's.
_speaking: ContextVar[str | None] = ContextVar("kchat_speaking", default=None)


def N_(text: str) -> str:
    """Mark `text` for extraction; it is translated where it is shown."""
    return text


def catalogue_path(language: str) -> Path:
    """Where a language's catalogue lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def languages() -> tuple[str, ...]:
    """The languages the bot's texts are translated into (each a folder with a catalogue)."""
    if not LOCALE_DIR.is_dir():
        return ()
    return tuple(sorted(d.name for d in LOCALE_DIR.iterdir() if catalogue_path(d.name).is_file()))


@cache
def texts(language: str | None) -> gettext.NullTranslations:
    """The bot's texts for a reader of `language` (English, the code's own, when None)."""
    if language is None or language == SOURCE_LANGUAGE or language not in languages():
        return gettext.NullTranslations()
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def language_of(language_code: str | None) -> str | None:
    """The language the bot speaks to someone whose Telegram is set to `language_code`."""
    return reader_language(language_code, languages())


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Within this block, `_()` speaks `language` (a translated one, or None for English)."""
    token = _speaking.set(language)
    try:
        yield
    finally:
        _speaking.reset(token)


def speaking_now() -> str | None:
    """The language `_()` speaks now."""
    return _speaking.get()


def _(text: str) -> str:
    """`text` in the language of the person being spoken to."""
    return texts(_speaking.get()).gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` for `n`, in the language being spoken."""
    return texts(_speaking.get()).ngettext(singular, plural, n)


def reader_of(chosen: str | None, telegram_code: str | None) -> str | None:
    """The translation a person reads: the language they chose, else their Telegram's."""
    return language_of(chosen or telegram_code)
