"""The support tables (part of `PgTx`): tickets, internal notes, messages with the parties."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from bot.domain.tickets import Ticket, TicketKind
from bot.ports.records import TicketMessage, TicketNote
from store.postgres.queries import PgQueries, utc

_COLS = (
    "id, order_id, kind, status, opened_by, subject, opened_at, claimed_by, claimed_by_name, "
    "claimed_at, talking_to, last_party_at, last_agent_reply_at, sla_raised_at, closed_at, "
    "outcome, topic_id, card_message_id, closed_by"
)
_MSG_COLS = (
    "ticket_id, direction, party_id, agent_id, kind, text, file_id, group_message_id, "
    "party_message_id"
)


def _ticket(r: asyncpg.Record) -> Ticket:
    return Ticket(
        id=r[0],
        order_id=r[1],
        kind=TicketKind(r[2]),
        status=r[3],
        opened_by=r[4],
        subject=r[5],
        opened_at=r[6],
        claimed_by=r[7],
        claimed_by_name=r[8],
        claimed_at=r[9],
        talking_to=r[10],
        last_party_at=r[11],
        last_agent_reply_at=r[12],
        sla_raised_at=r[13],
        closed_at=r[14],
        outcome=r[15],
        topic_id=r[16],
        card_message_id=r[17],
        closed_by=r[18],
    )


class SupportTables(PgQueries):
    """Tickets and their conversations."""

    async def get_ticket(self, ticket_id: int) -> Ticket | None:
        """A ticket by id."""
        row = await self._one(f"SELECT {_COLS} FROM tickets WHERE id = $1", ticket_id)
        return _ticket(row) if row else None

    async def open_ticket_for(
        self, order_id: str | None, kind: TicketKind, opened_by: int | None
    ) -> Ticket | None:
        """The open ticket of this kind for the order (without an order: for this person)."""
        if order_id is not None:
            row = await self._one(
                f"SELECT {_COLS} FROM tickets WHERE order_id = $1 AND kind = $2 "
                "AND status = 'open' ORDER BY id LIMIT 1",
                order_id,
                kind.value,
            )
        else:
            row = await self._one(
                f"SELECT {_COLS} FROM tickets WHERE order_id IS NULL AND opened_by = $1 "
                "AND kind = $2 AND status = 'open' ORDER BY id LIMIT 1",
                opened_by,
                kind.value,
            )
        return _ticket(row) if row else None

    async def open_tickets_on(self, order_id: str) -> list[Ticket]:
        """The order's open tickets, oldest first."""
        rows = await self._all(
            f"SELECT {_COLS} FROM tickets WHERE order_id = $1 AND status = 'open' ORDER BY id",
            order_id,
        )
        return [_ticket(r) for r in rows]

    async def tickets_on(self, order_id: str) -> list[Ticket]:
        """Every ticket about the order, open or closed, oldest first."""
        rows = await self._all(
            f"SELECT {_COLS} FROM tickets WHERE order_id = $1 ORDER BY id", order_id
        )
        return [_ticket(r) for r in rows]

    async def open_tickets_of(self, user_id: int) -> list[Ticket]:
        """Open tickets raised by or about a user, newest first."""
        rows = await self._all(
            f"SELECT {_COLS} FROM tickets WHERE status = 'open' AND (opened_by = $1 OR order_id "
            "IN (SELECT id FROM orders WHERE buyer_id = $1 OR seller_id = $1)) ORDER BY id DESC",
            user_id,
        )
        return [_ticket(r) for r in rows]

    async def insert_ticket(
        self,
        order_id: str | None,
        kind: TicketKind,
        opened_by: int | None,
        subject: str,
        now: datetime,
    ) -> int:
        """A new open ticket.

        One open ticket per order and kind is a unique index: if another process opened
        it since the caller looked, this joins that one instead of failing the transaction.
        """
        ticket_id = await self._con.fetchval(
            "INSERT INTO tickets (order_id, kind, opened_by, subject, opened_at, talking_to) "
            "VALUES ($1, $2, $3, $4, $5, $3) "
            "ON CONFLICT (order_id, kind) WHERE status = 'open' DO NOTHING RETURNING id",
            order_id,
            kind.value,
            opened_by,
            subject,
            utc(now),
        )
        if ticket_id is None:
            found = await self.open_ticket_for(order_id, kind, opened_by)
            assert found is not None, "the conflicting ticket is open"
            return found.id
        return int(ticket_id)

    async def claim_ticket(self, ticket_id: int, agent_id: int, name: str, now: datetime) -> bool:
        """Claim it if nobody has (the condition is what makes a claim race safe: the second
        UPDATE waits for the first, then finds the ticket claimed)."""
        done = await self._run(
            "UPDATE tickets SET claimed_by = $1, claimed_by_name = $2, claimed_at = $3 "
            "WHERE id = $4 AND status = 'open' AND claimed_by IS NULL",
            agent_id,
            name,
            utc(now),
            ticket_id,
        )
        return done == 1

    async def close_ticket(
        self, ticket_id: int, agent_id: int | None, outcome: str, now: datetime
    ) -> bool:
        """Close an open ticket; False if it was already closed."""
        done = await self._run(
            "UPDATE tickets SET status = 'closed', closed_at = $1, closed_by = $2, outcome = $3 "
            "WHERE id = $4 AND status = 'open'",
            utc(now),
            agent_id,
            outcome,
            ticket_id,
        )
        return done == 1

    async def set_ticket_place(
        self, ticket_id: int, card_message_id: int | None, topic_id: int | None
    ) -> None:
        """Where the ticket's card (and forum topic) is in the group."""
        await self._run(
            "UPDATE tickets SET card_message_id = $1, topic_id = $2 WHERE id = $3",
            card_message_id,
            topic_id,
            ticket_id,
        )

    async def set_talking_to(self, ticket_id: int, party_id: int) -> None:
        """Which party an agent's messages in the ticket go to."""
        await self._run("UPDATE tickets SET talking_to = $1 WHERE id = $2", party_id, ticket_id)

    async def raise_ticket_sla(
        self, ticket_id: int, raised_before: datetime | None, now: datetime
    ) -> bool:
        """Record the raise if nobody did since `raised_before`; False if another did."""
        done = await self._run(
            "UPDATE tickets SET sla_raised_at = $1 WHERE id = $2 AND status = 'open' "
            "AND sla_raised_at IS NOT DISTINCT FROM $3",
            utc(now),
            ticket_id,
            utc(raised_before) if raised_before is not None else None,
        )
        return done == 1

    async def touch_ticket(self, ticket_id: int, column: str, now: datetime) -> None:
        """Record the latest party message or agent reply."""
        if column not in ("last_party_at", "last_agent_reply_at", "sla_raised_at"):
            raise ValueError(column)
        await self._run(f"UPDATE tickets SET {column} = $1 WHERE id = $2", utc(now), ticket_id)

    async def all_open_tickets(self) -> list[Ticket]:
        """Every open ticket, oldest first."""
        rows = await self._all(
            f"SELECT {_COLS} FROM tickets WHERE status = 'open' ORDER BY opened_at, id"
        )
        return [_ticket(r) for r in rows]

    async def ticket_by_card(self, message_id: int) -> Ticket | None:
        """The ticket whose card is this group message."""
        row = await self._one(f"SELECT {_COLS} FROM tickets WHERE card_message_id = $1", message_id)
        return _ticket(row) if row else None

    async def ticket_by_topic(self, topic_id: int) -> Ticket | None:
        """The ticket that owns this forum topic."""
        row = await self._one(
            f"SELECT {_COLS} FROM tickets WHERE topic_id = $1 ORDER BY id DESC LIMIT 1", topic_id
        )
        return _ticket(row) if row else None

    async def add_note(
        self, ticket_id: int, agent_id: int, agent_name: str, text: str, now: datetime
    ) -> None:
        """An internal note parties never see."""
        await self._run(
            "INSERT INTO ticket_notes (ticket_id, agent_id, agent_name, text, at) "
            "VALUES ($1, $2, $3, $4, $5)",
            ticket_id,
            agent_id,
            agent_name,
            text,
            utc(now),
        )

    async def notes(self, ticket_id: int) -> list[TicketNote]:
        """A ticket's internal notes, oldest first."""
        rows = await self._all(
            "SELECT agent_name, text, at FROM ticket_notes WHERE ticket_id = $1 ORDER BY id",
            ticket_id,
        )
        return [TicketNote(r[0], r[1], r[2]) for r in rows]

    async def add_ticket_message(self, m: TicketMessage, now: datetime) -> None:
        """Keep a message between support and a party, with its routing ids."""
        await self._run(
            f"INSERT INTO ticket_messages ({_MSG_COLS}, at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            m.ticket_id,
            m.direction,
            m.party_id,
            m.agent_id,
            m.kind,
            m.text,
            m.file_id,
            m.group_message_id,
            m.party_message_id,
            utc(now),
        )

    async def ticket_message_in_group(self, group_message_id: int) -> TicketMessage | None:
        """The support conversation message shown as this group message."""
        row = await self._one(
            f"SELECT {_MSG_COLS} FROM ticket_messages WHERE group_message_id = $1 "
            "ORDER BY id DESC LIMIT 1",
            group_message_id,
        )
        return TicketMessage(*row) if row else None

    async def ticket_message_to(self, party_id: int, party_message_id: int) -> TicketMessage | None:
        """The support conversation message shown as this message in a party's chat."""
        row = await self._one(
            f"SELECT {_MSG_COLS} FROM ticket_messages WHERE party_id = $1 "
            "AND party_message_id = $2 ORDER BY id DESC LIMIT 1",
            party_id,
            party_message_id,
        )
        return TicketMessage(*row) if row else None

    async def ticket_messages(self, ticket_id: int) -> list[TicketMessage]:
        """A ticket's conversation with the parties, oldest first."""
        rows = await self._all(
            f"SELECT {_MSG_COLS}, at FROM ticket_messages WHERE ticket_id = $1 ORDER BY id",
            ticket_id,
        )
        return [TicketMessage(*r) for r in rows]
