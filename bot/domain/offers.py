"""Offers: a seller's item with its current price."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.domain.errors import AlreadyOrdered, InvalidInput, NotAllowed, Words
from bot.domain.model import Offer, Order, Status
from bot.domain.money import MAX_MINOR
from bot.domain.policy import Policy
from bot.domain.transitions import MAX_TITLE, overdue_resolution


def new_offer(
    *,
    offer_id: str,
    seller_id: int,
    title: str,
    price_minor: int,
    currency: str,
    now: datetime,
) -> Offer:
    """A new offer, validated like an order's title and price."""
    if not 0 < price_minor <= MAX_MINOR:
        raise InvalidInput(Words("The price must be more than zero."))
    clean = " ".join(title.split())
    if not clean:
        raise InvalidInput(Words("Please give the item a title."))
    if len(clean) > MAX_TITLE:
        raise InvalidInput(
            Words("The title is too long (at most {limit} characters)."), limit=MAX_TITLE
        )
    return Offer(
        id=offer_id,
        seller_id=seller_id,
        title=clean,
        price_minor=price_minor,
        currency=currency,
        created_at=now,
        updated_at=now,
    )


def check_can_buy(
    offer: Offer, buyer_id: int, unpaid: Iterable[Order], now: datetime, policy: Policy
) -> None:
    """Refuse a second unpaid order of the same offer (a double tap on "Buy now", say).

    The buyer pays or lets the first one expire before ordering it again; buying the same
    item twice stays possible, one order at a time. Sellers cannot buy their own offers.
    """
    if buyer_id == offer.seller_id:
        raise NotAllowed(Words("This is your own offer."))
    for order in unpaid:
        if (
            order.offer_id == offer.id
            and order.buyer_id == buyer_id
            and order.status is Status.WAITING_PAYMENT
            and overdue_resolution(order, now, policy) is None
        ):
            raise AlreadyOrdered(order.id)
