"""Every text the bot sends fits Telegram's limits, counted in UTF-16 as Telegram counts them;
what Telegram still refuses goes out in a reduced form instead of being retried forever."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.domain.faq import FaqIndex
from bot.domain.model import Status
from handlers.views.telegram_text import MAX_MESSAGE, cut, plain_fallback, utf16_len
from sandbox.fake_bot_api import Fault
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import (
    BUYER,
    SELLER,
    Running,
    card,
    case,
    outbox,
    support_kchat,
)

EMOJI_NOTE = "😀" * 2000  # a valid delivery note: 2,000 characters, 4,000 UTF-16 units


def _units(user: FakeUser) -> list[int]:
    return [utf16_len(m.content) for m in user.messages()]


async def test_a_delivery_note_of_emoji_reaches_the_buyer_cut_on_the_card_and_whole_as_a_file(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    oid = await kchat.paid_order()
    await kchat.services.orders.deliver(oid, SELLER, EMOJI_NOTE)
    await kchat.settle()

    card = next(m for m in buyer.messages() if "📬 The seller delivered" in m.content)
    assert "📤 Delivery: 😀" in card.content
    assert "(cut here: the whole delivery came to you as a file)" in card.content
    assert card.has_button("Confirm received")
    document = buyer.last_message()
    assert document is not None and document.file_id is not None
    assert document.file_name == f"delivery-{oid}.txt"
    assert kchat.tg.file_bytes(document.file_id).decode() == EMOJI_NOTE
    assert all(state == "sent" for _, _, state in await outbox(kchat, oid))

    buyer.tap("Confirm received", card.message_id)
    await buyer.wait_for_message(contains="cannot be undone")
    buyer.tap("Yes, confirm received")
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).status is Status.COMPLETED
    done = seller.last_message()
    assert done is not None and "✅ Order completed." in done.content
    assert max(_units(buyer) + _units(seller)) <= MAX_MESSAGE
    assert all(state == "sent" for _, _, state in await outbox(kchat, oid))


async def test_a_notification_telegram_refuses_for_good_goes_out_plain_and_is_not_retried(
    kchat: Running, buyer: FakeUser
) -> None:
    oid = await kchat.order()
    kchat.tg.inject(
        "sendMessage",
        Fault.api_error(400, "Bad Request: can't parse entities: unsupported start tag"),
        chat_id=BUYER,
    )
    await kchat.services.orders.mark_paid_external(oid)
    await kchat.settle()

    plain = buyer.last_message()
    assert plain is not None
    assert plain.content.startswith("💰 Payment received.")
    assert f"Order {oid}: send /order {oid} to see it." in plain.content
    assert plain.entities == () or all(e["type"] == "bot_command" for e in plain.entities)
    states = {(r, k): s for r, k, s in await outbox(kchat, oid)}
    assert states[(BUYER, "order_paid")] == "sent"
    await kchat.settle()  # nothing left to retry
    assert len([m for m in buyer.messages() if "Payment received" in m.content]) == 1


async def test_a_notification_refused_even_plain_is_failed_and_reported_to_the_agents(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with support_kchat(tmp_path, faq_index) as kchat:
        assert kchat.group is not None
        oid = await kchat.order()
        refusal = Fault.api_error(400, "Bad Request: message is too long")
        for _ in range(2):  # the card, then its plain form
            kchat.tg.inject("sendMessage", refusal, chat_id=BUYER)
        await kchat.services.orders.mark_paid_external(oid)
        await kchat.settle()

        states = {(r, k): s for r, k, s in await outbox(kchat, oid)}
        assert states[(BUYER, "order_paid")] == "failed"
        reports = [m.content for m in kchat.group.messages() if "could not deliver" in m.content]
        assert len(reports) == 1 and str(BUYER) in reports[0]
        assert "message is too long" in reports[0].lower()


def test_cutting_never_splits_an_emoji_and_counts_as_telegram_does() -> None:
    assert utf16_len("😀a") == 3
    cut_note = cut(EMOJI_NOTE, 11)
    assert cut_note == "😀" * 5 + "…" and utf16_len(cut_note) == 11
    assert cut("short", 10) == "short"
    assert plain_fallback("<b>a &amp; b</b>") == "a & b"


async def test_a_dispute_whose_card_escapes_to_long_html_still_reaches_support(
    kchat_support: Running,
) -> None:
    k = kchat_support
    c = await case(k)
    oid = await k.paid_order("20.00")
    markup = "<&>" * 160  # every character grows when escaped: the old cut fell mid-entity
    await k.services.orders.deliver(oid, SELLER, markup * 4)
    k.clock.advance(timedelta(hours=2))
    await k.services.orders.request_refund(oid, BUYER, None, markup)
    await k.services.orders.reject_refund(oid, SELLER, markup)
    await k.settle()
    c.buyer.tap("Message seller")
    await c.buyer.wait_for_message(contains="You're now in the chat")
    for n in range(5):
        c.buyer.send(f"{n} " + "<" * 3000)
        await k.settle()
    c.buyer.tap("Leave chat")
    await k.settle()

    c.buyer.tap("Escalate to support")
    await k.settle()
    ticket = await card(k)
    assert ticket.content.startswith("🎫 Ticket #1") and oid in ticket.content
    assert (await k.services.orders.get(oid)).dispute_open
    assert "<&>" in ticket.content and "&lt;" not in ticket.content
    assert utf16_len(ticket.content) <= MAX_MESSAGE
    assert all(state != "failed" for _, _, state in await outbox(k, oid))
