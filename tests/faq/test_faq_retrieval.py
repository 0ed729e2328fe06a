"""Matching chat messages to help-center entries, and declining what they do not cover."""

from __future__ import annotations

import pytest

from bot.domain.faq import Band, FaqDocument, FaqIndex, Lexicon
from bot.help_center import load_index

MARKED_DELIVERED = "I haven't received my paid order, but seller marked it as delivered"
NOT_RECEIVED = "What happens if I have not received my order? Can I ask for a refund?"
PAID_UNPAID = "I have made payment successfully but my order status shows unpaid."
PAID_NEXT = "I paid for my order. What should I do now?"
CANCEL_PAID = "How do I cancel an order that has already been paid for?"
CONFIRM = 'When should I click "Confirmed received"?'
PAY_FAILED = "Why did my payment attempt fail?"
NOT_PAID_IN_TIME = "What happens if the order is not paid within the given time?"
NOT_AS_DESCRIBED = (
    "What can I do if the products or services delivered is different from the description?"
)
CANCEL_UNPAID = "How do I cancel my unpaid order?"
DETAILS = "How do I check my order details?"
TRACK = "How do I track my order status?"
REQUEST_REFUND = "How do I manually request a refund for an order I already paid for?"
PAID_NOT_PAID = "I paid for my order, but why is my order status still not paid?"
PARTIAL = "How to partially refund an order?"


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    """The shipped index, built once for the module."""
    return load_index()


# (question, acceptable titles): English, Malay and Manglish for every entry.
CASES = [
    ("the seller marked it delivered but I never received anything", {MARKED_DELIVERED}),
    ("seller kata dah hantar tapi saya tak terima apa-apa", {MARKED_DELIVERED}),
    ("order show delivered d but i got nothing leh", {MARKED_DELIVERED}),
    ("my order has not arrived yet, can I get a refund?", {NOT_RECEIVED}),
    ("barang tak sampai lagi, boleh refund tak", {NOT_RECEIVED}),
    ("item never come one, money can get back or not", {NOT_RECEIVED}),
    ("I paid successfully but the order says unpaid", {PAID_UNPAID, PAID_NOT_PAID}),
    ("dah transfer online banking, duit dah potong tapi order unpaid", {PAID_UNPAID}),
    ("paid d but still unpaid leh", {PAID_UNPAID, PAID_NOT_PAID}),
    ("I have paid, what should I do next?", {PAID_NEXT}),
    ("dah bayar, lepas ni nak buat apa?", {PAID_NEXT}),
    ("seller ghosting me after i paid", {PAID_NEXT, NOT_RECEIVED}),
    ("how can I cancel an order I already paid for", {CANCEL_PAID}),
    ("macam mana nak batalkan order yang dah dibayar", {CANCEL_PAID}),
    ("paid already but dont want anymore, can cancel?", {CANCEL_PAID}),
    ("when should I press confirmed received?", {CONFIRM}),
    ("tertekan confirm received, boleh reverse tak", {CONFIRM}),
    ("accidentally click confirm received d, can undo?", {CONFIRM}),
    ("why did my payment fail", {PAY_FAILED}),
    ("kenapa pembayaran saya gagal", {PAY_FAILED}),
    ("cannot pay leh, card kena decline", {PAY_FAILED}),
    ("what happens if I don't pay within the time limit", {NOT_PAID_IN_TIME}),
    ("order luput sebab lambat bayar", {NOT_PAID_IN_TIME}),
    ("forgot to pay, order expired d, how", {NOT_PAID_IN_TIME}),
    ("the item I got is different from the description", {NOT_AS_DESCRIBED}),
    ("penjual hantar barang salah", {NOT_AS_DESCRIBED}),
    ("the account i get not same as described leh", {NOT_AS_DESCRIBED}),
    ("how to cancel an order I have not paid for", {CANCEL_UNPAID}),
    ("nak batal pesanan, belum bayar lagi", {CANCEL_UNPAID}),
    ("haven pay yet, want cancel order how", {CANCEL_UNPAID}),
    ("where can I see my order details", {DETAILS}),
    ("macam mana nak tengok butiran pesanan", {DETAILS}),
    ("where to see my order info ah", {DETAILS}),
    ("what does waiting delivery mean", {TRACK}),
    ("macam mana nak jejak status pesanan", {TRACK}),
    ("order status how to follow one", {TRACK}),
    ("how do I request a refund for a paid order", {REQUEST_REFUND}),
    ("cara mohon bayaran balik secara manual", {REQUEST_REFUND}),
    ("how to refund ah, i paid d", {REQUEST_REFUND}),
    ("how long until my payment status updates after paying", {PAID_NOT_PAID}),
    ("dah bayar tapi status masih belum dibayar, kena tunggu berapa lama", {PAID_NOT_PAID}),
    ("paid liao, status still not paid, wait how long", {PAID_NOT_PAID}),
    ("can I get only part of my money back", {PARTIAL}),
    ("boleh refund separuh je?", {PARTIAL}),
    ("partial refnd how", {PARTIAL}),
]


@pytest.mark.parametrize(("question", "titles"), CASES)
def test_question_gets_its_help_center_answer(
    index: FaqIndex, question: str, titles: set[str]
) -> None:
    answer = index.ask(question)
    assert answer.answered, f"declined (score {answer.score})"
    assert answer.document is not None
    assert answer.document.title in titles


def test_every_entry_is_reached_by_the_cases(index: FaqIndex) -> None:
    covered = set().union(*(titles for _, titles in CASES))
    assert covered == {d.title for d in index.documents}


@pytest.mark.parametrize(
    "question",
    [
        "hi",
        "hello admin",
        "assalamualaikum",
        "good morning",
        "thanks!",
        "terima kasih",
        "ok tq bro",
        "how do I become a seller",
        "my account was hacked",
        "what's the weather",
        "how to reset my password",
        "how to withdraw my balance",
        "cara jadi seller",
        "akaun saya kena hack",
        "any promo code this month",
        "I didn't receive the OTP sms for login",
        "asdfghjkl",
        "???",
        "",
    ],
)
def test_greetings_thanks_and_uncovered_topics_are_declined(index: FaqIndex, question: str) -> None:
    answer = index.ask(question)
    assert not answer.answered
    assert answer.document is None
    assert answer.band is Band.NONE


@pytest.mark.parametrize(
    ("message", "thanks"),
    [
        ("thank you", True),
        ("ok thanks!", True),
        ("thank you so much", True),
        ("Thank you for your assistance.", True),
        ("terima kasih atas bantuan", True),
        ("ok noted, tq boss", True),
        ("bye", True),
        ("hi", False),
        ("hello admin", False),
        ("Good morning, I hope you are well.", False),
        ("salam sejahtera", False),
    ],
)
def test_thanks_and_greetings_are_small_talk_told_apart(
    index: FaqIndex, message: str, thanks: bool
) -> None:
    answer = index.ask(message)
    assert not answer.answered and answer.small_talk
    assert answer.thanks is thanks


@pytest.mark.parametrize(
    "question", ["thanks, how do I become a seller", "thank you, what is the weather"]
)
def test_a_question_after_thanks_is_not_small_talk(index: FaqIndex, question: str) -> None:
    answer = index.ask(question)
    assert not answer.answered and not answer.small_talk and not answer.thanks


def test_a_question_after_thanks_is_still_answered(index: FaqIndex) -> None:
    answer = index.ask("thanks, but my order still not received")
    assert answer.answered and answer.document is not None
    assert answer.document.id == "not-received-refund"


def test_order_ids_and_stretched_letters_do_not_change_the_answer(index: FaqIndex) -> None:
    plain = index.ask("paid but order still unpaid")
    noisy = index.ask("paiddd but order K1234567 still unpaiddd!!!")
    assert noisy.document == plain.document


def test_long_story_with_an_order_id_is_answered(index: FaqIndex) -> None:
    answer = index.ask(
        "Hi admin, I bought 1000 diamonds last night (order K7788123) and paid with my "
        "debit card. The seller marked it as delivered this morning but nothing came into "
        "my game account and he is not replying. What can I do?"
    )
    assert answer.document is not None and answer.document.title == MARKED_DELIVERED


def test_ambiguous_question_offers_choices(index: FaqIndex) -> None:
    answer = index.ask("refund")
    assert answer.answered
    assert answer.band is Band.MEDIUM and answer.needs_confirmation
    assert 1 <= len(answer.alternatives) <= 3
    assert answer.document not in [a.document for a in answer.alternatives]
    assert all(a.score <= answer.score for a in answer.alternatives)


def test_clear_question_is_answered_with_high_confidence(index: FaqIndex) -> None:
    answer = index.ask("how do I get a partial refund")
    assert answer.band is Band.HIGH
    assert 0.0 < answer.score <= 1.0


def test_threshold_can_be_raised_per_question(index: FaqIndex) -> None:
    question = "refund"
    assert index.ask(question).answered
    assert not index.ask(question, min_score=0.99).answered


def test_index_without_lexicon_still_matches_document_words() -> None:
    docs = [
        FaqDocument(id="a", title="How do I reset the router?", answer="Hold the button."),
        FaqDocument(id="b", title="Where is my invoice?", answer="In the billing page."),
    ]
    index = FaqIndex.build(docs, Lexicon())
    answer = index.ask("router reset")
    assert answer.document is not None and answer.document.id == "a"
    assert not index.ask("completely unrelated words").answered


def test_index_needs_documents() -> None:
    with pytest.raises(ValueError, match="no FAQ documents"):
        FaqIndex.build([])


def test_negation_and_combination_names_must_exist() -> None:
    docs = [FaqDocument(id="a", title="T?", answer="A.")]
    with pytest.raises(ValueError, match="unknown concept"):
        FaqIndex.build(docs, Lexicon(negated={"pay": "unpaid"}))
    with pytest.raises(ValueError, match="unknown concept"):
        FaqIndex.build(
            docs, Lexicon(concepts={"pay": ("pay",)}, combinations={"x": (("pay", "zz"),)})
        )
