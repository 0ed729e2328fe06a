"""Help-center documents shipped with the bot, their translations, and the loader that
builds the FAQ index."""

from bot.help_center.loader import (
    DocumentError,
    available_languages,
    load_documents,
    load_index,
    load_lexicon,
    load_shelf,
    load_translations,
)

__all__ = [
    "DocumentError",
    "available_languages",
    "load_documents",
    "load_index",
    "load_lexicon",
    "load_shelf",
    "load_translations",
]
