"""The support tables: tickets, internal notes, and messages between agents and parties."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.tickets import Ticket, TicketKind
from bot.ports.records import TicketMessage, TicketNote
from bot.timefmt import from_db, to_db
from store.queries import Queries

_COLS = (
    "id, order_id, kind, status, opened_by, subject, opened_at, claimed_by, claimed_by_name, "
    "claimed_at, talking_to, last_party_at, last_agent_reply_at, sla_raised_at, closed_at, "
    "outcome, topic_id, card_message_id, closed_by"
)


def _ts(v: str | None) -> datetime | None:
    return from_db(v) if v else None


def _ticket(r: aiosqlite.Row) -> Ticket:
    return Ticket(
        id=r[0],
        order_id=r[1],
        kind=TicketKind(r[2]),
        status=r[3],
        opened_by=r[4],
        subject=r[5],
        opened_at=from_db(r[6]),
        claimed_by=r[7],
        claimed_by_name=r[8],
        claimed_at=_ts(r[9]),
        talking_to=r[10],
        last_party_at=_ts(r[11]),
        last_agent_reply_at=_ts(r[12]),
        sla_raised_at=_ts(r[13]),
        closed_at=_ts(r[14]),
        outcome=r[15],
        topic_id=r[16],
        card_message_id=r[17],
        closed_by=r[18],
    )


class SupportTables(Queries):
    """Tickets and their conversations (part of `Tx`)."""

    async def get_ticket(self, ticket_id: int) -> Ticket | None:
        """A ticket by id."""
        row = await self._one(f"SELECT {_COLS} FROM tickets WHERE id = ?", (ticket_id,))
        return _ticket(row) if row else None

    async def open_ticket_for(
        self, order_id: str | None, kind: TicketKind, opened_by: int | None
    ) -> Ticket | None:
        """The open ticket of this kind for the order (without an order: for this person)."""
        if order_id is not None:
            row = await self._one(
                f"SELECT {_COLS} FROM tickets WHERE order_id = ? AND kind = ? AND status = 'open'"
                " ORDER BY id LIMIT 1",
                (order_id, kind.value),
            )
        else:
            row = await self._one(
                f"SELECT {_COLS} FROM tickets WHERE order_id IS NULL AND opened_by = ? "
                "AND kind = ? AND status = 'open' ORDER BY id LIMIT 1",
                (opened_by, kind.value),
            )
        return _ticket(row) if row else None

    async def open_tickets_on(self, order_id: str) -> list[Ticket]:
        """The order's open tickets, oldest first."""
        rows = await self._all(
            f"SELECT {_COLS} FROM tickets WHERE order_id = ? AND status = 'open' ORDER BY id",
            (order_id,),
        )
        return [_ticket(r) for r in rows]

    async def tickets_on(self, order_id: str) -> list[Ticket]:
        """Every ticket about the order, open or closed, oldest first."""
        rows = await self._all(
            f"SELECT {_COLS} FROM tickets WHERE order_id = ? ORDER BY id", (order_id,)
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
        """A new open ticket."""
        cur = await self._db.execute(
            "INSERT INTO tickets (order_id, kind, opened_by, subject, opened_at, talking_to) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (order_id, kind.value, opened_by, subject, to_db(now), opened_by),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def claim_ticket(self, ticket_id: int, agent_id: int, name: str, now: datetime) -> bool:
        """Claim it if nobody has (the condition is what makes a claim race safe)."""
        cur = await self._db.execute(
            "UPDATE tickets SET claimed_by = ?, claimed_by_name = ?, claimed_at = ? "
            "WHERE id = ? AND status = 'open' AND claimed_by IS NULL",
            (agent_id, name, to_db(now), ticket_id),
        )
        return cur.rowcount == 1

    async def close_ticket(
        self, ticket_id: int, agent_id: int | None, outcome: str, now: datetime
    ) -> bool:
        """Close an open ticket; False if it was already closed."""
        cur = await self._db.execute(
            "UPDATE tickets SET status = 'closed', closed_at = ?, closed_by = ?, outcome = ? "
            "WHERE id = ? AND status = 'open'",
            (to_db(now), agent_id, outcome, ticket_id),
        )
        return cur.rowcount == 1

    async def set_ticket_place(
        self, ticket_id: int, card_message_id: int | None, topic_id: int | None
    ) -> None:
        """Where the ticket's card (and forum topic) is in the group."""
        await self._db.execute(
            "UPDATE tickets SET card_message_id = ?, topic_id = ? WHERE id = ?",
            (card_message_id, topic_id, ticket_id),
        )

    async def set_talking_to(self, ticket_id: int, party_id: int) -> None:
        """Which party an agent's messages in the ticket go to."""
        await self._db.execute(
            "UPDATE tickets SET talking_to = ? WHERE id = ?", (party_id, ticket_id)
        )

    async def raise_ticket_sla(
        self, ticket_id: int, raised_before: datetime | None, now: datetime
    ) -> bool:
        """Record the raise if nobody did since `raised_before`; False if another did."""
        cur = await self._db.execute(
            "UPDATE tickets SET sla_raised_at = ? WHERE id = ? AND status = 'open' "
            "AND sla_raised_at IS ?",
            (to_db(now), ticket_id, to_db(raised_before) if raised_before is not None else None),
        )
        return cur.rowcount == 1

    async def touch_ticket(self, ticket_id: int, column: str, now: datetime) -> None:
        """Record the latest party message or agent reply."""
        if column not in ("last_party_at", "last_agent_reply_at", "sla_raised_at"):
            raise ValueError(column)
        await self._db.execute(
            f"UPDATE tickets SET {column} = ? WHERE id = ?", (to_db(now), ticket_id)
        )

    async def all_open_tickets(self) -> list[Ticket]:
        """Every open ticket, oldest first."""
        rows = await self._all(
            f"SELECT {_COLS} FROM tickets WHERE status = 'open' ORDER BY opened_at, id"
        )
        return [_ticket(r) for r in rows]

    async def ticket_by_card(self, message_id: int) -> Ticket | None:
        """The ticket whose card is this group message."""
        row = await self._one(
            f"SELECT {_COLS} FROM tickets WHERE card_message_id = ?", (message_id,)
        )
        return _ticket(row) if row else None

    async def ticket_by_topic(self, topic_id: int) -> Ticket | None:
        """The ticket that owns this forum topic."""
        row = await self._one(
            f"SELECT {_COLS} FROM tickets WHERE topic_id = ? ORDER BY id DESC LIMIT 1",
            (topic_id,),
        )
        return _ticket(row) if row else None

    async def add_note(
        self, ticket_id: int, agent_id: int, agent_name: str, text: str, now: datetime
    ) -> None:
        """An internal note parties never see."""
        await self._db.execute(
            "INSERT INTO ticket_notes (ticket_id, agent_id, agent_name, text, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (ticket_id, agent_id, agent_name, text, to_db(now)),
        )

    async def notes(self, ticket_id: int) -> list[TicketNote]:
        """A ticket's internal notes, oldest first."""
        rows = await self._all(
            "SELECT agent_name, text, at FROM ticket_notes WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        )
        return [TicketNote(r[0], r[1], from_db(r[2])) for r in rows]

    async def add_ticket_message(self, m: TicketMessage, now: datetime) -> None:
        """Keep a message between support and a party, with its routing ids."""
        await self._db.execute(
            "INSERT INTO ticket_messages (ticket_id, direction, party_id, agent_id, kind, text, "
            "file_id, group_message_id, party_message_id, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.ticket_id,
                m.direction,
                m.party_id,
                m.agent_id,
                m.kind,
                m.text,
                m.file_id,
                m.group_message_id,
                m.party_message_id,
                to_db(now),
            ),
        )

    async def ticket_message_in_group(self, group_message_id: int) -> TicketMessage | None:
        """The support conversation message shown as this group message."""
        return await self._ticket_message("group_message_id = ?", (group_message_id,))

    async def ticket_message_to(self, party_id: int, party_message_id: int) -> TicketMessage | None:
        """The support conversation message shown as this message in a party's chat."""
        return await self._ticket_message(
            "party_id = ? AND party_message_id = ?", (party_id, party_message_id)
        )

    async def _ticket_message(self, where: str, args: tuple[int, ...]) -> TicketMessage | None:
        row = await self._one(
            "SELECT ticket_id, direction, party_id, agent_id, kind, text, file_id, "
            f"group_message_id, party_message_id FROM ticket_messages WHERE {where} "
            "ORDER BY id DESC LIMIT 1",
            args,
        )
        return TicketMessage(*row) if row else None

    async def ticket_messages(self, ticket_id: int) -> list[TicketMessage]:
        """A ticket's conversation with the parties, oldest first."""
        rows = await self._all(
            "SELECT ticket_id, direction, party_id, agent_id, kind, text, file_id, "
            "group_message_id, party_message_id, at FROM ticket_messages WHERE ticket_id = ? "
            "ORDER BY id",
            (ticket_id,),
        )
        return [
            TicketMessage(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], from_db(r[9]))
            for r in rows
        ]
