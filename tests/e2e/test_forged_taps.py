"""Every action a card hides is refused by the service, for the same reason.

For each party and each order in every state (cancelled ones too), the bot's own card says
which actions it offers. A modified client can send any callback data on a message of its
own chat: every action the card does not offer is sent forged, and nothing may change.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import DomainError
from bot.domain.tickets import TicketKind
from handlers.views.callback_data import unpack
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running, tap_data

# The card actions that change an order, its money or its tickets (not navigation).
ACTS = ["pay", "dlv", "cf", "cfy", "rf", "rff", "rfw", "apr", "rej", "cx", "cxy", "esc", "del",
        "reo", "pd"]  # fmt: skip
# A second step ("Yes, confirm…") is the action of the button that asked for it.
FIRST_STEP = {"cfy": "cf", "cxy": "cx", "rff": "rf"}


async def _orders_in_every_state(kchat: Running) -> dict[str, str]:
    orders = kchat.services.orders
    expired = await kchat.order()
    cancelled_by_seller = await kchat.order()
    cancelled_by_buyer = await kchat.order()
    paid = await kchat.paid_order()
    delivered = await kchat.paid_order()
    await orders.deliver(delivered, SELLER, "code AAAA")
    refund_open = await kchat.paid_order()
    await orders.deliver(refund_open, SELLER, "code BBBB")
    completed = await kchat.paid_order()
    await orders.deliver(completed, SELLER, "code CCCC")
    await orders.cancel(cancelled_by_seller, SELLER)
    await orders.cancel(cancelled_by_buyer, BUYER)
    await kchat.advance(timedelta(hours=1))  # expires the first, ages the rest for refunds
    await orders.request_refund(refund_open, BUYER, None)
    await orders.confirm_received(completed, BUYER)
    unpaid = await kchat.order()
    await kchat.settle()
    return {
        "unpaid": unpaid,
        "expired": expired,
        "cancelled by the seller": cancelled_by_seller,
        "cancelled by the buyer": cancelled_by_buyer,
        "paid": paid,
        "delivered": delivered,
        "refund open": refund_open,
        "completed": completed,
    }


async def _state(kchat: Running, order_ids: list[str]) -> object:
    s = kchat.services
    return (
        [(await s.orders.get(oid)).model_dump() for oid in order_ids],
        [await s.orders.balances(uid) for uid in (BUYER, SELLER)],
        [await s.support.open_on(oid) for oid in order_ids],
        [await s.chat.mode(uid) for uid in (BUYER, SELLER)],
    )


async def _offered(kchat: Running, order_id: str, viewer: int) -> set[str]:
    cards = kchat.app.bot_data.cards
    _, keyboard = await cards.build(await kchat.services.orders.get(order_id), viewer)
    return {
        unpack(b.callback_data).act.value
        for row in keyboard.inline_keyboard
        for b in row
        if isinstance(b.callback_data, str)
    }


async def test_no_hidden_action_can_be_forged_on_any_order(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    orders = await _orders_in_every_state(kchat)
    ids = list(orders.values())
    forged = 0
    for person, uid in ((buyer, BUYER), (seller, SELLER)):
        for what, oid in orders.items():
            offered = await _offered(kchat, oid, uid)
            hidden = [act for act in ACTS if FIRST_STEP.get(act, act) not in offered]
            for act in hidden:
                before = await _state(kchat, ids)
                record = tap_data(kchat, person, f"k1|{act}|{oid}|")
                await kchat.tg.wait_for(lambda r=record: r.answered, what=f"{act} on {what}")
                await kchat.settle()
                assert await _state(kchat, ids) == before, (uid, what, act)
                forged += 1
    assert forged > 150  # the matrix really was walked


async def test_i_already_paid_is_offered_and_accepted_only_where_a_payment_can_be_checked(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    orders = await _orders_in_every_state(kchat)
    offered = {what for what, oid in orders.items() if "pd" in await _offered(kchat, oid, BUYER)}
    assert offered == {"unpaid", "expired"}
    for what, oid in orders.items():
        if what in offered:
            continue
        with pytest.raises(DomainError):
            await kchat.services.support.raise_ticket(
                TicketKind.PAYMENT, order_id=oid, user_id=BUYER, subject="I paid"
            )
        assert await kchat.services.support.open_on(oid) == []


async def test_support_cannot_confirm_a_payment_for_an_order_the_seller_cancelled(
    kchat: Running,
) -> None:
    oid = await kchat.order()
    ticket, _ = await kchat.services.support.raise_ticket(
        TicketKind.PAYMENT, order_id=oid, user_id=BUYER, subject="I paid"
    )
    await kchat.services.orders.cancel(oid, SELLER)  # while support looks at the receipt
    with pytest.raises(DomainError, match="was cancelled"):
        await kchat.services.support.confirm_payment(ticket.id, 7007)
    order = await kchat.services.orders.get(oid)
    assert order.paid_at is None and order.close_reason == "cancelled_by_seller"
    assert await kchat.services.orders.balances(BUYER) == {}
