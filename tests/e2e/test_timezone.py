"""Each person reads deadlines in their own time zone (/timezone); the other side is not
affected, and a bad zone or a forged button changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from handlers.render import fmt_time
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, Running, tap_data


async def _zone_of(kchat: Running, user_id: int) -> str | None:
    user = await kchat.services.chat.user(user_id)
    return user.timezone if user else None


def _due_in(card_text: str) -> str:
    found = re.search(r"\w{3} \d{1,2} \w{3}, \d{2}:\d{2} \(GMT[+-]\d+\)", card_text)
    assert found is not None, card_text
    return found.group(0)


async def test_a_buyer_in_jakarta_sees_the_payment_deadline_in_jakarta_time(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order("12.50")
    order = await kchat.services.orders.get(oid)
    due = order.created_at + timedelta(hours=1)
    first = buyer.last_message()
    assert first is not None and "(GMT+8)" in _due_in(first.content)

    buyer.send("/timezone Asia/Jakarta")
    await kchat.settle()
    said = buyer.last_message()
    assert said is not None and said.content.startswith("🕐 Times are now shown in Asia/Jakarta")
    assert await _zone_of(kchat, BUYER) == "Asia/Jakarta"

    buyer.send(f"/order {oid}")
    await kchat.settle()
    card = buyer.last_message()
    assert card is not None and oid in card.content
    assert _due_in(card.content) == fmt_time(due, ZoneInfo("Asia/Jakarta"))
    assert "(GMT+7)" in _due_in(card.content)
    seller.send(f"/order {oid}")
    await kchat.settle()
    seller_card = seller.last_message()
    assert seller_card is not None and "(GMT+8)" in _due_in(seller_card.content)


async def test_a_zone_picked_from_the_keyboard_dates_the_reminder(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("/timezone")
    await kchat.settle()
    menu = buyer.last_message()
    assert menu is not None and "Asia/Kuala_Lumpur" in menu.content
    assert menu.has_button("Tokyo") and menu.has_button("Jakarta")
    picked = buyer.tap("Tokyo")
    await kchat.settle()
    assert picked.answer_text == "Times are now shown in Tokyo time."
    assert await _zone_of(kchat, BUYER) == "Asia/Tokyo"

    oid = await kchat.order("12.50")
    await kchat.advance(timedelta(minutes=45))  # the reminder 15 min before expiry
    reminder = next(m for m in reversed(buyer.messages()) if "Reminder: pay" in m.content)
    order = await kchat.services.orders.get(oid)
    due = fmt_time(order.created_at + timedelta(hours=1), ZoneInfo("Asia/Tokyo"))
    assert f"before {due} or it expires" in reminder.content and "(GMT+9)" in due

    buyer.send("/timezone reset")
    await kchat.settle()
    back = buyer.last_message()
    assert back is not None and "Asia/Kuala_Lumpur" in back.content
    assert await _zone_of(kchat, BUYER) is None


async def test_an_unknown_zone_or_a_forged_zone_button_changes_nothing(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("/timezone Mars/Olympus_Mons")
    await kchat.settle()
    refusal = buyer.last_message()
    assert refusal is not None and "I don't know that time zone" in refusal.content
    assert await _zone_of(kchat, BUYER) is None

    buyer.send("/timezone ho chi minh")  # a city, in any case and spacing: asked first
    await kchat.settle()
    buyer.tap("Yes, use Asia/Ho_Chi_Minh")
    await kchat.settle()
    assert await _zone_of(kchat, BUYER) == "Asia/Ho_Chi_Minh"

    buyer.send("/timezone")
    await kchat.settle()
    menu = buyer.last_message()
    assert menu is not None
    forged = tap_data(kchat, buyer, "k1|tz|99|", menu.message_id)
    await kchat.settle()
    assert forged.show_alert and "no longer valid" in (forged.answer_text or "")
    assert await _zone_of(kchat, BUYER) == "Asia/Ho_Chi_Minh"


async def test_gmt_plus_seven_is_confirmed_with_its_offset_and_shows_deadlines_seven_hours_east(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order("12.50")
    buyer.send("/timezone GMT+7")
    await kchat.settle()
    ask = buyer.last_message()
    assert ask is not None and ask.content.startswith("🕐 Show your deadlines in UTC+7 (it is ")
    assert await _zone_of(kchat, BUYER) is None, "nothing is saved before the person agrees"
    buyer.tap("Yes, use UTC+7", ask.message_id)
    await kchat.settle()
    assert await _zone_of(kchat, BUYER) == "Etc/GMT-7"
    buyer.send(f"/order {oid}")
    await kchat.settle()
    card = buyer.last_message()
    assert card is not None and "(GMT+7)" in _due_in(card.content)


async def test_a_typed_zone_can_be_declined_and_nothing_changes(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("/timezone WIB")
    ask = await buyer.wait_for_message(contains="Asia/Jakarta, UTC+7 (it is ")
    buyer.tap("No, keep Asia/Kuala_Lumpur", ask.message_id)
    await kchat.settle()
    assert await _zone_of(kchat, BUYER) is None
    for typed, says in (("IST", "could mean India"), ("UTC+15", "No time zone keeps UTC+15")):
        buyer.send(f"/timezone {typed}")
        reply = await buyer.wait_for_message()
        assert says in reply.content, typed
    assert await _zone_of(kchat, BUYER) is None


async def test_time_zone_buttons_work_when_a_support_group_is_configured(
    kchat_support: Running,
) -> None:
    k = kchat_support
    buyer = k.tg.user(BUYER, "Alice")
    buyer.start()
    await k.settle()
    buyer.send("/timezone")
    await k.settle()
    picked = buyer.tap("Jakarta")
    await k.settle()
    assert picked.answer_text == "Times are now shown in Jakarta time."
    assert await _zone_of(k, BUYER) == "Asia/Jakarta"
    buyer.send("/timezone UTC+8")
    ask = await buyer.wait_for_message(contains="Show your deadlines in")
    buyer.tap("Yes, use UTC+8", ask.message_id)
    await k.settle()
    assert await _zone_of(k, BUYER) == "Etc/GMT-8"


async def test_a_forged_confirmation_for_a_zone_nobody_offered_changes_nothing(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("/timezone")
    await kchat.settle()
    menu = buyer.last_message()
    assert menu is not None
    forged = tap_data(kchat, buyer, "k1|tz|Mars__Olympus|y", menu.message_id)
    await kchat.settle()
    assert forged.show_alert and "no longer valid" in (forged.answer_text or "")
    assert await _zone_of(kchat, BUYER) is None
