"""Support tickets: who works a case, and when it must be raised again (pure rules)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import DomainError, IllegalTransition, Words


class TicketKind(StrEnum):
    """Why support was called in."""

    DISPUTE = "dispute"
    PAYMENT = "payment"
    HELP = "help"
    UNREACHABLE = "unreachable"

    @property
    def label(self) -> str:
        """For people."""
        return {
            "dispute": "Dispute",
            "payment": "Payment problem",
            "help": "Help request",
            "unreachable": "Party unreachable",
        }[self.value]


class AlreadyClaimed(DomainError):
    """Another agent works this ticket."""

    code = "already_claimed"


class SupportPolicy(BaseModel):
    """Service levels: when an untouched ticket is raised in the group again."""

    model_config = ConfigDict(frozen=True)

    unclaimed_after: timedelta = timedelta(minutes=15)
    unanswered_after: timedelta = timedelta(hours=1)


class Ticket(BaseModel):
    """A case in the support group."""

    model_config = ConfigDict(frozen=True)

    id: int
    order_id: str | None
    kind: TicketKind
    status: str = "open"
    opened_by: int | None = None
    subject: str = ""
    opened_at: datetime
    claimed_by: int | None = None
    claimed_by_name: str | None = None
    claimed_at: datetime | None = None
    talking_to: int | None = None
    last_party_at: datetime | None = None
    last_agent_reply_at: datetime | None = None
    sla_raised_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: int | None = None
    outcome: str | None = None
    topic_id: int | None = None
    card_message_id: int | None = None

    @property
    def is_open(self) -> bool:
        """Not yet closed."""
        return self.status == "open"


def check_claim(ticket: Ticket, agent_id: int) -> bool:
    """True if the agent may claim (False: they already hold it); raise if someone else does."""
    if not ticket.is_open:
        raise IllegalTransition(Words("Ticket #{ticket} is closed."), ticket=ticket.id)
    if ticket.claimed_by is None:
        return True
    if ticket.claimed_by == agent_id:
        return False
    if ticket.claimed_by_name:
        raise AlreadyClaimed(Words("{agent} already claimed this."), agent=ticket.claimed_by_name)
    raise AlreadyClaimed(Words("Another agent already claimed this."))


def check_agent_may_act(ticket: Ticket, agent_id: int) -> None:
    """Money and closing need the ticket to be open and held by this agent (or unclaimed)."""
    if not ticket.is_open:
        raise IllegalTransition(Words("Ticket #{ticket} is already closed."), ticket=ticket.id)
    if ticket.claimed_by is not None and ticket.claimed_by != agent_id:
        if ticket.claimed_by_name:
            raise AlreadyClaimed(
                Words("{agent} is working this ticket; claim it first."),
                agent=ticket.claimed_by_name,
            )
        raise AlreadyClaimed(Words("Another agent is working this ticket; claim it first."))


def sla_due(ticket: Ticket, policy: SupportPolicy) -> datetime | None:
    """When the ticket is next raised again: unclaimed, or a party left without an answer."""
    if not ticket.is_open:
        return None
    if ticket.claimed_by is None:
        since = ticket.sla_raised_at or ticket.opened_at
        return since + policy.unclaimed_after
    waiting_since = ticket.last_party_at or ticket.claimed_at
    if waiting_since is None:
        return None
    answered = ticket.last_agent_reply_at
    if answered is not None and answered >= waiting_since:
        return None
    since = max(waiting_since, ticket.sla_raised_at or waiting_since)
    return since + policy.unanswered_after
