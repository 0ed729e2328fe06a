"""The "/" command menu: each command with what it does, in the reader's language."""

from __future__ import annotations

from telegram import BotCommand

from handlers.views.i18n import N_, texts

# The command menu: each command with what it does, translated per language (the commands
# themselves are the same in every language).
COMMAND_MENU: list[tuple[str, str]] = [
    ("orders", N_("Your orders and what happens next")),
    ("order", N_("Open an order: /order K1234567")),
    ("confirm", N_("Confirm you received an order")),
    ("refund", N_("Request a refund: /refund [amount]")),
    ("deliver", N_("Deliver an order (sellers)")),
    ("cancel", N_("Cancel an order, or what I'm asking")),
    ("sell", N_("List an item and get a link to share")),
    ("balance", N_("Your KALEOZ balance")),
    ("timezone", N_("The time zone your deadlines are shown in")),
    ("language", N_("The language I speak with you")),
    ("faq", N_("Help-center topics")),
    ("leave", N_("Leave the order chat")),
    ("unlink", N_("Unlink your marketplace account")),
    ("help", N_("What I can do")),
]


def commands(language: str | None = None) -> list[BotCommand]:
    """The command menu in `language` (None: English)."""
    t = texts(language)
    return [BotCommand(name, t.gettext(about)) for name, about in COMMAND_MENU]
