"""Each help-center document in each language says what the English one says: the same
numbers, website labels, steps, layout and links, in the reader's language."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

import bot.help_center
from bot.domain.faq import FaqDocument
from bot.domain.faq_translation import (
    NAMES,
    WEBSITE_LABELS,
    WEBSITE_STATUSES,
    FaqTranslation,
    differences,
    facts,
    numbers,
    step_marks,
)
from bot.help_center import available_languages, load_documents, load_translations
from handlers.views.faq_render import answer_html

DOCS = Path(bot.help_center.__file__).parent / "docs"
# The topics list shows a title whole on its button up to this many characters (longer ones
# are clipped there), so a translated title stays within it.
BUTTON_TITLE = 60
# The steps' word in the languages shipped; any language uses one word for every step.
STEP_WORD = {"en": "Step", "ms": "Langkah"}

# English words that carry no meaning of their own: a sentence with several of them is
# English. Website labels and names are taken out first.
_FUNCTION_WORDS = """
    the and your you will to of is are for with that this have has be can please if on in or
    it not an by from we our they their before after should may would been was were any when
    which there what how do does
"""
ENGLISH_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
# Largest share of English function words in a translated answer, and most in one sentence.
MAX_ENGLISH_SHARE = 0.02
MAX_ENGLISH_PER_SENTENCE = 2
_LABEL_OR_NAME = re.compile(
    r"[\"“][^\"“”\n]*[\"”]|"
    + "|".join(re.escape(w) for w in (*WEBSITE_STATUSES, *WEBSITE_LABELS, *NAMES))
    + r"|\bKX{5,}\b",
    re.IGNORECASE,
)


@cache
def english() -> dict[str, FaqDocument]:
    return {d.id: d for d in load_documents()}


@cache
def translations(language: str) -> dict[str, FaqTranslation]:
    return load_translations(language)


def pairs() -> list[tuple[str, str]]:
    return [(lang, doc_id) for lang in available_languages() for doc_id in english()]


PAIRS = pairs()


def pair(language: str, doc_id: str) -> tuple[FaqDocument, FaqTranslation]:
    return english()[doc_id], translations(language)[doc_id]


def english_words(text: str) -> list[list[str]]:
    """Per sentence, the English function words in it, labels and names left out."""
    plain = _LABEL_OR_NAME.sub(" ", text)
    return [
        [w for w in re.findall(r"[a-z']+", sentence.lower()) if w in ENGLISH_FUNCTION_WORDS]
        for sentence in re.split(r"[.!?:\n]+", plain)
    ]


def untranslated(text: str) -> list[str]:
    """Why the text reads as English: too many function words overall or in one sentence."""
    words = len(re.findall(r"\w+", _LABEL_OR_NAME.sub(" ", text))) or 1
    per_sentence = english_words(text)
    found = [w for sentence in per_sentence for w in sentence]
    reasons = []
    # One stray word ("log in") is not a sentence left in English; a share of them is.
    if len(found) > 1 and len(found) / words > MAX_ENGLISH_SHARE:
        reasons.append(f"{len(found)} of {words} words are English function words")
    reasons += [
        f"a sentence with {', '.join(s)}" for s in per_sentence if len(s) > MAX_ENGLISH_PER_SENTENCE
    ]
    return reasons


def test_malay_is_shipped_for_every_document() -> None:
    assert "ms" in available_languages()
    assert set(translations("ms")) == set(english())


@pytest.mark.parametrize("language", available_languages())
def test_each_translation_has_the_file_name_and_id_of_its_english_document(language: str) -> None:
    ours = {p.name for p in (DOCS / language).glob("*.md")}
    assert ours == {p.name for p in DOCS.glob("*.md")}
    for name in ours:
        head = (DOCS / language / name).read_text(encoding="utf-8").split("---")[1]
        assert f"id: {Path(name).stem}\n" in head, name


# --- each pair keeps the facts ---------------------------------------------------------


@pytest.mark.parametrize(("language", "doc_id"), PAIRS)
def test_translation_keeps_every_number(language: str, doc_id: str) -> None:
    doc, translation = pair(language, doc_id)
    assert facts(translation.answer).numbers == facts(doc.answer).numbers


@pytest.mark.parametrize(("language", "doc_id"), PAIRS)
def test_translation_keeps_the_website_labels_and_statuses(language: str, doc_id: str) -> None:
    doc, translation = pair(language, doc_id)
    assert facts(translation.answer).labels == facts(doc.answer).labels
    assert facts(translation.answer).names == facts(doc.answer).names


@pytest.mark.parametrize(("language", "doc_id"), PAIRS)
def test_translation_keeps_the_steps_paragraphs_and_lines(language: str, doc_id: str) -> None:
    doc, translation = pair(language, doc_id)
    assert facts(translation.answer).steps == facts(doc.answer).steps
    assert facts(translation.answer).layout == facts(doc.answer).layout


@pytest.mark.parametrize(("language", "doc_id"), PAIRS)
def test_translation_keeps_the_links(language: str, doc_id: str) -> None:
    doc, translation = pair(language, doc_id)
    assert facts(translation.answer).links == facts(doc.answer).links
    assert facts(translation.answer).link_texts == facts(doc.answer).link_texts


@pytest.mark.parametrize(("language", "doc_id"), PAIRS)
def test_translation_is_faithful_title_included(language: str, doc_id: str) -> None:
    assert differences(*pair(language, doc_id)) == []


def test_the_statuses_and_buttons_the_documents_use_are_all_checked() -> None:
    """The label list covers what the English answers actually name."""
    named = {label for d in english().values() for label in facts(d.answer).labels}
    assert {
        "Waiting Payment",
        "Waiting Delivery",
        "Waiting Confirmation",
        "Refunding",
        "Deleted",
        "Expired",
        "My Orders",
        "Request Refund",
        "Confirmed received",
        "Order ID",
        "KXXXXXXX",
        "KXXXXXX",
    } <= named
    numbers = [n for d in english().values() for n in facts(d.answer).numbers]
    assert {"1", "2", "3", "6", "24", "72"} <= set(numbers)
    # "after ONE hour of payment" counts as 1, like "1 hour".
    assert facts(english()["request-refund"].answer).numbers.count("1") == 2


def test_numbers_compare_by_value_whatever_the_words_around_them() -> None:
    assert numbers("after ONE hour of payment") == numbers("selepas SATU jam") == ["1"]
    assert numbers("within 3 days (72 hours)") == numbers("dalam tempoh tiga hari (72 jam)")
    assert numbers("a 72-hour period") == numbers("tempoh 72 jam") == ["72"]
    assert numbers("RM1,250.50 or 5%") == numbers("RM1250.50 atau 5%") == ["5", "1250.50"]
    assert numbers("one of the reasons below") == numbers("salah satu sebab") == []


# --- titles and language ----------------------------------------------------------------


@pytest.mark.parametrize("language", available_languages())
def test_titles_are_unique_translated_and_fit_a_button(language: str) -> None:
    titles = [t.title for t in translations(language).values()]
    assert len(set(titles)) == len(titles)
    for doc_id, t in translations(language).items():
        assert len(t.title.encode("utf-16-le")) // 2 <= BUTTON_TITLE, t.title
        assert t.title != english()[doc_id].title


@pytest.mark.parametrize(("language", "doc_id"), PAIRS)
def test_no_english_sentence_is_left_untranslated(language: str, doc_id: str) -> None:
    _, translation = pair(language, doc_id)
    assert untranslated(translation.answer) == []
    assert untranslated(translation.title) == []


@pytest.mark.parametrize("doc_id", sorted(english()))
def test_the_english_check_flags_every_english_answer(doc_id: str) -> None:
    assert untranslated(english()[doc_id].answer) != []


@pytest.mark.parametrize("language", available_languages())
def test_steps_are_written_one_way_in_each_language(language: str) -> None:
    for lang, answers in (
        ("en", [d.answer for d in english().values()]),
        (language, [t.answer for t in translations(language).values()]),
    ):
        words = {word for a in answers for word, _ in step_marks(a) if word}
        assert len(words) <= 1, (lang, words)
        if lang in STEP_WORD:
            assert words == {STEP_WORD[lang]}, lang


def test_the_chat_lays_out_malay_steps_and_labels_like_english_ones() -> None:
    """The answer's layout marks (steps, "Nota:", "PERINGATAN:") are bold in Malay too."""

    def shown(doc_id: str) -> str:
        doc, translation = pair("ms", doc_id)
        return answer_html(translation.applied_to(doc), in_chat=False)

    assert "<b>Langkah 1:</b> Pergi ke" in shown("partial-refund")
    assert "<b>PERINGATAN:</b>" in shown("partial-refund")
    assert "<b>Nota:</b>" in shown("marked-delivered-not-received")
    assert "<b>Maklumat tambahan:</b>" in shown("paid-what-next")


def test_a_translation_applied_keeps_the_english_matching_and_order_flag() -> None:
    doc, translation = pair("ms", "partial-refund")
    shown = translation.applied_to(doc)
    assert (shown.id, shown.title, shown.answer) == (
        "partial-refund",
        translation.title,
        translation.answer,
    )
    assert shown.phrasings == doc.phrasings and shown.about_order
    with pytest.raises(ValueError, match="does not translate"):
        translation.applied_to(english()["payment-failed"])


# --- the check fails when a fact changes, in either language ----------------------------


def changed(text: str, old: str, new: str) -> str:
    """The text with its first `old` replaced: the mutation must really happen."""
    assert old in text, old
    return text.replace(old, new, 1)


MALAY_MUTATIONS = [
    ("marked-delivered-not-received", "dalam tempoh 24 jam", "dalam tempoh 48 jam", "numbers"),
    ("marked-delivered-not-received", "tempoh 72 jam", "tempoh yang singkat", "numbers"),
    ("request-refund", "SATU jam", "DUA jam", "numbers"),
    ("cancel-paid-order", "3 hari (72 jam)", "3 hari", "numbers"),
    ("partial-refund", '"Request Refund"', '"Minta Bayaran Balik"', "website labels"),
    ("track-order-status", "Waiting Delivery -", "Menunggu Penghantaran -", "website labels"),
    ("order-details", "(contoh: KXXXXXXX)", "(contoh: nombor pesanan)", "website labels"),
    ("partial-refund", 'Langkah 2: Pilih "Request Refund".\n', "", "steps"),
    ("order-details", "Langkah 3:", "Langkah 4:", "steps"),
    ("paid-status-unpaid", "(a) Bayaran", "Bayaran", "steps"),
    ("paid-what-next", "penjual.\n\nMaklumat", "penjual. Maklumat", "lines per paragraph"),
    ("request-refund", ' [klik di sini untuk ke halaman "My Orders" dengan pantas]', "", "link"),
    ("cancel-paid-order", "melalui KChat", "melalui sembang", "names"),
]


@pytest.mark.parametrize(("doc_id", "old", "new", "caught"), MALAY_MUTATIONS)
def test_a_changed_malay_answer_is_caught(doc_id: str, old: str, new: str, caught: str) -> None:
    doc, translation = pair("ms", doc_id)
    broken = translation.model_copy(update={"answer": changed(translation.answer, old, new)})
    found = differences(doc, broken)
    assert found and any(caught in f for f in found), found


ENGLISH_MUTATIONS = [
    ("request-refund", "up to 6 hours", "up to 12 hours", "numbers"),
    ("track-order-status", "Refunding -", "Refunded -", "website labels"),
    ("marked-delivered-not-received", 'Step 2: Click on the "Request Refund"', "Click", "steps"),
    ("not-received-refund", "(3 days)", "(4 days)", "numbers"),
]


@pytest.mark.parametrize(("doc_id", "old", "new", "caught"), ENGLISH_MUTATIONS)
def test_a_changed_english_answer_is_caught(doc_id: str, old: str, new: str, caught: str) -> None:
    doc, translation = pair("ms", doc_id)
    broken = doc.model_copy(update={"answer": changed(doc.answer, old, new)})
    found = differences(broken, translation)
    assert found and any(caught in f for f in found), found


def test_a_changed_title_label_is_caught() -> None:
    doc, translation = pair("ms", "confirmed-received")
    broken = translation.model_copy(
        update={"title": changed(translation.title, '"Confirmed received"', '"Sah Diterima"')}
    )
    assert any("title" in f for f in differences(doc, broken))


def test_an_english_sentence_left_in_a_translation_is_caught() -> None:
    doc, translation = pair("ms", "payment-time-limit")
    left = translation.answer + " " + doc.answer.split(". ")[2]
    assert untranslated(left) != []
