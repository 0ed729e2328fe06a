"""Questions in the chat: the help-center answer, tied to the asker's own order."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.ports.records import HelpQuestion
from bot.timefmt import from_db
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import Running, tap_data


def _at(value: str | datetime) -> datetime:
    """A stored time as the backend returns it: text on SQLite, a datetime on PostgreSQL."""
    return value if isinstance(value, datetime) else from_db(value)


async def _logged(kchat: Running) -> list[HelpQuestion]:
    """Every question the help center was asked, oldest first (with feedback)."""
    report = await kchat.services.help_log.report(days=30, misses=100)
    async with kchat.services.store.read() as tx:
        rows = await tx._all(
            "SELECT id, asked_at, question, doc_id, score, helpful FROM help_questions ORDER BY id"
        )
    assert report.asked == len(rows)
    return [
        HelpQuestion(r[0], _at(r[1]), r[2], r[3], r[4], None if r[5] is None else bool(r[5]))
        for r in rows
    ]


async def test_a_malay_question_gets_the_answer_and_the_askers_real_order_deadline(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("30.00")
    kchat.clock.advance(timedelta(hours=5))
    buyer.send("barang tak sampai lagi, boleh refund tak")
    await kchat.settle()
    texts = [m.content for m in buyer.messages()]
    answer = next(t for t in texts if "What happens if I have not received my order?" in t)
    assert "72 hours" in answer
    card = buyer.last_message()
    assert card is not None and oid in card.content and "Your order right now" in card.content
    # Paid at the fake clock's start (Mon 5 Jan 2026, 09:00 UTC): auto-cancel 72 h later,
    # shown in the marketplace's time zone (GMT+8).
    assert "Thu 8 Jan, 17:00 (GMT+8)" in card.content
    assert card.has_button("Request refund") and card.has_button("Escalate to support")


async def test_an_answer_offers_feedback_and_a_person(kchat: Running, buyer: FakeUser) -> None:
    await kchat.settle()
    buyer.send("partial refnd how")
    reply = await buyer.wait_for_message(contains="How to partially refund an order?")
    assert reply.content.endswith("Did this help?")
    assert reply.has_button("👍 Yes") and reply.has_button("👎 No")
    assert reply.has_button("Talk to support")
    buyer.tap("👍 Yes")
    assert "Glad it helped" in await buyer.wait_for_alert("Glad")


async def test_greetings_and_uncovered_questions_are_not_answered_with_an_faq(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    for text in ("how do I become a seller", "my account was hacked"):
        buyer.send(text)
        reply = await buyer.wait_for_message(contains="not sure")
        assert reply.has_button("Talk to support")
        assert "❓" not in reply.content
    for text in ("hi", "good morning"):  # not questions at all: greeted back, not "not sure"
        buyer.send(text)
        reply = await buyer.wait_for_message(contains="👋 Hi!")
        assert "not sure" not in reply.content and "❓" not in reply.content
        assert reply.has_button("Help topics")
    asked = await _logged(kchat)
    assert [(q.question, q.doc_id) for q in asked] == [
        ("how do I become a seller", None),
        ("my account was hacked", None),
    ], "small talk is not logged as a question"


async def test_faq_lists_topics_and_a_topic_opens_its_article(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("/faq")
    topics = await buyer.wait_for_message(contains="Help topics")
    assert len(topics.flat_buttons) == 15
    buyer.tap("How do I cancel my unpaid order?"[:60])
    article = await buyer.wait_for_message(contains="automatically expire after 1 hour")
    assert "How do I cancel my unpaid order?" in article.content


async def test_inline_mode_offers_articles(kchat: Running, buyer: FakeUser) -> None:
    await kchat.settle()
    record = buyer.inline_query("seller ghosting me")
    await kchat.tg.wait_for(lambda: record.answered, what="an inline answer")
    titles = [r.get("title", "") for r in record.results]
    assert titles and any("received" in t or "paid" in t for t in titles)


async def test_a_stranger_naming_someone_elses_order_gets_no_card_of_it(
    kchat: Running, buyer: FakeUser, stranger: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.paid_order("30.00")
    stranger.send(f"my order {oid} not received yet, refund?")
    await kchat.settle()
    assert all(oid not in m.content for m in stranger.messages())


async def test_answers_and_their_feedback_are_logged_for_operators(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("partial refnd how")
    await buyer.wait_for_message(contains="How to partially refund an order?")
    buyer.tap("👎 No")
    sorry = await buyer.wait_for_message(contains="Sorry about that")
    buyer.send("is there any promo code this month")
    declined = await buyer.wait_for_message(contains="not sure")
    await kchat.settle()

    [partial, promo] = await _logged(kchat)
    assert (partial.question, partial.doc_id, partial.helpful) == (
        "partial refnd how",
        "partial-refund",
        False,
    )
    assert (promo.doc_id, promo.helpful) == (None, None)
    # Someone else's verdict on the buyer's answer is not taken.
    seller.send("hi")
    await seller.wait_for_message(contains="👋 Hi!")
    tap_data(kchat, seller, f"k1|fy|partial-refund|{partial.id}")
    await kchat.settle()
    assert (await _logged(kchat))[0].helpful is False

    buyer.tap("Talk to support", sorry.message_id)
    await kchat.settle()
    report = await kchat.services.help_log.report(days=7)
    assert (report.asked, report.declined) == (2, 1)
    by_answer = {x.doc_id: x for x in report.per_answer}
    assert by_answer["partial-refund"].not_helpful == 1
    assert by_answer["partial-refund"].support_asked == 1
    assert [m.question for m in report.misses] == [
        "is there any promo code this month",
        "partial refnd how",
    ]
    assert declined.has_button("Talk to support")


async def _malay_reader(kchat: Running, language_code: str) -> FakeUser:
    """Someone whose Telegram is set to Malay, who has opened the bot."""
    await kchat.settle()
    aminah = kchat.tg.user(7301, "Aminah", language_code=language_code)
    aminah.start()
    return aminah


async def test_a_malay_reader_gets_the_malay_article_whatever_language_they_ask_in(
    kchat: Running, buyer: FakeUser
) -> None:
    aminah = await _malay_reader(kchat, "ms")
    aminah.send("how to partial refund")
    reply = await aminah.wait_for_message(contains="❓ Bagaimana meminta bayaran balik sebahagian?")
    assert "Langkah 1:" in reply.content
    assert reply.content.endswith("Adakah jawapan ini membantu?")
    assert {"👍 Ya", "👎 Tidak", "Hubungi Sokongan"} <= {b.text for b in reply.flat_buttons}
    # This chat's hints are English: a Malay answer goes without them.
    assert "in this chat" not in reply.content
    aminah.send("macam mana nak refund separuh")
    await aminah.wait_for_message(contains="❓ Bagaimana meminta bayaran balik sebahagian?")
    # Someone reading Telegram in English still gets the English document.
    buyer.send("how to partial refund")
    english = await buyer.wait_for_message(contains="❓ How to partially refund an order?")
    assert "Bagaimana" not in english.content


async def test_a_malay_reader_browses_topics_and_inline_results_in_malay(
    kchat: Running,
) -> None:
    aminah = await _malay_reader(kchat, "ms-MY")
    aminah.send("/faq")
    topics = await aminah.wait_for_message(contains="Topik bantuan")
    labels = [b.text for b in topics.flat_buttons]
    assert "Bagaimana membatalkan pesanan yang belum dibayar?" in labels
    assert "How do I cancel my unpaid order?" not in labels
    aminah.tap("Bagaimana membatalkan pesanan yang belum dibayar?")
    article = await aminah.wait_for_message(contains="❓ Bagaimana membatalkan pesanan yang belum")
    assert "1 jam" in article.content
    record = aminah.inline_query("cancel unpaid order")
    await kchat.tg.wait_for(lambda: record.answered, what="an inline answer")
    titles = [r.get("title", "") for r in record.results]
    assert titles[0] == "Bagaimana membatalkan pesanan yang belum dibayar?"
    shared = record.results[0]["input_message_content"]["message_text"]
    assert "Bagaimana membatalkan pesanan yang belum dibayar?" in shared
