"""What the fake Telegram grew for the sandbox page: live changes, taps by data, replies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.fake_bot_api import ButtonNotFoundError, FakeTelegram

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Pay", callback_data="pay:1"),
            InlineKeyboardButton("Help", url="https://example.com"),
        ]
    ]
)


@pytest.fixture
async def tg_and_bot() -> AsyncIterator[tuple[FakeTelegram, Bot]]:
    """A fake Telegram and a real PTB Bot talking to it over HTTP."""
    async with FakeTelegram() as tg:
        bot = Bot(tg.token, base_url=tg.bot_base_url, base_file_url=tg.file_base_url)
        async with bot:
            yield tg, bot


async def test_listeners_hear_every_change_until_they_unsubscribe(
    tg_and_bot: tuple[FakeTelegram, Bot],
) -> None:
    tg, bot = tg_and_bot
    heard: list[int] = []
    unsubscribe = tg.subscribe(lambda: heard.append(tg.revision))
    alice = tg.user(1001, "Alice")
    alice.send("hi")
    assert heard and heard == sorted(heard) and heard[-1] == tg.revision
    unsubscribe()
    count = len(heard)
    await bot.send_message(alice.id, "hello")
    assert len(heard) == count


async def test_a_tap_by_callback_data_needs_the_button_on_that_message(
    tg_and_bot: tuple[FakeTelegram, Bot],
) -> None:
    tg, bot = tg_and_bot
    alice = tg.user(1001, "Alice")
    alice.start()
    sent = await bot.send_message(alice.id, "Pay now?", reply_markup=KEYBOARD)
    query = alice.tap_data(sent.message_id, "pay:1")
    assert (query.data, query.message_id) == ("pay:1", sent.message_id)
    with pytest.raises(ButtonNotFoundError, match="no button with data"):
        alice.tap_data(sent.message_id, "pay:999")
    view = alice.last_message()
    assert view is not None and view.revision > 0

    agent = tg.user(7007, "Aisha")
    group = tg.group(-1001, "Support", members=[agent])
    card = await bot.send_message(group.chat_id, "Ticket", reply_markup=KEYBOARD)
    assert group.tap_data(agent, card.message_id, "pay:1").chat_id == group.chat_id


async def test_photos_and_documents_can_reply_to_a_message(
    tg_and_bot: tuple[FakeTelegram, Bot],
) -> None:
    tg, bot = tg_and_bot
    alice = tg.user(1001, "Alice")
    alice.start()
    question = await bot.send_message(alice.id, "Send the receipt")
    photo = alice.send_photo(b"not really a jpeg", "receipt", reply_to=question.message_id)
    doc = alice.send_document(b"%PDF", "r.pdf", reply_to=question.message_id)
    assert photo.reply_to_message_id == doc.reply_to_message_id == question.message_id

    agent = tg.user(7007, "Aisha")
    forum = tg.group(-1002, "Support", members=[agent], forum=True)
    topic = forum.create_topic(agent, "Ticket 1")
    note = forum.send(agent, "see attached", thread_id=topic.message_thread_id)
    attached = forum.send_document(
        agent,
        b"log",
        "log.txt",
        thread_id=topic.message_thread_id,
        reply_to=note,
        mime_type="text/plain",
    )
    assert attached.reply_to_message_id == note.message_id
    assert attached.message_thread_id == topic.message_thread_id
    assert attached.raw["document"]["mime_type"] == "text/plain"


async def test_the_command_menu_has_descriptions(tg_and_bot: tuple[FakeTelegram, Bot]) -> None:
    tg, bot = tg_and_bot
    await bot.set_my_commands([BotCommand("orders", "Your orders")])
    assert tg.command_menu() == [{"command": "orders", "description": "Your orders"}]
    assert tg.commands() == ["orders"]
