"""Registers every handler in one visible order."""

from __future__ import annotations

from typing import Any

from telegram import Update
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
    language,
    messages,
    offers,
    orders,
    preferences,
    support,
)
from handlers.inbound.common import reading
from handlers.inbound.errors import on_error
from handlers.views.callback_data import PARTY_ACTS, TICKET_ACTS, pattern
from handlers.views.i18n import _, language_of, speaking
from handlers.wiring import Ctx, services


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
        await s.chat.seen(
            user.id, user.full_name, user.username, started=True, language_code=user.language_code
        )
        # What waited for them goes now, ahead of a running backlog.
        await ctx.bot_data.notifier.drain_for(user.id)


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
        ("language", language.cmd_language),
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
        user = update.effective_user
        with speaking(language_of(await reading(ctx, user))):
            await update.effective_message.reply_text(
                _("I don't know that command. Try /help to see what I can do.")
            )
