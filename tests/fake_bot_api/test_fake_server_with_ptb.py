"""The fake Bot API server driven by the real python-telegram-bot client over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import time
import zlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputMediaDocument,
    InputMediaPhoto,
    InputTextMessageContent,
    MenuButtonCommands,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from sandbox.fake_bot_api import FakeTelegram, Fault

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Polling = Callable[[AnyApplication], AbstractAsyncContextManager[AnyApplication]]

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def png(width: int, height: int) -> bytes:
    """A valid, tiny, grey PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def seconds(value: int | float | dtm.timedelta) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo plain text back."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def cmd_order(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show an order with Pay/Cancel buttons."""
    assert update.effective_message is not None
    order_id = context.args[0] if context.args else "?"
    await update.effective_message.reply_html(
        f"Order <b>{order_id}</b>",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Pay", callback_data=f"pay:{order_id}"),
                    InlineKeyboardButton("Cancel", callback_data=f"cancel:{order_id}"),
                ],
                [InlineKeyboardButton("Help", url="https://example.com/help")],
            ]
        ),
    )


async def on_pay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the tap at once, then edit the order message."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer("Payment received", show_alert=True)
    await query.edit_message_text(f"Paid {query.data.split(':', 1)[1]}")


# -- basics ------------------------------------------------------------------------------


async def test_get_me_returns_the_bot_identity(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == tg.bot_id
    assert me.username == tg.bot_username
    assert me.is_bot


async def test_user_message_reaches_a_handler_and_the_echo_is_visible(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    alice = tg.user(1001, "Alice", username="alice")
    async with polling(app):
        alice.send("hello there")
        reply = await alice.wait_for_message(contains="echo")
    assert reply.text == "echo: hello there"
    assert alice.last_message() == reply


async def test_command_arguments_arrive_through_the_bot_command_entity(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    seen: list[list[str]] = []

    async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(list(context.args or []))

    app.add_handler(CommandHandler("start", cmd_start))
    alice = tg.user(1001, "Alice")
    async with polling(app):
        sent = alice.start("abc")
        await tg.wait_for(lambda: seen)
    assert seen == [["abc"]]
    assert sent.entities == ({"type": "bot_command", "offset": 0, "length": 6},)


async def test_send_message_with_html_stores_text_and_entities(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    sent = await bot.send_message(1001, "<b>Order</b> <i>K1</i> &amp; more", parse_mode="HTML")
    assert sent.text == "Order K1 & more"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 5),
        ("italic", 6, 2),
    ]
    assert [m.text for m in alice.messages()] == ["Order K1 & more"]


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ],
)
async def test_malformed_html_is_rejected_as_telegram_rejects_it(
    tg: FakeTelegram, bot: Bot, html: str, description: str
) -> None:
    tg.user(1001, "Alice").start()
    with pytest.raises(BadRequest) as raised:
        await bot.send_message(1001, html, parse_mode="HTML")
    assert (
        tg.last_request("sendMessage").error == f"Bad Request: can't parse entities: {description}"
    )
    assert "can't parse entities" in raised.value.message.lower()


async def test_too_long_and_empty_texts_are_rejected(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1001, "Alice").start()
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(1001, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(1001, "   ")
    await bot.send_message(1001, "x" * 4096)


async def test_sending_to_someone_who_never_started_the_bot_fails(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(1001, "Alice")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(1001, "hi")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hi")


# -- inline keyboards and callback queries ------------------------------------------------


async def test_tapping_a_button_by_its_text_reaches_the_callback_handler(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    app.add_handler(CommandHandler("order", cmd_order))
    app.add_handler(CallbackQueryHandler(on_pay, pattern="^pay:"))
    alice = tg.user(1001, "Alice")
    async with polling(app):
        alice.send("/order K1234567")
        order = await alice.wait_for_message(contains="Order")
        assert order.button_texts == [["Pay", "Cancel"], ["Help"]]
        query = alice.tap("Pay")
        paid = await alice.wait_for_message(contains="Paid")
        await tg.idle()
    assert query.data == "pay:K1234567"
    assert query.answered and query.show_alert
    assert alice.alerts() == ["Payment received"]
    assert paid.message_id == order.message_id
    assert paid.text == "Paid K1234567"
    assert paid.buttons == ()  # editMessageText without reply_markup drops the keyboard
    assert paid.edit_date is not None


async def test_tapping_a_missing_button_lists_the_buttons_present(
    tg: FakeTelegram, bot: Bot
) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    await bot.send_message(1001, "Sure?", reply_markup=keyboard)
    with pytest.raises(LookupError, match=r"no button 'Maybe'.*\['Yes'\]"):
        alice.tap("Maybe")


async def test_answering_a_callback_query_twice_fails(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    await bot.send_message(1001, "Sure?", reply_markup=keyboard)
    query = alice.tap("Yes")
    assert await bot.answer_callback_query(query.id, text="ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query("123")


async def test_a_callback_answer_is_counted_in_utf16_units(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    await bot.send_message(1001, "Sure?", reply_markup=keyboard)
    query = alice.tap("Yes")
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):  # 101 emoji: 202 units
        await bot.answer_callback_query(query.id, text="😀" * 101, show_alert=True)
    assert await bot.answer_callback_query(query.id, text="😀" * 100, show_alert=True)


async def test_callback_data_over_64_bytes_is_rejected(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1001, "Alice").start()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(1001, "Too much data", reply_markup=keyboard)


# -- editing --------------------------------------------------------------------------------


async def test_editing_with_identical_content_raises_not_modified(
    tg: FakeTelegram, bot: Bot
) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    sent = await bot.send_message(1001, "Status: new", reply_markup=keyboard)
    await bot.edit_message_text("Status: paid", 1001, sent.message_id, reply_markup=keyboard)
    assert [m.text for m in alice.messages()] == ["Status: paid"]
    with pytest.raises(BadRequest) as raised:
        await bot.edit_message_text("Status: paid", 1001, sent.message_id, reply_markup=keyboard)
    assert raised.value.message == (
        "Message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", 1001, 9999)


async def test_a_person_editing_a_message_produces_edited_message(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    edits: list[str] = []

    async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.edited_message is not None and update.edited_message.text is not None
        edits.append(update.edited_message.text)

    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit))
    alice = tg.user(1001, "Alice")
    async with polling(app):
        original = alice.send("helo")
        alice.edit(original, "hello")
        await tg.wait_for(lambda: edits)
    assert edits == ["hello"]


# -- faults ---------------------------------------------------------------------------------


async def test_flood_fault_surfaces_as_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1001, "Alice").start()
    tg.inject("sendMessage", Fault.flood(retry_after=7), chat_id=1001)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(1001, "hi")
    assert seconds(raised.value.retry_after) == 7
    assert tg.last_request("sendMessage").status == 429
    await bot.send_message(1001, "hi again")  # the fault was for one call only


async def test_blocked_user_surfaces_as_forbidden(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    statuses: list[str] = []

    async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member is not None
        statuses.append(update.my_chat_member.new_chat_member.status)

    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    alice = tg.user(1001, "Alice")
    alice.start()
    async with polling(app):
        alice.block_bot()
        await tg.wait_for(lambda: statuses)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(1001, "still there?")
        alice.unblock_bot()
        await tg.wait_for(lambda: len(statuses) == 2)
        await app.bot.send_message(1001, "welcome back")
    assert statuses == ["kicked", "member"]


async def test_injected_forbidden_fault(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1001, "Alice").start()
    tg.inject("sendMessage", Fault.blocked())
    with pytest.raises(Forbidden):
        await bot.send_message(1001, "hi")


@pytest.mark.parametrize("code", [500, 502])
async def test_server_errors_surface_as_network_error(
    tg: FakeTelegram, bot: Bot, code: int
) -> None:
    tg.user(1001, "Alice").start()
    tg.inject("sendMessage", Fault.server_error(code))
    with pytest.raises(NetworkError):
        await bot.send_message(1001, "hi")
    assert tg.last_request("sendMessage").status == code


async def test_a_held_request_times_out_yet_may_have_been_executed(
    tg: FakeTelegram, bot: Bot
) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    tg.inject("sendMessage", Fault.timeout(executes=True))
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "did it arrive?", read_timeout=0.2)
    assert [m.text for m in alice.messages()] == ["did it arrive?"]


async def test_a_dropped_connection_surfaces_as_network_error(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1001, "Alice").start()
    tg.inject("sendMessage", Fault.disconnect())
    with pytest.raises(NetworkError):
        await bot.send_message(1001, "hi")
    assert (await bot.send_message(1001, "retry")).text == "retry"


# -- media -----------------------------------------------------------------------------------


async def test_copy_message_copies_photos_and_documents(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    alice = tg.user(1001, "Alice")
    support = tg.group(-1009000, "Support", members=[tg.user(2001, "Sam")])

    async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        await message.copy(support.chat_id, caption=f"from {alice.first_name}")

    app.add_handler(MessageHandler(filters.PHOTO | filters.Document.ALL, relay))
    async with polling(app):
        photo = alice.send_photo(png(800, 600), caption="receipt")
        document = alice.send_document(b"%PDF-1.4 fake", "invoice.pdf", caption="invoice")
        await tg.wait_for(lambda: len(support.messages()) == 2)
    copied_photo, copied_document = support.messages()
    assert copied_photo.content_type == "photo"
    assert copied_photo.file_id == photo.file_id
    assert copied_photo.caption == "from Alice"
    assert copied_document.content_type == "document"
    assert copied_document.file_name == "invoice.pdf"
    assert tg.file_bytes(copied_document.file_id or "") == b"%PDF-1.4 fake"
    assert [r.result for r in tg.requests("copyMessage")] == [
        {"message_id": copied_photo.message_id},
        {"message_id": copied_document.message_id},
    ]
    assert document.caption == "invoice"


async def test_uploaded_file_can_be_fetched_with_get_file_and_downloaded(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(1001, "Alice").start()
    sent = await bot.send_document(1001, b"order,amount\nK1,10\n", filename="orders.csv")
    assert sent.document is not None
    assert sent.document.file_name == "orders.csv"
    assert sent.document.mime_type == "text/csv"
    telegram_file = await bot.get_file(sent.document.file_id)
    assert telegram_file.file_path is not None
    assert telegram_file.file_path.startswith(f"{tg.file_base_url}{tg.token}/documents/")
    assert bytes(await telegram_file.download_as_bytearray()) == b"order,amount\nK1,10\n"

    photo = await bot.send_photo(1001, png(640, 480), caption="<b>proof</b>", parse_mode="HTML")
    assert [(p.width, p.height) for p in photo.photo] == [(320, 240), (640, 480)]
    assert photo.caption == "proof"
    assert photo.caption_entities[0].type == "bold"
    resent = await bot.send_photo(1001, photo.photo[-1].file_id)
    assert resent.photo[-1].file_unique_id == photo.photo[-1].file_unique_id


async def test_media_group_accepts_uploads_and_file_ids(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    first = await bot.send_photo(1001, png(10, 10))
    album = await bot.send_media_group(
        1001,
        [
            InputMediaPhoto(png(20, 20), caption="two photos"),
            InputMediaPhoto(first.photo[-1].file_id),
        ],
    )
    assert len(album) == 2
    assert album[0].media_group_id is not None
    assert album[0].media_group_id == album[1].media_group_id
    assert album[0].caption == "two photos"
    docs = await bot.send_media_group(
        1001,
        [InputMediaDocument(b"a", filename="a.txt"), InputMediaDocument(b"b", filename="b.txt")],
    )
    assert [d.document.file_name for d in docs if d.document] == ["a.txt", "b.txt"]
    assert len(alice.messages()) == 5


async def test_an_album_from_a_person_arrives_as_messages_sharing_a_media_group(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    groups: list[str | None] = []

    async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        groups.append(update.effective_message.media_group_id)

    app.add_handler(MessageHandler(filters.PHOTO, on_photo))
    alice = tg.user(1001, "Alice")
    async with polling(app):
        alice.send_album([png(4, 4), png(5, 5), png(6, 6)], caption="evidence")
        await tg.wait_for(lambda: len(groups) == 3)
    assert len(set(groups)) == 1 and groups[0] is not None


# -- groups and forum topics ------------------------------------------------------------------


async def test_forum_topics_can_be_created_used_and_deleted(tg: FakeTelegram, bot: Bot) -> None:
    sam = tg.user(2001, "Sam")
    forum = tg.group(-1005000, "Support desk", members=[sam], forum=True)
    topic = await bot.create_forum_topic(forum.chat_id, "Order K1234567")
    sent = await bot.send_message(
        forum.chat_id, "Buyer says hi", message_thread_id=topic.message_thread_id
    )
    assert sent.message_thread_id == topic.message_thread_id
    assert sent.is_topic_message
    assert [t.name for t in forum.topics()] == ["Order K1234567"]
    assert [m.text for m in forum.messages(thread_id=topic.message_thread_id)] == [
        None,  # the forum_topic_created service message
        "Buyer says hi",
    ]
    forum.send(sam, "on it", thread_id=topic.message_thread_id)

    assert await bot.edit_forum_topic(forum.chat_id, topic.message_thread_id, name="K1234567 ✓")
    assert await bot.close_forum_topic(forum.chat_id, topic.message_thread_id)
    assert await bot.delete_forum_topic(forum.chat_id, topic.message_thread_id)
    assert forum.topics() == []
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(forum.chat_id, "hello?", message_thread_id=topic.message_thread_id)


async def test_topic_messages_from_members_reach_the_bot_with_their_thread(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    sam = tg.user(2001, "Sam")
    forum = tg.group(-1005000, "Support desk", members=[sam], forum=True)
    app.add_handler(MessageHandler(filters.TEXT & filters.ChatType.GROUPS, echo))
    async with polling(app):
        topic = await app.bot.create_forum_topic(forum.chat_id, "Dispute")
        forum.send(sam, "refund please", thread_id=topic.message_thread_id)
        reply = await forum.wait_for_message(contains="echo", thread_id=topic.message_thread_id)
    assert reply.text == "echo: refund please"


async def test_group_members_and_administrators(tg: FakeTelegram, bot: Bot) -> None:
    owner, admin, member = tg.user(1, "Olga"), tg.user(2, "Adam"), tg.user(3, "Mia")
    stranger = tg.user(4, "Stan")
    group = tg.group(-1001234, "Sellers", members=[member], admins=[admin], owner=owner)
    assert (await bot.get_chat_member(group.chat_id, owner.id)).status == "creator"
    assert (await bot.get_chat_member(group.chat_id, admin.id)).status == "administrator"
    assert (await bot.get_chat_member(group.chat_id, member.id)).status == "member"
    assert (await bot.get_chat_member(group.chat_id, stranger.id)).status == "left"
    admins = await bot.get_chat_administrators(group.chat_id)
    assert [a.user.id for a in admins] == [owner.id, admin.id, tg.bot_id]
    chat = await bot.get_chat(group.chat_id)
    assert chat.type == "supergroup" and chat.title == "Sellers"


async def test_privacy_mode_hides_plain_group_chatter_from_a_non_admin_bot(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    seen: list[str] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        seen.append(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, record))
    mia = tg.user(3, "Mia")
    group = tg.group(-100777, "Chatter", members=[mia], bot_status="member")
    async with polling(app):
        group.send(mia, "just chatting")
        group.send(mia, f"/help@{tg.bot_username}")
        await tg.wait_for(lambda: seen)
        await tg.idle()
    assert seen == [f"/help@{tg.bot_username}"]


# -- inline mode, commands, webhooks, raw HTTP --------------------------------------------


async def test_inline_query_answers_are_recorded(
    tg: FakeTelegram, app: AnyApplication, polling: Polling
) -> None:
    async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.inline_query is not None
        await update.inline_query.answer(
            [
                InlineQueryResultArticle(
                    "k1", "Order K1", InputTextMessageContent(f"K1 {update.inline_query.query}")
                )
            ]
        )

    app.add_handler(InlineQueryHandler(on_inline))
    alice = tg.user(1001, "Alice")
    async with polling(app):
        query = alice.inline_query("status")
        await tg.wait_for(lambda: query.answered)
    assert [r["id"] for r in query.results] == ["k1"]


async def test_commands_and_menu_button_are_stored(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("order", "Show order")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "order"]
    assert tg.commands() == ["start", "order"]
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_get_updates_conflicts_while_a_webhook_is_set(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_webhook("https://example.com/hook")
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("http://example.com/hook")
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_unknown_methods_and_wrong_tokens_get_telegram_errors(tg: FakeTelegram) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{tg.bot_base_url}{tg.token}/sendTelepathy") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with http.get(f"{tg.bot_base_url}123:wrong/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"
        async with http.post(
            f"{tg.bot_base_url}{tg.token}/sendmessage", json={"chat_id": 5, "text": "hi"}
        ) as response:
            assert (await response.json())["description"] == "Bad Request: chat not found"


async def test_long_poll_answers_as_soon_as_an_update_arrives(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await tg.wait_for(lambda: tg.requests("getUpdates"))
    started = time.monotonic()
    alice.send("ping")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1
    assert [u.message.text for u in updates if u.message] == ["ping"]
    # The update stays queued until a later call confirms it with a higher offset.
    assert tg.state.pending_update_count == 1
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    assert tg.state.pending_update_count == 0


async def test_stopping_the_server_ends_a_pending_long_poll_at_once() -> None:
    async with FakeTelegram() as other:
        client = Bot(other.token, base_url=other.bot_base_url)
        async with client:
            poll = asyncio.create_task(client.get_updates(timeout=30))
            await other.wait_for(lambda: other.requests("getUpdates"))
            started = time.monotonic()
            await other.stop()
            assert await asyncio.wait_for(poll, 2) == ()
            assert time.monotonic() - started < 1.5


async def test_every_request_is_recorded_with_decoded_params(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1001, "Alice").start()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    await bot.send_message(1001, "Sure?", reply_markup=keyboard, disable_notification=True)
    entry = tg.last_request("sendMessage")
    assert entry.params["chat_id"] == 1001
    assert entry.params["disable_notification"] is True
    assert entry.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]
    }
    assert entry.ok
