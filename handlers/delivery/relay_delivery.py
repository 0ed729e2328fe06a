"""Delivering the order chat from the outbox: a relayed message, or an edit of one.

A relay is kept and queued before anything is sent (see `ChatService.queue_relay`); this is
the sending half, run by the handler at once when nothing is queued ahead, or by the
notifier later (retries, paced messages, a recipient who came back). It raises Telegram's
transient errors for the notifier to retry or park, records a copy only once Telegram
accepted it, and turns a refusal for good into a record instead of a retry loop.

Lengths are measured as Telegram measures them: in UTF-16 code units of the text after the
HTML is parsed (https://core.telegram.org/api/entities#entity-length). When the header and
the text together would be over the limit, the header goes as its own message and the copy,
with the text exactly as written, replies to it.
"""

from __future__ import annotations

import logging
from html import escape
from typing import assert_never

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.bootstrap import Services
from bot.domain.events import ChatRelay, Relay, RelayEdit
from bot.ports.records import RelayedMessage
from bot.services.notifications import Notice
from handlers.views.telegram_text import MAX_CAPTION, MAX_MESSAGE, utf16_len, visible

log = logging.getLogger(__name__)

CAPTIONED = ("photo", "document", "video", "audio", "voice", "animation")
UNCAPTIONED = ("sticker", "video_note")


def with_header(header: str, text: str) -> str:
    """The header above the user's text (escaped), as HTML."""
    return f"{header}\n{escape(text)}" if text else header


def fits_with_header(kind: str, header: str, text: str) -> bool:
    """True if `header` and `text` fit in one message (text) or caption (media)."""
    if kind in UNCAPTIONED:
        return False  # stickers and round videos take no caption
    limit = MAX_MESSAGE if kind == "text" else MAX_CAPTION
    return utf16_len(visible(with_header(header, text))) <= limit


async def deliver(
    bot: Bot,
    services: Services,
    item: Notice,
    relay: ChatRelay,
    kept: RelayedMessage | None = None,
) -> bool:
    """Deliver one queued relay or edit (`relay`, the item's payload); True if Telegram
    accepted it, False if it refused it for good (recorded). The notifier handles what this
    raises (retry, park). `kept`: the message as just kept (the handler sending it at once
    need not read it back)."""
    match relay:
        case Relay():
            return await _deliver_message(bot, services, item, relay, kept)
        case RelayEdit():
            return await _deliver_edit(bot, services, item, relay)
        case _:
            assert_never(relay)


async def _deliver_message(
    bot: Bot, services: Services, item: Notice, relay: Relay, kept: RelayedMessage | None
) -> bool:
    chat = services.chat
    message = kept or await chat.queued_message(relay.message)
    if message is None or message.delivered_at is not None:
        await services.notifications.sent([item])  # nothing (more) to send
        return True
    reply_to = relay.reply_to
    target = await _reply_target(services, message, reply_to) if reply_to else None
    try:
        copy_id = await _send(bot, services, message, relay.header, target)
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            raise  # never opened the bot: the notifier parks it until their /start
        # Any other 400 would be refused again as it is (the sender deleted the original
        # before it went, say): keep the refusal, and let what is queued behind it go.
        log.warning("Telegram refused relaying message %s: %s", message.id, exc.message)
        await chat.relay_refused(item, message.id, exc.message)
        return False
    chat.relay_delivered(item, message.id, (message.recipient_id, copy_id))
    return True


async def _send(
    bot: Bot, services: Services, message: RelayedMessage, header: str, reply_to: int | None
) -> int:
    """Send the copy; the id of the message that carries the user's content."""
    to, text = message.recipient_id, message.text
    if fits_with_header(message.kind, header, text):
        if message.kind == "text":
            sent = await bot.send_message(
                to,
                with_header(header, text),
                parse_mode=ParseMode.HTML,
                reply_to_message_id=reply_to,
                allow_sending_without_reply=True,
            )
            return sent.message_id
        ref = await bot.copy_message(
            to,
            message.src_chat_id,
            message.src_message_id,
            caption=with_header(header, text),
            parse_mode=ParseMode.HTML,
            reply_to_message_id=reply_to,
            allow_sending_without_reply=True,
        )
        return ref.message_id
    head_id = message.header_message_id
    if head_id is None:
        head = await bot.send_message(
            to,
            header,
            parse_mode=ParseMode.HTML,
            reply_to_message_id=reply_to,
            allow_sending_without_reply=True,
        )
        head_id = head.message_id
        await services.chat.header_sent(message.id, head_id)
    ref = await bot.copy_message(
        to,
        message.src_chat_id,
        message.src_message_id,
        reply_to_message_id=head_id,
        allow_sending_without_reply=True,
    )
    return ref.message_id


async def _reply_target(services: Services, message: RelayedMessage, replied: int) -> int | None:
    """The sender replied to `replied` in their chat: the matching message in the other chat."""
    found = await services.chat.relayed(message.src_chat_id, replied)
    if found is None:
        return None
    if found.dst_chat_id == message.src_chat_id:  # replying to a copy they received
        return found.src_message_id if found.src_chat_id == message.recipient_id else None
    return found.dst_message_id if found.dst_chat_id == message.recipient_id else None


def edit_body(message: RelayedMessage, header: str, text: str) -> str:
    """The copy's new text or caption: under the header if it was sent with one and still
    fits; the text alone when the header is its own message (or no longer fits)."""
    if message.header_message_id is None and fits_with_header(message.kind, header, text):
        return with_header(header, text)
    return escape(text)


async def _deliver_edit(bot: Bot, services: Services, item: Notice, relay: RelayEdit) -> bool:
    chat = services.chat
    edit_id = relay.edit
    edit = await chat.queued_edit(edit_id)
    message = await chat.queued_message(relay.message)
    if edit is None or message is None or edit.delivered_at is not None:
        await services.notifications.sent([item])
        return True
    if message.dst_chat_id is None or message.dst_message_id is None:
        # Queued behind the original, so the original was refused for good.
        await chat.edit_refused(item, edit_id, "the original message was not delivered")
        return False
    body = edit_body(message, relay.header, edit.text)
    try:
        if message.kind == "text":
            await bot.edit_message_text(
                body,
                chat_id=message.dst_chat_id,
                message_id=message.dst_message_id,
                parse_mode=ParseMode.HTML,
            )
        else:
            await bot.edit_message_caption(
                chat_id=message.dst_chat_id,
                message_id=message.dst_message_id,
                caption=body,
                parse_mode=ParseMode.HTML,
            )
    except BadRequest as exc:
        low = exc.message.lower()
        if "chat not found" in low:
            raise
        if "not modified" not in low:  # already reads so: delivered
            # The copy was deleted, or is too old to edit: asking again would not help.
            log.info("could not follow edit %s: %s", edit_id, exc.message)
            await chat.edit_refused(item, edit_id, exc.message)
            return False
    chat.edit_delivered(item, edit_id)
    return True
