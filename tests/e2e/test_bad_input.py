"""Malformed, oversized, forged and stale input: a clear, friendly reply, and nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.domain.input_modes import InputMode
from bot.domain.model import Status
from bot.services.audit import ledger_violations
from handlers.views.callback_data import Act, MoneyConfirm, OrderTap
from sandbox.fake_bot_api.harness import FakeUser
from sandbox.fake_bot_api.state import CallbackQueryRecord
from tests.e2e.support import BUYER, SELLER, Running, outbox, tap_data

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (64).to_bytes(4, "big") * 2 + b"\x08\x02"
INVALID_BUTTON = "This button is no longer valid. Open the order again with /orders."


async def _state(kchat: Running, oid: str) -> object:
    s = kchat.services
    order = await s.orders.get(oid)
    return (
        order.model_dump(),
        await s.orders.balances(BUYER),
        await s.orders.balances(SELLER),
        await outbox(kchat, oid),
        len(await s.chat.transcript(oid)),
    )


async def _answered(kchat: Running, record: CallbackQueryRecord) -> CallbackQueryRecord:
    await kchat.tg.wait_for(lambda: record.answered, what=f"an answer to {record.data!r}")
    return record


async def test_unknown_commands_point_to_help(kchat: Running, buyer: FakeUser) -> None:
    await kchat.settle()
    for command in ("/foo", "/ordes", "/refund_all now"):
        buyer.send(command)
        reply = await buyer.wait_for_message()
        assert reply.content == "I don't know that command. Try /help to see what I can do."


async def test_a_malformed_order_id_gets_an_example_of_a_real_one(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    for arg in ("K12", "hello", "K12345678901", "<b>K1</b>", ""):
        buyer.send(f"/order {arg}".strip())
        reply = await buyer.wait_for_message()
        assert reply.content == "Send the order id, like /order K1234567, or use /orders.", arg


async def test_a_well_formed_id_of_no_order_is_not_found(kchat: Running, buyer: FakeUser) -> None:
    await kchat.settle()
    buyer.send("/order k2345678")
    reply = await buyer.wait_for_message()
    assert reply.content == "⚠️ No order K2345678 found."
    buyer.send("K2345678")
    assert (await buyer.wait_for_message()).content == "⚠️ No order K2345678 found."


BAD_AMOUNTS = [
    ("-5", "'-5' is not an amount in MYR. Write it like 12.50."),
    ("0", "The amount must be more than zero."),
    ("0.00", "The amount must be more than zero."),
    ("12.51", "The refund can't be more than the order's MYR 12.50."),
    ("99999999999999", "That amount is too large."),
    ("five", "'five' is not an amount in MYR. Write it like 12.50."),
    ("5.001", "MYR amounts have at most 2 decimal places."),
    ("5,00.1.2", "is not an amount"),
]


async def _partial_refund_prompt(kchat: Running, buyer: FakeUser) -> str:
    """A paid order an hour old, with the buyer asked for a partial refund's amount."""
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await kchat.advance(timedelta(hours=1))
    buyer.tap("Request refund")
    await buyer.wait_for_message(contains="you propose an amount")
    buyer.tap("Partial refund")
    await buyer.wait_for_message(contains="Type the amount you want back")
    # The prompt goes out first, then the buttons come off the message tapped: let that
    # edit land before the buyer types, so the next message is the answer to what they typed.
    await kchat.settle()
    return oid


async def test_bad_amounts_in_the_partial_refund_prompt_are_refused_and_can_be_retyped(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    oid = await _partial_refund_prompt(kchat, buyer)
    before = await _state(kchat, oid)

    for typed, refusal in BAD_AMOUNTS:
        buyer.send(typed)
        reply = await buyer.wait_for_message()
        assert reply.content.startswith("⚠️ "), typed
        assert refusal in reply.content, (typed, reply.content)
        mode = await kchat.services.chat.mode(BUYER)
        assert mode is not None and mode.mode is InputMode.REFUND_AMOUNT, "the question stays open"
    await kchat.settle()
    assert await _state(kchat, oid) == before

    buyer.send("RM 5.00")
    card = await buyer.wait_for_message(contains="Refund request: MYR 5.00 (partial)")
    assert oid in card.content
    assert await kchat.services.chat.mode(BUYER) is None


async def test_cancel_leaves_the_amount_prompt_without_a_refund(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    oid = await _partial_refund_prompt(kchat, buyer)
    buyer.send("/cancel")
    await buyer.wait_for_message(contains="OK, cancelled.")
    buyer.send("5.00")
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).refund_request is None
    assert await kchat.services.chat.mode(BUYER) is None


async def test_refund_command_with_a_bad_amount_is_refused_and_changes_nothing(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await kchat.advance(timedelta(hours=1))
    before = await _state(kchat, oid)
    for amount, refusal in [
        ("-5", "'-5' is not an amount in MYR."),
        ("0", "The amount must be more than zero."),
        ("13.00", "The refund can't be more than the order's MYR 12.50."),
        ("lots", "'lots' is not an amount in MYR."),
        ("5.555", "MYR amounts have at most 2 decimal places."),
    ]:
        for command in (f"/refund {amount}", f"/refund {oid} {amount}"):
            buyer.send(command)
            reply = await buyer.wait_for_message()
            assert reply.content.startswith("⚠️ ") and refusal in reply.content, reply.content
            assert not reply.buttons
    await kchat.settle()
    assert await _state(kchat, oid) == before
    assert await kchat.services.chat.mode(BUYER) is None


async def test_a_refund_asked_in_the_first_hour_is_explained(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    before = await _state(kchat, oid)
    buyer.send("/refund 5.00")
    reply = await buyer.wait_for_message()
    when = "Possible from Mon 5 Jan, 18:00 (GMT+8), in 1 h 0 min."
    assert reply.content == f"⚠️ A refund can be requested from 1 hour after payment. {when}"
    record = await _answered(kchat, tap_data(kchat, buyer, f"k1|rf|{oid}|"))  # not on the card
    assert record.show_alert
    assert record.answer_text == f"A refund can be requested from 1 hour after payment. {when}"
    await kchat.settle()
    assert await _state(kchat, oid) == before


async def test_an_oversized_question_is_refused_but_the_order_chat_takes_what_telegram_takes(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("x" * 4050)  # a question for the bot: the bot reads at most MAX_TEXT
    reply = await buyer.wait_for_message()
    assert reply.content == "That message is too long. Please keep it shorter."

    oid = await kchat.paid_order("12.50")
    card = await kchat.services.chat.card(oid, BUYER)
    assert card is not None
    buyer.tap("Message seller", card.message_id)
    await buyer.wait_for_message(contains="You're now in the chat")
    await kchat.settle()  # the card it replaces loses its buttons
    # In the order chat the bot only passes it on: up to Telegram's own 4,096 is relayed.
    buyer.send("y" * 4050)
    relayed = await seller.wait_for_message(contains="yyyy")
    assert relayed.content.endswith("y" * 4050)
    await kchat.settle()
    assert [t.text for t in await kchat.services.chat.transcript(oid)] == ["y" * 4050]
    assert sum("too long" in m.content for m in buyer.messages()) == 1


async def test_a_long_photo_caption_is_relayed_without_an_error(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    card = await kchat.services.chat.card(oid, BUYER)
    assert card is not None
    buyer.tap("Message seller", card.message_id)
    await buyer.wait_for_message(contains="You're now in the chat")
    await kchat.settle()  # the card it replaces loses its buttons
    caption = "c" * 1024  # Telegram's caption limit: no room left for the bot's header
    sent = buyer.send_photo(PNG, caption=caption)
    await kchat.settle()
    assert not any("went wrong" in m.content for m in buyer.messages())
    header, copy = seller.messages()[-2:]
    assert header.content == f"💬 {oid} · Buyer Alice:"
    assert copy.content_type == "photo" and copy.content == caption
    assert copy.reply_to_message_id == header.message_id
    transcript = await kchat.services.chat.transcript(oid)
    assert [(t.kind, t.text, t.dst_message_id) for t in transcript] == [
        ("photo", caption, copy.message_id)
    ]

    buyer.edit(sent, "d" * 1024)
    # The edit goes out from the outbox: wait for it rather than for a quiet moment, which
    # a loaded machine can reach before the edit has been handled.
    edited = await kchat.tg.wait_for(
        lambda: (m := kchat.tg.message(SELLER, copy.message_id)) and m.content == "d" * 1024,
        what="the edited caption at the seller",
    )
    assert edited
    kept = await kchat.services.chat.transcript(oid)
    assert [(t.text, t.latest_text) for t in kept] == [(caption, "d" * 1024)]


async def test_an_oversized_delivery_note_is_refused_and_the_question_stays(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    seller.tap("Deliver")
    await seller.wait_for_message(contains="Send the delivery")
    await kchat.settle()  # the card it replaces loses its buttons
    seller.send("k" * 2500)
    reply = await seller.wait_for_message()
    assert reply.content == "⚠️ The delivery note is too long (at most 2000 characters)."
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_DELIVERY
    seller.send("CODE-" + "k" * 1990)
    card = await seller.wait_for_message(contains="Waiting Confirmation")
    assert "CODE-" in card.content


FORGED = [
    "hello",
    "k1|o",
    "k2|o|K2345678|",
    "k1|zzz|K2345678|",
    "k1|o|K2345678|",  # well formed, no such order: handled as any unknown id
    "k1|o|bad ref!|",
    "k1|o|K2345678|x|y",
    "k1|ls|nope|0",
    "k1|ls|active|-1",
    "k1|tc|1|",  # a support-ticket button, outside the support group
    "k1|buy|O0000000|",
    "k1|o|" + "K" * 61,  # 66 bytes: longer than Telegram allows
]


async def test_forged_callback_data_is_refused_politely_and_changes_nothing(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    card = await kchat.services.chat.card(oid, BUYER)
    assert card is not None
    before = await _state(kchat, oid)
    messages_before = len(buyer.messages())

    for data in FORGED:
        record = await _answered(kchat, tap_data(kchat, buyer, data, card.message_id))
        assert record.show_alert, data
        assert record.answer_text in (
            INVALID_BUTTON,
            "This button is no longer valid.",
            "No order K2345678 found.",
            "This offer is no longer available.",
        ), (data, record.answer_text)
    await kchat.settle()
    assert await _state(kchat, oid) == before
    assert len(buyer.messages()) == messages_before
    assert "went wrong" not in " ".join(buyer.alerts())
    still = kchat.tg.message(BUYER, card.message_id)
    assert still is not None and still.has_button("Message seller"), "the card is untouched"


async def test_buttons_over_64_bytes_are_refused_by_telegram_so_kchat_never_makes_them(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    too_long = "k1|o|" + "K" * 61
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=too_long)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await kchat.app.bot.send_message(BUYER, "test", reply_markup=markup)
    # KChat's own buttons fit by construction: the longest action, reference and argument.
    longest = max(Act, key=lambda a: len(a.value))
    assert len(MoneyConfirm(longest, "K" * 32, 10**16 - 1).pack().encode()) <= 64
    with pytest.raises(ValueError, match="unpackable"):
        OrderTap(Act.OPEN, "K" * 33).pack()


async def test_stale_buttons_on_an_old_card_after_completion_are_refused(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await kchat.advance(timedelta(hours=1))  # old enough for Request refund on the card
    seller.send(f"/deliver {oid} code STALE-1")
    old_card = await buyer.wait_for_message(contains="STALE-1")
    confirm = old_card.button("Confirm received").callback_data
    refund = old_card.button("Request refund").callback_data
    assert confirm and refund
    await kchat.services.orders.confirm_received(oid, BUYER)
    await kchat.settle()
    before = await _state(kchat, oid)

    for data in (confirm, "k1|cfy|" + oid + "|", refund, "k1|rff|" + oid + "|"):
        record = await _answered(kchat, tap_data(kchat, buyer, data, old_card.message_id))
        assert record.show_alert, data
        assert record.answer_text is not None
        assert f"Order {oid} is Completed; you can't" in record.answer_text, record.answer_text
    buyer.send(f"/confirm {oid}")
    reply = await buyer.wait_for_message()
    assert reply.content == f"⚠️ Order {oid} is Completed; you can't confirm receipt now."
    await kchat.settle()
    assert await _state(kchat, oid) == before
    assert not any("cannot be undone" in m.content for m in buyer.messages())
    assert await kchat.services.orders.balances(SELLER) == {"MYR": 1250}


async def test_a_double_tap_on_yes_confirm_received_pays_the_seller_once(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await kchat.services.orders.deliver(oid, SELLER, "code TWICE")
    await kchat.settle()
    buyer.tap("Confirm received")
    prompt = await buyer.wait_for_message(contains="cannot be undone")

    first = buyer.tap("Yes, confirm received", prompt)
    second = buyer.tap("Yes, confirm received", prompt)  # before the bot saw the first
    await _answered(kchat, first)
    await _answered(kchat, second)
    await kchat.settle()

    assert first.answer_text == "Confirmed. Thank you!"
    assert second.show_alert
    assert second.answer_text == f"Order {oid} is Completed; you can't confirm receipt now."
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.COMPLETED and order.released_minor == 1250
    assert await kchat.services.orders.balances(SELLER) == {"MYR": 1250}
    assert await kchat.services.orders.balances(BUYER) == {}
    assert await ledger_violations(kchat.services.store) == []
    completed = [k for r, k, _ in await outbox(kchat, oid) if k == "order_completed"]
    assert completed == ["order_completed", "order_completed"], "one notice per party"
    assert sum("✅ Order completed." in m.content for m in seller.messages()) == 1
