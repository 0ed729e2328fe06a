"""A buyer whose Telegram is in Malay and a seller whose Telegram is in English share one order:
each reads their card, buttons, notices and reminders in their own language, whoever acted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from babel.messages.pofile import read_po

from bot.domain.faq import FaqIndex
from bot.domain.model import Status
from handlers.views.i18n import catalogue_path
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import AGENT, BUYER, SELLER, Running, support_kchat

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
    # The bot learns her language from the /start it handles: an order placed before that
    # queues its notice's headline in English (seen once under PostgreSQL's timing).
    await kchat.settle()
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
    assert "· RM12.50" in card.content  # amounts as Malaysians write them
    assert card.has_button("Bayar guna baki") and card.has_button("Mesej penjual")
    seller_card = await seller.wait_for_message(contains=oid)
    assert "🛒 You have a new order." in seller_card.content
    assert seller_card.has_button("Message buyer")

    await kchat.services.orders.top_up(BUYER, 5000, "MYR", key="malay-test")
    buyer.tap("Bayar guna baki")
    asked = await buyer.wait_for_message(contains="menggunakan baki KALEOZ anda?")
    buyer.tap("Ya, bayar RM12.50 guna baki saya", asked)
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
    assert "Dipulangkan: RM30.00 telah masuk semula ke baki KALEOZ pembeli." in told.content
    assert _english_in(told.content) == []
    english = buyer.last_message()
    assert english is not None
    assert "✖️ The order was cancelled. MYR 30.00 went back to your KALEOZ balance." in (
        english.content
    )
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 3000}
    assert await kchat.services.orders.balances(SELLER) == {}


async def test_the_cores_refusals_are_said_in_malay(kchat: Running, seller: FakeUser) -> None:
    buyer = await _malay_buyer(kchat)
    oid = await kchat.paid_order("12.50")
    await buyer.wait_for_message(contains=oid)

    buyer.send("/order K9999999")
    unknown = await buyer.wait_for_message(contains="K9999999")
    assert unknown.content == "⚠️ Pesanan K9999999 tidak dijumpai."

    buyer.send(f"/refund {oid}")
    early = await buyer.wait_for_message(contains="Bayaran balik boleh diminta")
    assert early.content.startswith("⚠️ Bayaran balik boleh diminta ")
    assert " selepas bayaran. Boleh dibuat mulai " in early.content
    assert _english_in(early.content) == []

    seller.send(f"/confirm {oid}")
    only = await seller.wait_for_message(contains="Only the buyer")
    assert only.content == "⚠️ Only the buyer can confirm receipt."  # the seller reads English

    buyer.send(f"/deliver {oid} here it is")
    refused = await buyer.wait_for_message(contains="Hanya penjual")
    assert refused.content == "⚠️ Hanya penjual boleh menghantar."
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_DELIVERY


async def test_a_malay_buyer_asks_a_refund_is_refused_escalates_and_an_agent_refunds(
    kchat_support: Running,
) -> None:
    k = kchat_support
    group = k.group
    assert group is not None
    buyer = k.tg.user(BUYER, "Aminah", language_code="ms")
    seller, agent = k.tg.user(SELLER, "Sam"), k.tg.user(AGENT, "Aisha")
    buyer.start()
    seller.start()
    await k.settle()
    oid = await k.paid_order("20.00")
    await k.services.orders.deliver(oid, SELLER, "code XYZ")
    await k.advance(timedelta(hours=2))

    buyer.send(f"/order {oid}")
    card = await buyer.wait_for_message(contains="Penghantaran: code XYZ")
    buyer.tap("Minta bayaran balik", card)
    asked = await buyer.wait_for_message(contains="Minta bayaran balik untuk pesanan")
    buyer.tap("Bayaran balik penuh", asked)
    await k.settle()
    requested = buyer.last_message()
    assert requested is not None
    assert "Permintaan bayaran balik: RM20.00 (penuh), menunggu penjual" in requested.content
    told = seller.last_message()
    assert told is not None and "↩️ The buyer asked for a refund of MYR 20.00." in told.content

    seller.tap("Reject refund")
    await seller.wait_for_message(contains="Tell the buyer why")
    seller.send("it works for me")
    await k.settle()
    rejected = buyer.last_message()
    assert rejected is not None
    assert "❌ Penjual menolak permintaan bayaran balik anda." in rejected.content
    assert "Sebab penjual: it works for me" in rejected.content  # what the seller wrote, as written

    buyer.tap("Rujuk kepada sokongan", rejected)
    with_support = await buyer.wait_for_message(contains="kini dikendalikan oleh Sokongan KALEOZ")
    assert "Sokongan KALEOZ sedang mengendalikan pesanan ini." in with_support.content
    ticket = await group.wait_for_message(contains="Ticket #1")
    assert "unclaimed" in ticket.content  # the agents' card stays in their language

    group.tap(agent, "Claim", ticket.message_id)
    await k.settle()
    group.tap(agent, "Refund in full", ticket.message_id)
    await k.settle()
    group.tap(agent, "Yes, confirm full refund (MYR 20.00)", ticket.message_id)
    await k.settle()

    assert (await k.services.orders.get(oid)).status is Status.REFUNDING
    assert await k.services.orders.balances(BUYER) == {"MYR": 2000}
    resolved = buyer.last_message()
    assert resolved is not None
    assert "🛟 Sokongan KALEOZ telah menyelesaikan pesanan ini." in resolved.content
    assert "Dipulangkan: RM20.00 telah masuk semula ke baki KALEOZ anda." in resolved.content
    leaks = {m.message_id: _english_in(m.content) for m in buyer.messages()}
    assert {k: v for k, v in leaks.items() if v} == {}


async def test_a_malay_support_group_works_its_tickets_in_malay_for_an_english_buyer(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with support_kchat(tmp_path, faq_index, support_language="ms") as k:
        assert k.group is not None
        buyer, seller = k.tg.user(BUYER, "Alice"), k.tg.user(SELLER, "Sam")
        agent = k.tg.user(AGENT, "Aisha")
        buyer.start()
        seller.start()
        await k.settle()
        oid = await k.paid_order("20.00")
        buyer.tap("Escalate to support")
        await k.settle()
        card = await k.group.wait_for_message(contains="Tiket #1 · Pertikaian")
        assert "🟢 terbuka · belum diambil" in card.content
        assert "Pembeli: Alice" in card.content and "Penjual: Sam" in card.content
        assert card.has_button("Ambil") and card.has_button("Pulangkan penuh")
        told = buyer.last_message()
        assert told is not None and "is now with KALEOZ Support" in told.content  # English
        buyer.send("The code never came")
        relayed = await k.group.wait_for_message(contains="The code never came")
        assert relayed.content.startswith("👤 Pembeli Alice (#1):")  # as the buyer wrote it

        k.group.tap(agent, "Ambil", card.message_id)
        await k.settle()
        claimed = k.tg.message(card.chat_id, card.message_id)
        assert claimed is not None and "diambil oleh Aisha" in claimed.content
        k.group.tap(agent, "Pulangkan penuh", card.message_id)
        await k.settle()
        k.group.tap(agent, "Ya, sahkan bayaran balik penuh (RM20.00)", card.message_id)
        await k.settle()
        assert (await k.services.orders.get(oid)).status is Status.REFUNDING
        closed = await k.group.wait_for_message(contains="Tiket #1 dipulangkan sepenuhnya.")
        assert closed.content == "✅ Tiket #1 dipulangkan sepenuhnya."
        resolved = buyer.last_message()
        assert resolved is not None and "KALEOZ Support resolved this order." in resolved.content
