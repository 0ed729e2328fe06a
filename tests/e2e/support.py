"""Handles on a running KChat for end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.bootstrap import Services
from bot.clock import ManualClock
from bot.domain.money import parse_amount
from bot.telegram_request import AiohttpRequest
from handlers.delivery.notifier import Notifier
from sandbox.fake_bot_api import FakeTelegram
from sandbox.fake_bot_api.harness import FakeGroup
from sandbox.world import bot_idle

BUYER, SELLER, STRANGER = 1001, 2002, 3003
AGENT = 7007
SUPPORT_CHAT = -1001234567890


@dataclass
class Running:
    """A running bot with handles on its clock and services."""

    tg: FakeTelegram
    app: Any
    clock: ManualClock
    group: FakeGroup | None = None

    @property
    def services(self) -> Services:
        """The bot's services (same store, same clock)."""
        s: Services = self.app.bot_data.services
        return s

    @property
    def notifier(self) -> Notifier:
        """The bot's outbox deliverer."""
        n: Notifier = self.app.bot_data.notifier
        return n

    async def settle(self) -> None:
        """Let the bot finish: every update handled, every notification out."""
        await self.tg.idle()
        await bot_idle(self.app)
        await self.notifier.drain()
        await self.tg.idle()

    async def advance(self, delta: timedelta) -> None:
        """Move the fake clock, then do what the wake-up job does: sweep and notify."""
        self.clock.advance(delta)
        await self.services.deadlines.sweep()
        await self.notifier.drain()
        await self.tg.idle()

    async def order(self, price: str = "12.50", title: str = "Steam Wallet MYR 50") -> str:
        """An order placed through intake, as `kchat order create` does."""
        order = await self.services.orders.create_order(
            buyer_id=BUYER,
            seller_id=SELLER,
            title=title,
            price_minor=parse_amount(price, "MYR"),
            currency="MYR",
        )
        await self.settle()
        return order.id

    async def paid_order(self, price: str = "12.50") -> str:
        """An order the marketplace reported paid."""
        oid = await self.order(price)
        await self.services.orders.mark_paid_external(oid)
        await self.settle()
        return oid


# --- helpers for the order-chat end-to-end tests ----------------------------------------


async def outbox(running: Running, order_id: str) -> list[tuple[int, str, str]]:
    """The order's notifications as (recipient, kind, state), oldest first."""
    async with running.services.store.read() as tx:
        items = await tx.outbox_for(order_id)
        states = [await tx.outbox_state(item.id) for item in items]
    return [(i.recipient_id, i.kind, s[0]) for i, s in zip(items, states, strict=True) if s]


def contents(user: Any) -> list[str]:
    """Every bot message in the user's private chat, as it reads now (text or caption)."""
    return [m.content for m in user.messages()]


def tap_data(running: Running, user: Any, data: str, message_id: int | None = None) -> Any:
    """A (possibly forged) tap with raw callback data on a bot message in the user's chat."""
    if message_id is None:
        last = user.last_message()
        assert last is not None, "the user needs a bot message to tap on"
        message_id = last.message_id
    user._act()  # wait_for_message looks after this tap
    return running.tg.state.user_taps(user.id, user.chat_id, message_id, data)


def set_read_timeout(running: Running, seconds: float) -> None:
    """Make the bot's HTTP client (not its long poll) give up on an answer after `seconds`."""
    request = running.app.bot.request
    assert isinstance(request, AiohttpRequest), "the bot's own client (KCHAT_TELEGRAM_CLIENT)"
    request.read_timeout = seconds


# --- helpers for the support-agent end-to-end tests ---------------------------------------
# (imported here so this section is appended without touching the module's header)
from collections.abc import AsyncIterator, Callable  # noqa: E402
from contextlib import asynccontextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

from bot.domain.ledger import escrow_account  # noqa: E402
from bot.domain.tickets import Ticket  # noqa: E402
from handlers.views.callback_data import (  # noqa: E402
    KIND_OF,
    Act,
    Callback,
    CancelConfirm,
    FaqReply,
    FaqTap,
    LanguageTap,
    ListPage,
    MoneyConfirm,
    OfferTap,
    OrderTap,
    PlainTap,
    TicketPartialRefund,
    TicketTap,
    ZoneConfirm,
    ZoneTap,
)
from sandbox.fake_bot_api.harness import FakeUser, MessageView  # noqa: E402

FakeUserSpec = tuple[int, str]  # (telegram id, first name)

# A tiny PNG: what a buyer's phone sends as the photo of a transfer slip.
RECEIPT_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@asynccontextmanager
async def support_kchat(
    tmp_path: Path,
    faq_index: Any,
    *,
    forum: bool = False,
    agents: tuple[FakeUserSpec, ...] = ((AGENT, "Aisha"),),
    **overrides: Any,
) -> AsyncIterator[Running]:
    """KChat with a support group (plain or forum) whose members are `agents`."""
    from tests.e2e.conftest import running_kchat  # conftest imports this module

    async with running_kchat(
        tmp_path, faq_index, support_chat_id=SUPPORT_CHAT, **overrides
    ) as running:
        members = [running.tg.user(uid, name) for uid, name in agents]
        running.group = running.tg.group(
            SUPPORT_CHAT, "KALEOZ Support", members=members, forum=forum
        )
        yield running


@dataclass
class Case:
    """The people around a support ticket: buyer, seller and the agent, all started."""

    k: Running
    group: FakeGroup
    buyer: FakeUser
    seller: FakeUser
    agent: FakeUser


async def case(k: Running) -> Case:
    """Buyer Alice and seller Sam open the bot; Aisha is the agent in the group."""
    assert k.group is not None, "use a running KChat with a support group"
    buyer, seller = k.tg.user(BUYER, "Alice"), k.tg.user(SELLER, "Sam")
    agent = k.tg.user(AGENT, "Aisha")
    buyer.start()
    seller.start()
    await k.settle()
    return Case(k, k.group, buyer, seller, agent)


async def ticket_of(k: Running, ticket_id: int = 1) -> Ticket:
    """The ticket as the store has it now."""
    return await k.services.support.get(ticket_id)


async def card(k: Running, ticket_id: int = 1) -> MessageView:
    """The ticket's card in the group, as it reads now."""
    ticket = await ticket_of(k, ticket_id)
    assert ticket.card_message_id is not None, f"ticket #{ticket_id} has no card"
    view = k.tg.message(SUPPORT_CHAT, ticket.card_message_id)
    assert view is not None, f"the card of ticket #{ticket_id} is gone"
    return view


def cards_in_group(k: Running) -> list[MessageView]:
    """Every ticket card the bot has posted in the group (still there)."""
    return [m for m in k.tg.bot_messages(SUPPORT_CHAT) if m.content.startswith("🎫 Ticket #")]


async def ticket_posts(k: Running, ticket_id: int = 1) -> list[MessageView]:
    """The bot's posts about a ticket: in its topic (forum) or replying to its card (plain)."""
    ticket = await ticket_of(k, ticket_id)
    if ticket.topic_id is not None:
        return [
            m
            for m in k.tg.bot_messages(SUPPORT_CHAT, thread_id=ticket.topic_id)
            if m.message_id != ticket.card_message_id
        ]
    return [
        m
        for m in k.tg.bot_messages(SUPPORT_CHAT)
        if m.reply_to_message_id == ticket.card_message_id
    ]


async def in_ticket(k: Running, agent: FakeUser, text: str, ticket_id: int = 1) -> MessageView:
    """An agent writes in the ticket: in its topic (forum), as a reply to its card (plain)."""
    assert k.group is not None
    ticket = await ticket_of(k, ticket_id)
    if ticket.topic_id is not None:
        return k.group.send(agent, text, thread_id=ticket.topic_id)
    assert ticket.card_message_id is not None
    return k.group.reply(agent, ticket.card_message_id, text)


async def sla_sweep(k: Running) -> int:
    """What the wake-up job does after each deadline sweep: raise overdue tickets, notify."""
    raised = await k.services.support.sweep_sla()
    await k.notifier.drain()
    await k.tg.idle()
    return raised


async def escrow_of(k: Running, order_id: str) -> int:
    """What the order's escrow account holds (MYR minor units)."""
    async with k.services.store.read() as tx:
        return (await tx.balances(escrow_account(order_id))).get("MYR", 0)


async def settlements(k: Running, order_id: str) -> int:
    """How many times money left the order's escrow to settle it."""
    async with k.services.store.read() as tx:
        keys = await tx.txn_keys(order_id)
    return keys.count(f"{order_id}:settle")


def ticket_button_data(ticket_id: int, act: Act, arg: str = "") -> str:
    """The callback data of a ticket button (for a tap on a screen the bot has since redrawn):
    `arg` is "y" for a second tap, "y<minor units>" for Refund part's."""
    if act is Act.T_PART:
        return TicketPartialRefund(ticket_id, int(arg[1:]) if arg else None).pack()
    return TicketTap(act, ticket_id, confirmed=arg == "y").pack()


def a_tap(act: Act, order_id: str = "KZZZZZZZ", ticket_id: int = 1) -> Callback:
    """A well-formed button of this kind, about this order or ticket where it names one (what
    a modified client can send, whether or not the bot ever drew it)."""
    examples: dict[type[Callback], Callable[[], Callback]] = {
        OrderTap: lambda: OrderTap(act, order_id),
        MoneyConfirm: lambda: MoneyConfirm(act, order_id, 1),
        CancelConfirm: lambda: CancelConfirm(order_id),
        ListPage: lambda: ListPage("active", 1),
        OfferTap: lambda: OfferTap("O0000000"),
        FaqTap: lambda: FaqTap(None),
        FaqReply: lambda: FaqReply(act, None, 1),
        PlainTap: lambda: PlainTap(act),
        ZoneTap: lambda: ZoneTap(0),
        ZoneConfirm: lambda: ZoneConfirm(0, "00000000"),
        LanguageTap: lambda: LanguageTap("ms"),
        TicketTap: lambda: TicketTap(act, ticket_id),
        TicketPartialRefund: lambda: TicketPartialRefund(ticket_id),
    }
    return examples[KIND_OF[act]]()


def group_tap_data(k: Running, user: FakeUser, message_id: int, data: str) -> Any:
    """A member taps a ticket button their client still shows (the bot already redrew it)."""
    assert k.group is not None
    k.group._act()
    return k.tg.state.user_taps(user.id, SUPPORT_CHAT, message_id, data)
