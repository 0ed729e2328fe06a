"""Which help-center language a reader gets, and what a translated document shows them."""

from __future__ import annotations

import pytest

from bot.domain.faq_translation import Shelf
from bot.domain.languages import reader_language
from bot.help_center import load_documents, load_shelf


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ms", "ms"),
        ("MS", "ms"),
        ("ms-MY", "ms"),
        ("ms-my", "ms"),
        ("en", None),
        ("en-GB", None),
        ("id", None),  # Indonesian is close to Malay, but not what the documents are in
        ("", None),
        (None, None),
    ],
)
def test_a_reader_gets_the_translation_of_their_telegram_language(
    code: str | None, expected: str | None
) -> None:
    assert reader_language(code, ("ms",)) == expected


def test_a_regional_translation_wins_over_its_language() -> None:
    assert reader_language("pt-br", ("pt", "pt-br")) == "pt-br"
    assert reader_language("pt-pt", ("pt", "pt-br")) == "pt"


def test_the_shipped_shelf_shows_every_document_in_malay_with_the_english_matching() -> None:
    shelf = load_shelf()
    assert shelf.languages == ("ms",)
    for doc in load_documents():
        shown = shelf.shown(doc, "ms")
        assert shown.id == doc.id
        assert (shown.title, shown.answer) != (doc.title, doc.answer)
        # What the index matches on and whether it is about an order stay English.
        assert shown.phrasings == doc.phrasings and shown.keywords == doc.keywords
        assert shown.about_order == doc.about_order
        assert shelf.shown(doc, None) is doc


def test_a_document_without_a_translation_is_shown_in_english() -> None:
    doc = load_documents()[0]
    assert Shelf({}).shown(doc, "ms") is doc
    assert Shelf({"ms": {}}).shown(doc, "ms") is doc
