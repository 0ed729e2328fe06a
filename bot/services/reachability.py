"""What happens when someone blocks the bot: their news waits, the other side hears once.

Telegram says "blocked" (403) when a notification fails, or earlier, in a my_chat_member
update that marks the user unreachable without telling anyone. Either way, each open order
of theirs in the failed batch gets one notice to the other party per block, and a ticket
so that support can step in.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.errors import OrderNotFound
from bot.domain.events import CounterpartyUnreachable, EventKind
from bot.domain.tickets import TicketKind
from bot.services.chat import ChatService
from bot.services.notifications import NotificationService
from bot.services.orders import OrderService
from bot.services.support import SupportService


class Reachability:
    """The policy for a person the bot cannot reach."""

    def __init__(
        self,
        chat: ChatService,
        orders: OrderService,
        notifications: NotificationService,
        support: SupportService,
    ) -> None:
        self.chat = chat
        self.orders = orders
        self.notifications = notifications
        self.support = support

    async def blocked(self, user_id: int, order_ids: Iterable[str], error: str) -> None:
        """`user_id` blocked the bot while news of `order_ids` was going to them."""
        before = await self.chat.user(user_id)
        await self.chat.mark_unreachable(user_id, error)
        since = (
            before.unreachable_since
            if before is not None and before.unreachable_since is not None
            else self.chat.now()
        )
        for order_id in sorted(set(order_ids)):
            try:
                order = await self.orders.get(order_id)
            except OrderNotFound:
                continue
            if order.status.finished:
                continue
            other = order.seller_id if user_id == order.buyer_id else order.buyer_id
            told = EventKind.COUNTERPARTY_UNREACHABLE
            if await self.notifications.queued_since(order.id, other, told, since):
                continue  # told already since this block began
            await self.notifications.notify(
                other, CounterpartyUnreachable(), order.id, role=(order.role_of(other) or "buyer")
            )
            who = "buyer" if user_id == order.buyer_id else "seller"
            await self.support.raise_ticket(
                TicketKind.UNREACHABLE,
                order_id=order.id,
                user_id=None,
                subject=f"The {who} blocked the bot and can't be reached.",
            )
