"""The per-order chat: relay with copy_message under a short header, keep the transcript.

Each relayed message is stored with its source and copy message ids, so a reply to a copy
routes back to the same order and an edit of the original follows to the copy.
"""

from __future__ import annotations

import functools
import logging
from html import escape

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.domain.model import Order, Role
from handlers.common import MAX_TEXT, Ctx, services, tell

log = logging.getLogger(__name__)

CAPTIONED = ("photo", "document", "video", "audio", "voice", "animation")
UNCAPTIONED = ("sticker", "video_note")
MAX_CAPTION = 1024  # Telegram's limit, in UTF-16 code units


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def message_kind(msg: Message) -> str | None:
    """What the message carries, or None for kinds that are not relayed (polls, locations)."""
    if msg.text:
        return "text"
    for kind in (*CAPTIONED, *UNCAPTIONED):
        if getattr(msg, kind):
            return kind
    return None


def _file_id(msg: Message, kind: str) -> str | None:
    media = getattr(msg, kind, None)
    if kind == "photo" and media:
        return str(media[-1].file_id)
    return str(media.file_id) if media is not None and hasattr(media, "file_id") else None


def header(order: Order, sender_id: int, name: str) -> str:
    """`💬 K1234567 · Buyer Alice:` (the name is the sender's display name, escaped)."""
    role = "Buyer" if order.role_of(sender_id) is Role.BUYER else "Seller"
    return f"💬 <b>{order.id}</b> · {role} {escape(name)}:"


async def relay(update: Update, ctx: Ctx, order: Order) -> None:
    """Copy the user's message to the other side of `order` and keep it in the transcript."""
    msg = update.effective_message
    user = update.effective_user
    assert msg is not None and user is not None
    kind = message_kind(msg)
    if kind is None:
        await tell(
            update,
            "That kind of message can't be sent to the other side. Send text, photos, files, "
            "voice messages, videos or stickers.",
        )
        return
    text = msg.text or msg.caption or ""
    if len(text) > MAX_TEXT - 200:
        await tell(
            update,
            f"That message is too long; please keep it under {MAX_TEXT - 200} "
            "characters or split it.",
        )
        return
    s = services(ctx)
    recipient = order.seller_id if user.id == order.buyer_id else order.buyer_id
    record = functools.partial(
        s.chat.record_relay,
        order=order,
        sender_id=user.id,
        kind=kind,
        text=text,
        file_id=_file_id(msg, kind),
        src=(msg.chat_id, msg.message_id),
    )
    reply_to = await _reply_target(ctx, msg, recipient)
    head = header(order, user.id, user.full_name)
    try:
        copy = await _send_copy(ctx, msg, kind, recipient, head, text, reply_to)
    except Forbidden as exc:
        await record(copy=None)
        await s.chat.mark_unreachable(recipient, exc.message)
        await tell(
            update,
            "⚠️ The other side has blocked this bot, so your message could not "
            "be delivered. It is kept in the order's record; you can escalate to support.",
        )
        return
    except BadRequest as exc:
        if "chat not found" not in exc.message.lower():
            raise
        await record(copy=None)
        await tell(
            update,
            "⚠️ The other side hasn't opened KChat yet. Your message is kept in "
            "the order's record; they'll see the order when they start the bot.",
        )
        return
    await record(copy=(copy.chat_id, copy.message_id))


async def _reply_target(ctx: Ctx, msg: Message, recipient: int) -> int | None:
    """If the user replied to a relayed message, the matching message in the other chat."""
    if msg.reply_to_message is None:
        return None
    found = await services(ctx).chat.relayed(msg.chat_id, msg.reply_to_message.message_id)
    if found is None:
        return None
    if found.dst_chat_id == msg.chat_id:  # replying to a copy they received
        return found.src_message_id if found.src_chat_id == recipient else None
    return found.dst_message_id if found.dst_chat_id == recipient else None


async def _send_copy(
    ctx: Ctx, msg: Message, kind: str, recipient: int, head: str, text: str, reply_to: int | None
) -> Message:
    bot = ctx.bot
    if kind == "text":
        return await bot.send_message(
            recipient,
            f"{head}\n{escape(text)}",
            parse_mode=ParseMode.HTML,
            reply_to_message_id=reply_to,
        )
    caption = f"{head}\n{escape(text)}" if text else head
    # The HTML is never shorter than what Telegram counts, so this errs on the safe side.
    if kind in CAPTIONED and _utf16_len(caption) <= MAX_CAPTION:
        ref = await bot.copy_message(
            recipient,
            msg.chat_id,
            msg.message_id,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_to_message_id=reply_to,
        )
        return _as_message(ref.message_id, recipient, msg)
    # Stickers and round videos take no caption, and a caption near the limit has no room
    # for the header: the header goes first, the copy (with its own caption) replies to it.
    first = await bot.send_message(
        recipient, head, parse_mode=ParseMode.HTML, reply_to_message_id=reply_to
    )
    ref = await bot.copy_message(
        recipient, msg.chat_id, msg.message_id, reply_to_message_id=first.message_id
    )
    return _as_message(ref.message_id, recipient, msg)


def _as_message(message_id: int, chat_id: int, like: Message) -> Message:
    """copy_message returns only an id; this is enough for recording the pair."""
    from telegram import Chat

    return Message(message_id, like.date, Chat(chat_id, Chat.PRIVATE))


async def relay_edit(update: Update, ctx: Ctx) -> None:
    """The sender edited a relayed message: the copy follows, the transcript keeps the latest."""
    msg = update.edited_message
    user = update.effective_user
    if msg is None or user is None:
        return
    s = services(ctx)
    original = await s.chat.sent_as(msg.chat_id, msg.message_id)
    if original is None or original.dst_chat_id is None or original.dst_message_id is None:
        return
    order = await s.orders.for_chat(original.order_id, user.id)
    text = msg.text or msg.caption or ""
    head = header(order, user.id, user.full_name)
    body = f"{head}\n{escape(text)}" if text else head
    try:
        if msg.text is not None:
            await ctx.bot.edit_message_text(
                body,
                chat_id=original.dst_chat_id,
                message_id=original.dst_message_id,
                parse_mode=ParseMode.HTML,
            )
        else:
            if _utf16_len(body) > MAX_CAPTION:  # sent below a separate header (see _send_copy)
                body = escape(text)
            await ctx.bot.edit_message_caption(
                chat_id=original.dst_chat_id,
                message_id=original.dst_message_id,
                caption=body,
                parse_mode=ParseMode.HTML,
            )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.info("could not follow an edit: %s", exc.message)
    await s.chat.record_edit(original.id, text)
