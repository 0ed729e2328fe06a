"""The emulator's flood limits: Telegram's 429 with retry_after, per chat, per group, overall."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from sandbox.fake_bot_api import FakeTelegram, FloodLimits
from sandbox.fake_bot_api.limits import FloodControl, Scope, counted, over_limits

BUYER, SELLER, GROUP = 1001, 2002, -1001234


class Clock:
    """Seconds that move only when the test moves them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def control(limits: FloodLimits | None = None) -> tuple[FloodControl, Clock]:
    clock = Clock()
    return FloodControl(limits or FloodLimits(), clock=clock), clock


def test_a_private_chat_takes_a_short_burst_then_one_message_a_second() -> None:
    flood, clock = control(FloodLimits(chat_burst=3))
    assert [flood.admit("sendMessage", BUYER) for _ in range(3)] == [None, None, None]
    assert flood.admit("sendMessage", BUYER) == 1, "the fourth at once is refused"
    assert flood.admit("copyMessage", SELLER) is None, "another chat is not held up"
    assert flood.admit("editMessageText", BUYER) is None, "editing a keyboard is not a message"
    clock.now += 1.0
    assert flood.admit("sendDocument", BUYER) is None
    assert flood.admit("sendPhoto", BUYER) == 1
    assert [r.scope for r in flood.refusals()] == [Scope.CHAT, Scope.CHAT]
    assert len(flood.sent[BUYER]) == 5 and len(flood.sent[SELLER]) == 1


def test_a_group_takes_at_most_twenty_messages_in_any_minute() -> None:
    flood, clock = control()
    for _ in range(20):
        assert flood.admit("sendMessage", GROUP) is None
        clock.now += 1.0
    assert flood.admit("sendMessage", GROUP) == 40, "the first leaves the window 60 s after it"
    clock.now += 40.0
    assert flood.admit("sendMessage", GROUP) is None
    assert flood.refusals(Scope.GROUP)[0].retry_after == 40


def test_the_bot_as_a_whole_sends_thirty_a_second_unless_it_pays_for_more() -> None:
    flood, clock = control()
    for chat in range(1, 31):
        assert flood.admit("sendMessage", chat) is None
    assert flood.admit("sendMessage", 31) == 1
    assert flood.refusals()[-1].scope is Scope.GLOBAL
    assert flood.admit("sendMessage", 32, paid=True) is None, "paid broadcasts: 1000 a second"
    clock.now += 0.5
    assert [flood.admit("sendMessage", 100 + c) for c in range(15)] == [None] * 15


def test_reads_callback_answers_and_chat_actions_are_not_messages() -> None:
    assert not counted("answerCallbackQuery") and not counted("getChat")
    assert not counted("sendChatAction") and not counted("getUpdates")
    assert counted("sendMessage") and counted("copyMessage") and counted("editMessageCaption")
    flood, _ = control(FloodLimits(chat_burst=1))
    assert flood.admit("sendMessage", BUYER) is None
    assert flood.admit("sendChatAction", BUYER) is None
    assert flood.admit("deleteMessage", BUYER) is None
    assert flood.admit("sendMessage", None) is None, "a @username is not limited by chat"


def test_a_log_replayed_against_the_limits_names_the_chats_that_went_over() -> None:
    sent = {
        BUYER: [0.0, 0.1, 0.2, 0.3],
        SELLER: [0.0, 1.0, 2.0],
        GROUP: [float(s) for s in range(21)],
    }
    assert over_limits(sent, FloodLimits(chat_burst=3)) == {BUYER: 1, GROUP: 1}


async def test_over_http_a_message_over_the_limit_is_refused_with_retry_after() -> None:
    async with FakeTelegram(flood_limits=FloodLimits(chat_burst=2)) as tg:
        buyer = tg.user(BUYER, "Alice")
        buyer.start()
        async with Bot(tg.token, base_url=tg.bot_base_url) as bot:
            await bot.send_message(BUYER, "one")
            await bot.send_message(BUYER, "two")
            with pytest.raises(RetryAfter, match="Retry in 1"):
                await bot.send_message(BUYER, "three")
        assert [m.content for m in buyer.messages()] == ["one", "two"], "not executed"
        last = tg.last_request("sendMessage")
        assert last.status == 429 and last.error == "Too Many Requests: retry after 1"
        assert tg.flood is not None and len(tg.flood.sent[BUYER]) == 2
