"""The FakeTelegram harness: people's actions, update delivery and Telegram's quirks."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest

from sandbox.fake_bot_api import ButtonNotFoundError, FakeTelegram, Fault
from sandbox.fake_bot_api.state import MemberStatus

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Accept", callback_data="accept:7")],
        [InlineKeyboardButton("Terms", url="https://example.com/terms")],
    ]
)


async def test_a_member_taps_a_button_in_a_forum_topic(tg: FakeTelegram, bot: Bot) -> None:
    seller = tg.user(2001, "Sam")
    forum = tg.group(-1005000, "Deals", members=[seller], forum=True)
    topic = await bot.create_forum_topic(forum.chat_id, "Deal 7")
    await bot.send_message(
        forum.chat_id,
        "Accept deal?",
        message_thread_id=topic.message_thread_id,
        reply_markup=KEYBOARD,
    )
    query = forum.tap(seller, "Accept", thread_id=topic.message_thread_id)
    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.id == query.id
    assert update.callback_query.data == "accept:7"
    assert update.callback_query.from_user.id == seller.id
    message = update.callback_query.message
    assert message is not None and message.chat.id == forum.chat_id
    with pytest.raises(ButtonNotFoundError, match="URL button"):
        forum.tap(seller, "Terms")


async def test_topic_messages_reply_to_the_topic_creation_message(
    tg: FakeTelegram, bot: Bot
) -> None:
    buyer = tg.user(1001, "Bea")
    forum = tg.group(-1005000, "Deals", members=[buyer], forum=True)
    topic = forum.create_topic(buyer, "Question")
    forum.send(buyer, "is it in stock?", thread_id=topic.message_thread_id)
    created, question = await bot.get_updates()
    assert created.message is not None and created.message.forum_topic_created is not None
    assert created.message.forum_topic_created.name == "Question"
    assert question.message is not None
    assert question.message.is_topic_message
    assert question.message.message_thread_id == topic.message_thread_id
    # Telegram quirk: an ordinary topic message "replies" to the topic's service message.
    assert question.message.reply_to_message is not None
    assert question.message.reply_to_message.message_id == topic.message_thread_id


async def test_closed_topics_refuse_plain_members(tg: FakeTelegram, bot: Bot) -> None:
    buyer = tg.user(1001, "Bea")
    forum = tg.group(-1005000, "Deals", members=[buyer], forum=True)
    topic = await bot.create_forum_topic(forum.chat_id, "Old deal")
    await bot.close_forum_topic(forum.chat_id, topic.message_thread_id)
    with pytest.raises(ValueError, match="TOPIC_CLOSED"):
        forum.send(buyer, "hello?", thread_id=topic.message_thread_id)
    with pytest.raises(BadRequest, match=r"(?i)topic_not_modified"):
        await bot.close_forum_topic(forum.chat_id, topic.message_thread_id)
    assert forum.topic("Old deal").is_closed


async def test_an_admin_closes_and_reopens_a_topic_and_the_bot_sees_both(
    tg: FakeTelegram, bot: Bot
) -> None:
    agent, member = tg.user(7001, "Aisha"), tg.user(1001, "Bea")
    forum = tg.group(-1005000, "Support", members=[member], admins=[agent], forum=True)
    topic = await bot.create_forum_topic(forum.chat_id, "Ticket 1")
    thread = topic.message_thread_id
    with pytest.raises(ValueError, match="may not close"):
        forum.close_topic(member, thread)

    closed = forum.close_topic(agent, thread)
    assert closed.raw["forum_topic_closed"] == {} and closed.message_thread_id == thread
    assert forum.topic("Ticket 1").is_closed
    assert not forum.may_post_in(member, thread) and forum.may_post_in(agent, thread)
    with pytest.raises(ValueError, match="TOPIC_CLOSED"):
        forum.send(member, "hello?", thread_id=thread)
    forum.send(agent, "closing note", thread_id=thread)  # an admin still writes
    with pytest.raises(ValueError, match="already closed"):
        forum.close_topic(agent, thread)

    forum.reopen_topic(agent, thread)
    assert not forum.topic("Ticket 1").is_closed and forum.may_post_in(member, thread)
    updates = await bot.get_updates()
    seen = [u.message for u in updates if u.message is not None]
    assert [m.forum_topic_closed is not None for m in seen] == [True, False, False]
    assert seen[2].forum_topic_reopened is not None


async def test_an_admin_without_the_right_to_manage_topics_cannot_write_in_a_closed_one(
    tg: FakeTelegram, bot: Bot
) -> None:
    admin = tg.user(7001, "Ana")
    forum = tg.group(-1005000, "Support", admins=[admin], forum=True)
    tg.state.set_membership(forum.chat_id, admin.id, MemberStatus.ADMINISTRATOR, frozenset())
    topic = await bot.create_forum_topic(forum.chat_id, "Ticket 2")
    await bot.close_forum_topic(forum.chat_id, topic.message_thread_id)
    with pytest.raises(ValueError, match="TOPIC_CLOSED"):
        forum.send(admin, "hello?", thread_id=topic.message_thread_id)


async def test_the_bot_closes_a_topic_it_created_even_without_the_right(
    tg: FakeTelegram, bot: Bot
) -> None:
    forum = tg.group(-1005000, "Support", forum=True)
    topic = await bot.create_forum_topic(forum.chat_id, "Ticket 3")
    tg.state.set_membership(forum.chat_id, tg.state.bot.id, MemberStatus.ADMINISTRATOR, frozenset())
    assert await bot.close_forum_topic(forum.chat_id, topic.message_thread_id)
    other = forum.create_topic(tg.user(1001, "Bea"), "Someone else's")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.close_forum_topic(forum.chat_id, other.message_thread_id)


async def test_updates_stay_queued_until_confirmed_by_offset(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    for text in ("one", "two", "three"):
        alice.send(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await bot.get_updates()
    assert [u.update_id for u in again][:2] == [u.update_id for u in first]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    alice.send("four")
    assert [u.message.text for u in await bot.get_updates(offset=-1) if u.message] == ["four"]


async def test_chat_member_updates_arrive_only_when_asked_for(tg: FakeTelegram, bot: Bot) -> None:
    newcomer = tg.user(3001, "Nina")
    group = tg.group(-1001111, "Sellers")
    group.add_member(newcomer)
    default = await bot.get_updates()
    assert [u.message.new_chat_members[0].id for u in default if u.message] == [newcomer.id]
    assert not [u for u in default if u.chat_member]

    group.remove_member(newcomer)
    asked = await bot.get_updates(
        offset=default[-1].update_id + 1, allowed_updates=["message", "chat_member"]
    )
    assert [u.chat_member.new_chat_member.status for u in asked if u.chat_member] == ["left"]


async def test_wait_for_explains_what_happened_when_it_times_out(tg: FakeTelegram) -> None:
    alice = tg.user(1001, "Alice")
    alice.send("anyone there?")
    with pytest.raises(TimeoutError) as raised:
        await alice.wait_for_message(contains="hello", timeout=0.05)
    report = str(raised.value)
    assert "containing 'hello'" in report
    assert "pending updates: 1" in report
    assert "never called getUpdates" in report
    with pytest.raises(TimeoutError, match="go idle"):
        await tg.idle(timeout=0.05)


async def test_wait_for_message_sees_edits_made_after_the_last_action(
    tg: FakeTelegram, bot: Bot
) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    sent = await bot.send_message(1001, "Status: pending")
    alice.send("/status")
    await bot.edit_message_text("Status: shipped", 1001, sent.message_id)
    seen = await alice.wait_for_message(contains="Status")
    assert seen.message_id == sent.message_id
    assert seen.text == "Status: shipped"


async def test_reply_keyboards_chat_actions_and_deletions(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    alice.start()
    await bot.send_message(
        1001,
        "Choose",
        reply_markup=ReplyKeyboardMarkup([[KeyboardButton("Orders"), KeyboardButton("Help")]]),
    )
    assert alice.reply_keyboard() == [["Orders", "Help"]]
    await bot.send_chat_action(1001, ChatAction.TYPING)
    assert [a.action for a in tg.chat_actions(1001)] == ["typing"]

    prompt = await bot.send_message(1001, "Accept?", reply_markup=KEYBOARD)
    assert await bot.delete_message(1001, prompt.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(1001, prompt.message_id)
    with pytest.raises(ButtonNotFoundError):
        alice.tap("Accept")


async def test_people_send_stickers_voice_and_documents(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    alice.send_sticker(emoji="🔥")
    alice.send_voice(b"OggS...", duration=3)
    alice.send_document(b"log", "app.log", caption="logs")
    sticker, voice, document = (u.message for u in await bot.get_updates())
    assert sticker is not None and sticker.sticker is not None
    assert sticker.sticker.emoji == "🔥" and sticker.sticker.width == 512
    assert voice is not None and voice.voice is not None and voice.voice.duration == 3
    assert document is not None and document.document is not None
    assert document.caption == "logs"
    downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"log"


async def test_bot_uploads_stickers_and_voice_and_forwards(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1001, "Alice")
    original = alice.send("forward me")
    sticker = await bot.send_sticker(1001, b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    voice = await bot.send_voice(1001, b"OggS", duration=2)
    forwarded = await bot.forward_message(1001, 1001, original.message_id)
    assert sticker.sticker is not None and voice.voice is not None
    assert voice.voice.duration == 2 and voice.voice.mime_type == "audio/ogg"
    assert forwarded.forward_origin is not None
    assert forwarded.forward_origin.type == "user"
    assert forwarded.text == "forward me"
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type sticker as photo"):
        await bot.send_photo(1001, sticker.sticker.file_id)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(1001, "no-such-file-id")


async def test_faults_can_target_one_chat_and_several_calls(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1001, "Alice").start()
    tg.user(1002, "Bob").start()
    tg.inject("sendMessage", Fault.server_error(502), times=2, chat_id=1002)
    await bot.send_message(1001, "unaffected")
    for _ in range(2):
        with pytest.raises(Exception, match="Bad Gateway"):
            await bot.send_message(1002, "hi")
    await bot.send_message(1002, "works again")
    assert [r.status for r in tg.requests("sendMessage")] == [200, 502, 502, 200]


async def test_a_slow_answer_still_arrives_within_the_clients_timeout(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(1001, "Alice").start()
    tg.inject("sendMessage", Fault.timeout(0.05))
    sent = await bot.send_message(1001, "slow but fine")
    assert sent.text == "slow but fine"


async def test_markdown_v2_errors_reach_the_client(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1001, "Alice").start()
    with pytest.raises(BadRequest, match=r"(?i)character '!' is reserved"):
        await bot.send_message(1001, "Thanks!", parse_mode="MarkdownV2")
    sent = await bot.send_message(1001, r"*Thanks\!*", parse_mode="MarkdownV2")
    assert sent.text == "Thanks!"


async def test_json_bodies_and_query_strings_are_accepted(tg: FakeTelegram) -> None:
    tg.user(1001, "Alice").start()
    base = f"{tg.bot_base_url}{tg.token}"
    async with aiohttp.ClientSession() as http:
        markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
        async with http.post(
            f"{base}/sendMessage", json={"chat_id": 1001, "text": "json", "reply_markup": markup}
        ) as response:
            body = await response.json()
            assert body["ok"] and body["result"]["reply_markup"] == markup
        async with http.get(f"{base}/sendMessage", params={"chat_id": "1001", "text": "q"}) as r:
            assert (await r.json())["result"]["text"] == "q"
        async with http.post(f"{base}/deleteWebhook") as response:
            assert await response.json() == {
                "ok": True,
                "result": True,
                "description": "Webhook is already deleted",
            }
