"""The per-order chat: keep each message, relay it with copy_message under a short header.

Each message is kept in the transcript and queued in the outbox in one transaction before
anything is sent; then it is sent at once when nothing is queued ahead for the recipient,
or by the notifier, in order, with retries (`handlers/relay_delivery.py`). Each copy's
message id is kept with its source, so a reply to a copy routes back to the same order and
an edit of the original follows to the copy (and is kept beside it, never over it).
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import Message, Update

from bot.domain.model import Order, Role
from bot.services.chat import QueuedRelay, RelayStatus
from handlers.delivery.relay_delivery import CAPTIONED, UNCAPTIONED
from handlers.inbound.common import tell
from handlers.views.i18n import _, speaking
from handlers.wiring import Ctx, cards, notifier, services


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
    """`💬 K1234567 · Buyer Alice:` (the name is the sender's display name, escaped), in the
    language being spoken: the recipient's."""
    role = _("Buyer") if order.role_of(sender_id) is Role.BUYER else _("Seller")
    return f"💬 <b>{order.id}</b> · {role} {escape(name)}:"


async def header_for(ctx: Ctx, order: Order, sender_id: int, name: str) -> str:
    """The header over a relayed message, in the language of the side that receives it."""
    recipient = order.seller_id if sender_id == order.buyer_id else order.buyer_id
    with speaking(await cards(ctx).language_for(recipient)):
        return header(order, sender_id, name)


async def relay(
    update: Update, ctx: Ctx, order: Order, *, not_before: datetime | None = None
) -> None:
    """Keep the user's message and relay it to the other side of `order`.

    `not_before` paces it (the sender is over the flood limit): queued for then, and the
    sender was already told their messages will arrive with a delay.
    """
    msg = update.effective_message
    user = update.effective_user
    assert msg is not None and user is not None
    kind = message_kind(msg)
    if kind is None:
        await tell(
            update,
            _(
                "That kind of message can't be sent to the other side. Send text, photos, files, "
                "voice messages, videos or stickers."
            ),
        )
        return
    s = services(ctx)
    queued = await s.chat.queue_relay(
        order=order,
        sender_id=user.id,
        kind=kind,
        text=msg.text or msg.caption or "",
        file_id=_file_id(msg, kind),
        src=(msg.chat_id, msg.message_id),
        header=await header_for(ctx, order, user.id, user.full_name),
        reply_to=msg.reply_to_message.message_id if msg.reply_to_message else None,
        not_before=not_before,
    )
    if queued.duplicate or not_before is not None:
        return
    recipient = order.seller_id if user.id == order.buyer_id else order.buyer_id
    await _send_and_acknowledge(update, ctx, queued, recipient)


async def _send_and_acknowledge(
    update: Update, ctx: Ctx, queued: QueuedRelay, recipient: int
) -> None:
    """Send it now if it may go now (else let the notifier try), then tell the sender once
    if it did not reach the other side."""
    s = services(ctx)
    user = update.effective_user
    assert user is not None and queued.outbox_id is not None
    told = ctx.bot_data.delay_told
    if queued.item is not None and await notifier(ctx).deliver_now(queued.item, queued.message):
        told.discard(user.id)  # the usual case: nothing more to say
        return
    if queued.item is None:
        await notifier(ctx).drain_for(recipient)
    status = await s.chat.relay_status(queued.outbox_id, recipient)
    if status is RelayStatus.WAITING:
        return  # goes out right behind the one ahead: nothing to say yet
    if status is RelayStatus.DELIVERED:
        told.discard(user.id)
    elif status is RelayStatus.QUEUED:
        if user.id not in told:
            told.add(user.id)
            await tell(
                update,
                _(
                    "⏳ Telegram is slow to deliver right now. Your message is saved and will "
                    "reach the other side shortly, in the order you wrote."
                ),
            )
    elif status is RelayStatus.BLOCKED:
        await tell(
            update,
            _(
                "⚠️ The other side has blocked this bot, so your message could not be delivered "
                "now. It is kept in the order's record and reaches them if they unblock the bot; "
                "you can escalate to support."
            ),
        )
    elif status is RelayStatus.NOT_STARTED:
        await tell(
            update,
            _(
                "⚠️ The other side hasn't opened KChat yet. Your message is kept in the order's "
                "record; it reaches them, with the order, when they start the bot."
            ),
        )
    else:
        await tell(
            update,
            _(
                "⚠️ Telegram refused to deliver that message. It is kept in the order's record; "
                "you can send it again or escalate to support."
            ),
        )


async def relay_edit(update: Update, ctx: Ctx, *, not_before: datetime | None = None) -> None:
    """The sender edited a relayed message: the edit is kept beside the original, and the
    copy follows (only an edit Telegram accepted on the other side counts as delivered)."""
    msg = update.edited_message
    user = update.effective_user
    if msg is None or user is None:
        return
    s = services(ctx)
    original = await s.chat.sent_as(msg.chat_id, msg.message_id)
    if original is None:
        return
    order = await s.orders.for_chat(original.order_id, user.id)
    queued = await s.chat.queue_edit(
        original,
        msg.text or msg.caption or "",
        await header_for(ctx, order, user.id, user.full_name),
        not_before,
    )
    if queued is None or not_before is not None:
        return
    if queued.item is not None:
        await notifier(ctx).deliver_now(queued.item)
    else:
        await notifier(ctx).drain_for(original.recipient_id)
