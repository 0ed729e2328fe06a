"""Persisting what a transition did: order, money, deadlines, timeline and outbox, together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.deadlines import open_deadlines
from bot.domain.errors import ReferenceTaken
from bot.domain.model import Order, Role
from bot.domain.policy import Policy
from bot.domain.transitions import Outcome, apply_deadline, overdue_resolution
from bot.ports.storage import UnitOfWork
from bot.services.telemetry import Applied
from bot.services.webhooks import queue_order_events


def _recipient(order: Order, role: Role) -> int:
    return order.party_id(role)


async def persist_outcome(
    tx: UnitOfWork,
    outcome: Outcome,
    policy: Policy,
    now: datetime,
    *,
    previous: Order | None,
    applied: Applied,
    reference: str | None = None,
) -> Order:
    """Write everything `outcome` implies inside the caller's transaction; return the order.

    A transition that changed the order is added to `applied`, for the caller to count once
    its transaction has committed. `reference`, the marketplace's id of a new order, is
    bound to it (ReferenceTaken if it names another order: the caller's transaction rolls
    back) before the order's events are queued, so they carry it.
    """
    order = outcome.order
    if previous is None:
        await tx.insert_order(order, now)
        order = order.model_copy(update={"version": 1})
        # Under a unique key: of two racing creations with the same reference, the second
        # waits for the first and then rolls back.
        if reference is not None and not await tx.add_order_reference(reference, order.id):
            raise ReferenceTaken(reference)
    elif outcome.changed:
        order = await tx.update_order(order, previous.version, now)
        if order.hidden_for != previous.hidden_for:
            await tx.set_hidden(order.id, order.hidden_for)
    if outcome.txn is not None:
        await tx.post(outcome.txn, now)
    if outcome.changed:
        await tx.replace_deadlines(order.id, open_deadlines(order, policy))
        await tx.log(order.id, now, outcome.actor.role.value, outcome.actor.user_id, outcome.action)
        applied.add(outcome.action)
    for event in outcome.events:
        for role in event.recipients:
            payload: dict[str, Any] = {
                "event": event.kind.value,
                "role": role.value,
                "actor_id": outcome.actor.user_id,
                **event.payload.to_dict(),
            }
            await tx.add_outbox(order.id, _recipient(order, role), event.kind.value, payload, now)
    await queue_order_events(tx, order, outcome.events, now)
    return order


async def settle_overdue(
    tx: UnitOfWork, order: Order, now: datetime, policy: Policy, applied: Applied
) -> tuple[Order, bool]:
    """Apply what time already decided for the order, inside the caller's transaction.

    A move can reach an order after its window closed but before the scheduler ran (a
    queued update at start-up, the command line while the bot is down): the automatic
    resolution wins, exactly as if the sweep had come first. Its deadline row is claimed
    here, so the sweep cannot apply it again. Returns the order and whether time acted.
    """
    settled = False
    while (due := overdue_resolution(order, now, policy)) is not None:
        outcome = apply_deadline(order, due.kind, due.due_at, now, policy)
        await tx.finish_due_deadline(order.id, due.kind.value, due.due_at, now)
        order = await persist_outcome(tx, outcome, policy, now, previous=order, applied=applied)
        settled = True
    return order, settled
