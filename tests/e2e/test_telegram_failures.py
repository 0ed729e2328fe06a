"""Telegram misbehaving: flood limits, blocked bots, 5xx, timeouts. No notification is lost."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Status
from sandbox.fake_bot_api.faults import Fault
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running, outbox, set_read_timeout


def _sends_to(kchat: Running, chat_id: int) -> list[tuple[int | None, str | None]]:
    """(HTTP status, error) of every sendMessage the bot made to one chat."""
    return [
        (r.status, r.error)
        for r in kchat.tg.requests("sendMessage")
        if str(r.params.get("chat_id")) == str(chat_id)
    ]


async def test_a_flood_limit_on_send_message_delays_the_notification_but_delivers_it(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    # More 429s than the rate limiter retries: it waits out retry_after three times (real
    # seconds), then the fourth reaches the notifier, which parks the news for retry_after
    # on the bot's clock.
    kchat.tg.inject("sendMessage", Fault.flood(retry_after=1), times=4, chat_id=BUYER)
    await kchat.services.orders.deliver(oid, SELLER, "code FLOOD-1")
    await kchat.settle()

    assert [s for s, _ in _sends_to(kchat, BUYER)][-4:] == [429, 429, 429, 429]
    assert (BUYER, "order_delivered", "pending") in await outbox(kchat, oid)
    assert not any("FLOOD-1" in m.content for m in buyer.messages())
    seller_news = seller.last_message()
    assert seller_news is not None and "📤 Delivered." in seller_news.content, (
        "the seller's news is not held up by the buyer's flood limit"
    )

    await kchat.advance(timedelta(milliseconds=900))
    assert not any("FLOOD-1" in m.content for m in buyer.messages()), "not before retry_after"
    await kchat.advance(timedelta(milliseconds=100))
    card = buyer.last_message()
    assert card is not None and "FLOOD-1" in card.content
    assert "📬 The seller delivered. Check it, then confirm received." in card.content
    assert _sends_to(kchat, BUYER)[-1] == (200, None)
    assert all(state == "sent" for _, _, state in await outbox(kchat, oid))
    assert sum("FLOOD-1" in m.content for m in buyer.messages()) == 1, "delivered exactly once"


async def test_a_buyer_who_blocks_the_bot_is_marked_unreachable_and_gets_the_news_on_return(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    buyer.block_bot()
    await kchat.settle()
    user = await kchat.services.chat.user(BUYER)
    assert user is not None and user.unreachable_since is not None

    await kchat.services.orders.deliver(oid, SELLER, "code BLOCKED-1")
    await kchat.settle()
    assert (BUYER, "order_delivered", "held") in await outbox(kchat, oid)
    assert not any("BLOCKED-1" in m.content for m in buyer.messages())
    told = seller.last_message()
    assert told is not None
    assert "⚠️ The other side has blocked this bot and can't get messages right now." in (
        told.content
    )
    assert "The buyer can't be reached on Telegram right now." in told.content
    assert (SELLER, "counterparty_unreachable", "sent") in await outbox(kchat, oid)

    # More news for the blocked buyer is parked too, without telling the seller again.
    await kchat.advance(timedelta(hours=48))
    assert (BUYER, "remind_confirm", "held") in await outbox(kchat, oid)
    assert sum("has blocked this bot" in m.content for m in seller.messages()) == 1
    # What the seller writes in the order chat is kept, and the seller hears why it didn't go.
    card = await kchat.services.chat.card(oid, SELLER)
    assert card is not None
    seller.tap("Message buyer", card.message_id)
    await seller.wait_for_message(contains="You're now in the chat")
    await kchat.settle()  # the card it replaces loses its buttons
    seller.send("Did the code work?")
    warning = await seller.wait_for_message(contains="could not be delivered")
    assert "The other side has blocked this bot" in warning.content
    await kchat.settle()
    kept = await kchat.services.chat.transcript(oid)
    assert [(t.text, t.dst_message_id) for t in kept] == [("Did the code work?", None)]

    buyer.unblock_bot()
    await kchat.settle()
    returned = [m.content for m in buyer.messages() if oid in m.content]
    assert any("BLOCKED-1" in c and "📬 The seller delivered." in c for c in returned)
    assert any(
        f"⏰ Reminder: order {oid} is confirmed as received automatically" in c for c in returned
    )
    assert all(state == "sent" for _, _, state in await outbox(kchat, oid))
    user = await kchat.services.chat.user(BUYER)
    assert user is not None and user.unreachable_since is None


async def test_a_403_on_send_parks_the_news_until_the_user_starts_the_bot_again(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    kchat.tg.inject("sendMessage", Fault.blocked(), chat_id=BUYER)
    await kchat.services.orders.deliver(oid, SELLER, "code PARKED-1")
    await kchat.settle()

    assert _sends_to(kchat, BUYER)[-1] == (403, "Forbidden: bot was blocked by the user")
    assert (BUYER, "order_delivered", "held") in await outbox(kchat, oid)
    assert (SELLER, "counterparty_unreachable", "sent") in await outbox(kchat, oid)
    told = seller.last_message()
    assert told is not None and "The other side has blocked this bot" in told.content
    # Held news waits for the user, not for the clock.
    await kchat.advance(timedelta(hours=1))
    assert not any("PARKED-1" in m.content for m in buyer.messages())

    buyer.start()
    await buyer.wait_for_message(contains="PARKED-1")
    await kchat.settle()
    assert all(state == "sent" for _, _, state in await outbox(kchat, oid))
    assert sum("PARKED-1" in m.content for m in buyer.messages()) == 1


async def test_a_5xx_on_send_message_is_retried_after_the_backoff(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    kchat.tg.inject("sendMessage", Fault.server_error(502), chat_id=BUYER)
    await kchat.services.orders.deliver(oid, SELLER, "code RETRY-502")
    await kchat.settle()
    assert _sends_to(kchat, BUYER)[-1] == (502, "Bad Gateway")
    assert (BUYER, "order_delivered", "pending") in await outbox(kchat, oid)
    assert not any("RETRY-502" in m.content for m in buyer.messages())

    await kchat.advance(timedelta(seconds=4))
    assert not any("RETRY-502" in m.content for m in buyer.messages()), "backoff is 5 s"
    await kchat.advance(timedelta(seconds=1))
    card = buyer.last_message()
    assert card is not None and "RETRY-502" in card.content
    assert all(state == "sent" for _, _, state in await outbox(kchat, oid))
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_CONFIRMATION


async def test_a_send_message_that_times_out_is_retried_after_the_backoff(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    set_read_timeout(kchat, 0.3)  # PTB's 5 s default would make this test slow
    # Telegram holds the request past the client's patience and never executes it.
    kchat.tg.inject("sendMessage", Fault.timeout(1.0), chat_id=BUYER)
    await kchat.services.orders.deliver(oid, SELLER, "code SLOW-1")
    await kchat.settle()
    assert _sends_to(kchat, BUYER)[-1] == (None, "client went away")
    assert (BUYER, "order_delivered", "pending") in await outbox(kchat, oid)
    assert not any("SLOW-1" in m.content for m in buyer.messages())

    await kchat.advance(timedelta(seconds=5))
    assert _sends_to(kchat, BUYER)[-1] == (200, None)
    assert sum("SLOW-1" in m.content for m in buyer.messages()) == 1
    assert all(state == "sent" for _, _, state in await outbox(kchat, oid))


NOT_MODIFIED = Fault.api_error(
    400,
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message",
)


async def test_message_is_not_modified_on_an_edit_counts_as_success(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await kchat.services.orders.deliver(oid, SELLER, "code SAME-1")
    await kchat.settle()
    buyer.tap("Confirm received")
    await buyer.wait_for_message(contains="cannot be undone")
    await kchat.settle()
    sends_before = len(_sends_to(kchat, BUYER))

    # The buyer's own action is shown by editing their card in place; Telegram says the
    # card already reads that way.
    kchat.tg.inject("editMessageText", NOT_MODIFIED, chat_id=BUYER)
    buyer.tap("Yes, confirm received")
    assert await buyer.wait_for_alert("Confirmed") == "Confirmed. Thank you!"
    await kchat.settle()

    edits = [
        r
        for r in kchat.tg.requests("editMessageText")
        if str(r.params.get("chat_id")) == str(BUYER)
    ]
    assert edits[-1].status == 400 and "not modified" in (edits[-1].error or "")
    assert len(_sends_to(kchat, BUYER)) == sends_before, "no second card sent instead"
    assert (BUYER, "order_completed", "sent") in await outbox(kchat, oid)
    assert all(state == "sent" for _, _, state in await outbox(kchat, oid))
    assert not any("went wrong" in a for a in buyer.alerts())
    assert not any("went wrong" in m.content for m in buyer.messages())
    assert (await kchat.services.orders.get(oid)).status is Status.COMPLETED
    assert await kchat.services.orders.balances(SELLER) == {"MYR": 1250}
    seller_news = seller.last_message()
    assert seller_news is not None and "✅ Order completed." in seller_news.content


async def test_message_is_not_modified_when_a_prompt_replaces_a_card_is_not_an_error(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    await kchat.advance(timedelta(hours=1))
    sends_before = len(_sends_to(kchat, BUYER))
    kchat.tg.inject("editMessageText", NOT_MODIFIED, chat_id=BUYER)
    record = buyer.tap("Request refund")
    await kchat.tg.wait_for(lambda: record.answered, what="the tap to be answered")
    await kchat.settle()
    assert not record.show_alert and not record.answer_text
    assert len(_sends_to(kchat, BUYER)) == sends_before, "no fallback message"
    assert (await kchat.services.orders.get(oid)).refund_request is None
