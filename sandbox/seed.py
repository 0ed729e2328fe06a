"""What a fresh sandbox holds: two listed items, two unpaid orders and money to pay with."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.money import normalize_currency, parse_amount
from sandbox.world import BUYER, SELLER, World

# The items are sold in the configured currency; the amounts read well in any of them.
ITEMS = (("Steam Wallet Code MYR 50", "45.00"), ("Netflix Premium · 1 month", "18.90"))
WELCOME_BALANCE = "100.00"


@dataclass(frozen=True)
class Story:
    """The seeded orders and the one-line hint the page shows."""

    pay_order_id: str
    expiring_order_id: str
    hint: str


async def seed(world: World, currency: str) -> Story:
    """Everyone opens the bot; the seller lists two items the buyer has ordered, unpaid."""
    for person in (world.buyer, world.seller, world.agent):
        person.start()
    await world.settle()
    orders = world.services.orders
    cur = normalize_currency(currency)
    offers = [
        await orders.create_offer(
            seller_id=SELLER.id, title=title, price_minor=parse_amount(price, cur), currency=cur
        )
        for title, price in ITEMS
    ]
    await orders.top_up(BUYER.id, parse_amount(WELCOME_BALANCE, cur), cur, "sandbox-welcome")
    placed = [
        await orders.create_order(
            buyer_id=BUYER.id,
            seller_id=SELLER.id,
            title=offer.title,
            price_minor=offer.price_minor,
            currency=cur,
        )
        for offer in offers
    ]
    await world.settle()
    pay, expiring = placed[0].id, placed[1].id
    hint = (
        f"Try it: the buyer taps Pay from balance on {pay}, the seller taps Deliver and sends "
        f"a code, the buyer confirms. Press +1 h to watch {expiring} expire, or pay it and "
        "Escalate to support."
    )
    return Story(pay, expiring, hint)
