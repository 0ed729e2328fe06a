"""/language: which language the bot speaks to a person.

Until they choose, a person reads the language their Telegram is set to (when the bot has
it); a choice is kept with them, and the "/" menu of their chat follows it.
"""

from __future__ import annotations

import logging
from functools import cache

from babel import Locale, UnknownLocaleError
from telegram import BotCommandScopeChat, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.domain.errors import InvalidInput
from bot.domain.languages import SOURCE_LANGUAGE, language_tag, reader_language
from handlers.inbound.common import guarded, reading, tell
from handlers.views.callback_data import LanguageTap, button
from handlers.views.command_menu import commands
from handlers.views.i18n import N_, _, language_of, languages, texts
from handlers.wiring import Ctx, services

log = logging.getLogger(__name__)

# How a language names itself where Babel's own name is not the one people use.
NATIVE_NAMES = {"ms": "Bahasa Melayu"}
FOLLOW_TELEGRAM = N_("Same as my Telegram")
# /language follow (or reset) goes back to following Telegram's language.
FOLLOW = ("follow", "reset", "telegram", "auto")


def offered() -> tuple[str, ...]:
    """The languages a person may choose: English and each translated one."""
    return (SOURCE_LANGUAGE, *languages())


@cache
def native_name(language: str) -> str:
    """A language as its own speakers name it ("Bahasa Melayu", "English")."""
    if language in NATIVE_NAMES:
        return NATIVE_NAMES[language]
    try:
        name = Locale.parse(language, sep="-").get_display_name(language)
    except (ValueError, UnknownLocaleError):
        name = None
    return (name or language)[:1].upper() + (name or language)[1:]


def _keyboard(current: str | None) -> InlineKeyboardMarkup:
    t = texts(language_of(current))
    now = language_of(current) or SOURCE_LANGUAGE
    rows = [
        [button(("✓ " if lang == now else "") + native_name(lang), LanguageTap(lang))]
        for lang in offered()
    ]
    rows.append([button(t.gettext(FOLLOW_TELEGRAM), LanguageTap(None))])
    return InlineKeyboardMarkup(rows)


def _chosen(text: str) -> str:
    """The language named after /language: a tag ("ms") or a name ("Bahasa Melayu")."""
    wanted = text.strip().casefold()
    for lang in offered():
        if wanted in (lang, native_name(lang).casefold()):
            return lang
    tag = language_tag(text)
    found = reader_language(tag, offered()) if tag else None
    if found is None:
        names = ", ".join(f"{native_name(lang)} ({lang})" for lang in offered())
        raise InvalidInput(
            _("I don't speak that language yet. I speak {names}.").format(names=names)
        )
    return found


@guarded
async def cmd_language(update: Update, ctx: Ctx) -> None:
    """/language [ms | en | follow]: show the language the bot speaks, or change it."""
    user = update.effective_user
    assert user is not None
    arg = " ".join(ctx.args or []).strip()
    if arg.casefold() in FOLLOW:
        await _choose(update, ctx, None)
        return
    if arg:
        await _choose(update, ctx, _chosen(arg))
        return
    current = await reading(ctx, user)
    t = texts(language_of(current))
    name = native_name(language_of(current) or SOURCE_LANGUAGE)
    await tell(
        update,
        t.gettext("🌐 I speak <b>{language}</b> with you. Which language would you like?").format(
            language=name
        ),
        reply_markup=_keyboard(current),
    )


async def on_language_button(update: Update, ctx: Ctx, tap: LanguageTap) -> bool:
    """A language picked from the /language keyboard."""
    query = update.callback_query
    assert query is not None
    if tap.language is not None and tap.language not in offered():
        raise InvalidInput(_("This button is no longer valid. Send /language again."))
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    await _choose(update, ctx, tap.language)
    return True


async def _choose(update: Update, ctx: Ctx, language: str | None) -> None:
    """Keep the choice, say so in the language chosen, and set the chat's "/" menu to it."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    await services(ctx).chat.set_language(user.id, language)
    now = language_of(language or user.language_code)
    t = texts(now)
    if language is None:
        said = t.gettext("🌐 I'll speak the language your Telegram is set to: <b>{language}</b>.")
    else:
        said = t.gettext("🌐 I'll speak <b>{language}</b> with you from now on.")
    await tell(update, said.format(language=native_name(now or SOURCE_LANGUAGE)))
    await _set_menu(update, ctx, language)


async def _set_menu(update: Update, ctx: Ctx, language: str | None) -> None:
    """The chat's own "/" menu in the chosen language (none: the per-language default)."""
    chat = update.effective_chat
    assert chat is not None
    scope = BotCommandScopeChat(chat.id)
    try:
        if language is None:
            await ctx.bot.delete_my_commands(scope=scope)
        else:
            await ctx.bot.set_my_commands(commands(language_of(language)), scope=scope)
    except TelegramError as exc:
        # The menu is a convenience: the language is kept and every reply follows it.
        log.warning("could not set the command menu of chat %s: %s", chat.id, exc)
