"""Help-center documents shipped with the bot, and the loader that builds the FAQ index."""

from bot.help_center.loader import (
    DocumentError,
    load_documents,
    load_index,
    load_lexicon,
)

__all__ = ["DocumentError", "load_documents", "load_index", "load_lexicon"]
