"""Linking the marketplace account: `/start link_<token>` links it, `/unlink` undoes it."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import NotLinked
from handlers.inbound.common import guarded, tell
from handlers.views.account_render import (
    KEPT_LINKED,
    linked_text,
    unlink_prompt,
    unlinked_text,
)
from handlers.views.callback_data import Act, PlainTap, button
from handlers.views.i18n import _
from handlers.wiring import Ctx, services


def _uid(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def open_link(update: Update, ctx: Ctx, payload: str) -> None:
    """The user opened the marketplace's one-time link: link, and say what it opened.

    Refusals (expired, used, forged, the account linked to someone else) are LinkRefused,
    which the guard turns into their friendly text. The cards of orders that waited go out
    through the outbox, as any new order's.
    """
    linked = await services(ctx).accounts.link(payload, _uid(update))
    await tell(update, linked_text(linked.account, list(linked.created), len(linked.refused)))


@guarded
async def cmd_unlink(update: Update, ctx: Ctx) -> None:
    """/unlink: ask once more, then unlink the marketplace account."""
    account = await services(ctx).accounts.account_of(_uid(update))
    if account is None:
        raise NotLinked()
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(_("Yes, unlink"), PlainTap(Act.UNLINK_YES)),
                button(_("No, keep it"), PlainTap(Act.UNLINK_NO)),
            ]
        ]
    )
    await tell(update, unlink_prompt(account), reply_markup=keyboard)


async def on_unlink_confirmed(update: Update, ctx: Ctx, tap: PlainTap) -> bool:
    """ "Yes, unlink"."""
    query = update.callback_query
    assert query is not None
    account = await services(ctx).accounts.unlink_telegram(_uid(update))
    await query.answer(_("Unlinked"))
    await query.edit_message_text(unlinked_text(account), parse_mode="HTML")
    return True


async def on_unlink_declined(update: Update, ctx: Ctx, tap: PlainTap) -> bool:
    """ "No, keep it"."""
    query = update.callback_query
    assert query is not None
    await query.answer(_(KEPT_LINKED))
    await query.edit_message_reply_markup(reply_markup=None)
    return True
