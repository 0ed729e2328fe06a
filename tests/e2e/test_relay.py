"""The per-order chat: every kind of message reaches the other side under a header naming the
order, replies find their way back, edits follow, and the transcript keeps it all."""

from __future__ import annotations

from sandbox.fake_bot_api.harness import FakeUser, MessageView
from tests.e2e.support import BUYER, SELLER, Running

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (64).to_bytes(4, "big") * 2 + b"\x08\x02"
MP4 = b"\x00\x00\x00\x18ftypmp42fake video bytes"


async def _enter_chat(kchat: Running, user: FakeUser, oid: str, other: str) -> None:
    card = await kchat.services.chat.card(oid, user.id)
    assert card is not None
    user.tap(f"Message {other}", card.message_id)
    joined = await user.wait_for_message(contains="You're now in the chat of order")
    assert oid in joined.content and joined.has_button("Leave chat")
    await kchat.settle()  # the card it replaces loses its buttons


def _new_for(user: FakeUser, before: int) -> list[MessageView]:
    return [m for m in user.history() if m.from_bot and m.message_id > before]


def _last_id(user: FakeUser) -> int:
    history = user.history()
    return history[-1].message_id if history else 0


async def test_every_kind_of_message_is_relayed_with_a_header_and_kept_in_the_transcript(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await _enter_chat(kchat, buyer, oid, "seller")
    head = f"💬 {oid} · Buyer Alice:"
    mark = _last_id(seller)

    buyer.send("Hi, is the code region-free?")
    buyer.send_photo(PNG, caption="screenshot of the error")
    buyer.send_document(b"%PDF-1.4 receipt", filename="receipt.pdf", caption="my receipt")
    buyer.send_voice(b"OggS voice note", duration=3)
    buyer.send_sticker()
    buyer.send_video(MP4, caption="screen recording")
    album = buyer.send_album([PNG, PNG + b"2"], caption="both sides of the card")
    await kchat.settle()

    got = _new_for(seller, mark)
    kinds = [m.content_type for m in got]
    # The sticker takes no caption: its header goes first, as a text message.
    expected = ["text", "photo", "document", "voice", "text", "sticker", "video", "photo", "photo"]
    assert kinds == expected
    assert got[0].content == f"{head}\nHi, is the code region-free?"
    assert got[1].content == f"{head}\nscreenshot of the error"
    assert got[2].content == f"{head}\nmy receipt" and got[2].file_name == "receipt.pdf"
    assert got[3].content == head, "a voice note without caption carries the header alone"
    assert got[4].content == head and got[5].reply_to_message_id == got[4].message_id
    assert got[6].content == f"{head}\nscreen recording"
    assert got[7].content == f"{head}\nboth sides of the card"
    assert got[8].content == head
    assert kchat.tg.file_bytes(got[2].file_id or "") == b"%PDF-1.4 receipt"
    assert kchat.tg.file_bytes(got[1].file_id or "") == PNG

    transcript = await kchat.services.chat.transcript(oid)
    assert [t.kind for t in transcript] == [
        "text",
        "photo",
        "document",
        "voice",
        "sticker",
        "video",
        "photo",
        "photo",
    ]
    assert all(t.sender_id == BUYER and t.recipient_id == SELLER for t in transcript)
    assert transcript[0].text == "Hi, is the code region-free?"
    assert transcript[2].text == "my receipt"
    assert [t.src_message_id for t in transcript[-2:]] == [m.message_id for m in album]
    assert all(t.dst_chat_id == SELLER and t.dst_message_id for t in transcript)
    copies = {m.message_id for m in got}
    assert {t.dst_message_id for t in transcript} <= copies
    assert all(oid not in m.content or m.content.startswith("💬") for m in got)


async def test_a_reply_to_a_relayed_copy_goes_back_to_the_same_order_even_after_leaving(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    first = await kchat.paid_order("12.50")
    second = await kchat.paid_order("40.00")  # another order between the same two people
    await _enter_chat(kchat, buyer, first, "seller")
    question = buyer.send("Which server is the code for?")
    copy = await seller.wait_for_message(contains="Which server")

    # The seller never opened the chat: replying to the copy is enough.
    answer = seller.reply(copy, "Asia server")
    relayed = await buyer.wait_for_message(contains="Asia server")
    assert relayed.content == f"💬 {first} · Seller Sam:\nAsia server"
    assert relayed.reply_to_message_id == question.message_id

    buyer.tap("Leave chat")
    await buyer.wait_for_message(contains="You left the order chat")
    follow_up = buyer.reply(relayed, "Thanks, that works")
    back = await seller.wait_for_message(contains="Thanks, that works")
    assert back.content.startswith(f"💬 {first} · Buyer Alice:")
    assert back.reply_to_message_id == answer.message_id
    await kchat.settle()

    transcript = await kchat.services.chat.transcript(first)
    assert [(t.sender_id, t.text) for t in transcript] == [
        (BUYER, "Which server is the code for?"),
        (SELLER, "Asia server"),
        (BUYER, "Thanks, that works"),
    ]
    assert transcript[2].src_message_id == follow_up.message_id
    # In the chat of the other order, a reply still belongs to the order it answers.
    await _enter_chat(kchat, buyer, second, "seller")
    buyer.reply(relayed, "One more thing about the first code")
    again = await seller.wait_for_message(contains="One more thing")
    assert again.content.startswith(f"💬 {first} · Buyer Alice:")
    buyer.send("And this is about the second order")
    other = await seller.wait_for_message(contains="second order")
    assert other.content.startswith(f"💬 {second} · Buyer Alice:")
    buyer.send("/leave")
    await buyer.wait_for_message(contains="You left the order chat")
    await kchat.settle()
    assert [t.text for t in await kchat.services.chat.transcript(first)][-1] == (
        "One more thing about the first code"
    )
    assert [t.text for t in await kchat.services.chat.transcript(second)] == [
        "And this is about the second order"
    ]

    # After leaving, plain text is a question for the bot again, not for the seller.
    mark = _last_id(seller)
    buyer.send("how do I get a refund?")
    await kchat.settle()
    assert _new_for(seller, mark) == []
    assert len(await kchat.services.chat.transcript(first)) == 4


async def test_an_edit_of_relayed_text_follows_to_the_copy_and_the_transcript(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await _enter_chat(kchat, buyer, oid, "seller")
    sent = buyer.send("The code is ABCD-1243")
    copy = await seller.wait_for_message(contains="ABCD-1243")
    await kchat.settle()

    buyer.edit(sent, "The code is ABCD-1234 (typo fixed)")
    await kchat.settle()
    edited = kchat.tg.message(SELLER, copy.message_id)
    assert edited is not None and edited.edit_date is not None
    assert edited.content == f"💬 {oid} · Buyer Alice:\nThe code is ABCD-1234 (typo fixed)"
    transcript = await kchat.services.chat.transcript(oid)
    assert [t.text for t in transcript] == ["The code is ABCD-1243"], "the original is kept"
    assert [(e.text, e.delivered_at is not None) for e in transcript[0].edits] == [
        ("The code is ABCD-1234 (typo fixed)", True)
    ]
    assert transcript[0].latest_text == "The code is ABCD-1234 (typo fixed)"
    assert len([m for m in seller.messages() if "ABCD" in m.content]) == 1, "no second copy"


async def test_the_seller_chats_back_from_their_own_card(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await _enter_chat(kchat, seller, oid, "buyer")
    seller.send("Delivering in 5 minutes <b>promise</b>")
    copy = await buyer.wait_for_message(contains="Delivering")
    await kchat.settle()
    assert copy.content == f"💬 {oid} · Seller Sam:\nDelivering in 5 minutes <b>promise</b>"
    assert not any(e.get("type") == "bold" and e.get("offset", 0) > 20 for e in copy.entities)
    transcript = await kchat.services.chat.transcript(oid)
    assert [(t.sender_id, t.recipient_id) for t in transcript] == [(SELLER, BUYER)]
