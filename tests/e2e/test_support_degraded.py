"""The support group when Telegram cannot do everything asked: no rights to open topics,
membership checks failing, the command menu refused. Support keeps working."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.faq import FaqIndex
from bot.domain.model import Status
from sandbox.fake_bot_api.faults import Fault
from sandbox.fake_bot_api.harness import FakeTelegram
from tests.databases import database_url
from tests.e2e.support import (
    AGENT,
    SUPPORT_CHAT,
    Running,
    card,
    case,
    in_ticket,
    ticket_of,
    ticket_posts,
)


async def test_without_the_right_to_open_topics_a_ticket_lives_in_general_and_still_works(
    forum: Running,
) -> None:
    c = await case(forum)
    k = c.k
    oid = await k.paid_order("20.00")
    k.tg.inject(
        "createForumTopic",
        Fault.api_error(400, "Bad Request: not enough rights to create a topic"),
    )

    c.buyer.tap("Escalate to support")
    await k.settle()

    ticket = await ticket_of(k)
    assert ticket.topic_id is None
    shown = await card(k)
    assert shown.message_thread_id is None and f"Ticket #{ticket.id}" in shown.content
    # The agent works it as in a plain group: claim, answer by replying to the card.
    claimed = c.group.tap(c.agent, "Claim", shown.message_id)
    await k.settle()
    assert not claimed.show_alert
    assert (await ticket_of(k)).claimed_by == AGENT
    await in_ticket(k, c.agent, "We are checking with the seller.")
    await k.settle()
    assert "We are checking with the seller." in c.buyer.messages()[-1].content
    # And a resolution still moves the money once.
    c.group.tap(c.agent, "Refund in full", (await card(k)).message_id)
    await k.settle()
    c.group.tap(c.agent, "Yes, confirm full refund (MYR 20.00)", (await card(k)).message_id)
    await k.settle()
    order = await k.services.orders.get(oid)
    assert order.status is Status.REFUNDING
    assert await k.services.orders.balances(c.buyer.id) == {"MYR": 2000}


async def test_an_agent_can_act_while_telegram_cannot_confirm_membership(plain: Running) -> None:
    c = await case(plain)
    k = c.k
    await k.paid_order("20.00")
    c.buyer.tap("Escalate to support")
    await k.settle()
    k.tg.inject("getChatMember", Fault.server_error(502, "Bad Gateway"), times=10)

    claimed = c.group.tap(c.agent, "Claim", (await card(k)).message_id)
    await k.settle()

    assert not claimed.show_alert, claimed.answer_text
    assert (await ticket_of(k)).claimed_by == AGENT
    # Nothing was remembered from the failure: the next check asks Telegram again.
    asked = len(k.tg.requests("getChatMember"))
    k.tg.faults.clear()
    c.group.tap(c.agent, "Ask buyer", (await card(k)).message_id)
    await k.settle()
    assert len(k.tg.requests("getChatMember")) == asked + 1
    assert any("Now talking to the buyer" in m.content for m in await ticket_posts(k))


async def test_a_refused_command_menu_does_not_stop_the_bot(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with FakeTelegram() as tg:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            telegram_api_base_url=tg.bot_base_url,
            telegram_api_file_url=tg.file_base_url,
            database_url=database_url(tmp_path),
            support_chat_id=SUPPORT_CHAT,
        )
        tg.inject("setMyCommands", Fault.api_error(400, "Bad Request: method not supported"))
        app = build_application(settings, ManualClock(), tg.token, faq_index)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0)
        try:
            alice = tg.user(1001, "Alice")
            alice.start()
            await tg.idle()
            reply = alice.last_message()
            assert reply is not None and "KChat" in reply.content
            assert tg.requests("setMyCommands")[-1].status == 400
        finally:
            await app.updater.stop()
            await app.stop()
            assert app.post_shutdown is not None
            await app.post_shutdown(app)
            await app.shutdown()
