"""Help-center answers read well on a phone: paragraphs and steps, this chat's buttons."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.faq import MAX_ANSWER_UNITS, MAX_TITLE_UNITS, FaqDocument, FaqIndex
from handlers.views.faq_render import answer_html, article
from handlers.views.telegram_text import fits, visible
from sandbox.fake_bot_api.harness import FakeUser, MessageView
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, SELLER, Running

# A sentence end or a label's colon with no space before the next word.
RUN_TOGETHER = re.compile(r"[a-z\"”’)\]][.!?:][A-Z0-9\[]")
HINT = re.compile(r" \(in this chat: [^()]*\)")
DEAD_LINK = re.compile(r" ?\[click here[^\[\]]*\]")
FULL_ARTICLE = "📖 Read the full article"
GUIDE = "https://www.kaleoz.com/guide/article/"
NAMED_BUTTON = re.compile(r"\(in this chat: ([^()]*?)(?: on the order's card)?\)")


def _answer_part(message: MessageView, doc: FaqDocument) -> str:
    """The message's text under the title, without the feedback question."""
    head = f"❓ {doc.title}\n\n"
    assert message.content.startswith(head), message.content[:80]
    return message.content.removeprefix(head).removesuffix("\n\nDid this help?")


async def test_every_shipped_answer_arrives_in_the_documents_paragraphs_and_steps(
    kchat: Running, buyer: FakeUser, faq_index: FaqIndex
) -> None:
    await kchat.settle()
    for doc in faq_index.documents:
        buyer.send(doc.title)
        reply = await buyer.wait_for_message(contains=f"❓ {doc.title}")
        shown = _answer_part(reply, doc)
        assert not RUN_TOGETHER.search(shown), (doc.id, RUN_TOGETHER.search(shown))
        # The document's own words, line for line: only this chat's buttons are added.
        assert HINT.sub("", shown) == DEAD_LINK.sub("", doc.answer), doc.id
        if len(doc.answer) > 500:
            assert "\n\n" in shown or shown.count("\n") >= 3, (doc.id, "a wall of text")


async def test_steps_and_labels_are_bold_and_each_step_starts_a_line(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("partial refnd how")
    reply = await buyer.wait_for_message(contains="How to partially refund an order?")
    lines = reply.content.split("\n")
    assert [line[:7] for line in lines if line.startswith("Step")] == [
        "Step 1:",
        "Step 2:",
        "Step 3:",
    ]
    assert "\n\nREMINDER: Please ensure" in reply.content
    bold = {
        reply.content[e["offset"] : e["offset"] + e["length"]]
        for e in reply.entities
        if e["type"] == "bold"
    }
    assert {"Step 1:", "Step 2:", "Step 3:", "REMINDER:"} <= bold


async def test_an_answer_names_this_chats_button_next_to_the_websites(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("partial refnd how")
    reply = await buyer.wait_for_message(contains="How to partially refund an order?")
    assert (
        'Step 1: Proceed to "My Orders" (in this chat: /orders, then the order\'s card), '
        "then select the order." in reply.content
    )
    assert 'Select "Request Refund" (in this chat: Request refund on the order\'s card).' in (
        reply.content
    )
    buyer.send("how to manually request refund")
    manual = await buyer.wait_for_message(contains="How do I manually request a refund")
    assert "click here" not in manual.content, "a website link the export lost is left out"
    assert manual.content.count("(in this chat: /orders") == 1, "each button is named once"


async def test_the_buttons_an_answer_names_are_on_the_order_card(
    kchat: Running, buyer: FakeUser, faq_index: FaqIndex
) -> None:
    await kchat.settle()
    named: set[str] = set()
    for doc in faq_index.documents:
        buyer.send(doc.title)
        reply = await buyer.wait_for_message(contains=f"❓ {doc.title}")
        named |= {
            name
            for name in NAMED_BUTTON.findall(reply.content)
            if not name.startswith(("🔵", "/orders"))
        }
    assert named == {"Request refund", "Confirm received", "Message seller", "I already paid"}
    unpaid = await kchat.order("20.00")
    delivered = await kchat.paid_order("30.00")
    await kchat.services.orders.deliver(delivered, SELLER, "code ABC-123")
    await kchat.advance(timedelta(hours=2))
    on_cards: set[str] = set()
    for oid in (unpaid, delivered):
        buyer.send(oid)
        card = await buyer.wait_for_message(contains=f"Order {oid}")
        on_cards |= {b.text for b in card.flat_buttons}
    assert named <= on_cards, named - on_cards


async def test_a_long_answer_links_to_the_full_article_and_a_short_one_does_not(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("barang tak sampai lagi, boleh refund tak")
    long = await buyer.wait_for_message(contains="What happens if I have not received my order?")
    assert long.button(FULL_ARTICLE).url == (
        f"{GUIDE}what-happens-if-i-have-not-received-my-order-can-i-ask-for-a-refund"
    )
    assert long.has_button("👍 Yes") and long.has_button("Talk to support")
    buyer.send("how to cancel unpaid order")
    short = await buyer.wait_for_message(contains="How do I cancel my unpaid order?")
    assert not short.has_button(FULL_ARTICLE)
    buyer.send("/faq")
    await buyer.wait_for_message(contains="Help topics")
    buyer.tap("How do I track my order status?")
    topic = await buyer.wait_for_message(contains="Order status might be shown as below:")
    assert topic.button(FULL_ARTICLE).url == f"{GUIDE}how-do-i-track-my-order-status"


async def test_the_full_article_address_is_a_setting(tmp_path: Path, faq_index: FaqIndex) -> None:
    async with running_kchat(
        tmp_path, faq_index, help_center_url="https://help.example.com/kb?q={slug}"
    ) as kchat:
        buyer = kchat.tg.user(BUYER, "Alice")
        buyer.start()
        await kchat.settle()
        buyer.send("how to track order status")
        reply = await buyer.wait_for_message(contains="How do I track my order status?")
        assert reply.button(FULL_ARTICLE).url == (
            "https://help.example.com/kb?q=how-do-i-track-my-order-status"
        )


@pytest.mark.parametrize(
    "text", ["thank you", "ok thanks!", "thank you so much", "terima kasih atas bantuan", "tq bro"]
)
async def test_thanks_are_answered_with_youre_welcome_not_the_greeting(
    kchat: Running, buyer: FakeUser, text: str
) -> None:
    await kchat.settle()
    buyer.send(text)
    reply = await buyer.wait_for_message(contains="You're welcome")
    assert "👋 Hi!" not in reply.content and "not sure" not in reply.content
    buyer.send("hello")
    assert "👋 Hi!" in (await buyer.wait_for_message(contains="👋")).content


def test_the_longest_document_allowed_still_fits_one_message_with_this_chats_buttons() -> None:
    sentence = (
        'Go to "My Orders", tap "Request Refund", then "Confirmed received", or use LiveChat, '
        "the chatbox or the dialogue box. "
    )
    answer = (sentence * 100)[:MAX_ANSWER_UNITS].rstrip()
    doc = FaqDocument(id="long", title="Q" * MAX_TITLE_UNITS, answer=answer)
    footer = "\n\n<i>Did this help?</i>"
    assert not fits(f"❓ <b>{doc.title}</b>\n\n{answer_html(doc)}{footer}")
    text = article(doc, footer=footer)
    assert fits(text)
    assert visible(text).endswith(answer[-40:] + "\n\nDid this help?")
