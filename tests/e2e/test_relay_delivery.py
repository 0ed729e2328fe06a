"""The order chat never loses what a party wrote: kept before it is sent, retried through
Telegram's failures in order, relayed whole at Telegram's limits, paced (not dropped) over the
flood limit, and every edit kept beside the original with what actually reached the other side.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.faq import FaqIndex
from sandbox.fake_bot_api.faults import Fault
from sandbox.fake_bot_api.harness import FakeUser, MessageView
from tests.e2e.conftest import running_kchat
from tests.e2e.support import (
    BUYER,
    RECEIPT_PNG,
    SELLER,
    Running,
    case,
    in_ticket,
    outbox,
    ticket_posts,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (64).to_bytes(4, "big") * 2 + b"\x08\x02"
SLOW = "will reach the other side shortly"


async def _in_chat(kchat: Running, user: FakeUser, oid: str, other: str) -> None:
    card = await kchat.services.chat.card(oid, user.id)
    assert card is not None
    user.tap(f"Message {other}", card.message_id)
    await user.wait_for_message(contains="You're now in the chat of order")


def _copies(user: FakeUser, oid: str) -> list[MessageView]:
    """What the bot relayed into the user's chat (headers and copies), oldest first."""
    return [
        m for m in user.messages() if m.content.startswith(f"💬 {oid}") or m.reply_to_message_id
    ]


def _said(user: FakeUser, text: str) -> int:
    return sum(text in m.content for m in user.messages())


def _no_error(user: FakeUser) -> bool:
    return not any(
        "went wrong" in m.content or "check /orders" in m.content for m in user.messages()
    )


# --- item 9: durable, retried, ordered, once -------------------------------------------------


async def test_a_relay_that_hits_a_500_is_kept_retried_in_order_and_acknowledged_once(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await _in_chat(kchat, buyer, oid, "seller")
    before = len(seller.messages())
    kchat.tg.inject("sendMessage", Fault.server_error(500), chat_id=SELLER)
    buyer.send("code please: first")
    await buyer.wait_for_message(contains=SLOW)
    buyer.send("second, written while Telegram was failing")
    await kchat.settle()

    assert len(seller.messages()) == before, "nothing overtakes the failed first message"
    kept = await kchat.services.chat.transcript(oid)
    assert [(t.text, t.dst_message_id) for t in kept] == [
        ("code please: first", None),
        ("second, written while Telegram was failing", None),
    ]
    assert (SELLER, "relay", "pending") in await outbox(kchat, oid)
    assert _said(buyer, SLOW) == 1 and _no_error(buyer)

    await kchat.advance(timedelta(seconds=5))  # the notifier's first backoff
    got = [m.content for m in seller.messages()[before:]]
    assert got == [
        f"💬 {oid} · Buyer Alice:\ncode please: first",
        f"💬 {oid} · Buyer Alice:\nsecond, written while Telegram was failing",
    ]
    kept = await kchat.services.chat.transcript(oid)
    assert all(t.dst_chat_id == SELLER and t.delivered_at is not None for t in kept)
    assert [m.message_id for m in seller.messages()[before:]] == [t.dst_message_id for t in kept]
    assert all(state == "sent" for who, kind, state in await outbox(kchat, oid) if kind == "relay")
    assert _said(buyer, SLOW) == 1 and _no_error(buyer)


async def test_a_relay_over_several_429s_waits_out_retry_after_and_arrives_once(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await _in_chat(kchat, buyer, oid, "seller")
    # The rate limiter waits out three of them (real seconds); the fourth reaches the bot.
    kchat.tg.inject("copyMessage", Fault.flood(retry_after=1), times=4, chat_id=SELLER)
    buyer.send_photo(PNG, caption="receipt of the top-up")
    await buyer.wait_for_message(contains=SLOW)
    await kchat.settle()
    assert not any(m.content_type == "photo" for m in seller.messages())

    await kchat.advance(timedelta(seconds=1))
    photos = [m for m in seller.messages() if m.content_type == "photo"]
    assert [p.content for p in photos] == [f"💬 {oid} · Buyer Alice:\nreceipt of the top-up"]
    kept = await kchat.services.chat.transcript(oid)
    assert [(t.kind, t.dst_message_id) for t in kept] == [("photo", photos[0].message_id)]
    assert _no_error(buyer)


async def test_a_header_already_sent_is_not_sent_again_when_the_copy_is_retried(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await _in_chat(kchat, buyer, oid, "seller")
    kchat.tg.inject("copyMessage", Fault.server_error(502), chat_id=SELLER)
    buyer.send_sticker()  # takes no caption: header first, then the sticker replying to it
    await buyer.wait_for_message(contains=SLOW)
    await kchat.advance(timedelta(seconds=5))

    relayed = _copies(seller, oid)[-2:]
    assert [m.content_type for m in relayed] == ["text", "sticker"]
    assert relayed[0].content == f"💬 {oid} · Buyer Alice:"
    assert relayed[1].reply_to_message_id == relayed[0].message_id
    assert _said(seller, f"💬 {oid} · Buyer Alice:") == 1, "one header, though sent twice"
    kept = await kchat.services.chat.transcript(oid)
    assert kept[0].header_message_id == relayed[0].message_id
    assert kept[0].dst_message_id == relayed[1].message_id


async def test_the_same_message_handled_twice_is_kept_and_relayed_once(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    order = await kchat.services.orders.get(oid)
    chat = kchat.services.chat
    first = await chat.queue_relay(
        order=order,
        sender_id=BUYER,
        kind="text",
        text="hello",
        file_id=None,
        src=(BUYER, 999),
        header="h",
    )
    again = await chat.queue_relay(
        order=order,
        sender_id=BUYER,
        kind="text",
        text="hello",
        file_id=None,
        src=(BUYER, 999),
        header="h",
    )
    assert not first.duplicate and again.duplicate and again.row_id == first.row_id
    assert len(await chat.transcript(oid)) == 1
    assert [k for _, k, _ in await outbox(kchat, oid)].count("relay") == 1


async def test_a_relay_whose_sender_died_before_sending_goes_out_when_its_lease_ends(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    order = await kchat.services.orders.get(oid)
    # Kept and leased to a handler that never got to send it (the process stopped).
    queued = await kchat.services.chat.queue_relay(
        order=order,
        sender_id=BUYER,
        kind="text",
        text="kept before the crash",
        file_id=None,
        src=(BUYER, 4242),
        header=f"💬 <b>{oid}</b> · Buyer Alice:",
    )
    assert queued.item is not None, "leased to the caller"
    await kchat.settle()
    assert _said(seller, "kept before the crash") == 0, "the notifier leaves a leased relay"

    await kchat.advance(timedelta(seconds=60))
    assert _said(seller, "kept before the crash") == 1
    kept = await kchat.services.chat.transcript(oid)
    assert [(t.text, t.delivered_at is not None) for t in kept] == [("kept before the crash", True)]


# --- item 7: edits kept beside the original, delivered only when accepted -------------------


async def test_an_edit_keeps_the_original_and_support_sees_both_with_times(
    plain: Running,
) -> None:
    c = await case(plain)
    k = c.k
    oid = await k.paid_order("20.00")
    await _in_chat(k, c.seller, oid, "buyer")
    sent = c.seller.send("code: AAAA-1111")
    copy = await c.buyer.wait_for_message(contains="AAAA-1111")
    await k.settle()
    k.clock.advance(timedelta(minutes=7))
    c.seller.edit(sent, "sorry wrong chat")
    await k.settle()

    shown = k.tg.message(BUYER, copy.message_id)
    assert shown is not None and shown.content.endswith("sorry wrong chat")
    kept = (await k.services.chat.transcript(oid))[0]
    assert kept.text == "code: AAAA-1111", "the evidence is kept as written"
    assert [(e.text, e.at - kept.at, e.delivered_at is not None) for e in kept.edits] == [
        ("sorry wrong chat", timedelta(minutes=7), True)
    ]

    c.buyer.tap("Escalate to support")
    await k.settle()
    card = await k.services.support.get(1)
    assert card.card_message_id is not None
    c.group.tap(c.agent, "Transcript", card.card_message_id)
    await k.settle()
    doc = await c.group.wait_for_message(predicate=lambda m: m.content_type == "document")
    lines = k.tg.file_bytes(doc.file_id or "").decode().splitlines()
    original = next(i for i, line in enumerate(lines) if "code: AAAA-1111" in line)
    assert lines[original].endswith("UTC seller Sam: code: AAAA-1111")
    edited_at = kept.edits[0].at
    assert lines[original + 1] == f"    edited {edited_at:%H:%M} UTC: sorry wrong chat"


async def test_an_edit_telegram_refuses_is_kept_but_not_recorded_as_delivered(
    plain: Running,
) -> None:
    c = await case(plain)
    k = c.k
    oid = await k.paid_order("20.00")
    await _in_chat(k, c.seller, oid, "buyer")
    sent = c.seller.send("code: BBBB-2222")
    copy = await c.buyer.wait_for_message(contains="BBBB-2222")
    await k.settle()

    k.tg.inject("editMessageText", Fault.api_error(400, "Bad Request: message to edit not found"))
    c.seller.edit(sent, "never mind")
    await k.settle()
    shown = k.tg.message(BUYER, copy.message_id)
    assert shown is not None and shown.content.endswith("code: BBBB-2222")
    kept = (await k.services.chat.transcript(oid))[0]
    assert kept.text == "code: BBBB-2222"
    assert [(e.text, e.delivered_at, e.failed) for e in kept.edits] == [
        ("never mind", None, "Message to edit not found")
    ]

    # A transient failure is retried, and counts once Telegram took it.
    k.tg.inject("editMessageText", Fault.server_error(500))
    c.seller.edit(sent, "never mind, it is BBBB-2223")
    await k.settle()
    kept = (await k.services.chat.transcript(oid))[0]
    assert kept.edits[-1].delivered_at is None and kept.edits[-1].failed is None
    await k.advance(timedelta(seconds=5))
    kept = (await k.services.chat.transcript(oid))[0]
    assert kept.edits[-1].delivered_at is not None
    shown = k.tg.message(BUYER, copy.message_id)
    assert shown is not None and shown.content.endswith("never mind, it is BBBB-2223")

    c.buyer.tap("Escalate to support")
    await k.settle()
    card = await k.services.support.get(1)
    assert card.card_message_id is not None
    c.group.tap(c.agent, "Transcript", card.card_message_id)
    await k.settle()
    doc = await c.group.wait_for_message(predicate=lambda m: m.content_type == "document")
    text = k.tg.file_bytes(doc.file_id or "").decode()
    assert "never mind [not delivered: Message to edit not found]" in text
    assert text.rstrip().count("[not delivered") == 1


# --- item 8: Telegram's limits, in UTF-16 code units, on every path ---------------------------


async def test_text_at_telegrams_limit_is_relayed_whole_with_the_header_on_its_own(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await _in_chat(kchat, buyer, oid, "seller")
    head = f"💬 {oid} · Buyer Alice:"
    emoji = "😀" * 2048  # 2,048 characters, but 4,096 UTF-16 code units: Telegram's limit
    plain = "y" * 4000  # room for the header

    buyer.send(emoji)
    buyer.send(plain)
    await kchat.settle()
    got = _copies(seller, oid)[-3:]
    assert [m.content for m in got] == [head, emoji, f"{head}\n{plain}"]
    assert got[1].reply_to_message_id == got[0].message_id
    kept = await kchat.services.chat.transcript(oid)
    assert [(t.text, t.dst_message_id) for t in kept] == [
        (emoji, got[1].message_id),
        (plain, got[2].message_id),
    ]
    assert _no_error(buyer)

    # An edit that no longer fits under the header replaces the text alone.
    sent = next(m for m in buyer.history() if m.content == plain)
    longer = "z" * 4090
    buyer.edit(sent, longer)
    await kchat.settle()
    shown = kchat.tg.message(SELLER, got[2].message_id)
    assert shown is not None and shown.content == longer
    assert (await kchat.services.chat.transcript(oid))[1].edits[0].delivered_at is not None


async def test_a_caption_counted_in_utf16_goes_below_its_own_header(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await _in_chat(kchat, buyer, oid, "seller")
    caption = "📷" * 500  # 500 characters, 1,000 UTF-16 units: no room for the header
    buyer.send_photo(PNG, caption=caption)
    await kchat.settle()
    head, photo = _copies(seller, oid)[-2:]
    assert head.content == f"💬 {oid} · Buyer Alice:"
    assert photo.content_type == "photo" and photo.content == caption
    assert photo.reply_to_message_id == head.message_id
    assert _no_error(buyer)


async def test_a_long_receipt_caption_reaches_support_whole(plain: Running) -> None:
    c = await case(plain)
    k = c.k
    await k.order("20.00")
    c.buyer.tap("I already paid")
    await k.settle()
    caption = "Transfer ref " + "9" * 1000  # within 1,024, but not with the header
    c.buyer.send_photo(RECEIPT_PNG, caption=caption)
    await k.settle()
    photos = [m for m in await ticket_posts(k) if m.content_type == "photo"]
    assert [p.content for p in photos] == [caption]
    assert "Sent to KALEOZ Support (ticket #1)" in c.buyer.messages()[-1].content
    assert _no_error(c.buyer)
    said = await k.services.support.conversation(1)
    assert [(m.direction, m.text) for m in said] == [("from_party", caption)]


async def test_a_long_answer_from_support_reaches_the_party_whole(plain: Running) -> None:
    c = await case(plain)
    k = c.k
    await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    card = await k.services.support.get(1)
    assert card.card_message_id is not None
    c.group.tap(c.agent, "Ask buyer", card.card_message_id)
    await k.settle()
    answer = "Here is what to do:" + " step" * 814  # 4,089 characters
    await in_ticket(k, c.agent, answer)
    await k.settle()
    head, body = c.buyer.messages()[-2:]
    assert head.content.startswith("🛟 KALEOZ Support")
    assert body.content == answer and body.reply_to_message_id == head.message_id
    # The party's reply to it still reaches the ticket.
    c.buyer.reply(body, "Done, thanks")
    await k.settle()
    assert any("Done, thanks" in m.content for m in await ticket_posts(k))


# --- item 17: over the flood limit, order chat is delayed, not dropped ------------------------


@pytest.fixture
async def flood_limited(tmp_path: Path, faq_index: FaqIndex) -> AsyncIterator[Running]:
    """KChat with the flood limit at 10 messages a minute."""
    async with running_kchat(
        tmp_path, faq_index, flood_limit=10, flood_window=timedelta(minutes=1)
    ) as running:
        yield running


async def test_a_burst_over_the_flood_limit_is_relayed_in_full_at_the_allowed_pace(
    flood_limited: Running,
) -> None:
    k = flood_limited
    buyer, seller = k.tg.user(BUYER, "Alice"), k.tg.user(SELLER, "Sam")
    buyer.start()
    seller.start()
    await k.settle()
    oid = await k.paid_order("12.50")
    await _in_chat(k, buyer, oid, "seller")
    # /start, the tap and 8 messages fill the minute's 10; 17 more are over the limit.
    sent = [f"message {i:02}" for i in range(25)]
    for text in sent:
        buyer.send(text)
    await k.settle()

    def relayed() -> list[str]:
        return [m.content.split("\n", 1)[1] for m in seller.messages() if "message " in m.content]

    assert relayed() == sent[:8]
    assert len(await k.services.chat.transcript(oid)) == 25, "all kept at once"
    assert _said(buyer, "with a short delay") == 1, "told once"
    assert not any("too fast" in m.content for m in buyer.messages())
    # Commands and taps are still throttled as before: dropped, not queued.
    seen = len(buyer.messages())
    buyer.send("/balance")
    await k.settle()
    assert len(buyer.messages()) == seen

    await k.advance(timedelta(seconds=6))  # one every 60/10 seconds
    assert relayed() == sent[:9]
    await k.advance(timedelta(seconds=16 * 6))
    assert relayed() == sent, "every message, in the order written"
    kept = await k.services.chat.transcript(oid)
    assert [t.text for t in kept] == sent and all(t.delivered_at for t in kept)
