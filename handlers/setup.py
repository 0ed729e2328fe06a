"""Registers every handler in one visible order."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from handlers.inbound import (
    accounts,
    faq_chat,
    flows,
    messages,
    offers,
    orders,
    preferences,
    support,
)
from handlers.inbound.errors import on_error
from handlers.views.callback_data import PARTY_ACTS, TICKET_ACTS, pattern
from handlers.views.i18n import N_, texts
from handlers.wiring import Ctx, services

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
    ("faq", N_("Help-center topics")),
    ("leave", N_("Leave the order chat")),
    ("unlink", N_("Unlink your marketplace account")),
    ("help", N_("What I can do")),
]


def commands(language: str | None = None) -> list[BotCommand]:
    """The command menu in `language` (None: English)."""
    t = texts(language)
    return [BotCommand(name, t.gettext(about)) for name, about in COMMAND_MENU]


async def on_my_chat_member(update: Update, ctx: Ctx) -> None:
    """The user blocked or unblocked the bot."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    s = services(ctx)
    user = change.from_user
    if change.new_chat_member.status in ("kicked", "left"):
        await s.chat.mark_unreachable(user.id, "blocked the bot")
    else:
        await s.chat.seen(user.id, user.full_name, user.username, started=True)
        await ctx.bot_data.notifier.drain()


def register_handlers(
    app: Application[Any, Any, Any, Any, Any, Any], support_chat_id: int | None = None
) -> None:
    """Attach the bot's handlers to `app`, most specific first."""
    private = filters.ChatType.PRIVATE
    if support_chat_id is not None:
        group = filters.Chat(support_chat_id)
        app.add_handler(
            CallbackQueryHandler(support.on_ticket_button, pattern=pattern(TICKET_ACTS))
        )
        app.add_handler(CommandHandler("note", support.cmd_note, filters=group))
        app.add_handler(CommandHandler("cancel", support.cmd_cancel_prompt, filters=group))
        app.add_handler(
            MessageHandler(
                group & filters.UpdateType.MESSAGE & ~filters.COMMAND, support.on_group_message
            )
        )
    for name, callback in [
        ("start", offers.cmd_start),
        ("help", offers.cmd_help),
        ("sell", offers.cmd_sell),
        ("orders", orders.cmd_orders),
        ("order", orders.cmd_order),
        ("confirm", orders.cmd_confirm),
        ("refund", orders.cmd_refund),
        ("deliver", orders.cmd_deliver),
        ("cancel", orders.cmd_cancel),
        ("balance", orders.cmd_balance),
        ("timezone", preferences.cmd_timezone),
        ("faq", faq_chat.cmd_faq),
        ("leave", messages.cmd_leave),
        ("unlink", accounts.cmd_unlink),
    ]:
        app.add_handler(CommandHandler(name, callback, filters=private))
    app.add_handler(CallbackQueryHandler(flows.on_button, pattern=pattern(PARTY_ACTS)))
    app.add_handler(CallbackQueryHandler(flows.on_stale_button))  # forged, or from an old bot
    app.add_handler(InlineQueryHandler(faq_chat.on_inline_query))
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, messages.on_edited_message)
    )
    app.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & filters.COMMAND, _unknown_command)
    )
    app.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE, messages.on_private_message)
    )
    app.add_error_handler(on_error)


async def _unknown_command(update: Update, ctx: Ctx) -> None:
    """A command we do not have."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            "I don't know that command. Try /help to see what I can do."
        )
