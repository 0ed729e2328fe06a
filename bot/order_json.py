"""The machine-readable view of an order and of a balance (`kchat order show --json`,
`kchat balance --json`, DESIGN.md §3), the same for the command line and the HTTP API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.domain.model import Order
from bot.domain.money import format_amount
from bot.ports.records import DueDeadline
from bot.timefmt import to_db

if TYPE_CHECKING:
    from bot.bootstrap import Services


def order_to_json(order: Order, deadlines: list[DueDeadline]) -> dict[str, Any]:
    """State, not countdowns: refund request and dispute change only when something happens."""
    cur = order.currency
    rr = order.refund_request
    dispute = order.dispute
    return {
        "id": order.id,
        "status": order.status.value,
        "status_label": order.status.label,
        "buyer": order.buyer_id,
        "seller": order.seller_id,
        "title": order.title,
        "amount": format_amount(order.amount_minor, cur),
        "currency": cur,
        "offer_id": order.offer_id,
        "created_at": to_db(order.created_at),
        "paid_at": to_db(order.paid_at) if order.paid_at else None,
        "paid_via": order.paid_via,
        "delivered_at": to_db(order.delivered_at) if order.delivered_at else None,
        "closed_at": to_db(order.closed_at) if order.closed_at else None,
        "close_reason": order.close_reason,
        "refunded": format_amount(order.refunded_minor, cur),
        "released": format_amount(order.released_minor, cur),
        "escrow": format_amount(order.escrow_minor, cur),
        "refund_request": None
        if rr is None
        else {
            "amount": format_amount(rr.amount_minor, cur),
            "full": rr.full,
            "reason": rr.reason,
            "status": rr.status.value,
            "opened_at": to_db(rr.opened_at),
            "answered_at": to_db(rr.answered_at) if rr.answered_at else None,
            "rejection_reason": rr.rejection_reason,
        },
        "dispute": None
        if dispute is None
        else {
            "status": "open"
            if dispute.is_open
            else ("resolved" if dispute.resolution else "closed"),
            "opened_by": dispute.opened_by.value,
            "reason": dispute.reason,
            "opened_at": to_db(dispute.opened_at),
            "resolution": dispute.resolution.value if dispute.resolution else None,
            "refund": format_amount(dispute.refund_minor, cur)
            if dispute.refund_minor is not None
            else None,
            "closed_at": to_db(dispute.closed_at) if dispute.closed_at else None,
        },
        "deleted_for": list(order.hidden_for),
        "reorder_of": order.reorder_of,
        "deadlines": [{"kind": d.kind, "due_at": to_db(d.due_at)} for d in deadlines],
    }


async def order_document(s: Services, order_id: str) -> dict[str, Any]:
    """The order as JSON, read now, with the marketplace's reference when it has one."""
    order = await s.orders.get(order_id)
    data = order_to_json(order, await s.deadlines.pending(order.id))
    data["reference"] = await s.orders.reference_of(order.id)
    return data


def balance_to_json(telegram_id: int, balances: dict[str, int]) -> dict[str, Any]:
    """A user's balance per currency, as amounts."""
    shown = {cur: format_amount(v, cur) for cur, v in balances.items()}
    return {"telegram_id": telegram_id, "balances": shown}
