"""A command without an order id: the one order it can mean, or a list to pick from."""

from __future__ import annotations

from bot.domain.model import Status
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running


async def test_picking_from_the_list_goes_on_with_the_command(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    first = await kchat.paid_order("12.50")
    second = await kchat.paid_order("20.00")
    seller.send("/deliver")
    choice = await seller.wait_for_message(contains="Which order do you want to deliver?")
    assert choice.has_button(f"{first} · Steam Wallet MYR 50")
    assert choice.has_button(f"{second} · Steam Wallet MYR 50")

    seller.tap(f"{second} · Steam Wallet MYR 50", choice.message_id)
    await seller.wait_for_message(contains=f"Send the delivery for order {second}")
    await kchat.settle()
    # The list keeps the choice as text, without buttons to tap twice.
    picked = kchat.tg.message(SELLER, choice.message_id)
    assert picked is not None and not picked.buttons
    assert picked.content == f"Which order do you want to deliver? {second}"

    seller.send("CODE-2")
    await kchat.settle()
    assert (await kchat.services.orders.get(second)).status is Status.WAITING_CONFIRMATION
    assert (await kchat.services.orders.get(first)).status is Status.WAITING_DELIVERY


async def test_a_pick_is_checked_again_when_tapped(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    first = await kchat.paid_order("12.50")
    second = await kchat.paid_order("20.00")
    buyer.send("/cancel")
    await kchat.settle()
    assert "no order you can cancel" in (buyer.last_message() or buyer.messages()[-1]).content
    seller.send("/cancel")
    choice = await seller.wait_for_message(contains="Which order do you want to cancel?")
    # Meanwhile the first order is delivered and confirmed: there is nothing left to cancel.
    await kchat.services.orders.deliver(first, SELLER, "CODE-1")
    await kchat.services.orders.confirm_received(first, BUYER)
    await kchat.settle()
    tap = seller.tap(f"{first} · Steam Wallet MYR 50", choice.message_id)
    await kchat.settle()
    assert tap.answer_text and "cancel" in tap.answer_text.lower()
    assert (await kchat.services.orders.get(first)).status is Status.COMPLETED
    assert await kchat.services.orders.balances(BUYER) == {}  # nothing refunded

    seller.tap(f"{second} · Steam Wallet MYR 50", choice.message_id)
    prompt = await seller.wait_for_message(contains="Tell the buyer why")
    assert second in prompt.content
    assert (await kchat.services.orders.get(second)).status is Status.WAITING_DELIVERY
