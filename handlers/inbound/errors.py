"""The error handler: log first, then tell the user something went wrong (never silently)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden

from handlers.telegram_metrics import error_code
from handlers.views.i18n import _, language_of, speaking
from handlers.wiring import Ctx

log = logging.getLogger(__name__)


async def on_error(update: object, ctx: Ctx) -> None:
    """Log the failure with the update; tell the user their action may not have gone through."""
    log.error("error while handling %r", update, exc_info=ctx.error)
    code = error_code(ctx.error) if ctx.error is not None else None
    if code is not None:  # polling's network errors come here too
        ctx.bot_data.metrics.telegram_error(code, "handler")
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    # The store may be what failed: the language is the one Telegram says the app is in.
    user = update.effective_user
    try:
        with speaking(language_of(user.language_code if user else None)):
            if update.callback_query is not None:
                await update.callback_query.answer(
                    _(
                        "Something went wrong on our side. Nothing was charged twice; please "
                        "check the order with /orders and try again."
                    ),
                    show_alert=True,
                )
            elif update.effective_message is not None:
                await update.effective_message.reply_text(
                    _("Something went wrong on our side. Please check /orders and try again.")
                )
    except (BadRequest, Forbidden) as exc:
        log.info("could not report the error to the user: %s", exc)
