"""Only the latest message about an order carries buttons for it; older ones tell the truth."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.domain.model import Status
from handlers.views.callback_data import InvalidCallback, unpack
from sandbox.fake_bot_api.harness import FakeUser, MessageView
from tests.e2e.support import BUYER, SELLER, Running, case, tap_data


def _acts_on(message: MessageView, oid: str) -> bool:
    """Whether a message carries a button for the order."""
    for b in message.flat_buttons:
        try:
            if b.callback_data and getattr(unpack(b.callback_data), "order_id", None) == oid:
                return True
        except InvalidCallback:
            continue
    return False


def _about(message: MessageView, oid: str) -> bool:
    return oid in message.content or _acts_on(message, oid)


def assert_one_live(user: FakeUser, oid: str, step: str) -> MessageView:
    """In the user's chat, only the latest message about the order can be acted on: it has
    the buttons, or it is a question that opens a reply (ForceReply); no older one has any."""
    about = [m for m in user.messages() if _about(m, oid)]
    live = [m for m in about if m.buttons]
    shown = "\n".join(f"[{m.message_id}] {m.content[:60]!r} {m.button_texts}" for m in about)
    assert len(live) <= 1, f"{step}: more than one message with buttons\n{shown}"
    latest = about[-1]
    assert latest.buttons or latest.force_reply, (
        f"{step}: the latest message about {oid} can't be acted on\n{shown}"
    )
    assert not live or live[0].message_id == latest.message_id, (
        f"{step}: an older message about {oid} still has buttons\n{shown}"
    )
    return latest


async def _answered(k: Running, record: object) -> object:
    await k.settle()
    return k.tg.state.callback_queries[record.id]  # type: ignore[attr-defined]


async def test_a_partial_refund_rejected_escalated_and_resolved_keeps_one_live_message(
    kchat_support: Running,
) -> None:
    k = kchat_support
    c = await case(k)
    oid = await k.paid_order("20.00")
    await k.services.orders.deliver(oid, SELLER, "code XYZ")
    await k.settle()
    await k.advance(timedelta(hours=1))

    def check(step: str) -> tuple[MessageView, MessageView]:
        return assert_one_live(c.buyer, oid, step), assert_one_live(c.seller, oid, step)

    check("delivered")
    c.buyer.tap("Request refund")
    await k.settle()
    c.buyer.tap("Partial refund")
    await k.settle()
    prompt, _ = check("asked for the amount")
    assert "Type the amount you want back" in prompt.content and prompt.force_reply

    c.buyer.send("5.00")
    await k.settle()
    card, seller_card = check("partial refund requested")
    assert "MYR 5.00 (partial), waiting for the seller" in card.content
    assert seller_card.has_button("Reject refund")
    # The answered question's Cancel is gone; an old client's tap on it is told the truth.
    assert not (k.tg.message(BUYER, prompt.message_id) or prompt).buttons
    stale = await _answered(k, tap_data(k, c.buyer, f"k1|ab|{oid}|", prompt.message_id))
    assert stale.show_alert  # type: ignore[attr-defined]
    assert stale.answer_text == (  # type: ignore[attr-defined]
        f"Nothing to cancel: that question was already answered. Order {oid} is "
        "Waiting Confirmation now."
    )
    assert (await k.services.orders.get(oid)).refund_open

    c.seller.tap("Reject refund")
    await k.settle()
    _, reason = check("asked for a reason")
    assert "why you reject the refund" in reason.content
    c.seller.send("the code works")
    await k.settle()
    card, _ = check("refund rejected")
    assert "rejected" in card.content and card.has_button("Escalate to support")
    assert not card.has_button("Withdraw refund request")

    c.buyer.tap("Escalate to support")
    await k.settle()
    card, seller_card = check("escalated")
    assert "is now with KALEOZ Support (ticket #1)" in card.content
    assert card.has_button("Leave support chat")
    assert not card.has_button("Escalate to support")

    ticket = await k.services.support.get(1)
    assert ticket.card_message_id is not None
    c.group.tap(c.agent, "Claim", ticket.card_message_id)
    await k.settle()
    c.group.tap(c.agent, "Refund in full", ticket.card_message_id)
    await k.settle()
    c.group.tap(c.agent, "Yes, confirm full refund (MYR 20.00)", ticket.card_message_id)
    await k.settle()
    card, seller_card = check("resolved")
    order = await k.services.orders.get(oid)
    assert order.status is Status.REFUNDING
    assert "KALEOZ Support resolved this order" in card.content
    assert not card.has_button("Leave support chat") and not card.has_button("Escalate to support")
    assert "You can escalate" not in card.content  # a resolved order invites no escalation
    # A tap on an old card's button is checked against the order as it is now.
    old = await _answered(k, tap_data(k, c.buyer, f"k1|rfw|{oid}|", prompt.message_id))
    assert old.show_alert  # type: ignore[attr-defined]
    assert old.answer_text == f"Order {oid} has no open refund request."  # type: ignore[attr-defined]
    assert (await k.services.orders.get(oid)).status is Status.REFUNDING
    assert await k.services.orders.balances(BUYER) == {"MYR": 2000}


async def test_a_delivery_prompt_answered_loses_its_cancel_and_a_late_tap_says_so(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    seller.tap("Deliver")
    prompt = await seller.wait_for_message(contains="Send the delivery for order")
    await kchat.settle()
    assert_one_live(seller, oid, "asked for the delivery")
    seller.send("code ABCD-1234")
    await kchat.settle()
    assert_one_live(seller, oid, "delivered")
    buyer.tap("Confirm received")
    await kchat.settle()
    buyer.tap("Yes, confirm received")
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).status is Status.COMPLETED

    late = await _answered(kchat, tap_data(kchat, seller, f"k1|ab|{oid}|", prompt.message_id))
    assert late.answer_text == (  # type: ignore[attr-defined]
        f"Nothing to cancel: that question was already answered. Order {oid} is Completed now."
    )
    assert not any(m.content.startswith("OK, cancelled.") for m in seller.messages())
    assert_one_live(seller, oid, "completed")
    assert_one_live(buyer, oid, "completed")


async def test_leaving_the_order_chat_puts_message_back_on_the_live_card(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    buyer.tap("Message seller")
    joined = await buyer.wait_for_message(contains="You're now in the chat of order")
    await kchat.settle()
    assert joined.has_button("Leave chat") and not joined.has_button("Message seller")
    assert assert_one_live(buyer, oid, "in the chat").message_id == joined.message_id
    buyer.send("/leave")
    await kchat.settle()
    card = assert_one_live(buyer, oid, "left with /leave")
    assert card.content.startswith("You left the order chat.")
    assert card.has_button("Message seller") and not card.has_button("Leave chat")


async def test_cancel_typed_during_a_question_brings_the_card_back_live(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("12.50")
    seller.tap("Deliver")
    await seller.wait_for_message(contains="Send the delivery for order")
    seller.send("/cancel")
    await kchat.settle()
    card = assert_one_live(seller, oid, "cancelled with /cancel")
    assert card.content.startswith("OK, cancelled.") and card.has_button("Deliver")
    assert await kchat.services.chat.mode(SELLER) is None


class _EditHeldBot:
    """The bot, but an edit of a message waits at a gate: a race made to happen on purpose."""

    def __init__(self, bot: object) -> None:
        self._bot = bot
        self.editing = asyncio.Event()
        self.gate = asyncio.Event()

    def __getattr__(self, name: str) -> object:
        return getattr(self._bot, name)

    async def edit_message_text(self, *args: object, **kwargs: object) -> object:
        self.editing.set()
        await self.gate.wait()
        return await self._bot.edit_message_text(*args, **kwargs)  # type: ignore[attr-defined]


async def test_a_card_refreshed_while_a_new_one_is_shown_never_gets_its_buttons_back(
    kchat: Running, buyer: FakeUser
) -> None:
    oid = await kchat.paid_order()
    await kchat.settle()
    cards = kchat.app.bot_data.cards
    order = await kchat.services.orders.get(oid)
    held = _EditHeldBot(kchat.app.bot)
    # The notifier refreshes the live card; its edit is slow to reach Telegram ...
    refreshing = asyncio.create_task(cards.refresh(held, BUYER, order, "<b>news</b>"))
    await held.editing.wait()
    # ... while the buyer's own action shows a new card, retiring the one being edited.
    showing = asyncio.create_task(cards.send(kchat.app.bot, BUYER, order, "<b>mine</b>"))
    await asyncio.wait({showing}, timeout=0.5)
    held.gate.set()
    await asyncio.gather(refreshing, showing)
    await kchat.settle()
    live = assert_one_live(buyer, oid, "after the race")
    assert live.content.startswith("mine")
