"""The hint line: what to try next, from the orders as they are now (never a stale order)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.model import Order, Status
from sandbox.seed import Story

ALL_FINISHED = (
    "Every order is finished. Send /balance in each pane, tap Re-order on an expired order, "
    "list an item as the seller with /sell, or ask the bot something in plain words."
)


def _stage(order: Order) -> int:
    """How far along the order is: the furthest one is the one to move next."""
    if order.dispute_open:
        return 4
    if order.refund_open:
        return 3
    return {Status.WAITING_CONFIRMATION: 2, Status.WAITING_DELIVERY: 1}.get(order.status, 0)


def _next_step(order: Order) -> str:
    oid = order.id
    if order.dispute_open:
        return (
            f"KALEOZ Support has {oid}: in the support pane, open its topic, tap Claim, then "
            "settle it with a refund or a release. What the agent writes there reaches the party."
        )
    if order.refund_open:
        return (
            f"The buyer asked for a refund on {oid}: the seller taps Approve refund or Reject "
            "refund, or fast-forward to let the deadline decide."
        )
    if order.status is Status.WAITING_CONFIRMATION:
        return (
            f"{oid} is delivered: the buyer taps Confirm received (or Request refund); "
            "fast-forward and it is confirmed automatically."
        )
    if order.status is Status.WAITING_DELIVERY:
        return (
            f"{oid} is paid: the seller taps Deliver and sends a code, or the buyer taps "
            "Escalate to support."
        )
    return (
        f"{oid} waits for payment: the buyer taps Pay from balance, or fast-forward to watch "
        "it expire."
    )


def current_hint(orders: Sequence[Order], story: Story) -> str:
    """The next step for the unfinished order furthest along (the newest among equals).

    `orders` come newest first. While both seeded orders wait untouched, the seed's own hint
    tells the whole story; once every order is finished, a hint about what else to try.
    """
    unfinished = [o for o in orders if not o.status.finished]
    if not unfinished:
        return ALL_FINISHED
    waiting = {o.id for o in unfinished if _stage(o) == 0}
    if len(unfinished) == len(waiting) and {story.pay_order_id, story.expiring_order_id} <= waiting:
        return story.hint
    best = max(unfinished, key=lambda o: (_stage(o), -unfinished.index(o)))
    return _next_step(best)
