"""The order state machine: every rule of DESIGN.md §1 as a pure function of (order, now).

Each function checks who is acting and what state the order is in, and returns an
`Outcome`: the new order, the ledger transaction it moves (if any) and the events that
parties must hear about. Nothing here performs I/O or reads a clock; the deadlines an
order has follow from its state (`bot.domain.deadlines.open_deadlines`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.domain import events as ev
from bot.domain import ledger
from bot.domain.deadlines import (
    RESOLUTION_OF,
    Deadline,
    DeadlineKind,
    next_resolution,
    open_deadlines,
)
from bot.domain.errors import (
    AlreadyReordered,
    DomainError,
    IllegalTransition,
    InsufficientBalance,
    InvalidAmount,
    InvalidInput,
    NotAllowed,
    StaleDeadline,
    TooEarly,
    Words,
)
from bot.domain.events import Event
from bot.domain.model import (
    SYSTEM,
    Actor,
    Dispute,
    Offer,
    Order,
    RefundRequest,
    RefundStatus,
    Resolution,
    Role,
    Status,
)
from bot.domain.money import MAX_MINOR, display
from bot.domain.policy import Policy

MAX_TITLE = 120
MAX_REASON = 500
MAX_NOTE = 2000
PARTIES = (Role.BUYER, Role.SELLER)
PaidVia = Literal["balance", "external", "support"]
Transition = Callable[["Order", "Actor", datetime], "Outcome"]


@dataclass(frozen=True)
class Outcome:
    """What one transition did: the new order, money moved, and who to tell."""

    order: Order
    action: str
    actor: Actor
    events: tuple[Event, ...] = ()
    txn: ledger.LedgerTxn | None = None
    changed: bool = True  # False for reminders, which touch nothing but the outbox


# Who may do something, in a refusal ("Only the buyer can …").
_WHO = {
    (Role.BUYER,): Words("buyer"),
    (Role.SELLER,): Words("seller"),
    (Role.AGENT,): Words("agent"),
    (Role.SYSTEM,): Words("system"),
    PARTIES: Words("buyer or seller"),
}


def _require(actor: Actor, *roles: Role, doing: Words) -> None:
    if actor.role not in roles:
        who = _WHO[roles]
        raise NotAllowed(Words("Only the {who} can {doing}."), who=who, doing=doing)


def _require_status(order: Order, *allowed: Status, doing: Words) -> None:
    if order.status not in allowed:
        raise IllegalTransition(
            Words("Order {order} is {status}; you can't {doing} now."),
            order=order.id,
            status=order.status.in_words,
            doing=doing,
        )


def _no_dispute(order: Order, doing: Words) -> None:
    if order.dispute_open:
        raise IllegalTransition(
            Words("Order {order} is with KALEOZ Support; you can't {doing} until they resolve it."),
            order=order.id,
            doing=doing,
        )


def _text(value: str, limit: int, what: Words, required: bool = True) -> str:
    v = " ".join(value.split()) if limit <= MAX_REASON else value.strip()
    if required and not v:
        raise InvalidInput(Words("Please give a {what}."), what=what)
    if len(v) > limit:
        raise InvalidInput(
            Words("The {what} is too long (at most {limit} characters)."), what=what, limit=limit
        )
    return v


def _settle(
    order: Order,
    now: datetime,
    *,
    to_buyer: int,
    status: Status,
    reason: str,
) -> tuple[Order, ledger.LedgerTxn]:
    """Pay the escrow out once: `to_buyer` back to the buyer's balance, the rest to the seller."""
    if order.settled or order.paid_at is None:
        raise IllegalTransition(Words("Order {order} has already been settled."), order=order.id)
    to_seller = order.amount_minor - to_buyer
    txn = ledger.transfer(
        key=f"{order.id}:settle",
        currency=order.currency,
        source=ledger.escrow_account(order.id),
        targets=[
            (ledger.user_account(order.buyer_id), to_buyer),
            (ledger.user_account(order.seller_id), to_seller),
        ],
        memo=reason,
        order_id=order.id,
    )
    done = order.model_copy(
        update={
            "status": status,
            "closed_at": now,
            "close_reason": reason,
            "refunded_minor": to_buyer,
            "released_minor": to_seller,
            "paused_since": None,
        }
    )
    return done, txn


def _resume_phase(order: Order, now: datetime) -> Order:
    """Restart the paused phase clock, keeping the time it had left."""
    if order.paused_since is None or order.refund_open or order.dispute_open:
        return order
    return order.model_copy(
        update={
            "clock_origin": order.clock_origin + (now - order.paused_since),
            "paused_since": None,
        }
    )


def _pause_phase(order: Order, now: datetime) -> Order:
    if order.paused_since is not None:
        return order
    return order.model_copy(update={"paused_since": now})


# --- creation and payment -------------------------------------------------------------


def create_order(
    *,
    order_id: str,
    buyer_id: int,
    seller_id: int,
    title: str,
    amount_minor: int,
    currency: str,
    now: datetime,
    offer_id: str | None = None,
    reorder_of: str | None = None,
) -> Outcome:
    """Place an order; its price is locked from here on."""
    if buyer_id == seller_id:
        raise NotAllowed(Words("You can't buy from yourself."))
    if not 0 < amount_minor <= MAX_MINOR:
        raise InvalidAmount(Words("The price must be more than zero."))
    order = Order(
        id=order_id,
        offer_id=offer_id,
        buyer_id=buyer_id,
        seller_id=seller_id,
        title=_text(title, MAX_TITLE, Words("title")),
        amount_minor=amount_minor,
        currency=currency,
        created_at=now,
        clock_origin=now,
        reorder_of=reorder_of,
    )
    return Outcome(
        order,
        "create",
        Actor(Role.BUYER, buyer_id),
        (Event(ev.OrderCreated(), PARTIES),),
    )


def reorder(
    expired: Order,
    actor: Actor,
    offer: Offer,
    new_id: str,
    now: datetime,
    *,
    reordered_as: str | None = None,
) -> Outcome:
    """Place the same order again at the offer's current price (FAQ: price changes apply).

    An expired order is re-ordered once (`reordered_as` names the order that placed), so a
    double tap or a replayed update cannot place two orders.
    """
    _require(actor, Role.BUYER, doing=Words("re-order"))
    _require_status(expired, Status.EXPIRED, doing=Words("re-order"))
    if expired.close_reason == "cancelled_by_seller":
        raise IllegalTransition(
            Words(
                "The seller cancelled this order, so it can't be re-ordered. Ask the seller "
                "for a new link when they can sell it again."
            )
        )
    if reordered_as is not None:
        raise AlreadyReordered(reordered_as)
    if not offer.active:
        raise IllegalTransition(Words("The seller no longer offers this item."))
    out = create_order(
        order_id=new_id,
        buyer_id=expired.buyer_id,
        seller_id=offer.seller_id,
        title=offer.title,
        amount_minor=offer.price_minor,
        currency=offer.currency,
        now=now,
        offer_id=offer.id,
        reorder_of=expired.id,
    )
    event = Event(
        ev.OrderCreated(
            reorder_of=expired.id, old_price=display(expired.amount_minor, expired.currency)
        ),
        PARTIES,
    )
    return Outcome(out.order, "reorder", actor, (event,))


def check_payment_report(order: Order, user_id: int) -> None:
    """May this person say "I already paid"? (FAQ: paid, but the order shows unpaid.)

    Only the buyer, only for an order that is unpaid or expired unpaid: one that someone
    cancelled has no payment for support to confirm. The card draws "I already paid" from
    this, and the service refuses a tap or a receipt on the same grounds.
    """
    if order.buyer_id != user_id:
        raise NotAllowed(
            Words("Order {order} is not waiting for a payment from you."), order=order.id
        )
    if order.paid_at is not None:
        raise IllegalTransition(Words("Order {order} is already paid."), order=order.id)
    if order.status not in (Status.WAITING_PAYMENT, Status.EXPIRED) or order.close_reason not in (
        None,
        "expired",
    ):
        raise IllegalTransition(
            Words(
                "Order {order} was cancelled, so there is no payment to check. If money left "
                "your account for it, ask KALEOZ Support."
            ),
            order=order.id,
        )


def may_report_payment(order: Order, user_id: int) -> bool:
    """True if `check_payment_report` lets this person report a payment now."""
    try:
        check_payment_report(order, user_id)
    except DomainError:
        return False
    return True


def pay(
    order: Order,
    actor: Actor,
    now: datetime,
    *,
    via: PaidVia,
    buyer_balance: int = 0,
) -> Outcome:
    """Record payment: from the buyer's balance, an external payment, or one support confirmed."""
    if via == "balance":
        _require(actor, Role.BUYER, doing=Words("pay from the KALEOZ balance"))
        _require_status(order, Status.WAITING_PAYMENT, doing=Words("pay"))
        if buyer_balance < order.amount_minor:
            raise InsufficientBalance(
                Words("Your balance is {balance}; the order needs {price}."),
                balance=display(buyer_balance, order.currency),
                price=display(order.amount_minor, order.currency),
            )
        source = ledger.user_account(order.buyer_id)
    elif via == "external":
        _require(actor, Role.SYSTEM, doing=Words("report an external payment"))
        _require_status(order, Status.WAITING_PAYMENT, doing=Words("record a payment"))
        source = ledger.EXTERNAL
    else:
        # FAQ: a payment the marketplace has not seen is confirmed by support, even
        # after the unpaid order expired.
        _require(actor, Role.AGENT, doing=Words("confirm a payment"))
        _require_status(
            order, Status.WAITING_PAYMENT, Status.EXPIRED, doing=Words("confirm payment")
        )
        if order.close_reason not in (None, "expired"):
            # Expired unpaid may be revived; an order someone cancelled stays cancelled.
            raise IllegalTransition(
                f"Order {order.id} was cancelled, so its payment can't be confirmed. If the "
                "buyer's money arrived, credit it to their KALEOZ balance instead."
            )
        if order.status is Status.EXPIRED and order.paid_at is not None:  # pragma: no cover
            raise IllegalTransition(Words("This order was already paid."))
        source = ledger.EXTERNAL
    txn = ledger.transfer(
        key=f"{order.id}:pay",
        currency=order.currency,
        source=source,
        targets=[(ledger.escrow_account(order.id), order.amount_minor)],
        memo=f"payment ({via})",
        order_id=order.id,
    )
    paid = order.model_copy(
        update={
            "status": Status.WAITING_DELIVERY,
            "paid_at": now,
            "paid_via": via,
            "clock_origin": now,
            "paused_since": None,
            "closed_at": None,
            "close_reason": None,
            # An expired order someone deleted from their list is live again when revived.
            "hidden_for": (),
        }
    )
    return Outcome(paid, "pay", actor, (Event(ev.OrderPaid(via=via), PARTIES),), txn)


# --- delivery and confirmation --------------------------------------------------------


def deliver(order: Order, actor: Actor, now: datetime, note: str) -> Outcome:
    """The seller hands over the goods; the buyer's confirmation clock starts."""
    _require(actor, Role.SELLER, doing=Words("deliver"))
    _require_status(order, Status.WAITING_DELIVERY, doing=Words("deliver"))
    _no_dispute(order, Words("deliver"))
    rr = order.refund_request
    if rr is not None and rr.is_open:
        # FAQ: on an undelivered order the seller answers a refund request by delivering.
        rr = rr.model_copy(update={"status": RefundStatus.SUPERSEDED, "answered_at": now})
    delivered = order.model_copy(
        update={
            "status": Status.WAITING_CONFIRMATION,
            "delivered_at": now,
            "delivery_note": _text(note, MAX_NOTE, Words("delivery note")),
            "clock_origin": now,
            "paused_since": None,
            "refund_request": rr,
        }
    )
    return Outcome(delivered, "deliver", actor, (Event(ev.OrderDelivered(), PARTIES),))


def confirm(order: Order, actor: Actor, now: datetime) -> Outcome:
    """The buyer confirms receipt (irreversible) or the confirm window ran out."""
    automatic = actor.role is Role.SYSTEM
    if not automatic:
        _require(actor, Role.BUYER, doing=Words("confirm receipt"))
    _require_status(order, Status.WAITING_CONFIRMATION, doing=Words("confirm receipt"))
    _no_dispute(order, Words("confirm receipt"))
    rr = order.refund_request
    if rr is not None and rr.is_open:
        if automatic:  # an open request replaces the confirm clock
            raise IllegalTransition(
                Words("Order {order} has a refund request open."), order=order.id
            )
        rr = rr.model_copy(update={"status": RefundStatus.WITHDRAWN, "answered_at": now})
    reason = "auto_confirmed" if automatic else "confirmed"
    done, txn = _settle(
        order.model_copy(update={"refund_request": rr}),
        now,
        to_buyer=0,
        status=Status.COMPLETED,
        reason=reason,
    )
    event = Event(ev.OrderCompleted(automatic=automatic), PARTIES)
    return Outcome(done, reason, actor, (event,), txn)


# --- cancellation and expiry ------------------------------------------------------------


# Why a seller cancels, as buttons offer it (code -> words shown to the buyer).
CANCEL_REASONS = {
    "stock": "out of stock",
    "time": "can't deliver in time",
    "price": "the price was wrong",
    "asked": "the buyer asked to cancel",
}


def cancel(order: Order, actor: Actor, now: datetime, reason: str = "") -> Outcome:
    """Buyer or seller cancels an unpaid order; only the seller cancels a paid one (refund).

    In the chat a seller always says why (one of CANCEL_REASONS): the buyer is owed an
    explanation, shown on their card.
    """
    _require(actor, *PARTIES, doing=Words("cancel"))
    if reason and reason not in CANCEL_REASONS:
        raise InvalidInput(Words("Please pick one of the reasons offered."))
    note = CANCEL_REASONS.get(reason)
    if order.status is Status.WAITING_PAYMENT:
        done = order.model_copy(
            update={
                "status": Status.EXPIRED,
                "closed_at": now,
                "close_reason": f"cancelled_by_{actor.role.value}",
                "cancel_note": note,
            }
        )
        event = Event(ev.OrderCancelled(by=actor.role.value, note=note), PARTIES)
        return Outcome(done, "cancel", actor, (event,))
    _require_status(
        order, Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION, doing=Words("cancel")
    )
    if actor.role is Role.BUYER:
        raise NotAllowed(
            Words(
                "A paid order can only be cancelled by the seller. Message the seller to ask, "
                "or request a refund."
            )
        )
    _no_dispute(order, Words("cancel"))
    rr = _close_refund(order, RefundStatus.APPROVED, now)
    done, txn = _settle(
        order.model_copy(update={"refund_request": rr}),
        now,
        to_buyer=order.amount_minor,
        status=Status.REFUNDING,
        reason="cancelled_by_seller",
    )
    done = done.model_copy(update={"cancel_note": note})
    event = Event(ev.OrderCancelled(by="seller", refunded=True, note=note), PARTIES)
    return Outcome(done, "cancel", actor, (event,), txn)


def _close_refund(order: Order, status: RefundStatus, now: datetime) -> RefundRequest | None:
    rr = order.refund_request
    if rr is None or not rr.is_open:
        return rr
    return rr.model_copy(update={"status": status, "answered_at": now})


# --- refunds ---------------------------------------------------------------------------


def request_refund(
    order: Order,
    actor: Actor,
    now: datetime,
    policy: Policy,
    *,
    amount_minor: int | None,
    reason: str,
) -> Outcome:
    """The buyer asks for all or part of the money back; the seller must answer in time."""
    _require(actor, Role.BUYER, doing=Words("request a refund"))
    _require_status(
        order, Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION, doing=Words("request a refund")
    )
    _no_dispute(order, Words("request a refund"))
    assert order.paid_at is not None
    allowed_at = order.paid_at + policy.refund_min_age
    if now < allowed_at:
        raise TooEarly(
            Words("A refund can be requested from {after} after payment."),
            allowed_at=allowed_at,
            after=policy.refund_min_age,
        )
    rr = order.refund_request
    if rr is not None and rr.is_open:
        raise IllegalTransition(Words("You already have a refund request waiting for the seller."))
    if rr is not None and rr.status is RefundStatus.REJECTED:
        raise IllegalTransition(
            Words("The seller rejected your refund request; escalate to KALEOZ Support instead.")
        )
    full = amount_minor is None or amount_minor == order.amount_minor
    amount = order.amount_minor if amount_minor is None else amount_minor
    if amount <= 0:
        raise InvalidAmount(Words("The refund amount must be more than zero."))
    if amount > order.amount_minor:
        raise InvalidAmount(
            Words("The refund can't be more than the order's {price}."),
            price=display(order.amount_minor, order.currency),
        )
    request = RefundRequest(
        amount_minor=amount,
        full=full,
        reason=_text(reason, MAX_REASON, Words("reason"), required=False),
        opened_at=now,
        on_delivered=order.status is Status.WAITING_CONFIRMATION,
        clock_origin=now,
    )
    updated = _pause_phase(order, now).model_copy(update={"refund_request": request})
    event = Event(
        ev.RefundRequested(
            amount=display(amount, order.currency), full=full, reason=request.reason
        ),
        PARTIES,
    )
    return Outcome(updated, "request_refund", actor, (event,))


def withdraw_refund(order: Order, actor: Actor, now: datetime) -> Outcome:
    """The buyer takes their open refund request back; the order's clock resumes."""
    _require(actor, Role.BUYER, doing=Words("withdraw the refund request"))
    if not order.refund_open:
        raise IllegalTransition(Words("Order {order} has no open refund request."), order=order.id)
    _no_dispute(order, Words("withdraw the refund request"))
    updated = _resume_phase(
        order.model_copy(
            update={"refund_request": _close_refund(order, RefundStatus.WITHDRAWN, now)}
        ),
        now,
    )
    return Outcome(updated, "withdraw_refund", actor, (Event(ev.RefundWithdrawn(), PARTIES),))


def unanswered_refund_minor(order: Order) -> int:
    """What the buyer gets when the seller lets a refund request's window run out.

    On an undelivered order the whole order: the FAQ says "the system will automatically
    refund the order", and a seller who neither delivers nor answers must not keep the
    rest of the money for goods never sent. On a delivered order, what was asked.
    """
    rr = order.refund_request
    if rr is None:
        return 0
    return order.amount_minor if order.status is Status.WAITING_DELIVERY else rr.amount_minor


def silence_refunds_whole_order(order: Order) -> bool:
    """True when an unanswered (partial) request would refund more than was asked."""
    rr = order.refund_request
    return rr is not None and unanswered_refund_minor(order) != rr.amount_minor


def approve_refund(order: Order, actor: Actor, now: datetime) -> Outcome:
    """The seller agrees (the amount asked), or the response window ran out (see above)."""
    automatic = actor.role is Role.SYSTEM
    if not automatic:
        _require(actor, Role.SELLER, doing=Words("approve a refund"))
    rr = order.refund_request
    if rr is None or not rr.is_open:
        raise IllegalTransition(Words("Order {order} has no open refund request."), order=order.id)
    _no_dispute(order, Words("approve the refund"))
    status = RefundStatus.AUTO_APPROVED if automatic else RefundStatus.APPROVED
    reason = "refund_auto_approved" if automatic else "refund_approved"
    to_buyer = unanswered_refund_minor(order) if automatic else rr.amount_minor
    full = to_buyer == order.amount_minor
    done, txn = _settle(
        order.model_copy(update={"refund_request": _close_refund(order, status, now)}),
        now,
        to_buyer=to_buyer,
        status=Status.REFUNDING if full else Status.COMPLETED,
        reason=reason,
    )
    event = Event(
        ev.RefundApproved(
            automatic=automatic,
            amount=display(to_buyer, order.currency),
            full=full,
            asked=display(rr.amount_minor, order.currency),
        ),
        PARTIES,
    )
    return Outcome(done, reason, actor, (event,), txn)


def reject_refund(order: Order, actor: Actor, now: datetime, reason: str) -> Outcome:
    """The seller refuses with a reason; the buyer may now escalate to support."""
    _require(actor, Role.SELLER, doing=Words("reject a refund"))
    rr = order.refund_request
    if rr is None or not rr.is_open:
        raise IllegalTransition(Words("Order {order} has no open refund request."), order=order.id)
    _no_dispute(order, Words("reject the refund"))
    why = _text(reason, MAX_REASON, Words("reason for the rejection"))
    closed = rr.model_copy(
        update={"status": RefundStatus.REJECTED, "answered_at": now, "rejection_reason": why}
    )
    updated = _resume_phase(order.model_copy(update={"refund_request": closed}), now)
    return Outcome(
        updated, "reject_refund", actor, (Event(ev.RefundRejected(reason=why), PARTIES),)
    )


# --- support ---------------------------------------------------------------------------


def escalate(order: Order, actor: Actor, now: datetime, reason: str) -> Outcome:
    """A party hands the order to support: every automatic clock stops until they decide."""
    _require(actor, *PARTIES, doing=Words("escalate to support"))
    _require_status(
        order, Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION, doing=Words("escalate")
    )
    if order.dispute_open:
        raise IllegalTransition(
            Words("Order {order} is already with KALEOZ Support."), order=order.id
        )
    rr = order.refund_request
    if rr is not None and rr.is_open and rr.paused_since is None:
        rr = rr.model_copy(update={"paused_since": now})
    dispute = Dispute(
        opened_by=actor.role,
        reason=_text(reason, MAX_REASON, Words("reason"), required=False),
        opened_at=now,
    )
    updated = _pause_phase(order, now).model_copy(update={"dispute": dispute, "refund_request": rr})
    event = Event(ev.DisputeOpened(by=actor.role.value, reason=dispute.reason), PARTIES)
    return Outcome(updated, "escalate", actor, (event,))


def resolve_dispute(
    order: Order,
    actor: Actor,
    now: datetime,
    resolution: Resolution,
    *,
    refund_minor: int | None = None,
    note: str = "",
) -> Outcome:
    """Support settles the order: full refund, partial refund, or release to the seller."""
    _require(actor, Role.AGENT, doing=Words("resolve a dispute"))
    _require_status(
        order, Status.WAITING_DELIVERY, Status.WAITING_CONFIRMATION, doing=Words("resolve it")
    )
    if resolution is Resolution.REFUND_FULL:
        to_buyer = order.amount_minor
    elif resolution is Resolution.RELEASE:
        to_buyer = 0
    else:
        if refund_minor is None or not 0 < refund_minor < order.amount_minor:
            raise InvalidAmount(
                "A partial refund must be more than zero and less than "
                f"{display(order.amount_minor, order.currency)}."
            )
        to_buyer = refund_minor
    base = order.dispute or Dispute(opened_by=Role.AGENT, reason="", opened_at=now)
    dispute = base.model_copy(
        update={
            "resolution": resolution,
            "refund_minor": to_buyer,
            "closed_at": now,
            "closed_by": actor.user_id,
            "note": _text(note, MAX_NOTE, Words("note"), required=False) or None,
        }
    )
    rr = _close_refund(order, RefundStatus.SUPERSEDED, now)
    status = Status.REFUNDING if to_buyer == order.amount_minor else Status.COMPLETED
    done, txn = _settle(
        order.model_copy(update={"dispute": dispute, "refund_request": rr}),
        now,
        to_buyer=to_buyer,
        status=status,
        reason=f"support_{resolution.value}",
    )
    event = Event(
        ev.DisputeResolved(
            resolution=resolution.value,
            refund=display(to_buyer, order.currency),
            released=display(order.amount_minor - to_buyer, order.currency),
        ),
        PARTIES,
    )
    return Outcome(done, f"resolve_{resolution.value}", actor, (event,), txn)


def close_dispute(order: Order, actor: Actor, now: datetime, note: str = "") -> Outcome:
    """Support closes the case without moving money; the paused clocks resume."""
    _require(actor, Role.AGENT, doing=Words("close a dispute"))
    if not order.dispute_open or order.dispute is None:
        raise IllegalTransition(Words("Order {order} has no open dispute."), order=order.id)
    dispute = order.dispute.model_copy(
        update={
            "closed_at": now,
            "closed_by": actor.user_id,
            "note": _text(note, MAX_NOTE, Words("note"), required=False) or None,
        }
    )
    rr = order.refund_request
    if rr is not None and rr.is_open and rr.paused_since is not None:
        rr = rr.model_copy(
            update={
                "clock_origin": rr.clock_origin + (now - rr.paused_since),
                "paused_since": None,
            }
        )
    updated = _resume_phase(
        order.model_copy(update={"dispute": dispute, "refund_request": rr}), now
    )
    return Outcome(updated, "close_dispute", actor, (Event(ev.DisputeClosed(), PARTIES),))


# --- the per-user "Deleted" flag -----------------------------------------------------------


def hide(order: Order, actor: Actor) -> Outcome:
    """Delete a finished order from one user's list (FAQ: "Deleted" is per user)."""
    _require(actor, *PARTIES, doing=Words("delete the order"))
    if not order.status.finished:
        raise IllegalTransition(Words("Only finished orders can be deleted from your list."))
    assert actor.user_id is not None
    if actor.user_id in order.hidden_for:
        raise IllegalTransition(
            Words("Order {order} is already deleted from your list."), order=order.id
        )
    updated = order.model_copy(update={"hidden_for": (*order.hidden_for, actor.user_id)})
    return Outcome(updated, "delete", actor)


# --- deadlines ---------------------------------------------------------------------------


def overdue_resolution(order: Order, now: datetime, policy: Policy) -> Deadline | None:
    """The automatic resolution the order is owed at `now` and has not had yet, if any.

    Time is on the rules' side: a move that arrives after its window closed (a delivery
    after the auto-cancel, a payment after the expiry) must find that resolution applied
    first, whether or not the scheduler got there yet.
    """
    due = next_resolution(order, policy)
    return due if due is not None and now >= due.due_at else None


def apply_deadline(
    order: Order, kind: DeadlineKind, due_at: datetime, now: datetime, policy: Policy
) -> Outcome:
    """What the scheduler does when a deadline falls due; StaleDeadline if it no longer applies."""
    current = {(d.kind, d.due_at) for d in open_deadlines(order, policy)}
    if (kind, due_at) not in current:
        raise StaleDeadline(f"{kind} at {due_at.isoformat()} no longer applies to {order.id}")
    if now < due_at:
        raise StaleDeadline(f"{kind} for {order.id} is not due yet")
    if kind is DeadlineKind.REFUND_OPENS:
        # Nothing changes but what the buyer's card offers: it is redrawn in place (unless
        # downtime let a resolution come due too: that redraws the card anyway).
        resolution = next_resolution(order, policy)
        if resolution is not None and now >= resolution.due_at:
            raise StaleDeadline(f"{kind} for {order.id} came due with its resolution")
        event = Event(ev.RefundAvailable(), (Role.BUYER,))
        return Outcome(order, kind.value, SYSTEM, (event,), changed=False)
    if kind.is_reminder:
        resolution = next(d for d in open_deadlines(order, policy) if d.kind is RESOLUTION_OF[kind])
        # After downtime a reminder can come due together with what it warns of: skip it.
        if now >= resolution.due_at:
            raise StaleDeadline(f"{kind} for {order.id} came due with its resolution")
        recipient = Deadline(due_at, kind).recipient
        assert recipient is not None
        event = Event(ev.REMINDER_NEWS[kind](due_at=resolution.due_at), (recipient,))
        return Outcome(order, kind.value, SYSTEM, (event,), changed=False)
    if kind is DeadlineKind.EXPIRE_UNPAID:
        done = order.model_copy(
            update={"status": Status.EXPIRED, "closed_at": now, "close_reason": "expired"}
        )
        return Outcome(done, "expire", SYSTEM, (Event(ev.OrderExpired(), PARTIES),))
    if kind is DeadlineKind.AUTO_CANCEL:
        done, txn = _settle(
            order,
            now,
            to_buyer=order.amount_minor,
            status=Status.REFUNDING,
            reason="auto_cancelled",
        )
        event = Event(ev.OrderCancelled(by="system", refunded=True), PARTIES)
        return Outcome(done, "auto_cancel", SYSTEM, (event,), txn)
    if kind is DeadlineKind.AUTO_CONFIRM:
        return confirm(order, SYSTEM, now)
    return approve_refund(order, SYSTEM, now)
