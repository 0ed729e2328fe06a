"""The help center in the chat answers about the asker's own order, and says which order."""

from __future__ import annotations

from sandbox.fake_bot_api.harness import FakeUser, MessageView
from tests.e2e.support import SELLER, STRANGER, Running

# The fake clock starts on Mon 5 Jan 2026, 09:00 UTC; the marketplace's zone is GMT+8.
DELIVERY_DUE = "Thu 8 Jan, 17:00 (GMT+8)"  # 72 h after a payment at the start
PAYMENT_DUE = "Mon 5 Jan, 18:00 (GMT+8)"  # 1 h after an order placed at the start


async def _asks(kchat: Running, user: FakeUser, question: str) -> list[MessageView]:
    """What the bot sent `user` in answer to `question`, in order."""
    before = len(user.messages())
    user.send(question)
    await kchat.settle()
    return user.messages()[before:]


async def _own_paid_order(kchat: Running, buyer_id: int) -> str:
    """A paid order of `buyer_id`'s, placed at the clock's start."""
    order = await kchat.services.orders.create_order(
        buyer_id=buyer_id, seller_id=SELLER, title="Game credits", price_minor=900, currency="MYR"
    )
    await kchat.services.orders.mark_paid_external(order.id)
    await kchat.settle()
    return order.id


async def test_a_buyer_waiting_for_delivery_is_told_the_answer_is_about_their_order(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("30.00")
    answer, card = await _asks(kchat, buyer, "paid already but seller never send the item")
    first, _blank, title = answer.content.split("\n")[:3]
    assert first == (
        f"📋 About your order {oid} (Waiting Delivery, the seller has until {DELIVERY_DUE} "
        "to deliver)"
    )
    assert title == "❓ What happens if I have not received my order? Can I ask for a refund?"
    # The article is about the order itself: its card follows, so no button repeats it.
    assert card.content.startswith("📋 Your order right now:") and oid in card.content
    assert not any(b.text.startswith("📋 Open order") for b in answer.flat_buttons)
    # The seller asking about the same order reads their own side of it.
    [seller_answer, _card] = await _asks(kchat, seller, "buyer says not received, what happens")
    assert seller_answer.content.startswith(
        f"📋 About your order {oid} (Waiting Delivery, you have until {DELIVERY_DUE} to deliver)"
    )


async def test_an_answer_not_about_the_order_itself_opens_the_order_with_a_button(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order()
    [answer] = await _asks(kchat, buyer, "my payment failed")
    assert answer.content.startswith(
        f"📋 About your order {oid} (Waiting Payment, you have until {PAYMENT_DUE} to pay)\n\n"
        "❓ Why did my payment attempt fail?"
    )
    buyer.tap(f"📋 Open order {oid}", answer.message_id)
    card = await buyer.wait_for_message(contains=f"Order {oid}")
    assert card.has_button("Pay from balance")


async def test_goods_that_came_are_not_of_an_unpaid_order_so_the_answer_names_none(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order()  # the buyer's only order here waits for payment
    [answer] = await _asks(kchat, buyer, "the item is not as described, what can i do")
    # Not "you need not cancel your unpaid order": the goods came on another order.
    assert answer.content.startswith(
        "❓ What can I do if the products or services delivered is different from the description?"
    )
    assert oid not in answer.content and "📋" not in answer.content
    assert not any("📋" in b.text for b in answer.flat_buttons)


async def test_someone_elses_order_id_in_a_question_is_never_mentioned_or_used(
    kchat: Running, buyer: FakeUser, stranger: FakeUser
) -> None:
    await kchat.settle()
    theirs = await kchat.paid_order("30.00")
    own = await _own_paid_order(kchat, STRANGER)
    naming_theirs = await _asks(kchat, stranger, f"my order {theirs} not received yet, refund?")
    naming_none = await _asks(kchat, stranger, "my order KZZZZZZZ not received yet, refund?")
    assert all(theirs not in m.content for m in stranger.messages())
    # The answer is about the stranger's own order, exactly as when the id named does not
    # exist: nothing in it tells whether someone else's order has that id.
    assert naming_theirs[0].content.startswith(f"📋 About your order {own} (Waiting Delivery")
    assert [m.content for m in naming_theirs] == [m.content for m in naming_none]
    labels = [[b.text for b in m.flat_buttons] for m in naming_theirs]
    assert labels == [[b.text for b in m.flat_buttons] for m in naming_none]


async def test_a_person_with_no_orders_gets_no_order_line(
    kchat: Running, buyer: FakeUser, stranger: FakeUser
) -> None:
    await kchat.settle()
    theirs = await kchat.paid_order("30.00")
    [answer] = await _asks(kchat, stranger, f"partial refnd how, order {theirs}")
    assert answer.content.startswith("❓ How to partially refund an order?")
    assert "📋" not in answer.content and theirs not in answer.content
    assert not any("📋" in b.text for b in answer.flat_buttons)
    # A declined question names no order either, even for someone who has one.
    [declined] = await _asks(kchat, buyer, "is there any promo code this month")
    assert "not sure" in declined.content and "📋" not in declined.content


async def test_a_malay_reader_is_told_in_malay_which_order_the_answer_is_about(
    kchat: Running,
) -> None:
    await kchat.settle()
    aminah = kchat.tg.user(7301, "Aminah", language_code="ms")
    aminah.start()
    await kchat.settle()  # her language is learnt from the /start the bot handles
    oid = await _own_paid_order(kchat, 7301)
    answer, card = await _asks(kchat, aminah, "barang tak sampai lagi, boleh refund tak")
    first = answer.content.split("\n")[0]
    assert first.startswith(f"📋 Tentang pesanan anda {oid} (Waiting Delivery, penjual ada masa")
    assert first.endswith("8 Jan, 17:00 (GMT+8) untuk menghantar)")
    assert card.content.startswith("📋 Pesanan anda sekarang:")


async def test_a_question_that_does_not_fit_the_order_offers_what_the_words_name(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order()
    [reply] = await _asks(kchat, buyer, "refund")
    # Nothing is paid on the order, so no refund article is asserted; the ones the word
    # names are offered, with the order they did not fit.
    assert reply.content.startswith(
        f"📋 About your order {oid} (Waiting Payment, you have until {PAYMENT_DUE} to pay)\n\n"
        "🤔 I'm not sure a help article answers that for this order."
    )
    offered = [b.text for b in reply.flat_buttons if b.text.startswith("Did you mean")]
    assert offered[0] == "Did you mean: How do I manually request a refund for an order I…"
    assert reply.has_button("Talk to support") and reply.has_button("Help topics")
    buyer.tap(offered[0], reply)
    await kchat.settle()
    article = buyer.last_message()
    assert article is not None
    assert "How do I manually request a refund for an order I already paid for?" in article.content
    # A question the words do not answer either gets the plain "not sure".
    [plain] = await _asks(kchat, buyer, "how do i reverse a list in python")
    assert plain.content.startswith("🤔 I'm not sure I can answer that from the KALEOZ help")
    assert not any(b.text.startswith("Did you mean") for b in plain.flat_buttons)


async def test_the_order_the_words_fit_is_the_one_answered_about(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    netflix = await kchat.order(title="Netflix Premium 1 month")
    steam = await kchat.paid_order("30.00")  # changed last: paid, then delivered
    await kchat.services.orders.deliver(steam, SELLER, "CODE-1234")
    await kchat.settle()
    # A payment that keeps failing is about the order still waiting for payment.
    [answer] = await _asks(kchat, buyer, "dah cuba bayar guna kad 3 kali tapi asyik gagal")
    assert answer.content.startswith(
        f"📋 About your order {netflix} (Waiting Payment, you have until {PAYMENT_DUE} to pay)"
        "\n\n❓ Why did my payment attempt fail?"
    )
    # Goods that do not work are about the order delivered.
    answer, _card = await _asks(kchat, buyer, "the code is not working, what can I do")
    assert answer.content.startswith(f"📋 About your order {steam} (Waiting Confirmation")
    # The product named picks its order, whatever changed last.
    [named, *_rest] = await _asks(kchat, buyer, "how long do I have to pay for the netflix")
    assert named.content.startswith(f"📋 About your order {netflix} (Waiting Payment")


async def test_asked_to_message_the_seller_the_chat_says_how_to_and_opens_the_order(
    kchat: Running, buyer: FakeUser, seller: FakeUser, stranger: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("30.00")
    seller_saw = len(seller.messages())
    [reply] = await _asks(kchat, buyer, "can you message the seller for me")
    assert reply.content.startswith(
        "💬 I can't pass messages to the seller, but you can write to them yourself: open the "
        "order and tap Message seller"
    )
    assert reply.has_button(f"📋 Open order {oid}") and reply.has_button("Talk to support")
    # Nothing went to the seller: the bot passes no message on.
    assert len(seller.messages()) == seller_saw
    buyer.tap(f"📋 Open order {oid}", reply)
    await kchat.settle()
    card = buyer.last_message()
    assert card is not None and oid in card.content and card.has_button("Message seller")
    # Without an order, the same reply, and no order to open.
    [plain] = await _asks(kchat, stranger, "pls tell the seller for me to hurry")
    assert plain.content.startswith("💬 I can't pass messages to the seller")
    assert not any(b.text.startswith("📋 Open order") for b in plain.flat_buttons)


async def test_a_message_asking_two_things_gets_the_article_for_one_and_a_word_on_the_other(
    kchat: Running, buyer: FakeUser, stranger: FakeUser
) -> None:
    await kchat.settle()
    [reply] = await _asks(kchat, stranger, "when should I press Confirmed received? any fees?")
    assert reply.content.startswith('❓ When should I click "Confirmed received"?')
    assert "You also asked something no help article covers. For that, tap Talk to support." in (
        reply.content
    )
    assert reply.has_button("👍 Yes") and reply.has_button("Talk to support")
    # A message the article answers as a whole still gets the word on the ask it leaves.
    [reply] = await _asks(
        kchat, stranger, "what does Waiting Delivery mean? also can I pay in installments?"
    )
    assert reply.content.startswith("❓ How do I track my order status?")
    assert "You also asked something no help article covers." in reply.content
    # Asked to message the seller beside it: how to do it, and the order's card to do it on.
    oid = await kchat.paid_order("30.00")
    reply, card = await _asks(
        kchat, buyer, "what should I do now that I paid? and can you message the seller for me?"
    )
    assert "I paid for my order. What should I do now?" in reply.content
    assert "You also asked me to pass a message to the seller. I can't, but you can" in (
        reply.content
    )
    assert oid in card.content and card.has_button("Message seller")
