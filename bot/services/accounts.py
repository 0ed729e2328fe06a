"""Marketplace accounts linked to Telegram users, and the orders that wait for them.

The marketplace asks for a one-time link for its user (`issue_link`); the user opens it in
the bot (`link`), which binds their Telegram id to the account, marks the link used and
creates every order that waited for the account, all in one transaction, through the same
use case as any other order (`OrderService.create_in`): the cards reach both parties as any
new order's do. An order the marketplace asks for while a party's account is not linked
(`place_order`) is kept as asked, under its reference, until then.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.domain.errors import (
    AccountLinkedElsewhere,
    IllegalTransition,
    LinkForged,
    LinkUsed,
    NotAllowed,
    NotLinked,
    ReferenceTaken,
    TelegramLinkedElsewhere,
    TooManyWaiting,
    WaitingOrderNotFound,
)
from bot.domain.linking import (
    NONCE_BYTES,
    Party,
    normalize_account,
    read_link,
    sign_link,
    verify_link,
)
from bot.domain.model import Order
from bot.domain.money import normalize_currency
from bot.domain.offers import new_offer
from bot.ports.records import AccountRecord, WaitingOrderRecord
from bot.ports.storage import Storage, UnitOfWork
from bot.services.orders import OrderService
from bot.services.telemetry import Applied

SECRET_META = "link_secret"
MAX_WAITING = 100  # orders one account may have waiting; more are refused


@dataclass(frozen=True)
class IssuedLink:
    """A one-time link for an account: the /start payload and until when it works."""

    account: str
    payload: str
    expires_at: datetime


@dataclass(frozen=True)
class Linked:
    """An account linked to a Telegram user, and the waiting orders that now exist."""

    account: str
    created: tuple[Order, ...] = ()
    refused: tuple[WaitingOrderRecord, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Placed:
    """What an order request became: an order, or an order that waits for accounts."""

    order: Order | None = None
    waiting: WaitingOrderRecord | None = None
    waiting_for: tuple[str, ...] = ()  # the roles whose accounts are not linked


class AccountService:
    """Links, unlinks, and the orders that wait for a link; one transaction each."""

    def __init__(
        self,
        store: Storage,
        clock: Clock,
        orders: OrderService,
        *,
        ttl: timedelta,
        secret: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.orders = orders
        self.ttl = ttl
        self._secret = secret.encode() if secret else None

    async def _key(self, tx: UnitOfWork) -> bytes:
        """KCHAT_LINK_SECRET, or the one the first instance made and kept in the database."""
        if self._secret is None:
            self._secret = (await tx.claim_meta(SECRET_META, secrets.token_hex(32))).encode()
        return self._secret

    # --- links ---------------------------------------------------------------------------

    async def issue_link(self, account: str) -> IssuedLink:
        """A fresh one-time link for the account (linked or not: a link replaces nothing)."""
        account = normalize_account(account)
        now = self.clock.now()
        expires_at = (now + self.ttl).replace(microsecond=0)
        nonce = secrets.token_bytes(NONCE_BYTES)
        async with self.store.transaction() as tx:
            key = await self._key(tx)
            await tx.lock_account(account, now)
            await tx.insert_link_token(nonce.hex(), account, expires_at, now)
        return IssuedLink(account, sign_link(key, nonce, account, expires_at), expires_at)

    async def link(self, payload: str, telegram_id: int) -> Linked:
        """Open a link: bind the Telegram user to its account, use the link up, and create
        the orders that waited for the account. Refusals are LinkRefused, changing nothing."""
        token = read_link(payload)
        now = self.clock.now()
        applied = Applied()
        async with self.store.transaction() as tx:
            key = await self._key(tx)
            issued = await tx.link_token(token.nonce)
            if issued is None or issued.expires_at != token.expires_at:
                raise LinkForged()
            verify_link(key, token, issued.account, now)
            if issued.used_at is not None:
                raise LinkUsed()
            account = await tx.lock_account(issued.account, now)
            if account.telegram_id not in (None, telegram_id):
                raise AccountLinkedElsewhere()
            mine = await tx.account_of_telegram(telegram_id)
            if mine is not None and mine.account != account.account:
                raise TelegramLinkedElsewhere(mine.account)
            if not await tx.use_link_token(token.nonce, telegram_id, now):
                raise LinkUsed()
            await tx.bind_account(account.account, telegram_id, now)
            created, refused = await self._release(tx, account.account, now, applied)
        self.orders.committed(applied)
        return Linked(account.account, tuple(created), tuple(refused))

    async def _release(
        self, tx: UnitOfWork, account: str, now: datetime, applied: Applied
    ) -> tuple[list[Order], list[WaitingOrderRecord]]:
        """Create the account's waiting orders whose parties are all linked now."""
        created: list[Order] = []
        refused: list[WaitingOrderRecord] = []
        for waiting in await tx.waiting_orders_of(account, "waiting", MAX_WAITING):
            buyer = await self._resolve(tx, waiting.buyer_account, waiting.buyer_id, now)
            seller = await self._resolve(tx, waiting.seller_account, waiting.seller_id, now)
            if buyer is None or seller is None:
                continue  # still waits for the other party's account
            if buyer == seller:
                # Both accounts are one Telegram user: the order cannot exist (one cannot
                # buy from oneself); say so on the waiting order rather than fail the link.
                note = "The buyer and the seller are the same Telegram user."
                await tx.close_waiting_order(waiting.reference, "refused", None, note, now)
                refused.append(waiting)
                continue
            order = await self.orders.create_in(
                tx,
                buyer_id=buyer,
                seller_id=seller,
                title=waiting.title,
                price_minor=waiting.price_minor,
                currency=waiting.currency,
                reference=waiting.reference,
                now=now,
                applied=applied,
            )
            await tx.close_waiting_order(waiting.reference, "created", order.id, None, now)
            created.append(order)
        return created, refused

    @staticmethod
    async def _resolve(
        tx: UnitOfWork, account: str | None, telegram_id: int | None, now: datetime
    ) -> int | None:
        if account is None:
            return telegram_id
        return (await tx.lock_account(account, now)).telegram_id

    async def unlink_telegram(self, telegram_id: int) -> str:
        """/unlink: the Telegram user's account is unlinked (NotLinked if there is none); the
        account's name."""
        async with self.store.transaction() as tx:
            found = await tx.account_of_telegram(telegram_id)
            if found is None:
                raise NotLinked()
            await tx.lock_account(found.account, self.clock.now())
            await tx.unbind_account(found.account)
        return found.account

    async def unlink_account(self, account: str) -> AccountRecord:
        """The marketplace unlinks its account (nothing to do if it is not linked)."""
        account = normalize_account(account)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await tx.lock_account(account, now)
            await tx.unbind_account(account)
            found = await tx.get_account(account)
        assert found is not None, "locked above"
        return found

    async def show(self, account: str) -> AccountRecord:
        """The account as it is (an account never named to us: not linked)."""
        account = normalize_account(account)
        async with self.store.read() as tx:
            found = await tx.get_account(account)
        return found or AccountRecord(account, None, None, None)

    async def account_of(self, telegram_id: int) -> str | None:
        """The account this Telegram user is linked to, if any."""
        async with self.store.read() as tx:
            found = await tx.account_of_telegram(telegram_id)
        return found.account if found else None

    # --- orders for accounts ---------------------------------------------------------------

    async def place_order(
        self,
        *,
        buyer: Party,
        seller: Party,
        title: str,
        price_minor: int,
        currency: str,
        reference: str,
    ) -> Placed:
        """The marketplace's order: created at once when every party is known on Telegram,
        else kept waiting (with its reference) until the accounts it names are linked."""
        now = self.clock.now()
        currency = normalize_currency(currency)
        # The order's own checks, before it waits: what waits can be created later.
        new_offer(
            offer_id="-",
            seller_id=seller.telegram_id or 1,
            title=title,
            price_minor=price_minor,
            currency=currency,
            now=now,
        )
        parties = [
            Party(account=normalize_account(p.account)) if p.account is not None else p
            for p in (buyer, seller)
        ]
        if parties[0] == parties[1]:
            raise NotAllowed("You can't buy from yourself.")
        applied = Applied()
        async with self.store.transaction() as tx:
            await tx.lock_reference(reference)
            ids = [await self._resolve(tx, p.account, p.telegram_id, now) for p in parties]
            if ids[0] is not None and ids[1] is not None:
                if await tx.waiting_order(reference) is not None:
                    raise ReferenceTaken(reference)
                order = await self.orders.create_in(
                    tx,
                    buyer_id=ids[0],
                    seller_id=ids[1],
                    title=title,
                    price_minor=price_minor,
                    currency=currency,
                    reference=reference,
                    now=now,
                    applied=applied,
                )
                placed = Placed(order=order)
            else:
                placed = await self._wait(tx, parties, ids, title, price_minor, currency,
                                          reference, now)  # fmt: skip
        self.orders.committed(applied)
        return placed

    async def _wait(
        self,
        tx: UnitOfWork,
        parties: list[Party],
        ids: list[int | None],
        title: str,
        price_minor: int,
        currency: str,
        reference: str,
        now: datetime,
    ) -> Placed:
        if await tx.order_of_reference(reference) is not None:
            raise ReferenceTaken(reference)
        for p in parties:
            if p.account is not None and (
                len(await tx.waiting_orders_of(p.account, "waiting", MAX_WAITING)) >= MAX_WAITING
            ):
                raise TooManyWaiting(
                    f"The account {p.account!r} has {MAX_WAITING} orders waiting for it to be "
                    "linked already; link it, or cancel some."
                )
        buyer, seller = parties
        waiting = WaitingOrderRecord(
            reference=reference,
            buyer_account=buyer.account,
            buyer_id=buyer.telegram_id,
            seller_account=seller.account,
            seller_id=seller.telegram_id,
            title=" ".join(title.split()),
            price_minor=price_minor,
            currency=currency,
            created_at=now,
        )
        if not await tx.insert_waiting_order(waiting):
            raise ReferenceTaken(reference)
        roles = tuple(role for role, i in zip(("buyer", "seller"), ids, strict=True) if i is None)
        return Placed(waiting=waiting, waiting_for=roles)

    async def waiting(self, reference: str) -> WaitingOrderRecord:
        """The waiting order with this reference, in whatever state it is now."""
        async with self.store.read() as tx:
            found = await tx.waiting_order(reference)
        if found is None:
            raise WaitingOrderNotFound(reference)
        return found

    async def cancel_waiting(self, reference: str) -> WaitingOrderRecord:
        """The marketplace withdraws an order that still waits (again: no change; once it was
        created, IllegalTransition: the order itself is cancelled then)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            found = await tx.waiting_order(reference)
            if found is None:
                raise WaitingOrderNotFound(reference)
            if found.state == "created":
                raise IllegalTransition(
                    f"The order {found.order_id} was created already: cancel it as an order."
                )
            await tx.close_waiting_order(reference, "cancelled", None, None, now)
            after = await tx.waiting_order(reference)
        assert after is not None, "read above"
        return after

    async def still_waiting(self, account: str, limit: int) -> list[WaitingOrderRecord]:
        """The orders waiting for the account to be linked, oldest first."""
        account = normalize_account(account)
        async with self.store.read() as tx:
            return await tx.waiting_orders_of(account, "waiting", limit)
