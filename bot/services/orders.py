"""Order use cases, shared by the chat, the command line and the scheduler."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.domain import transitions as t
from bot.domain.actions import Action, available_actions, check_action, upcoming_actions
from bot.domain.asker_order import AskerOrder, asker_order
from bot.domain.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    OfferNotFound,
    OrderNotFound,
    ReferenceTaken,
    Words,
)
from bot.domain.ids import ALPHABET, make_order_id, normalize_order_id
from bot.domain.ledger import EXTERNAL, transfer, user_account
from bot.domain.model import SYSTEM, Actor, Offer, Order, Resolution, Role, Status
from bot.domain.money import MAX_MINOR, display, normalize_currency
from bot.domain.offers import check_can_buy, new_offer
from bot.domain.policy import Policy
from bot.ports.errors import DuplicateTransaction
from bot.ports.records import LogEntry, OutboxItem
from bot.ports.storage import OrderRepo, Storage, UnitOfWork
from bot.services.audit import ledger_violations
from bot.services.deadlines import note_rules_if_unset
from bot.services.notifications import OutboxSignal
from bot.services.outcomes import persist_outcome, settle_overdue
from bot.services.telemetry import Applied, NoTelemetry, Telemetry

log = logging.getLogger(__name__)

CHAT_CACHE_SIZE = 10_000

Transition = t.Transition
# Open orders a command without an id may mean; a choice offers at most this many.
OPEN_STATUSES = (Status.WAITING_PAYMENT, Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION)
MAX_CHOICES = 10
# How many order ids named in one question are looked up, and how many of the asker's
# finished orders are weighed when none is open (the latest few are enough).
NAMED_IN_QUESTION = 3
RECENT_FINISHED = 5


@dataclass(frozen=True)
class Pick:
    """The order a command acts on, or, when it is not clear, the ones to choose from."""

    order: Order | None
    choices: tuple[Order, ...] = ()


MakeOutcome = Callable[[UnitOfWork, Order, datetime], Awaitable[t.Outcome]]
WakeUp = Callable[[], Awaitable[None] | None]


def random_order_id() -> str:
    """A fresh order id from the OS's randomness (unguessable, so ids can't be enumerated)."""
    return make_order_id([secrets.randbelow(len(ALPHABET)) for _ in range(7)])


class OrderService:
    """Every change to an order goes through here, one transaction each."""

    def __init__(
        self,
        store: Storage,
        clock: Clock,
        policy: Policy,
        *,
        new_id: Callable[[], str] = random_order_id,
        on_change: Callable[[], None] | None = None,
        signal: OutboxSignal | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy
        self._new_id = new_id
        # Called after each commit so the scheduler and notifier can wake up early.
        self._on_change = on_change
        self._signal = signal or OutboxSignal()
        self._telemetry = telemetry or NoTelemetry()
        self._chat_cache: dict[str, Order] = {}

    def set_on_change(self, callback: Callable[[], None] | None) -> None:
        """Who to poke after a commit (the scheduler's wake-up)."""
        self._on_change = callback

    def _changed(self, applied: Applied | None = None) -> None:
        if applied is not None and applied.actions:
            self._telemetry.transitions_applied(applied.actions)
        self._signal.mark()
        if self._on_change is not None:
            self._on_change()

    async def _fresh_id(self, tx: OrderRepo) -> str:
        for _ in range(20):
            oid = self._new_id()
            if not await tx.order_exists(oid):
                return oid
        raise RuntimeError("could not find a free order id")  # pragma: no cover

    # --- reading ---------------------------------------------------------------------

    async def get_for(self, order_id: str, user_id: int) -> Order:
        """The order if `user_id` is its buyer or seller; OrderNotFound otherwise (no hint)."""
        oid = normalize_order_id(order_id)
        if oid is None:
            raise OrderNotFound(order_id.strip()[:16])
        async with self.store.read() as tx:
            order = await tx.get_order(oid)
        if order is None or order.role_of(user_id) is None:
            raise OrderNotFound(oid)
        return order

    async def for_chat(self, order_id: str, user_id: int) -> Order:
        """The order as last read, for talking about it (not acting on it): parties never
        change, so who may talk is exact even when the cached status is not."""
        oid = normalize_order_id(order_id) or ""
        order = self._chat_cache.get(oid)
        if order is None:
            async with self.store.read() as tx:
                order = await tx.get_order(oid) if oid else None
            if order is not None:
                if len(self._chat_cache) >= CHAT_CACHE_SIZE:
                    self._chat_cache.pop(next(iter(self._chat_cache)))
                self._chat_cache[oid] = order
        if order is None or order.role_of(user_id) is None:
            raise OrderNotFound(oid or order_id.strip()[:16])
        return order

    async def get(self, order_id: str) -> Order:
        """Any order by id (operators, support, scheduler)."""
        oid = normalize_order_id(order_id)
        async with self.store.read() as tx:
            order = await tx.get_order(oid) if oid else None
        if order is None:
            raise OrderNotFound(order_id.strip()[:16])
        return order

    # --- creating --------------------------------------------------------------------

    async def create_order(
        self,
        *,
        buyer_id: int,
        seller_id: int,
        title: str,
        price_minor: int,
        currency: str,
        reference: str | None = None,
    ) -> Order:
        """Intake: an order placed on the marketplace (via its offer for this item and price).

        `reference` is the marketplace's own id for the order: one order each (ReferenceTaken,
        with nothing created, when it names another order already).
        """
        now = self.clock.now()
        applied = Applied()
        async with self.store.transaction() as tx:
            if reference is not None:
                await tx.lock_reference(reference)
                # A waiting order (an account not linked yet) holds its reference too.
                if await tx.waiting_order(reference) is not None:
                    raise ReferenceTaken(reference)
            order = await self.create_in(
                tx,
                buyer_id=buyer_id,
                seller_id=seller_id,
                title=title,
                price_minor=price_minor,
                currency=currency,
                reference=reference,
                now=now,
                applied=applied,
            )
        self._changed(applied)
        return order

    async def create_in(
        self,
        tx: UnitOfWork,
        *,
        buyer_id: int,
        seller_id: int,
        title: str,
        price_minor: int,
        currency: str,
        reference: str | None,
        now: datetime,
        applied: Applied,
    ) -> Order:
        """`create_order` inside the caller's transaction (an order that waited for an
        account is created in the link's); the caller calls `committed(applied)` after it
        commits."""
        currency = normalize_currency(currency)
        offer = await tx.find_offer(seller_id, " ".join(title.split()), currency)
        if offer is None:
            offer = new_offer(
                offer_id=await self._fresh_offer_id(tx),
                seller_id=seller_id,
                title=title,
                price_minor=price_minor,
                currency=currency,
                now=now,
            )
            await tx.save_offer(offer)
        elif offer.price_minor != price_minor:
            # The marketplace placed it at a new price: that is the item's price now.
            offer = offer.model_copy(update={"price_minor": price_minor, "updated_at": now})
            await tx.save_offer(offer)
        # The reference is written with the order (under a unique key: of two racing
        # creations with the same reference, the second waits for the first and then rolls
        # back), before its events, so `order.created` carries it.
        order = await self._place(tx, offer, buyer_id, now, applied, reference)
        return order

    async def reference_of(self, order_id: str) -> str | None:
        """The marketplace's reference of the order, if it was created with one."""
        async with self.store.read() as tx:
            return await tx.order_reference(order_id)

    async def _fresh_offer_id(self, tx: OrderRepo) -> str:
        for _ in range(20):
            oid = "O" + self._new_id()[1:]
            if await tx.get_offer(oid) is None:
                return oid
        raise RuntimeError("could not find a free offer id")  # pragma: no cover

    async def _place(
        self,
        tx: UnitOfWork,
        offer: Offer,
        buyer_id: int,
        now: datetime,
        applied: Applied,
        reference: str | None = None,
    ) -> Order:
        outcome = t.create_order(
            order_id=await self._fresh_id(tx),
            buyer_id=buyer_id,
            seller_id=offer.seller_id,
            title=offer.title,
            amount_minor=offer.price_minor,
            currency=offer.currency,
            now=now,
            offer_id=offer.id,
        )
        await tx.ensure_user(buyer_id)
        await tx.ensure_user(offer.seller_id)
        # Deadlines are first written here, whoever places the order (intake, the command
        # line, a buyer's offer link): the rules they follow are noted with them, so the
        # bot's start does not re-derive them all (`DeadlineService.reconcile`).
        await note_rules_if_unset(tx, self.policy)
        return await persist_outcome(
            tx, outcome, self.policy, now, previous=None, applied=applied, reference=reference
        )

    async def create_offer(
        self, *, seller_id: int, title: str, price_minor: int, currency: str
    ) -> Offer:
        """A seller lists an item at a price."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            offer = new_offer(
                offer_id=await self._fresh_offer_id(tx),
                seller_id=seller_id,
                title=title,
                price_minor=price_minor,
                currency=normalize_currency(currency),
                now=now,
            )
            await tx.ensure_user(seller_id)
            await tx.save_offer(offer)
        return offer

    async def set_offer_price(
        self, offer_id: str, seller_id: int | None, price_minor: int
    ) -> Offer:
        """Change an offer's price (existing orders keep theirs); seller_id None = operator."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            offer = await tx.get_offer(offer_id)
            if offer is None or (seller_id is not None and offer.seller_id != seller_id):
                raise OfferNotFound(Words("No offer {offer} found."), offer=offer_id)
            if not 0 < price_minor <= MAX_MINOR:
                raise InvalidInput(Words("The price must be more than zero."))
            offer = offer.model_copy(update={"price_minor": price_minor, "updated_at": now})
            await tx.save_offer(offer)
        return offer

    async def get_offer(self, offer_id: str) -> Offer:
        """An active offer by id."""
        async with self.store.read() as tx:
            offer = await tx.get_offer(offer_id)
        if offer is None or not offer.active:
            raise OfferNotFound(Words("This offer is no longer available."))
        return offer

    async def buy_offer(self, offer_id: str, buyer_id: int) -> Order:
        """A buyer places an order from an offer at its current price."""
        now = self.clock.now()
        applied = Applied()
        async with self.store.transaction() as tx:
            offer = await tx.get_offer(offer_id)
            if offer is None or not offer.active:
                raise OfferNotFound(Words("This offer is no longer available."))
            unpaid = await tx.orders_of(buyer_id, [Status.WAITING_PAYMENT], limit=100)
            check_can_buy(offer, buyer_id, unpaid, now, self.policy)
            order = await self._place(tx, offer, buyer_id, now, applied)
        self._changed(applied)
        return order

    async def reorder(self, order_id: str, user_id: int) -> Order:
        """Place an expired order again at the offer's current price (once per order)."""
        now = self.clock.now()
        applied = Applied()
        async with self.store.transaction() as tx:
            loaded = await self._load_for(tx, order_id, user_id)
            old, _ = await settle_overdue(tx, loaded, now, self.policy, applied)
            offer = await tx.get_offer(old.offer_id) if old.offer_id else None
            if offer is None:
                raise OfferNotFound(Words("The seller no longer offers this item."))
            outcome = t.reorder(
                old,
                self._party(old, user_id),
                offer,
                await self._fresh_id(tx),
                now,
                reordered_as=await tx.reordered_as(old.id),
            )
            order = await persist_outcome(
                tx, outcome, self.policy, now, previous=None, applied=applied
            )
            await tx.log(old.id, now, "buyer", user_id, "reorder", order.id)
        self._changed(applied)
        return order

    # --- transitions -----------------------------------------------------------------

    async def _load_for(self, tx: OrderRepo, order_id: str, user_id: int | None) -> Order:
        oid = normalize_order_id(order_id)
        order = await tx.get_order(oid) if oid else None
        if order is None or (user_id is not None and order.role_of(user_id) is None):
            raise OrderNotFound(oid or order_id.strip()[:16])
        return order

    @staticmethod
    def _party(order: Order, user_id: int) -> Actor:
        role = order.role_of(user_id)
        assert role is not None, "checked by _load_for"
        return Actor(role, user_id)

    async def authorize_in(self, tx: OrderRepo, order_id: str, user_id: int) -> Order:
        """The order if `user_id` is a party to it, read inside the caller's transaction."""
        return await self._load_for(tx, order_id, user_id)

    async def apply_in(
        self,
        tx: UnitOfWork,
        order_id: str,
        actor: Actor,
        step: Transition,
        now: datetime,
        applied: Applied,
    ) -> Order:
        """One transition inside the caller's transaction (support pairs it with its ticket).

        The caller calls `committed(applied)` after its transaction commits.
        """
        party = actor.user_id if actor.role in (Role.BUYER, Role.SELLER) else None
        loaded = await self._load_for(tx, order_id, party)
        order, _ = await settle_overdue(tx, loaded, now, self.policy, applied)
        outcome = step(order, actor, now)
        return await persist_outcome(tx, outcome, self.policy, now, previous=order, applied=applied)

    def committed(self, applied: Applied | None = None) -> None:
        """A transaction that ran `apply_in` committed: count what it applied, wake the
        scheduler and notifier."""
        self._changed(applied)

    async def _apply(self, order_id: str, party: int | None, make: MakeOutcome) -> Order:
        """Load, settle what time decided, check, change and persist one order atomically.

        `party` restricts the order to one its buyer or seller may see (None: system or
        agent). A move refused because time decided first still commits that resolution.
        """
        now = self.clock.now()
        refused: DomainError | None = None
        applied = Applied()
        async with self.store.transaction() as tx:
            loaded = await self._load_for(tx, order_id, party)
            order, settled = await settle_overdue(tx, loaded, now, self.policy, applied)
            try:
                outcome = await make(tx, order, now)
            except DomainError as exc:
                if not settled:
                    raise
                refused = exc
            else:
                order = await persist_outcome(
                    tx, outcome, self.policy, now, previous=order, applied=applied
                )
        self._changed(applied)
        if refused is not None:
            raise refused
        return order

    async def _transition(self, order_id: str, actor: Actor, step: Transition) -> Order:
        """Run `step` as the system or an agent."""

        async def make(tx: UnitOfWork, order: Order, now: datetime) -> t.Outcome:
            return step(order, actor, now)

        return await self._apply(order_id, None, make)

    async def _as_party(self, order_id: str, user_id: int, step: Transition) -> Order:
        """Run `step` as whichever party `user_id` is on the order."""

        async def make(tx: UnitOfWork, order: Order, now: datetime) -> t.Outcome:
            return step(order, self._party(order, user_id), now)

        return await self._apply(order_id, user_id, make)

    async def pay_from_balance(self, order_id: str, user_id: int) -> Order:
        """The buyer pays from their KALEOZ balance."""

        async def make(tx: UnitOfWork, order: Order, now: datetime) -> t.Outcome:
            bal = await tx.balance(user_account(user_id), order.currency)
            return t.pay(order, self._party(order, user_id), now, via="balance", buyer_balance=bal)

        return await self._apply(order_id, user_id, make)

    async def mark_paid_external(self, order_id: str) -> Order:
        """The marketplace reports an external payment."""
        return await self._transition(
            order_id, SYSTEM, lambda o, a, n: t.pay(o, a, n, via="external")
        )

    async def confirm_payment(self, order_id: str, agent_id: int) -> Order:
        """Support confirms a payment the marketplace did not see (even after expiry)."""
        return await self._transition(
            order_id, Actor(Role.AGENT, agent_id), lambda o, a, n: t.pay(o, a, n, via="support")
        )

    async def deliver(self, order_id: str, user_id: int, note: str) -> Order:
        """The seller delivers with a note."""
        return await self._as_party(order_id, user_id, lambda o, a, n: t.deliver(o, a, n, note))

    async def confirm_received(self, order_id: str, user_id: int) -> Order:
        """The buyer confirms receipt: irreversible, money to the seller."""
        return await self._as_party(order_id, user_id, t.confirm)

    async def cancel(self, order_id: str, user_id: int, reason: str = "") -> Order:
        """Cancel (buyer: unpaid only; seller: unpaid or paid with a full refund, saying why:
        one of `CANCEL_REASONS`)."""
        return await self._as_party(order_id, user_id, lambda o, a, n: t.cancel(o, a, n, reason))

    async def request_refund(
        self, order_id: str, user_id: int, amount_minor: int | None, reason: str = ""
    ) -> Order:
        """The buyer asks for a full (None) or partial refund."""
        return await self._as_party(
            order_id,
            user_id,
            lambda o, a, n: t.request_refund(
                o, a, n, self.policy, amount_minor=amount_minor, reason=reason
            ),
        )

    async def withdraw_refund(self, order_id: str, user_id: int) -> Order:
        """The buyer withdraws their open refund request."""
        return await self._as_party(order_id, user_id, t.withdraw_refund)

    async def approve_refund(
        self, order_id: str, user_id: int, shown_minor: int | None = None
    ) -> Order:
        """The seller approves the open refund request (of `shown_minor`, when given)."""

        def step(order: Order, actor: Actor, now: datetime) -> t.Outcome:
            rr = order.refund_request
            if shown_minor is not None and rr is not None and rr.amount_minor != shown_minor:
                # The buyer changed the request after the seller's first tap.
                raise IllegalTransition(
                    Words(
                        "The refund request on {order} changed to {amount}. "
                        "Look at the order again."
                    ),
                    order=order.id,
                    amount=display(rr.amount_minor, order.currency),
                )
            return t.approve_refund(order, actor, now)

        return await self._as_party(order_id, user_id, step)

    async def reject_refund(self, order_id: str, user_id: int, reason: str) -> Order:
        """The seller rejects the open refund request with a reason."""
        return await self._as_party(
            order_id, user_id, lambda o, a, n: t.reject_refund(o, a, n, reason)
        )

    async def escalate(self, order_id: str, user_id: int, reason: str = "") -> Order:
        """A party hands the order to support."""
        return await self._as_party(order_id, user_id, lambda o, a, n: t.escalate(o, a, n, reason))

    async def resolve_dispute(
        self,
        order_id: str,
        agent_id: int,
        resolution: Resolution,
        refund_minor: int | None = None,
        note: str = "",
    ) -> Order:
        """Support settles the order."""
        return await self._transition(
            order_id,
            Actor(Role.AGENT, agent_id),
            lambda o, a, n: t.resolve_dispute(
                o, a, n, resolution, refund_minor=refund_minor, note=note
            ),
        )

    async def close_dispute(self, order_id: str, agent_id: int, note: str = "") -> Order:
        """Support closes the case without moving money."""
        return await self._transition(
            order_id, Actor(Role.AGENT, agent_id), lambda o, a, n: t.close_dispute(o, a, n, note)
        )

    async def hide(self, order_id: str, user_id: int) -> Order:
        """Delete a finished order from the user's own list."""
        return await self._as_party(order_id, user_id, lambda o, a, n: t.hide(o, a))

    # --- money -------------------------------------------------------------------------

    async def balances(self, user_id: int) -> dict[str, int]:
        """A user's KALEOZ balance per currency."""
        async with self.store.read() as tx:
            return await tx.balances(user_account(user_id))

    async def top_up(self, user_id: int, amount_minor: int, currency: str, key: str) -> bool:
        """Operator: credit a user's balance from outside, once per `key`.

        False when `key` was already applied (a retried command): nothing is credited twice.
        """
        if not 0 < amount_minor <= MAX_MINOR:
            raise InvalidInput(Words("The amount must be more than zero."))
        now = self.clock.now()
        txn = transfer(
            f"topup:{key}",
            normalize_currency(currency),
            EXTERNAL,
            [(user_account(user_id), amount_minor)],
            "top-up",
        )
        async with self.store.transaction() as tx:
            await tx.ensure_user(user_id)
            try:
                await tx.post(txn, now)
            except DuplicateTransaction:
                return False
        return True

    async def orders_of(
        self, user_id: int, statuses: list[Status] | None = None, limit: int = 10, offset: int = 0
    ) -> list[Order]:
        """A user's orders, newest activity first, without those they deleted."""
        async with self.store.read() as tx:
            return await tx.orders_of(user_id, statuses, limit, offset)

    async def all_orders(self, status: Status | None = None, limit: int = 10) -> list[Order]:
        """The latest `limit` orders of everyone (optionally in one status), oldest first."""
        async with self.store.read() as tx:
            orders = await tx.all_orders()
        return [o for o in orders if status is None or o.status is status][-limit:]

    async def timeline(self, order_id: str) -> list[LogEntry]:
        """What happened to the order, in order (operators and agents: no party check)."""
        async with self.store.read() as tx:
            return await tx.timeline(order_id)

    async def notifications(self, order_id: str) -> list[OutboxItem]:
        """Every notification written for the order, sent or not."""
        async with self.store.read() as tx:
            return await tx.outbox_for(order_id)

    async def ledger_problems(self) -> list[str]:
        """Every broken invariant of the books (empty when they are right)."""
        return await ledger_violations(self.store)

    async def pick(self, user_id: int, action: Action, named: str | None) -> Pick:
        """Which order a command means: the one it names, or else the only one of the user's
        open orders where `action` is possible now.

        Raises (OrderNotFound, NotAllowed, TooEarly...) when the named order cannot take the
        action, or when none can yet but one will (the refusal says when).
        """
        now = self.clock.now()
        if named is not None:
            order = await self.get_for(named, user_id)
            check_action(order, user_id, now, self.policy, action)
            return Pick(order)
        active = await self.orders_of(user_id, list(OPEN_STATUSES), 50)
        fits = [o for o in active if action in available_actions(o, user_id, now, self.policy)]
        if len(fits) == 1:
            return Pick(fits[0])
        if not fits:
            soon = [o for o in active if action in upcoming_actions(o, user_id, now, self.policy)]
            if soon:
                check_action(soon[0], user_id, now, self.policy, action)
        return Pick(None, tuple(fits[:MAX_CHOICES]))

    async def asked_about(
        self,
        user_id: int,
        order_ids: list[str],
        *,
        words: str = "",
        told: Iterable[str] = (),
    ) -> AskerOrder | None:
        """The asker's order a help-center question most likely means, with what the chat
        knows of it now (see `bot.domain.asker_order`: the ids, product and facts the
        question names); None when there is none.

        An id that is not the asker's is looked up and dropped like an unknown one: the
        answer is the same whether or not someone else's order has that id."""
        orders = await self.orders_of(user_id, list(OPEN_STATUSES), 50)
        orders += await self.orders_of(user_id, None, RECENT_FINISHED)
        for order_id in order_ids[:NAMED_IN_QUESTION]:
            try:
                orders.append(await self.get_for(order_id, user_id))
            except DomainError:
                log.debug("order id %s in a question is not the asker's", order_id)
        return asker_order(
            user_id, orders, order_ids, self.clock.now(), self.policy, words=words, told=told
        )
