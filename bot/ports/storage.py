"""Storage by role: the repositories a unit of work offers, and the storage that opens one.

Each Protocol is one role (orders, ledger, deadlines, outbox, users, chat, support, help log);
`UnitOfWork` is all of them inside one database transaction, so that a change, its money, its
deadlines and its notifications commit together or not at all. Services type a parameter by
the narrowest role they use where one is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

from bot.domain.deadlines import Deadline
from bot.domain.input_modes import InputMode
from bot.domain.ledger import LedgerTxn
from bot.domain.model import Offer, Order, Status
from bot.domain.tickets import Ticket, TicketKind
from bot.ports.records import (
    AccountRecord,
    ApiKeyRecord,
    ApiRequestRecord,
    CardRef,
    ChatMode,
    DueDeadline,
    DueWebhookDelivery,
    HelpDocStats,
    HelpQuestion,
    InboxItem,
    LinkTokenRecord,
    LogEntry,
    MessageEdit,
    NewWebhookDelivery,
    OutboxItem,
    RelayedMessage,
    TicketMessage,
    TicketNote,
    TranscriptRow,
    UserRecord,
    WaitingOrderRecord,
    WebhookDelivery,
    WebhookSubscription,
)


class OrderRepo(Protocol):
    """Orders, offers and each order's timeline."""

    async def get_order(self, order_id: str) -> Order | None:
        """The order with this id, or None."""
        ...

    async def get_orders(self, order_ids: Sequence[str]) -> dict[str, Order]:
        """Several orders by id in one query."""
        ...

    async def insert_order(self, order: Order, now: datetime) -> None:
        """Store a new order (version 1)."""
        ...

    async def update_order(self, order: Order, expected_version: int, now: datetime) -> Order:
        """Write `order` only if nobody changed it since `expected_version` was read."""
        ...

    async def set_hidden(self, order_id: str, user_ids: Iterable[int]) -> None:
        """Mirror the order's per-user "Deleted" flags (lists filter on it in SQL)."""
        ...

    async def order_exists(self, order_id: str) -> bool:
        """True if the id is taken."""
        ...

    async def orders_of(
        self,
        user_id: int,
        statuses: Iterable[Status] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[Order]:
        """A user's orders as buyer or seller, newest activity first, except those they deleted."""
        ...

    async def count_orders(self, status: Status | None = None) -> int:
        """How many orders there are (optionally in one status)."""
        ...

    async def all_orders(self) -> list[Order]:
        """Every order (operators' checks and tests)."""
        ...

    async def open_orders_after(self, after_id: str, limit: int) -> list[Order]:
        """Unfinished orders with ids after `after_id`, in id order (for batched passes)."""
        ...

    async def get_offer(self, offer_id: str) -> Offer | None:
        """The offer with this id, or None."""
        ...

    async def find_offer(self, seller_id: int, title: str, currency: str) -> Offer | None:
        """A seller's active offer with exactly this title and currency."""
        ...

    async def save_offer(self, offer: Offer) -> None:
        """Insert or update an offer."""
        ...

    async def log(
        self,
        order_id: str,
        at: datetime,
        actor_role: str,
        actor_id: int | None,
        action: str,
        detail: str = "",
    ) -> None:
        """Append a line to the order's timeline."""
        ...

    async def reordered_as(self, order_id: str) -> str | None:
        """The order placed by re-ordering `order_id`, if it was re-ordered."""
        ...

    async def timeline(self, order_id: str) -> list[LogEntry]:
        """The order's timeline, oldest first."""
        ...


class LedgerRepo(Protocol):
    """The double-entry ledger: balanced transactions, one per idempotency key."""

    async def post(self, txn: LedgerTxn, now: datetime) -> None:
        """Apply a balanced transaction; its key makes a second application impossible."""
        ...

    async def balance(self, account: str, currency: str) -> int:
        """An account's balance, derived from its entries."""
        ...

    async def balances(self, account: str) -> dict[str, int]:
        """An account's balance in every currency it has seen."""
        ...

    async def all_balances(self) -> dict[tuple[str, str], int]:
        """Every (account, currency) balance: invariant checks."""
        ...

    async def unbalanced_txns(self) -> list[str]:
        """Keys of transactions whose entries do not sum to zero (should be none)."""
        ...

    async def txn_keys(self, order_id: str) -> list[str]:
        """Keys of the ledger transactions of one order."""
        ...


class DeadlineRepo(Protocol):
    """Deadlines as rows, and the rules they were derived with."""

    async def replace_deadlines(self, order_id: str, deadlines: Iterable[Deadline]) -> None:
        """Make the order's pending deadlines exactly `deadlines`; fired ones stay fired."""
        ...

    async def claim_due_deadlines(self, now: datetime, limit: int) -> list[DueDeadline]:
        """In a transaction: the pending deadlines due by `now`, oldest first, whose orders
        no other transaction holds; their orders are now held by this one until it ends
        (several instances sweep at once, each deadline is applied by exactly one)."""
        ...

    async def due_deadlines(self, now: datetime, limit: int) -> list[DueDeadline]:
        """Pending deadlines due at or before `now`, oldest first."""
        ...

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending deadline falls due."""
        ...

    async def deadline_backlog(self, now: datetime, overdue_before: datetime) -> tuple[int, int]:
        """How many pending deadlines are due at `now`, and how many of them were due before
        `overdue_before`."""
        ...

    async def pending_deadlines(self, order_id: str) -> list[DueDeadline]:
        """An order's pending deadlines."""
        ...

    async def finish_due_deadline(
        self, order_id: str, kind: str, due_at: datetime, now: datetime
    ) -> bool:
        """Mark the order's pending deadline of `kind` at `due_at` done (applied in a move)."""
        ...

    async def finish_deadline(self, deadline_id: int, state: str, now: datetime) -> bool:
        """Mark a pending deadline done or obsolete; False if it was no longer pending."""
        ...

    async def get_meta(self, name: str) -> str | None:
        """A recorded fact about the engine, or None."""
        ...

    async def set_meta(self, name: str, value: str) -> None:
        """Record a fact about the engine."""
        ...


class OutboxRepo(Protocol):
    """Notifications to deliver, written in the same transaction as the change they report."""

    async def add_outbox(
        self,
        order_id: str | None,
        recipient_id: int,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        """Queue a notification in the same transaction as the change it reports."""
        ...

    async def add_relay_outbox(
        self,
        order_id: str,
        recipient_id: int,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
        next_attempt_at: datetime,
    ) -> int:
        """Queue a relayed message or edit (in the transaction that keeps it); its row id."""
        ...

    async def add_relay_outboxes(
        self, rows: Sequence[tuple[str, int, str, dict[str, Any], datetime, datetime]]
    ) -> list[int]:
        """`add_relay_outbox` for many (order, recipient, kind, payload, now, next attempt),
        one statement per 500; their row ids, in order."""
        ...

    async def relays_queued_for(self, recipient_ids: Iterable[int]) -> set[int]:
        """Which of these people have a relay still waiting (pending or held)."""
        ...

    async def mark_outbox_sent_many(self, item_ids: Sequence[int], now: datetime) -> None:
        """These notifications reached Telegram."""
        ...

    async def relay_queued_for(self, recipient_id: int) -> bool:
        """True if a relay to this person is still waiting (pending or held)."""
        ...

    async def outbox_state(self, item_id: int) -> tuple[str, int] | None:
        """(pending, held, sent or failed; how many times it was tried)."""
        ...

    async def fail_outbox(self, item_id: int, error: str) -> None:
        """Telegram refused it for good: stop trying (and let what queued behind it go)."""
        ...

    async def claim_outbox(
        self,
        now: datetime,
        limit: int,
        lease_until: datetime,
        owner: str,
        recipient_id: int | None = None,
    ) -> list[OutboxItem]:
        """Take notifications ready to send, oldest first, leased to `owner` until
        `lease_until`: no other instance takes them meanwhile, and they are ready again then
        if this one died.

        A relay waits for earlier relays to the same person, and nothing is taken for a
        person while another owner holds a lease on earlier news to them, so a chat is
        never reordered. Claims run one at a time across every instance. With
        `recipient_id`, only news to that person is taken (what their own action queued,
        ahead of a backlog).
        """
        ...

    async def release_outbox(self, item_ids: Sequence[int], at: datetime) -> None:
        """Give claimed notifications back unsent, to be tried at `at` (not an attempt)."""
        ...

    async def outbox_for(self, order_id: str) -> list[OutboxItem]:
        """Every notification of one order, in order."""
        ...

    async def mark_outbox_sent(self, item_id: int, now: datetime) -> None:
        """The notification reached Telegram."""
        ...

    async def retry_outbox(self, item_id: int, at: datetime, error: str) -> None:
        """Try the notification again at `at`."""
        ...

    async def hold_outbox_for(self, recipient_id: int, error: str) -> None:
        """Park a recipient's pending notifications (they blocked the bot)."""
        ...

    async def release_outbox_for(self, recipient_id: int, now: datetime) -> int:
        """Deliver a returning user's parked notifications."""
        ...

    async def next_outbox_at(self) -> datetime | None:
        """When the next pending notification becomes ready."""
        ...

    async def outbox_backlog(self) -> tuple[int, datetime | None]:
        """How many notifications are pending, and when the oldest of them was queued."""
        ...


class UserRepo(Protocol):
    """What the bot knows of the people it talks to."""

    async def touch_user(
        self,
        telegram_id: int,
        now: datetime,
        display_name: str | None = None,
        username: str | None = None,
        started: bool = False,
        language_code: str | None = None,
    ) -> None:
        """Record that a user was seen (and started the bot, when `started`), with the
        language their Telegram is set to (kept when not given)."""
        ...

    async def ensure_user(self, telegram_id: int) -> None:
        """Make sure a row exists for a user named by intake before they open the bot."""
        ...

    async def get_user(self, telegram_id: int) -> UserRecord | None:
        """What is known of a user."""
        ...

    async def set_language(self, telegram_id: int, language: str | None) -> None:
        """The language the user chose for the bot (None: their Telegram's)."""
        ...

    async def set_timezone(self, telegram_id: int, timezone: str | None) -> None:
        """The user's time zone for dates the bot shows them (None: the bot's default)."""
        ...

    async def set_unreachable(self, telegram_id: int, since: datetime | None) -> None:
        """Mark a user as having blocked the bot (or clear it)."""
        ...


class ChatRepo(Protocol):
    """Live cards, what each person is typing into, and the order chat's transcript."""

    async def get_card(self, order_id: str, user_id: int) -> CardRef | None:
        """The user's live card for the order."""
        ...

    async def set_card(self, card: CardRef, now: datetime) -> None:
        """Remember which message is the user's live card for the order (and its twins)."""
        ...

    async def card_at(self, chat_id: int, message_id: int) -> CardRef | None:
        """The card shown in this message, if it is one."""
        ...

    async def get_mode(self, user_id: int) -> ChatMode | None:
        """What the bot waits for from this user."""
        ...

    async def set_mode(
        self,
        user_id: int,
        mode: InputMode,
        order_id: str | None,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        """Wait for the user's next input in `mode`."""
        ...

    async def clear_mode(self, user_id: int) -> None:
        """Stop waiting for input from the user."""
        ...

    async def add_messages(
        self, rows: Sequence[TranscriptRow], now: datetime
    ) -> dict[tuple[int, int], int]:
        """Keep messages in their transcripts before they are relayed (one statement per
        500); each row id by its source (chat, message id)."""
        ...

    async def hold_sources(self, sources: Sequence[tuple[int, int]]) -> None:
        """Until the transaction ends, be the only one keeping messages from these sources
        (two instances handed the same update never both keep its message)."""
        ...

    async def messages_by_source(
        self, sources: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int], int]:
        """Row ids of the messages already kept from these sources (chat, message id)."""
        ...

    async def mark_messages_delivered(
        self, copies: Sequence[tuple[int, int, int]], now: datetime
    ) -> None:
        """Telegram accepted these copies (row id, copy chat, copy message id)."""
        ...

    async def mark_edits_delivered(self, edit_ids: Sequence[int], now: datetime) -> None:
        """Telegram accepted these edits on the other side."""
        ...

    async def message(self, message_pk: int) -> RelayedMessage | None:
        """A transcript message by its row id (with its edits)."""
        ...

    async def message_by_copy(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message whose copy (header included) or original is this message."""
        ...

    async def message_by_source(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message sent as this Telegram message (with its edits)."""
        ...

    async def set_header_message(self, message_pk: int, header_message_id: int) -> None:
        """The header went out as its own message (a retry sends only the copy)."""
        ...

    async def mark_message_failed(self, message_pk: int, error: str) -> None:
        """Telegram refused the copy for good (the original was deleted, say)."""
        ...

    async def add_message_edit(self, message_pk: int, text: str, now: datetime) -> int:
        """Keep an edit beside the original (append-only); its row id."""
        ...

    async def message_edit(self, edit_id: int) -> MessageEdit | None:
        """One edit by its row id."""
        ...

    async def mark_edit_failed(self, edit_id: int, error: str) -> None:
        """Telegram refused the edit for good (the copy is gone, or too old to edit)."""
        ...

    async def transcript(self, order_id: str, limit: int = 1000) -> list[RelayedMessage]:
        """The order's messages, oldest first, each with its edits."""
        ...


class SupportRepo(Protocol):
    """Support tickets, agents' notes and the messages between support and the parties."""

    async def get_ticket(self, ticket_id: int) -> Ticket | None:
        """A ticket by id."""
        ...

    async def open_ticket_for(
        self, order_id: str | None, kind: TicketKind, opened_by: int | None
    ) -> Ticket | None:
        """The open ticket of this kind for the order (without an order: for this person)."""
        ...

    async def open_tickets_on(self, order_id: str) -> list[Ticket]:
        """The order's open tickets, oldest first."""
        ...

    async def tickets_on(self, order_id: str) -> list[Ticket]:
        """Every ticket about the order, open or closed, oldest first."""
        ...

    async def insert_ticket(
        self,
        order_id: str | None,
        kind: TicketKind,
        opened_by: int | None,
        subject: str,
        now: datetime,
    ) -> int:
        """A new open ticket."""
        ...

    async def claim_ticket(self, ticket_id: int, agent_id: int, name: str, now: datetime) -> bool:
        """Claim it if nobody has (the condition is what makes a claim race safe)."""
        ...

    async def close_ticket(
        self, ticket_id: int, agent_id: int | None, outcome: str, now: datetime
    ) -> bool:
        """Close an open ticket; False if it was already closed."""
        ...

    async def set_ticket_place(
        self, ticket_id: int, card_message_id: int | None, topic_id: int | None
    ) -> None:
        """Where the ticket's card (and forum topic) is in the group."""
        ...

    async def set_talking_to(self, ticket_id: int, party_id: int) -> None:
        """Which party an agent's messages in the ticket go to."""
        ...

    async def raise_ticket_sla(
        self, ticket_id: int, raised_before: datetime | None, now: datetime
    ) -> bool:
        """Record that the open ticket was raised again at `now`, if nobody else has since
        `raised_before` (the value read): False when another instance did it first."""
        ...

    async def touch_ticket(self, ticket_id: int, column: str, now: datetime) -> None:
        """Record the latest party message or agent reply."""
        ...

    async def all_open_tickets(self) -> list[Ticket]:
        """Every open ticket, oldest first."""
        ...

    async def ticket_by_card(self, message_id: int) -> Ticket | None:
        """The ticket whose card is this group message."""
        ...

    async def ticket_by_topic(self, topic_id: int) -> Ticket | None:
        """The ticket that owns this forum topic."""
        ...

    async def add_note(
        self, ticket_id: int, agent_id: int, agent_name: str, text: str, now: datetime
    ) -> None:
        """An internal note parties never see."""
        ...

    async def notes(self, ticket_id: int) -> list[TicketNote]:
        """A ticket's internal notes, oldest first."""
        ...

    async def add_ticket_message(self, m: TicketMessage, now: datetime) -> None:
        """Keep a message between support and a party, with its routing ids."""
        ...

    async def ticket_message_in_group(self, group_message_id: int) -> TicketMessage | None:
        """The support conversation message shown as this group message."""
        ...

    async def ticket_message_to(self, party_id: int, party_message_id: int) -> TicketMessage | None:
        """The support conversation message shown as this message in a party's chat."""
        ...

    async def ticket_messages(self, ticket_id: int) -> list[TicketMessage]:
        """A ticket's conversation with the parties, oldest first."""
        ...


class HelpLogRepo(Protocol):
    """Questions asked of the help center and what the askers made of the answers."""

    async def add_question(
        self,
        at: datetime,
        user_id: int,
        question: str,
        doc_id: str | None,
        score: float,
    ) -> int:
        """Record a question and what it was answered with (None: declined)."""
        ...

    async def set_helpful(self, question_id: int, user_id: int, helpful: bool) -> bool:
        """The asker's verdict on the answer; False if the question is not theirs."""
        ...

    async def set_support_asked(self, question_id: int, user_id: int) -> bool:
        """The asker wanted a person after this answer."""
        ...

    async def question_of(self, question_id: int, user_id: int) -> HelpQuestion | None:
        """One question, if `user_id` asked it."""
        ...

    async def help_doc_stats(self, since: datetime) -> list[HelpDocStats]:
        """Per answer (None: declined) since `since`: asked, helpful, not helpful, support."""
        ...

    async def help_misses(self, since: datetime, limit: int) -> list[HelpQuestion]:
        """The latest questions that were declined or found unhelpful since `since`."""
        ...


class InboxRepo(Protocol):
    """Telegram updates kept before they are acknowledged, applied once each, in order per chat."""

    async def keep_update(
        self, update_id: int, chat_key: int | None, body: str, now: datetime
    ) -> bool:
        """Keep an update as it arrives; False if it was kept before (Telegram sent it again)."""
        ...

    async def claim_updates(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> list[InboxItem]:
        """Take up to `limit` updates to apply, oldest first, leased to `token`: only the
        oldest pending update of each chat, and only if no live lease holds it. Claims run
        one at a time across every instance, so two never take the same chat at once."""
        ...

    async def take_update(
        self, update_id: int, now: datetime, lease_until: datetime, token: str
    ) -> bool:
        """Claim this one update as `claim_updates` would (the oldest pending of its chat,
        not leased); False if it must wait its turn."""
        ...

    async def finish_updates(self, update_ids: Sequence[int], token: str, now: datetime) -> int:
        """These updates were applied; how many were still leased to `token` (the others
        were taken over by another instance)."""
        ...

    async def release_updates(self, token: str | None) -> int:
        """End the leases `token` holds on pending updates (None: everyone's); how many."""
        ...

    async def next_update_at(self) -> datetime | None:
        """When the earliest lease on a pending update runs out (None: no update is leased)."""
        ...

    async def forget_updates(self, before: datetime) -> int:
        """Drop applied updates finished before `before` (kept meanwhile to recognise a
        resend); how many."""
        ...

    async def inbox_backlog(self) -> tuple[int, datetime | None]:
        """How many updates wait to be applied, and when the oldest of them arrived."""
        ...

    async def beat_instance(self, token: str, now: datetime, alive_until: datetime) -> int:
        """This instance is alive until `alive_until` (its row is kept or renewed); how many
        instances are alive now, this one included. Rows of instances that died go."""
        ...

    async def drop_instance(self, token: str) -> None:
        """This instance is stopping: it no longer counts."""
        ...


class ApiRepo(Protocol):
    """The marketplace API: keys, idempotent requests, and the marketplace's order references."""

    async def insert_api_key(self, key: ApiKeyRecord) -> bool:
        """Store a new key; False if its name is taken."""
        ...

    async def get_api_key(self, key_id: str) -> ApiKeyRecord | None:
        """The key with this id, or None."""
        ...

    async def api_keys(self) -> list[ApiKeyRecord]:
        """Every key, oldest first."""
        ...

    async def revoke_api_key(self, id_or_name: str, now: datetime) -> ApiKeyRecord | None:
        """Revoke the key with this id or name (kept revoked if it was); None if unknown."""
        ...

    async def begin_api_request(
        self, key_id: str, idempotency_key: str, request_hash: str, now: datetime
    ) -> ApiRequestRecord | None:
        """Insert the request's row as running; None when it was inserted, else the row
        already there (waiting, on PostgreSQL, for a concurrent insert to commit)."""
        ...

    async def finish_api_request(
        self, key_id: str, idempotency_key: str, status: int, body: str
    ) -> None:
        """Keep the answer to replay."""
        ...

    async def drop_api_request(self, key_id: str, idempotency_key: str) -> None:
        """Forget a request that was refused (a retry runs it afresh)."""
        ...

    async def add_order_reference(self, reference: str, order_id: str) -> bool:
        """Bind the marketplace's reference to the order; False if it names another one."""
        ...

    async def order_reference(self, order_id: str) -> str | None:
        """The marketplace's reference of the order, if it has one."""
        ...


class AccountRepo(Protocol):
    """Marketplace accounts linked to Telegram users, their one-time links, and the orders
    that wait for an account to be linked."""

    async def lock_account(self, account: str, now: datetime) -> AccountRecord:
        """The account's row, inserted if new, locked until the transaction ends (linking
        and an order that waits for it never miss each other)."""
        ...

    async def get_account(self, account: str) -> AccountRecord | None:
        """The account's row, or None if it was never named."""
        ...

    async def account_of_telegram(self, telegram_id: int) -> AccountRecord | None:
        """The account this Telegram user is linked to, or None."""
        ...

    async def bind_account(self, account: str, telegram_id: int, now: datetime) -> None:
        """Link the (locked) account to the Telegram user."""
        ...

    async def unbind_account(self, account: str) -> None:
        """Unlink the account."""
        ...

    async def insert_link_token(
        self, nonce: str, account: str, expires_at: datetime, now: datetime
    ) -> None:
        """Record an issued link."""
        ...

    async def link_token(self, nonce: str) -> LinkTokenRecord | None:
        """The issued link with this nonce, or None."""
        ...

    async def use_link_token(self, nonce: str, telegram_id: int, now: datetime) -> bool:
        """Mark the link used; False if it was used already (each link links once)."""
        ...

    async def claim_meta(self, name: str, value: str) -> str:
        """Record a fact about the engine unless one is recorded; the recorded value (the
        first writer's, when instances race)."""
        ...

    async def lock_reference(self, reference: str) -> None:
        """Hold the marketplace's order reference until the transaction ends, so an order
        and a waiting order with the same reference cannot both be written."""
        ...

    async def order_of_reference(self, reference: str) -> str | None:
        """The order the marketplace's reference names, if any."""
        ...

    async def insert_waiting_order(self, waiting: WaitingOrderRecord) -> bool:
        """Keep an order that waits; False if its reference is taken by another."""
        ...

    async def waiting_order(self, reference: str) -> WaitingOrderRecord | None:
        """The waiting order (in whatever state) with this reference, or None."""
        ...

    async def waiting_orders_of(
        self, account: str, state: str | None, limit: int
    ) -> list[WaitingOrderRecord]:
        """Waiting orders naming the account as buyer or seller (in `state`, or any), oldest
        first."""
        ...

    async def close_waiting_order(
        self, reference: str, state: str, order_id: str | None, note: str | None, now: datetime
    ) -> bool:
        """Move a waiting order out of `waiting`; False if it had left it already."""


class WebhookRepo(Protocol):
    """Subscribers to the order events, and each event's delivery to each of them."""

    async def insert_webhook(self, subscription: WebhookSubscription) -> None:
        """Store a new subscriber."""
        ...

    async def webhooks(self) -> list[WebhookSubscription]:
        """Every subscriber, removed ones too, oldest first."""
        ...

    async def webhook_targets(self) -> list[tuple[str, tuple[str, ...]]]:
        """The subscribers not removed, as (id, event types: empty for every one): what a
        transition reads to queue its events (no more, so that it stays cheap)."""
        ...

    async def remove_webhook(
        self, subscription_id: str, now: datetime
    ) -> WebhookSubscription | None:
        """Stop sending to this subscriber (its pending deliveries fail); None if unknown."""
        ...

    async def add_webhook_deliveries(self, rows: Sequence[NewWebhookDelivery]) -> None:
        """Queue deliveries, due at once, in the transaction of the change they report."""
        ...

    async def webhook_deliveries(
        self, *, order_id: str | None, status: str | None, limit: int
    ) -> list[WebhookDelivery]:
        """Deliveries, newest first, of one order and/or in one status."""
        ...

    async def get_webhook_delivery(self, delivery_id: int) -> WebhookDelivery | None:
        """One delivery by id."""
        ...

    async def claim_webhook_deliveries(
        self, now: datetime, limit: int, lease_until: datetime, owner: str
    ) -> list[DueWebhookDelivery]:
        """Take pending deliveries due by `now`, oldest first, leased to `owner` until
        `lease_until`: only the oldest pending one of each (subscriber, order), so one
        order's events reach a subscriber in order; rows another instance holds are skipped."""
        ...

    async def record_webhook_attempt(
        self,
        delivery_id: int,
        owner: str,
        now: datetime,
        *,
        status: str,
        http_status: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> bool:
        """An attempt ended: the delivery is now `status` (pending again at
        `next_attempt_at`, delivered or failed); False if `owner` had lost the lease."""
        ...

    async def retry_webhook_delivery(
        self, delivery_id: int, now: datetime
    ) -> WebhookDelivery | None:
        """Send a delivery again from now on, with a fresh retry window; None if unknown."""
        ...

    async def next_webhook_at(self) -> datetime | None:
        """When the earliest pending delivery not waiting behind an older one is due."""
        ...


class UnitOfWork(
    OrderRepo,
    LedgerRepo,
    DeadlineRepo,
    OutboxRepo,
    UserRepo,
    ChatRepo,
    SupportRepo,
    HelpLogRepo,
    InboxRepo,
    ApiRepo,
    AccountRepo,
    WebhookRepo,
    Protocol,
):
    """Every role, in one transaction: what a use case changes commits together."""


class Storage(Protocol):
    """The database: units of work to change it or read it, and its lifetime."""

    def transaction(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A unit of work that commits when the block ends, or rolls back on an exception."""
        ...

    def read(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A unit of work for reading only (it may see changes committed meanwhile)."""
        ...

    def snapshot(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A unit of work that reads one consistent state of the whole database."""
        ...

    async def schema_version(self) -> int:
        """The newest migration applied."""
        ...

    async def close(self) -> None:
        """Commit what is pending and close."""
        ...
