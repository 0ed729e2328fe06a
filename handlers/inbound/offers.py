"""Sellers list offers with /sell and share a link; buyers open it and buy with one tap."""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import InvalidInput, OfferNotFound
from bot.domain.ids import normalize_order_id
from bot.domain.input_modes import InputMode
from bot.domain.model import Offer
from bot.domain.money import normalize_currency, parse_amount
from handlers.inbound.accounts import open_link
from handlers.inbound.common import guarded, tell
from handlers.inbound.orders import show_card
from handlers.views.amounts import money
from handlers.views.callback_data import OfferTap, button
from handlers.views.i18n import N_, _
from handlers.views.render import force_reply
from handlers.wiring import Ctx, services, settings

WELCOME = N_(
    "👋 <b>Welcome to KChat</b>, the order chat of KALEOZ.\n\n"
    "• /orders — your orders and what happens next\n"
    "• Type an order id like <code>K1234567</code> to open it\n"
    "• /sell — list something for sale and get a link to share\n"
    "• /balance — your KALEOZ balance\n"
    "• /timezone — the time zone your deadlines are shown in\n"
    "• /language — the language I speak with you\n"
    "• Or just ask a question, like <i>how do I get a refund?</i>"
)


def _uid(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


def offer_text(offer: Offer) -> str:
    """An offer as a buyer sees it."""
    return _(
        "🛍 <b>{title}</b>\n"
        "Price: <b>{price}</b>\n\n"
        "The price is locked when you order. Unpaid orders expire after the payment window."
    ).format(title=escape(offer.title), price=money(offer.price_minor, offer.currency))


@guarded
async def cmd_start(update: Update, ctx: Ctx) -> None:
    """/start [offer_<id>|order_<id>|link_<token>]: welcome, a shared offer, an order card,
    or the marketplace's one-time link to the user's account."""
    s = services(ctx)
    user = update.effective_user
    assert user is not None
    await s.chat.seen(
        user.id, user.full_name, user.username, started=True, language_code=user.language_code
    )
    await open_start_link(update, ctx, ctx.args[0] if ctx.args else "")


_OWN_LINK = re.compile(r"^(?:https?://)?t\.me/([A-Za-z0-9_]{4,32})\?start=([A-Za-z0-9_-]{1,64})$")


def own_link_payload(text: str, bot_username: str | None) -> str | None:
    """The start payload of this bot's own t.me link pasted as text (None for anything else)."""
    found = _OWN_LINK.match(text.strip())
    if found is None or bot_username is None:
        return None
    return found.group(2) if found.group(1).lower() == bot_username.lower() else None


async def open_start_link(update: Update, ctx: Ctx, arg: str) -> None:
    """What opening `t.me/<bot>?start=<arg>` shows: a shared offer, an order card, or hello."""
    s = services(ctx)
    user = update.effective_user
    assert user is not None
    if arg.startswith("link_"):
        await open_link(update, ctx, arg)
        return
    if arg.startswith("offer_"):
        try:
            offer = await s.orders.get_offer(arg.removeprefix("offer_"))
        except OfferNotFound:
            await tell(update, _("This offer is no longer available.") + "\n\n" + _(WELCOME))
            return
        if offer.seller_id == user.id:
            await tell(update, _("This is your own offer. Share the link with buyers."))
            return
        kb = InlineKeyboardMarkup([[button(_("Buy now"), OfferTap(offer.id))]])
        await tell(update, offer_text(offer), reply_markup=kb)
        return
    if arg.startswith("order_") and normalize_order_id(arg.removeprefix("order_")):
        order = await s.orders.get_for(arg.removeprefix("order_"), user.id)
        await show_card(update, ctx, order)
        return
    await tell(update, _(WELCOME))


@guarded
async def cmd_help(update: Update, ctx: Ctx) -> None:
    """/help: what the bot does, and the help-center topics."""
    await tell(update, _(WELCOME))


@guarded
async def cmd_sell(update: Update, ctx: Ctx) -> None:
    """/sell [title | price [currency]]: list an item and get its share link."""
    raw = " ".join(ctx.args or []).strip()
    if "|" in raw:
        title, _bar, price = raw.partition("|")
        await create_offer(update, ctx, title, price)
        return
    await services(ctx).chat.set_mode(_uid(update), InputMode.SELL_TITLE, None)
    await tell(
        update,
        _(
            "🛍 What are you selling? Send the item's title (like <i>Steam Wallet MYR 50</i>). "
            "Send /cancel to stop."
        ),
        reply_markup=force_reply(_("The item's title")),
    )


async def create_offer(update: Update, ctx: Ctx, title: str, price_text: str) -> None:
    """Validate and create the offer, then send its share link."""
    s = services(ctx)
    parts = price_text.split()
    if not parts:
        raise InvalidInput(_("Please give a price, like 12.50."))
    currency = normalize_currency(parts[1]) if len(parts) > 1 else settings(ctx).default_currency
    minor = parse_amount(parts[0], currency)
    offer = await s.orders.create_offer(
        seller_id=_uid(update), title=title, price_minor=minor, currency=currency
    )
    await s.chat.clear_mode(_uid(update))
    me = await ctx.bot.get_me()
    link = f"https://t.me/{me.username}?start=offer_{offer.id}"
    await tell(
        update,
        _("✅ Listed: <b>{title}</b> at {price}.\n\nShare this link with buyers:\n{link}").format(
            title=escape(offer.title), price=money(minor, currency), link=link
        ),
    )


async def on_sell_input(update: Update, ctx: Ctx, mode: InputMode, data: dict[str, object]) -> bool:
    """The /sell questions: title, then price."""
    text = (update.effective_message.text if update.effective_message else "") or ""
    s = services(ctx)
    if mode is InputMode.SELL_TITLE:
        title = " ".join(text.split())
        if not title or len(title) > 120:
            raise InvalidInput(_("Please send a title of 1 to 120 characters."))
        await s.chat.set_mode(_uid(update), InputMode.SELL_PRICE, None, title=title)
        await tell(
            update,
            _(
                "Price for <b>{title}</b>? (like <code>12.50</code>, in {currency}, or "
                "<code>12.50 USD</code>). Send /cancel to stop."
            ).format(title=escape(title), currency=settings(ctx).default_currency),
            reply_markup=force_reply(_("Price, like 12.50")),
        )
        return True
    if mode is InputMode.SELL_PRICE:
        await create_offer(update, ctx, str(data.get("title", "")), text)
        return True
    return False
