"""Each person reads deadlines in their own time zone (/timezone); the other side is not
affected, and a bad zone or a forged button changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from handlers.views.render import fmt_time
from sandbox.fake_bot_api.harness import FakeUser, MessageView
from tests.e2e.support import BUYER, Running, tap_data


async def _zone_of(kchat: Running, user_id: int) -> str | None:
    user = await kchat.services.chat.user(user_id)
    return user.timezone if user else None


def _yes(asked: MessageView) -> str:
    """The label of the "Yes, use …" button on a time zone question."""
    labels = [b.text for b in asked.flat_buttons if b.text.startswith("Yes, use ")]
    assert len(labels) == 1, asked.button_texts
    return labels[0]


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
    asked = buyer.last_message()
    assert asked is not None and await _zone_of(kchat, BUYER) is None  # not before "Yes"
    buyer.tap(_yes(asked))
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

    buyer.send("/timezone ho chi minh")  # a city, in any case and spacing
    await kchat.settle()
    asked = buyer.last_message()
    assert asked is not None
    buyer.tap(_yes(asked))
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


async def test_gmt_plus_7_is_shown_and_saved_as_seven_hours_ahead_of_utc(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order("12.50")
    buyer.send("/timezone GMT+7")
    await kchat.settle()
    asked = buyer.last_message()
    assert asked is not None
    local = kchat.clock.now().astimezone(ZoneInfo("Asia/Jakarta"))
    assert asked.button_texts == [[f"Yes, use UTC+7 (now {local:%H:%M})"], ["No"]]
    assert "UTC+7" in asked.content and await _zone_of(kchat, BUYER) is None

    confirmed = buyer.tap(f"Yes, use UTC+7 (now {local:%H:%M})")
    await kchat.settle()
    assert confirmed.answer_text == "Times are now shown in UTC+7."
    zone = await _zone_of(kchat, BUYER)
    assert zone is not None and ZoneInfo(zone).utcoffset(kchat.clock.now()) == timedelta(hours=7)
    said = buyer.last_message()
    assert said is not None and "Times are now shown in UTC+7" in said.content

    buyer.send(f"/order {oid}")
    await kchat.settle()
    card = buyer.last_message()
    assert card is not None
    order = await kchat.services.orders.get(oid)
    assert _due_in(card.content) == fmt_time(order.created_at + timedelta(hours=1), ZoneInfo(zone))
    assert "(GMT+7)" in _due_in(card.content)


async def test_utc_plus_8_and_half_hour_offsets_are_accepted(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    for typed, hours in (("UTC+8", 8.0), ("+0530", 5.5), ("MYT", 8.0), ("KL", 8.0)):
        buyer.send(f"/timezone {typed}")
        await kchat.settle()
        asked = buyer.last_message()
        assert asked is not None
        buyer.tap(_yes(asked))
        await kchat.settle()
        zone = await _zone_of(kchat, BUYER)
        assert zone is not None, typed
        offset = ZoneInfo(zone).utcoffset(kchat.clock.now())
        assert offset == timedelta(hours=hours), typed


async def test_no_or_an_ambiguous_zone_or_a_forged_yes_changes_nothing(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("/timezone Jakarta")
    await kchat.settle()
    asked = buyer.last_message()
    assert asked is not None and asked.has_button("No")
    declined = buyer.tap("No")
    await kchat.settle()
    assert declined.answer_text == "Nothing changed."
    assert await _zone_of(kchat, BUYER) is None

    buyer.send("/timezone IST")
    await kchat.settle()
    refusal = buyer.last_message()
    assert refusal is not None and "India, Ireland and Israel" in refusal.content
    assert "/timezone UTC+8" in refusal.content and not refusal.buttons

    buyer.send("/timezone Jakarta")
    await kchat.settle()
    asked = buyer.last_message()
    assert asked is not None
    yes = asked.button(_yes(asked)).callback_data
    assert yes is not None
    act, ref, check = yes.split("|")[1:]
    forged = tap_data(kchat, buyer, f"k1|{act}|{int(ref) + 1}|{check}", asked.message_id)
    await kchat.settle()
    assert forged.show_alert and "no longer valid" in (forged.answer_text or "")
    assert await _zone_of(kchat, BUYER) is None
