"""Only the latest message about an order carries buttons for it; older ones tell the truth."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.domain.input_modes import InputMode
from bot.domain.model import Status
from handlers.delivery.cards import Cards
from handlers.delivery.live import MAX_TWINS
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
    the buttons, or it is a question that opens a reply (ForceReply). An older one keeps
    buttons only as a copy of the latest's (the same card opened again while nothing
    changed), so no older message offers anything the latest does not."""
    about = [m for m in user.messages() if _about(m, oid)]
    live = [m for m in about if m.buttons]
    shown = "\n".join(f"[{m.message_id}] {m.content[:60]!r} {m.button_texts}" for m in about)
    latest = about[-1]
    assert latest.buttons or latest.force_reply, (
        f"{step}: the latest message about {oid} can't be acted on\n{shown}"
    )
    stale = [m for m in live if m.buttons != latest.buttons]
    assert not stale, f"{step}: an older message about {oid} offers other buttons\n{shown}"
    return latest


def copies_live(user: FakeUser, oid: str) -> list[int]:
    """The messages about the order that carry buttons, oldest first."""
    return [m.message_id for m in user.messages() if _about(m, oid) and m.buttons]


def assert_alone(
    k: Running, user: FakeUser, oid: str, step: str, retired: tuple[int, ...] = ()
) -> MessageView:
    """Only the latest message about the order carries buttons (no twin is left), and the
    older copies `retired` lost theirs."""
    live = assert_one_live(user, oid, step)
    assert copies_live(user, oid) == [live.message_id], step
    for message_id in retired:
        message = k.tg.message(user.id, message_id)
        assert message is not None and not message.buttons, (step, message_id)
    return live


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
    # ... while the buyer's own action (entering the order chat: other buttons) shows a new
    # card, retiring the one being edited.
    await kchat.services.chat.set_mode(BUYER, InputMode.CHAT, oid)
    showing = asyncio.create_task(cards.send(kchat.app.bot, BUYER, order, "<b>mine</b>"))
    await asyncio.wait({showing}, timeout=0.5)
    held.gate.set()
    await asyncio.gather(refreshing, showing)
    await kchat.settle()
    live = assert_alone(kchat, buyer, oid, "after the race")
    assert live.content.startswith("mine") and live.has_button("Leave chat")


# --- an unchanged card opened again ------------------------------------------------------


async def _reopen(k: Running, user: FakeUser, oid: str) -> MessageView:
    """The person asks for the order's card again (as /orders → the order does)."""
    user.send(f"/order {oid}")
    await k.settle()
    latest = user.last_message()
    assert latest is not None and oid in latest.content
    return latest


def _edits_of(k: Running, user: FakeUser, message_id: int) -> int:
    """How many edits the bot made to one message in the user's chat."""
    return sum(
        str(r.params.get("chat_id")) == str(user.id)
        and str(r.params.get("message_id")) == str(message_id)
        for method in ("editMessageReplyMarkup", "editMessageText")
        for r in k.tg.requests(method)
    )


async def test_an_unchanged_card_opened_again_leaves_the_copy_above_unedited_until_it_changes(
    kchat: Running, buyer: FakeUser
) -> None:
    oid = await kchat.paid_order()
    first = buyer.last_message()
    assert first is not None and first.has_button("Message seller")
    edits = _edits_of(kchat, buyer, first.message_id)
    again = await _reopen(kchat, buyer, oid)
    # The same buttons below: the copy above keeps them, and costs Telegram nothing.
    assert copies_live(buyer, oid) == [first.message_id, again.message_id]
    assert _edits_of(kchat, buyer, first.message_id) == edits
    assert_one_live(buyer, oid, "opened again")
    # The order moves on: the live card is edited, and the copy above loses its buttons.
    await kchat.services.orders.deliver(oid, SELLER, "code XYZ")
    await kchat.settle()
    live = assert_alone(kchat, buyer, oid, "delivered", retired=(first.message_id,))
    assert live.has_button("Confirm received")


async def test_a_tap_on_the_copy_above_makes_it_the_live_message(
    kchat: Running, buyer: FakeUser
) -> None:
    oid = await kchat.paid_order()
    await kchat.services.orders.deliver(oid, SELLER, "code XYZ")
    await kchat.settle()
    above = buyer.last_message()
    assert above is not None and above.has_button("Confirm received")
    below = await _reopen(kchat, buyer, oid)
    buyer.tap("Confirm received", above)
    await kchat.settle()
    # The question stands where the finger was; the copy below can no longer be acted on.
    prompt = kchat.tg.message(BUYER, above.message_id)
    assert prompt is not None and prompt.has_button("Yes, confirm received")
    assert copies_live(buyer, oid) == [above.message_id]
    assert (await kchat.services.chat.card(oid, BUYER)).message_id == above.message_id  # type: ignore[union-attr]
    buyer.tap("Yes, confirm received", prompt)
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).status is Status.COMPLETED
    done = kchat.tg.message(BUYER, above.message_id)
    assert done is not None and "Completed" in done.content
    assert copies_live(buyer, oid) in ([], [above.message_id])
    assert not (kchat.tg.message(BUYER, below.message_id) or below).buttons


async def test_a_card_opened_many_times_keeps_a_few_copies_live(
    kchat: Running, buyer: FakeUser
) -> None:
    oid = await kchat.paid_order()
    shown = [buyer.last_message()]
    for _ in range(MAX_TWINS + 2):
        shown.append(await _reopen(kchat, buyer, oid))
    ids = [m.message_id for m in shown if m is not None]
    assert copies_live(buyer, oid) == ids[-(MAX_TWINS + 1) :]
    assert_one_live(buyer, oid, "opened many times")


async def test_the_copies_are_remembered_across_a_restart(kchat: Running, buyer: FakeUser) -> None:
    oid = await kchat.paid_order()
    first = buyer.last_message()
    assert first is not None
    await _reopen(kchat, buyer, oid)
    # A bot started afresh knows the copies from the database alone (no memory of its own).
    # The buyer enters the order chat (other buttons, and no notice that could retire them).
    fresh = Cards(kchat.services, ZoneInfo("UTC"))
    await kchat.services.chat.set_mode(BUYER, InputMode.CHAT, oid)
    await fresh.refresh(kchat.app.bot, BUYER, await kchat.services.orders.get(oid))
    await kchat.tg.idle()
    live = assert_alone(kchat, buyer, oid, "refreshed by a fresh start", (first.message_id,))
    assert live.has_button("Leave chat")


async def test_a_copy_nobody_recorded_that_shows_the_live_buttons_is_retired_with_them(
    kchat: Running, buyer: FakeUser
) -> None:
    oid = await kchat.paid_order()
    live = kchat.app.bot_data.cards.live
    ref = await live.current(BUYER, oid)
    assert ref is not None
    order = await kchat.services.orders.get(oid)
    text, kb = await kchat.app.bot_data.cards.build(order, BUYER)
    # A message whose retirement never reached Telegram is tapped back to the card ("Not
    # yet" on its question): it shows the live buttons, so it is recorded with them ...
    stray = await kchat.app.bot.send_message(BUYER, text, reply_markup=kb)
    async with live.lock(BUYER):
        await live.shown(kchat.app.bot, ref, stray.message_id, kb)
    assert (await live.current(BUYER, oid)).twins == (stray.message_id,)  # type: ignore[union-attr]
    # ... and loses them when the live card's change.
    await kchat.services.orders.deliver(oid, SELLER, "code XYZ")
    await kchat.settle()
    assert_alone(kchat, buyer, oid, "delivered", retired=(stray.message_id,))
