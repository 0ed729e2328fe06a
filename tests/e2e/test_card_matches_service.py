"""A card's buttons and the service agree both ways: hidden is refused, shown works.

For every kind of order state, each party, and every button kind that acts on an order,
a tap is forged through the fake Telegram with callback data for that order (a modified
client can send any data on any message of its own chat). The service must refuse exactly
the taps whose button the party's card does not show, with a reason, changing nothing;
and a tap on a button the card does show must be accepted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from handlers.delivery.cards import Cards
from handlers.views.callback_data import Act, CancelConfirm, OrderTap, unpack
from handlers.views.render import ACTION_BUTTON
from sandbox.fake_bot_api.harness import FakeUser
from sandbox.fake_bot_api.state import CallbackQueryRecord
from tests.e2e.support import BUYER, SELLER, Running, tap_data

HOUR = timedelta(hours=1)

# Every button kind that acts on an order, with the card button that gates it (second
# steps are drawn only on the prompt their first step opens).
GATE: dict[Act, Act] = {
    Act.PAY: Act.PAY,
    Act.DELIVER: Act.DELIVER,
    Act.CONFIRM: Act.CONFIRM,
    Act.CONFIRM_YES: Act.CONFIRM,
    Act.REFUND: Act.REFUND,
    Act.REFUND_FULL: Act.REFUND,
    Act.REFUND_PART: Act.REFUND,
    Act.WITHDRAW: Act.WITHDRAW,
    Act.APPROVE: Act.APPROVE,
    Act.REJECT: Act.REJECT,
    Act.CANCEL: Act.CANCEL,
    Act.CANCEL_YES: Act.CANCEL,
    Act.ESCALATE: Act.ESCALATE,
    Act.REORDER: Act.REORDER,
    Act.DELETE: Act.DELETE,
    Act.PAID_ALREADY: Act.PAID_ALREADY,
}


def test_every_action_button_a_card_can_draw_is_forged_below() -> None:
    assert {act for _, act in ACTION_BUTTON.values()} <= set(GATE)


async def _unpaid(k: Running) -> str:
    return await k.order("12.50")


async def _cancelled_by_seller(k: Running) -> str:
    oid = await k.order("12.50")
    await k.services.orders.cancel(oid, SELLER)
    return oid


async def _cancelled_by_buyer(k: Running) -> str:
    oid = await k.order("12.50")
    await k.services.orders.cancel(oid, BUYER)
    return oid


async def _expired(k: Running) -> str:
    oid = await k.order("12.50")
    await k.advance(HOUR)
    return oid


async def _paid_young(k: Running) -> str:
    return await k.paid_order("12.50")


async def _paid(k: Running) -> str:
    oid = await k.paid_order("12.50")
    await k.advance(HOUR)
    return oid


async def _refund_open(k: Running) -> str:
    oid = await _paid(k)
    await k.services.orders.request_refund(oid, BUYER, 500)
    return oid


async def _delivered(k: Running) -> str:
    oid = await k.paid_order("12.50")
    await k.services.orders.deliver(oid, SELLER, "code AAAA")
    await k.advance(HOUR)
    return oid


async def _delivered_refund_open(k: Running) -> str:
    oid = await _delivered(k)
    await k.services.orders.request_refund(oid, BUYER, None)
    return oid


async def _rejected(k: Running) -> str:
    oid = await _delivered_refund_open(k)
    await k.services.orders.reject_refund(oid, SELLER, "it works")
    return oid


async def _disputed(k: Running) -> str:
    oid = await _rejected(k)
    await k.services.orders.escalate(oid, BUYER, "it does not")
    return oid


async def _completed(k: Running) -> str:
    oid = await _delivered(k)
    await k.services.orders.confirm_received(oid, BUYER)
    return oid


async def _refunded(k: Running) -> str:
    oid = await _paid(k)
    await k.services.orders.cancel(oid, SELLER)
    return oid


STATES: dict[str, Callable[[Running], Awaitable[str]]] = {
    "waiting_payment": _unpaid,
    "expired": _expired,
    "paid_less_than_an_hour_ago": _paid_young,
    "waiting_delivery": _paid,
    "undelivered_refund_open": _refund_open,
    "waiting_confirmation": _delivered,
    "delivered_refund_open": _delivered_refund_open,
    "refund_rejected": _rejected,
    "disputed": _disputed,
    "completed": _completed,
    "refunded": _refunded,
    "cancelled_by_seller": _cancelled_by_seller,
    "cancelled_by_buyer": _cancelled_by_buyer,
}


async def _build(k: Running, state: str) -> str:
    oid = await STATES[state](k)
    await k.settle()
    return oid


async def _snapshot(k: Running, oid: str) -> tuple[object, ...]:
    s = k.services
    return (
        (await s.orders.get(oid)).model_dump(),
        [await s.orders.balances(uid) for uid in (BUYER, SELLER)],
        [await s.chat.mode(uid) for uid in (BUYER, SELLER)],
        len(await s.chat.transcript(oid)),
        [t.id for t in await s.support.open_on(oid)],
    )


async def _card_acts(k: Running, oid: str, uid: int) -> set[Act]:
    cards: Cards = k.app.bot_data.cards
    _, kb = await cards.build(await k.services.orders.get(oid), uid)
    return {unpack(str(b.callback_data)).act for row in kb.inline_keyboard for b in row}


async def _tap(k: Running, user: FakeUser, act: Act, oid: str) -> CallbackQueryRecord:
    tap = CancelConfirm(oid) if act is Act.CANCEL_YES else OrderTap(act, oid)
    record = tap_data(k, user, tap.pack())
    await k.tg.wait_for(lambda: record.answered, what=f"an answer to {record.data}")
    return record


@pytest.mark.parametrize("state", STATES)
async def test_a_tap_is_refused_exactly_when_the_card_hides_its_button(
    kchat: Running, buyer: FakeUser, seller: FakeUser, state: str
) -> None:
    await kchat.settle()
    await kchat.services.orders.top_up(BUYER, 100_000, "MYR", "forged-taps")
    people = {BUYER: buyer, SELLER: seller}
    oid = await _build(kchat, state)
    shown = {uid: await _card_acts(kchat, oid, uid) for uid in people}
    before = await _snapshot(kchat, oid)

    for uid, user in people.items():
        for act in [a for a in GATE if GATE[a] not in shown[uid]]:
            record = await _tap(kchat, user, act, oid)
            if state == "disputed" and act is Act.ESCALATE:
                # A party whose card predates the dispute joins the open case instead
                # (a support ticket, by design); the order itself must not change.
                assert not record.show_alert, record.answer_text
                await kchat.services.chat.clear_mode(uid)
                continue
            assert record.show_alert, (state, uid, act, record.answer_text)
            assert record.answer_text, (state, uid, act)
            assert "Something went wrong" not in record.answer_text
    await kchat.settle()
    after = await _snapshot(kchat, oid)
    if state == "disputed":
        after, before = after[:-1], before[:-1]
    assert after == before, state

    for uid, user in people.items():
        for act in [a for a in GATE if GATE[a] in shown[uid]]:
            fresh = await _build(kchat, state)
            record = await _tap(kchat, user, act, fresh)
            assert not record.show_alert, (state, uid, act, record.answer_text)
            await kchat.settle()
            await kchat.services.chat.clear_mode(uid)
