"""Loading help-center documents and the lexicon, shipped and from an operator folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.faq import FaqDocument
from bot.help_center import DocumentError, load_documents, load_index, load_lexicon
from bot.help_center.loader import parse_document, parse_lexicon, render_document

CONFIRMED_RECEIVED = 'When should I click "Confirmed received"?'
MARKED_DELIVERED = "I haven't received my paid order, but seller marked it as delivered"


def write_doc(folder: Path, name: str, doc_id: str, title: str, answer: str = "An answer.") -> Path:
    """Write one document file in the shipped format."""
    path = folder / name
    path.write_text(f"---\nid: {doc_id}\ntitle: {title}\n---\n{answer}\n", encoding="utf-8")
    return path


def test_shipped_documents_cover_every_help_center_entry() -> None:
    docs = load_documents()
    assert len(docs) == 15
    assert len({d.id for d in docs}) == len({d.title for d in docs}) == 15
    titles = {d.title for d in docs}
    assert CONFIRMED_RECEIVED in titles
    assert MARKED_DELIVERED in titles
    assert "How to partially refund an order?" in titles


def test_answers_cut_off_in_the_source_end_at_a_whole_sentence() -> None:
    by_title = {d.title: d.answer for d in load_documents()}
    assert by_title[MARKED_DELIVERED].endswith("automatically refund the order to the buyer.")
    for answer in by_title.values():
        assert answer.rstrip().endswith((".", "?", "!")), answer[-40:]


def test_document_round_trips_through_the_file_format() -> None:
    doc = FaqDocument(
        id="x", title='Say "hi"?', answer="Yes.\nTwo lines.", phrasings=("a b",), keywords=("k",)
    )
    assert parse_document(render_document(doc), source="x.md") == doc
    about = doc.model_copy(update={"about_order": True})
    assert "about: order" in render_document(about)
    assert parse_document(render_document(about), source="x.md") == about


def test_the_entries_about_an_order_say_so_in_their_header() -> None:
    """The chat follows these answers with the asker's order: the document decides, not code."""
    about = {d.id for d in load_documents() if d.about_order}
    assert about == {
        "marked-delivered-not-received",
        "not-received-refund",
        "paid-status-unpaid",
        "paid-status-delayed",
        "paid-what-next",
        "cancel-paid-order",
        "cancel-unpaid-order",
        "confirmed-received",
        "not-as-described",
        "request-refund",
        "partial-refund",
        "payment-time-limit",
        "track-order-status",
        "order-details",
    }


def test_operator_document_overrides_a_shipped_one_by_id(tmp_path: Path) -> None:
    write_doc(tmp_path, "mine.md", "partial-refund", "How to partially refund an order?", "New.")
    docs = load_documents(tmp_path)
    assert len(docs) == 15
    assert [d.answer for d in docs if d.id == "partial-refund"] == ["New."]


def test_operator_document_overrides_a_shipped_one_by_title(tmp_path: Path) -> None:
    write_doc(tmp_path, "mine.md", "my-own-id", CONFIRMED_RECEIVED, "Only when happy.")
    docs = load_documents(tmp_path)
    assert [d.answer for d in docs if d.title == CONFIRMED_RECEIVED] == ["Only when happy."]


def test_operator_document_is_added_and_answerable(tmp_path: Path) -> None:
    path = tmp_path / "seller.md"
    path.write_text(
        "---\nid: become-seller\ntitle: How do I open a shop?\nphrasings:\n"
        "  - how to open my own shop\n---\nApply from your profile page.\n",
        encoding="utf-8",
    )
    index = load_index(tmp_path)
    assert len(index.documents) == 16
    answer = index.ask("how do i open a shop")
    assert answer.answered
    assert answer.document is not None and answer.document.id == "become-seller"


def test_missing_operator_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="does not exist"):
        load_documents(tmp_path / "nope")


def test_empty_operator_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"no \.md documents"):
        load_documents(tmp_path)


def test_duplicate_titles_name_both_files(tmp_path: Path) -> None:
    write_doc(tmp_path, "a.md", "one", "Same title?")
    write_doc(tmp_path, "b.md", "two", "Same title?")
    with pytest.raises(DocumentError, match=r"b\.md: duplicate title .* also in a\.md"):
        load_documents(tmp_path)


def test_duplicate_ids_are_an_error(tmp_path: Path) -> None:
    write_doc(tmp_path, "a.md", "same", "First?")
    write_doc(tmp_path, "b.md", "same", "Second?")
    with pytest.raises(DocumentError, match="duplicate id"):
        load_documents(tmp_path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id: x\ntitle: T\n---\nA.", "must start with a '---' header"),
        ("---\nid: x\ntitle: T\nA.", "not closed"),
        ("---\nid: x\ntitle T\n---\nA.", "expected 'field: value'"),
        ("---\nid: x\ncolour: blue\ntitle: T\n---\nA.", "expected 'field: value'"),
        ("---\nid: x\n---\nA.", "no title"),
        ("---\nid: x\ntitle:   \n---\nA.", "no title"),
        ("---\ntitle: T\n---\nA.", "no id"),
        ("---\nid: x\ntitle: T\n---\n  \n", "answer is empty"),
        ("---\nid: x\nid: y\ntitle: T\n---\nA.", "given twice"),
        ("---\nid: x\n  - stray\ntitle: T\n---\nA.", "list item outside a list field"),
        ("---\nid: x\ntitle: T\nphrasings: one\n---\nA.", "takes '- item' lines"),
        ("---\nid: x\ntitle: T\nabout: orders\n---\nA.", "about must be one of order, general"),
    ],
)
def test_malformed_document_names_file_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "broken.md").write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"broken\.md") as caught:
        load_documents(tmp_path)
    assert problem in str(caught.value)


def test_operator_lexicon_extends_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "lexicon.txt").write_text("[concepts]\nrefund = duit kembali\n", encoding="utf-8")
    assert "duit kembali" in load_lexicon(tmp_path).concepts["refund"]
    assert len(load_documents(tmp_path)) == 15  # a lexicon alone is a valid operator folder


def test_an_operator_lexicon_adds_words_left_uncorrected(tmp_path: Path) -> None:
    (tmp_path / "lexicon.txt").write_text("[words]\nkampung, surau\n", encoding="utf-8")
    words = load_lexicon(tmp_path).words
    assert {"kampung", "surau", "found", "sister"} <= words


def test_an_operator_lexicon_listing_thanks_as_plain_small_talk_still_loads(
    tmp_path: Path,
) -> None:
    (tmp_path / "lexicon.txt").write_text("[smalltalk]\nthanks, cheers mate\n", encoding="utf-8")
    index = load_index(tmp_path)
    assert index.ask("thanks").thanks
    cheers = index.ask("cheers mate")
    assert cheers.small_talk and not cheers.thanks


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[colours]\nred\n", "unknown section"),
        ("refund = money back\n", "before any [section]"),
        ("[concepts]\nrefund money back\n", "expected 'name = variant"),
        ("[concepts]\n    continued\n", "continuation line"),
        ("[negated]\npay = unpaid, other\n", "exactly one concept"),
    ],
)
def test_malformed_lexicon_is_an_error(text: str, problem: str) -> None:
    with pytest.raises(DocumentError, match=r"lex\.txt") as caught:
        parse_lexicon(text, source="lex.txt")
    assert problem in str(caught.value)


def test_lexicon_variant_claimed_by_two_concepts_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "lexicon.txt").write_text("[concepts]\nbogus = refund\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="'refund' is listed under both"):
        load_index(tmp_path)


@pytest.mark.parametrize(
    ("doc_id", "title", "answer", "problem"),
    [
        ("x" * 33, "T", "A.", "must be 1 to 32 letters"),
        ("refund|pay", "T", "A.", "must be 1 to 32 letters"),
        ("refund policy", "T", "A.", "must be 1 to 32 letters"),
        ("bayaran-é", "T", "A.", "must be 1 to 32 letters"),
        ("topics", "T", "A.", "reserved"),
        ("none", "T", "A.", "reserved"),
        ("ok", "T" * 201, "A.", "title is longer than 200"),
        ("ok", "T", "word " * 800, "at most 3600 fit in one message"),
        ("ok", "T", "😀" * 1801, "at most 3600 fit in one message"),  # 3,602 UTF-16 units
    ],
)
def test_a_document_the_bot_could_not_serve_is_refused_at_load(
    tmp_path: Path, doc_id: str, title: str, answer: str, problem: str
) -> None:
    write_doc(tmp_path, "bad.md", doc_id, title, answer)
    with pytest.raises(DocumentError, match=r"bad\.md") as caught:
        load_documents(tmp_path)
    assert problem in str(caught.value)


def test_every_loadable_id_fits_every_help_center_button(tmp_path: Path) -> None:
    from handlers.views.callback_data import Act, FaqReply, FaqTap, unpack

    longest = "a-" * 16
    write_doc(tmp_path, "long.md", longest, "A long id")
    for doc in load_documents(tmp_path):
        taps = [FaqTap(doc.id)]
        taps += [
            FaqReply(act, doc.id, 10**16 - 1) for act in (Act.FAQ_YES, Act.FAQ_NO, Act.SUPPORT)
        ]
        for tap in taps:
            assert unpack(tap.pack()) == tap
