"""A refund request is offered when it can work, and a refusal says when it will.

KCHAT_REFUND_MIN_AGE decides when a buyer may first ask for a refund. Until then the card
does not offer "Request refund" but says from when it is available (in the buyer's time
zone); asking anyway is refused with that moment; when it comes, the card is redrawn in
place with the button, without pinging anyone.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.domain.faq import FaqIndex
from sandbox.fake_bot_api.harness import FakeUser, MessageView
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, SELLER, Running, tap_data


def _now(kchat: Running, user: FakeUser, message_id: int) -> MessageView:
    """The message as the user sees it now (after any edits)."""
    found = kchat.tg.message(user.chat_id, message_id)
    assert found is not None
    return found


async def test_the_card_says_when_a_refund_opens_and_gains_the_button_then(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    card = buyer.last_message()
    assert card is not None and oid in card.content
    assert not card.has_button("Request refund")
    assert "↩️ Refund available from Mon 5 Jan, 18:00 (GMT+8) (in 1 h 0 min)." in card.content
    seller_card = seller.last_message()
    assert seller_card is not None and "Refund available" not in seller_card.content

    await kchat.advance(timedelta(minutes=20))
    when = "Possible from Mon 5 Jan, 18:00 (GMT+8), in 40 min."
    for command in (f"/refund {oid}", "/refund", f"/refund {oid} 5.00", "/refund RM 5"):
        buyer.send(command)
        reply = await buyer.wait_for_message()
        assert reply.content == f"⚠️ A refund can be requested from 1 hour after payment. {when}"
    for act in ("rf", "rff", "rfp"):
        record = tap_data(kchat, buyer, f"k1|{act}|{oid}|", card.message_id)
        await kchat.tg.wait_for(lambda r=record: r.answered, what="the refusal")
        assert record.show_alert
        assert record.answer_text == f"A refund can be requested from 1 hour after payment. {when}"
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).refund_request is None
    assert await kchat.services.chat.mode(BUYER) is None
    shown = len(buyer.messages())

    await kchat.advance(timedelta(minutes=40))
    redrawn = _now(kchat, buyer, card.message_id)
    assert redrawn.has_button("Request refund"), "the card is redrawn when the hour is up"
    assert "Refund available from" not in redrawn.content
    assert len(buyer.messages()) == shown, "nobody is pinged for it"
    buyer.send("/refund RM 5")  # and now it works, the amount read in the order's currency
    await buyer.wait_for_message(contains="Refund request: MYR 5.00 (partial)")
    order = await kchat.services.orders.get(oid)
    assert order.refund_request is not None and order.refund_request.amount_minor == 500


async def test_the_wait_follows_the_setting_and_the_buyers_time_zone(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with running_kchat(tmp_path, faq_index, refund_min_age=timedelta(minutes=90)) as k:
        buyer = k.tg.user(BUYER, "Alice")
        buyer.start()
        k.tg.user(SELLER, "Sam").start()
        await k.settle()
        await k.services.chat.set_timezone(BUYER, "Asia/Jakarta")
        oid = await k.paid_order("12.50")
        card = buyer.last_message()
        assert card is not None
        assert "↩️ Refund available from Mon 5 Jan, 17:30 (GMT+7) (in 1 h 30 min)." in (card.content)
        buyer.send(f"/refund {oid} 5.00")
        reply = await buyer.wait_for_message()
        assert reply.content == (
            "⚠️ A refund can be requested from 1 hour 30 minutes after payment. "
            "Possible from Mon 5 Jan, 17:30 (GMT+7), in 1 h 30 min."
        )
        await k.advance(timedelta(minutes=89))
        assert not _now(k, buyer, card.message_id).has_button("Request refund")
        await k.advance(timedelta(minutes=1))
        assert _now(k, buyer, card.message_id).has_button("Request refund")


async def test_a_delivery_in_the_first_hour_shows_when_the_refund_opens_on_the_new_card(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await kchat.advance(timedelta(minutes=30))
    seller.send(f"/deliver {oid} code EARLY-1")
    card = await buyer.wait_for_message(contains="EARLY-1")
    assert card.has_button("Confirm received") and not card.has_button("Request refund")
    assert "↩️ Refund available from Mon 5 Jan, 18:00 (GMT+8) (in 30 min)." in card.content
    await kchat.advance(timedelta(minutes=30))
    assert _now(kchat, buyer, card.message_id).has_button("Request refund")
