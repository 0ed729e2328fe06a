"""Rows the store hands back that are not domain objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.input_modes import InputMode


@dataclass(frozen=True)
class DueDeadline:
    """A pending deadline row."""

    id: int
    order_id: str
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class OutboxItem:
    """A notification waiting to be delivered to one person, as stored: `kind` and
    `payload` as written (`bot.domain.events` reads them back)."""

    id: int
    order_id: str | None
    recipient_id: int
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int


@dataclass(frozen=True)
class InboxItem:
    """A Telegram update as the inbox keeps it: its id, the chat whose order it keeps (None
    for an update of no chat), Telegram's JSON as received, and how many times an instance
    took it up (more than once: an instance died while handling it)."""

    update_id: int
    chat_key: int | None
    body: str
    attempts: int


@dataclass(frozen=True)
class LogEntry:
    """One line of an order's timeline."""

    at: datetime
    actor_role: str
    actor_id: int | None
    action: str
    detail: str


@dataclass(frozen=True)
class UserRecord:
    """What the bot knows of a Telegram user."""

    telegram_id: int
    display_name: str
    username: str | None
    started_at: datetime | None
    last_seen_at: datetime | None
    unreachable_since: datetime | None
    timezone: str | None
    language: str | None = None  # chosen with /language (None: not chosen)
    telegram_language: str | None = None  # Telegram's language_code when last seen


@dataclass(frozen=True)
class CardRef:
    """Where a person's live card for an order is.

    `buttons` is a digest of the buttons it shows ('' when not known), and `twins` the older
    messages in the same chat that still show exactly those buttons (an unchanged card
    opened again): they lose theirs together as soon as the live card's change.
    """

    order_id: str
    user_id: int
    chat_id: int
    message_id: int
    buttons: str = ""
    twins: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChatMode:
    """What the bot is waiting for a user to type next (or which order chat they are in)."""

    user_id: int
    mode: InputMode
    order_id: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class RelayedMessage:
    """One message of an order's transcript, and where its copy went."""

    id: int
    order_id: str
    sender_id: int
    recipient_id: int
    kind: str
    text: str
    file_id: str | None
    src_chat_id: int
    src_message_id: int
    dst_chat_id: int | None
    dst_message_id: int | None
    at: datetime
    header_message_id: int | None = None
    delivered_at: datetime | None = None
    failed: str | None = None
    edits: tuple[MessageEdit, ...] = ()

    @property
    def latest_text(self) -> str:
        """The text as its sender last wrote it (the original when never edited)."""
        return self.edits[-1].text if self.edits else self.text


@dataclass(frozen=True)
class MessageEdit:
    """One edit of a relayed message (kept beside the original, never over it)."""

    id: int
    message_id: int
    text: str
    at: datetime
    delivered_at: datetime | None
    failed: str | None


@dataclass(frozen=True)
class TranscriptRow:
    """A message to keep in an order's transcript, with where its copy went (if it did)."""

    order_id: str
    sender_id: int
    recipient_id: int
    kind: str
    text: str
    file_id: str | None
    src_chat_id: int
    src_message_id: int
    dst_chat_id: int | None
    dst_message_id: int | None


@dataclass(frozen=True)
class TicketNote:
    """An agent's internal note on a ticket."""

    agent_name: str
    text: str
    at: datetime


@dataclass(frozen=True)
class TicketMessage:
    """A message between support and a party ("to_party" or "from_party")."""

    ticket_id: int
    direction: str
    party_id: int
    agent_id: int | None
    kind: str
    text: str
    file_id: str | None
    group_message_id: int | None
    party_message_id: int | None
    at: datetime | None = None


@dataclass(frozen=True)
class HelpDocStats:
    """How one help-center answer (None: "I don't know") fared over a period."""

    doc_id: str | None
    asked: int
    helpful: int
    not_helpful: int
    support_asked: int


@dataclass(frozen=True)
class HelpQuestion:
    """A question asked in the chat, with what the help center made of it."""

    id: int
    asked_at: datetime
    question: str
    doc_id: str | None
    score: float
    helpful: bool | None


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key as stored: its public id, a hash of the secret, and what it may do."""

    id: str
    name: str
    key_hash: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class ApiRequestRecord:
    """An idempotent request: what was asked (its hash) and, once done, the answer."""

    request_hash: str
    done: bool
    status: int | None
    body: str | None
    started_at: datetime


@dataclass(frozen=True)
class AccountRecord:
    """A marketplace account and the Telegram user it is linked to (None: not linked)."""

    account: str
    telegram_id: int | None
    linked_at: datetime | None
    created_at: datetime | None  # None: the account was never named to us


@dataclass(frozen=True)
class LinkTokenRecord:
    """An issued link, by its token's nonce: whose, until when, and whether it was used."""

    nonce: str
    account: str
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class WaitingOrderRecord:
    """An order the marketplace asked for before a party's account was linked.

    Each party is an account or a Telegram id; `state` is `waiting`, `created` (then
    `order_id` names the order), `cancelled` or `refused` (`note` says why).
    """

    reference: str
    buyer_account: str | None
    buyer_id: int | None
    seller_account: str | None
    seller_id: int | None
    title: str
    price_minor: int
    currency: str
    created_at: datetime
    state: str = "waiting"
    order_id: str | None = None
    closed_at: datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class WebhookSubscription:
    """A subscriber to the order events: where they go, the secret that signs them, and
    which event types it wants (empty: every one)."""

    id: str
    url: str
    secret: str
    events: tuple[str, ...]
    created_at: datetime
    removed_at: datetime | None

    def wants(self, event_type: str) -> bool:
        """True if this subscriber is sent events of this type."""
        return not self.events or event_type in self.events


@dataclass(frozen=True)
class NewWebhookDelivery:
    """One event to send to one subscriber (written with the change it reports)."""

    subscription_id: str
    event_id: str
    event_type: str
    order_id: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class WebhookDelivery:
    """A delivery as stored: pending, delivered or failed, and how its attempts went."""

    id: int
    subscription_id: str
    event_id: str
    event_type: str
    order_id: str
    body: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    first_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None


@dataclass(frozen=True)
class DueWebhookDelivery:
    """A delivery claimed for sending, with where it goes and what signs it."""

    delivery: WebhookDelivery
    url: str
    secret: str
