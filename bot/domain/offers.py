"""Offers: a seller's item with its current price."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import InvalidInput
from bot.domain.model import Offer
from bot.domain.money import MAX_MINOR
from bot.domain.transitions import MAX_TITLE


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
        raise InvalidInput("The price must be more than zero.")
    clean = " ".join(title.split())
    if not clean:
        raise InvalidInput("Please give the item a title.")
    if len(clean) > MAX_TITLE:
        raise InvalidInput(f"The title is too long (at most {MAX_TITLE} characters).")
    return Offer(
        id=offer_id,
        seller_id=seller_id,
        title=clean,
        price_minor=price_minor,
        currency=currency,
        created_at=now,
        updated_at=now,
    )
