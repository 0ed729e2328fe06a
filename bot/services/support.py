"""Support use cases: raise and join tickets, claim, resolve with money, talk, keep SLAs.

Every money action is one transaction holding both the order's transition and the
ticket's closing, so two agents tapping different resolutions at once settle once.
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import Clock
from bot.domain import transitions as t
from bot.domain.errors import DomainError, IllegalTransition, InvalidInput, OrderNotFound, Words
from bot.domain.events import (
    DeskNews,
    PaymentRejected,
    SupportClosed,
    TicketClaimed,
    TicketClosed,
    TicketJoined,
    TicketOpened,
    TicketSla,
)
from bot.domain.model import Actor, Order, Resolution, Role
from bot.domain.tickets import (
    SupportPolicy,
    Ticket,
    TicketKind,
    check_agent_may_act,
    check_claim,
    sla_due,
)
from bot.ports.records import TicketMessage, TicketNote
from bot.ports.storage import OutboxRepo, Storage, SupportRepo, UnitOfWork
from bot.services.notifications import OutboxSignal
from bot.services.orders import OrderService
from bot.services.telemetry import Applied

MAX_NOTE = 2000


class TicketNotFound(OrderNotFound):
    """No such ticket."""

    def __init__(self, ticket_id: int) -> None:
        DomainError.__init__(self, Words("No ticket #{ticket}."), ticket=ticket_id)
        self.order_id = f"#{ticket_id}"


class SupportService:
    """Tickets in the support group and the money actions agents take on them."""

    def __init__(
        self,
        store: Storage,
        clock: Clock,
        orders: OrderService,
        policy: SupportPolicy,
        chat_id: int | None,
        signal: OutboxSignal | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.orders = orders
        self.policy = policy
        self.chat_id = chat_id
        self.signal = signal or OutboxSignal()

    async def _tell_group(self, tx: OutboxRepo, news: DeskNews, now: datetime) -> None:
        if self.chat_id is not None:
            await tx.add_outbox(None, self.chat_id, news.kind.value, news.to_dict(), now)

    async def _load(self, tx: SupportRepo, ticket_id: int) -> Ticket:
        ticket = await tx.get_ticket(ticket_id)
        if ticket is None:
            raise TicketNotFound(ticket_id)
        return ticket

    async def _open_in(
        self,
        tx: UnitOfWork,
        kind: TicketKind,
        order_id: str | None,
        user_id: int | None,
        subject: str,
        now: datetime,
    ) -> tuple[Ticket, bool]:
        found = await tx.open_ticket_for(order_id, kind, user_id)
        if found is not None:
            joined = TicketJoined(ticket_id=found.id, subject=subject, by=user_id)
            await self._tell_group(tx, joined, now)
            if user_id is not None:
                await tx.touch_ticket(found.id, "last_party_at", now)
            return found, True
        ticket_id = await tx.insert_ticket(order_id, kind, user_id, subject[:500], now)
        await self._tell_group(tx, TicketOpened(ticket_id=ticket_id), now)
        ticket = await tx.get_ticket(ticket_id)
        assert ticket is not None
        return ticket, False

    def _done(self, applied: Applied | None = None) -> None:
        self.signal.mark()
        self.orders.committed(applied)

    # --- raising -----------------------------------------------------------------------

    async def raise_ticket(
        self,
        kind: TicketKind,
        *,
        order_id: str | None,
        user_id: int | None,
        subject: str = "",
    ) -> tuple[Ticket, bool]:
        """Open a ticket, or join the open one of this kind for the order; (ticket, joined)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            if order_id is not None and user_id is not None:
                order = await self.orders.authorize_in(tx, order_id, user_id)
                if kind is TicketKind.PAYMENT:
                    t.check_payment_report(order, user_id)
            result = await self._open_in(tx, kind, order_id, user_id, subject, now)
        self._done()
        return result

    async def escalate(self, order_id: str, user_id: int, reason: str = "") -> tuple[Order, Ticket]:
        """A party disputes: the order's clocks stop and a dispute ticket opens, together.

        If the order is already with support (the other party escalated first), the party
        joins the open dispute ticket instead of being refused.
        """
        now = self.clock.now()
        applied = Applied()
        async with self.store.transaction() as tx:
            order = await self.orders.authorize_in(tx, order_id, user_id)
            role = order.role_of(user_id)
            assert role is not None
            if order.dispute_open:
                saved = order
            else:
                saved = await self.orders.apply_in(
                    tx,
                    order.id,
                    Actor(role, user_id),
                    lambda o, a, n: t.escalate(o, a, n, reason),
                    now,
                    applied,
                )
            ticket, _ = await self._open_in(tx, TicketKind.DISPUTE, order.id, user_id, reason, now)
        self._done(applied)
        return saved, ticket

    # --- agents ------------------------------------------------------------------------

    async def get(self, ticket_id: int) -> Ticket:
        """A ticket by id."""
        async with self.store.read() as tx:
            return await self._load(tx, ticket_id)

    async def claim(self, ticket_id: int, agent_id: int, name: str) -> Ticket:
        """Take the ticket so no two agents work it at once (exactly one wins a race)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            ticket = await self._load(tx, ticket_id)
            if check_claim(ticket, agent_id):
                if not await tx.claim_ticket(ticket_id, agent_id, name, now):
                    raise IllegalTransition(Words("Someone claimed it a moment ago."))
                await self._tell_group(tx, TicketClaimed(ticket_id=ticket_id, agent=name), now)
            ticket = await self._load(tx, ticket_id)
        self._done()
        return ticket

    async def _settle(
        self, ticket_id: int, agent_id: int, outcome: str, step: t.Transition | None
    ) -> tuple[Ticket, Order | None]:
        now = self.clock.now()
        applied = Applied()
        async with self.store.transaction() as tx:
            ticket = await self._load(tx, ticket_id)
            check_agent_may_act(ticket, agent_id)
            order = None
            if step is not None:
                if ticket.order_id is None:
                    raise IllegalTransition(Words("This ticket is not about an order."))
                order = await self.orders.apply_in(
                    tx, ticket.order_id, Actor(Role.AGENT, agent_id), step, now, applied
                )
            if not await tx.close_ticket(ticket_id, agent_id, outcome, now):
                raise IllegalTransition(
                    Words("Ticket #{ticket} is already closed."), ticket=ticket_id
                )
            await self._tell_group(tx, TicketClosed(ticket_id=ticket_id, outcome=outcome), now)
            ticket = await self._load(tx, ticket_id)
        self._done(applied)
        return ticket, order

    async def resolve(
        self,
        ticket_id: int,
        agent_id: int,
        resolution: Resolution,
        refund_minor: int | None = None,
    ) -> Order:
        """Refund in full, refund part, or release to the seller; closes the ticket."""
        _, order = await self._settle(
            ticket_id,
            agent_id,
            resolution.value,
            lambda o, a, n: t.resolve_dispute(o, a, n, resolution, refund_minor=refund_minor),
        )
        assert order is not None
        return order

    async def confirm_payment(self, ticket_id: int, agent_id: int) -> Order:
        """The receipt checks out: the order is paid (even if it had expired)."""
        _, order = await self._settle(
            ticket_id,
            agent_id,
            "payment_confirmed",
            lambda o, a, n: t.pay(o, a, n, via="support"),
        )
        assert order is not None
        return order

    async def reject_payment(self, ticket_id: int, agent_id: int) -> Ticket:
        """The payment could not be found: the ticket closes and the buyer is told."""
        ticket, _ = await self._settle(ticket_id, agent_id, "payment_rejected", None)
        if ticket.order_id and ticket.opened_by:
            news = PaymentRejected(ticket_id=ticket_id)
            async with self.store.transaction() as tx:
                await tx.add_outbox(
                    ticket.order_id,
                    ticket.opened_by,
                    news.kind.value,
                    {"event": news.kind.value, "role": "buyer", **news.to_dict()},
                    self.clock.now(),
                )
            self.signal.mark()
        return ticket

    async def close(self, ticket_id: int, agent_id: int) -> Ticket:
        """Close without moving money; an open dispute ends and the order's clocks resume."""
        now = self.clock.now()
        applied = Applied()
        async with self.store.transaction() as tx:
            ticket = await self._load(tx, ticket_id)
            check_agent_may_act(ticket, agent_id)
            if ticket.order_id is not None and ticket.kind is TicketKind.DISPUTE:
                order = await tx.get_order(ticket.order_id)
                if order is not None and order.dispute_open:
                    await self.orders.apply_in(
                        tx, order.id, Actor(Role.AGENT, agent_id), t.close_dispute, now, applied
                    )
            await tx.close_ticket(ticket_id, agent_id, "closed", now)
            await self._tell_group(tx, TicketClosed(ticket_id=ticket_id, outcome="closed"), now)
            if ticket.opened_by is not None and ticket.kind is not TicketKind.DISPUTE:
                # A dispute's parties hear it from the order; whoever asked for help or sent
                # a receipt is told here that their case is closed, and how to come back.
                closed = SupportClosed(ticket_id=ticket_id)
                await tx.add_outbox(
                    ticket.order_id,
                    ticket.opened_by,
                    closed.kind.value,
                    {"event": closed.kind.value, **closed.to_dict()},
                    now,
                )
            ticket = await self._load(tx, ticket_id)
        self._done(applied)
        return ticket

    async def note(self, ticket_id: int, agent_id: int, name: str, text: str) -> None:
        """An internal note; parties never see it."""
        clean = text.strip()
        if not clean:
            raise InvalidInput(Words("Write the note after /note."))
        if len(clean) > MAX_NOTE:
            raise InvalidInput(Words("Notes are at most {limit} characters."), limit=MAX_NOTE)
        async with self.store.transaction() as tx:
            await self._load(tx, ticket_id)
            await tx.add_note(ticket_id, agent_id, name, clean, self.clock.now())

    async def notes(self, ticket_id: int) -> list[TicketNote]:
        """A ticket's internal notes."""
        async with self.store.read() as tx:
            return await tx.notes(ticket_id)

    # --- conversation ------------------------------------------------------------------

    async def talk_to(self, ticket_id: int, agent_id: int, party_id: int) -> Ticket:
        """Agent messages in the ticket now go to this party."""
        async with self.store.transaction() as tx:
            ticket = await self._load(tx, ticket_id)
            check_agent_may_act(ticket, agent_id)
            await tx.set_talking_to(ticket_id, party_id)
            return await self._load(tx, ticket_id)

    async def record(self, message: TicketMessage) -> None:
        """Keep a message between support and a party; it also feeds the SLA clock."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await tx.add_ticket_message(message, now)
            column = "last_agent_reply_at" if message.direction == "to_party" else "last_party_at"
            await tx.touch_ticket(message.ticket_id, column, now)

    async def place(
        self, ticket_id: int, card_message_id: int | None, topic_id: int | None
    ) -> None:
        """Remember where the ticket's card and topic are in the group."""
        async with self.store.transaction() as tx:
            await tx.set_ticket_place(ticket_id, card_message_id, topic_id)

    async def by_card(self, message_id: int) -> Ticket | None:
        """The ticket whose card is this group message."""
        async with self.store.read() as tx:
            return await tx.ticket_by_card(message_id)

    async def by_topic(self, topic_id: int) -> Ticket | None:
        """The ticket that owns this forum topic."""
        async with self.store.read() as tx:
            return await tx.ticket_by_topic(topic_id)

    async def message_in_group(self, group_message_id: int) -> TicketMessage | None:
        """The conversation message shown as this group message."""
        async with self.store.read() as tx:
            return await tx.ticket_message_in_group(group_message_id)

    async def message_to(self, party_id: int, message_id: int) -> TicketMessage | None:
        """The conversation message shown as this message in a party's chat."""
        async with self.store.read() as tx:
            return await tx.ticket_message_to(party_id, message_id)

    async def open_on(self, order_id: str) -> list[Ticket]:
        """The order's open tickets."""
        async with self.store.read() as tx:
            return await tx.open_tickets_on(order_id)

    async def on_order(self, order_id: str) -> list[Ticket]:
        """Every ticket about the order, open or closed (their cards show the order)."""
        async with self.store.read() as tx:
            return await tx.tickets_on(order_id)

    async def conversation(self, ticket_id: int) -> list[TicketMessage]:
        """The ticket's messages with parties."""
        async with self.store.read() as tx:
            return await tx.ticket_messages(ticket_id)

    # --- service levels ----------------------------------------------------------------

    async def sweep_sla(self) -> int:
        """Raise again every ticket left unclaimed or unanswered too long; returns how many."""
        now = self.clock.now()
        raised = 0
        async with self.store.transaction() as tx:
            for ticket in await tx.all_open_tickets():
                due = sla_due(ticket, self.policy)
                if due is not None and due <= now:
                    # Every instance sweeps: the one whose raise lands tells the group.
                    if not await tx.raise_ticket_sla(ticket.id, ticket.sla_raised_at, now):
                        continue
                    reason = "unclaimed" if ticket.claimed_by is None else "unanswered"
                    await self._tell_group(tx, TicketSla(ticket_id=ticket.id, reason=reason), now)
                    raised += 1
        if raised:
            self.signal.mark()
        return raised

    async def next_sla_at(self) -> datetime | None:
        """When the next ticket would be raised again."""
        async with self.store.read() as tx:
            tickets = await tx.all_open_tickets()
        dues = [d for d in (sla_due(tk, self.policy) for tk in tickets) if d is not None]
        return min(dues, default=None)

    async def order_of(self, ticket: Ticket) -> Order | None:
        """The ticket's order, if it has one."""
        if ticket.order_id is None:
            return None
        async with self.store.read() as tx:
            return await tx.get_order(ticket.order_id)
