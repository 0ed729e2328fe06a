"""A buyer whose Telegram is in Malay and a seller whose Telegram is in English share one order:
each reads their card, buttons, notices and reminders in their own language, whoever acted."""

from __future__ import annotations

from datetime import timedelta

from babel.messages.pofile import read_po

from bot.domain.model import Status
from handlers.views.i18n import catalogue_path
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running

# English texts of the catalogue long enough to be a sentence, not a name or a status.
with catalogue_path("ms").open("rb") as _po:
    ENGLISH = sorted(
        {
            text.split("{", 1)[0].strip()
            for m in read_po(_po)
            if m.id
            for text in (m.id if isinstance(m.id, tuple) else (m.id,))
        }
        - {""},
        key=len,
    )
SENTENCES = [text for text in ENGLISH if len(text) >= 14 and " " in text]


def _english_in(text: str) -> list[str]:
    """The bot's English sentences (beginnings) found in a message meant for a Malay reader."""
    return [sentence for sentence in SENTENCES if sentence in text]


async def _malay_buyer(kchat: Running) -> FakeUser:
    await kchat.settle()
    aminah = kchat.tg.user(BUYER, "Aminah", language_code="ms")
    aminah.start()
    return aminah


async def test_a_malay_buyer_pays_gets_the_delivery_and_confirms_in_malay(
    kchat: Running, seller: FakeUser
) -> None:
    buyer = await _malay_buyer(kchat)
    oid = await kchat.order("12.50")

    card = await buyer.wait_for_message(contains=f"Pesanan {oid}")
    assert "🛒 Pesanan dibuat." in card.content
    assert "Anda pembeli · Penjual:" in card.content
    assert "⏰ Jika tiada tindakan, pesanan tamat tempoh tanpa bayaran pada" in card.content
    assert "Waiting Payment" in card.content  # the website's status, as the website shows it
    assert card.has_button("Bayar guna baki") and card.has_button("Mesej penjual")
    seller_card = await seller.wait_for_message(contains=oid)
    assert "🛒 You have a new order." in seller_card.content
    assert seller_card.has_button("Message buyer")

    await kchat.services.orders.top_up(BUYER, 5000, "MYR", key="malay-test")
    buyer.tap("Bayar guna baki")
    asked = await buyer.wait_for_message(contains="menggunakan baki KALEOZ anda?")
    buyer.tap("Ya, bayar MYR 12.50 guna baki saya", asked)
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_DELIVERY

    # The seller's news is in English though the Malay buyer acted.
    paid = seller.last_message()
    assert paid is not None and "💰 The buyer paid MYR 12.50. Please deliver." in paid.content
    seller.tap("Deliver")
    await seller.wait_for_message(contains="Send the delivery")
    seller.send("Kod anda: ABCD-1234")
    await kchat.settle()

    delivered = buyer.last_message()
    assert delivered is not None
    assert "📬 Penjual sudah menghantar. Semak dahulu, kemudian sahkan diterima." in (
        delivered.content
    )
    assert "📤 Penghantaran: Kod anda: ABCD-1234" in delivered.content
    assert "<b>" not in delivered.content
    assert delivered.has_button("Sahkan diterima")
    assert delivered.has_button("Minta bayaran balik") or "Bayaran balik boleh diminta" in (
        delivered.content
    )

    buyer.tap("Sahkan diterima")
    prompt = await buyer.wait_for_message(contains="tidak boleh dibatalkan")
    assert prompt.has_button("Ya, sahkan diterima") and prompt.has_button("Belum lagi")
    buyer.tap("Ya, sahkan diterima")
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).status is Status.COMPLETED
    done = buyer.last_message()
    assert done is not None and "✅ Pesanan selesai." in done.content
    assert "Garis masa" in done.content and "Disahkan diterima" in done.content
    sold = seller.last_message()
    assert sold is not None and "MYR 12.50 is now in your KALEOZ balance" in sold.content

    leaks = {m.message_id: _english_in(m.content) for m in buyer.messages()}
    # The welcome and the delivery prompt texts are not in the catalogue yet; the order's
    # own messages (cards, prompts, notices) must carry no English sentence of the bot's.
    assert {k: v for k, v in leaks.items() if v} == {}


async def test_a_reminder_and_the_automatic_resolution_speak_each_recipients_language(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    seller = kchat.tg.user(SELLER, "Farid", language_code="ms-MY")
    seller.start()
    oid = await kchat.paid_order("30.00")
    await seller.wait_for_message(contains=oid)

    await kchat.advance(timedelta(hours=48))
    reminded = seller.last_message()
    assert reminded is not None
    assert f"⏰ Peringatan: hantar pesanan {oid} sebelum Kha 8 Jan, 17:00 (GMT+8)" in (
        reminded.content
    )
    assert "(dalam 1 hari 0 jam)" in reminded.content
    assert reminded.has_button("Hantar")
    assert _english_in(reminded.content) == []

    # Nothing delivered in time: the order is cancelled and the buyer's money goes back.
    await kchat.advance(timedelta(hours=24))
    assert (await kchat.services.orders.get(oid)).status is Status.REFUNDING
    told = seller.last_message()
    assert told is not None
    assert "✖️ Pesanan telah dibatalkan. Pesanan tidak dihantar tepat pada masanya." in (
        told.content
    )
    assert "Dipulangkan: MYR 30.00 telah masuk semula ke baki KALEOZ pembeli." in told.content
    assert _english_in(told.content) == []
    english = buyer.last_message()
    assert english is not None
    assert "✖️ The order was cancelled. MYR 30.00 went back to your KALEOZ balance." in (
        english.content
    )
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 3000}
    assert await kchat.services.orders.balances(SELLER) == {}
