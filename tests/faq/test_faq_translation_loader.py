"""Loading translated help-center documents: shipped, from an operator folder, and a language
added as nothing but a folder of documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import bot.help_center
from bot.help_center import (
    DocumentError,
    available_languages,
    load_documents,
    load_index,
    load_translations,
    loader,
)
from bot.help_center.loader import parse_translation

PACKAGE = Path(bot.help_center.__file__).parent


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def translation(doc_id: str, title: str, answer: str) -> str:
    return f"---\nid: {doc_id}\ntitle: {title}\n---\n{answer}\n"


def fake_language(folder: Path, code: str) -> None:
    """A whole language: every English document, titled in it, its answer kept as is (a
    copy keeps every number, label and step, which is all the loader can check)."""
    for doc in load_documents():
        write(
            folder / code, f"{doc.id}.md", translation(doc.id, f"[{code}] {doc.title}", doc.answer)
        )


def test_malay_loads_every_document_in_the_documents_order() -> None:
    malay = load_translations("ms")
    assert list(malay) == [d.id for d in load_documents()]
    assert {t.language for t in malay.values()} == {"ms"}
    assert malay["partial-refund"].answer.startswith('Langkah 1: Pergi ke "My Orders"')


def test_a_translation_header_has_only_id_and_title() -> None:
    text = (
        "---\nid: partial-refund\ntitle: Separa?\nphrasings:\n  - refund separuh\n---\nJawapan.\n"
    )
    with pytest.raises(DocumentError, match=r"ms/x\.md:4: 'phrasings' is not a field here"):
        parse_translation(text, source="ms/x.md", language="ms")
    with pytest.raises(DocumentError, match="header has no title"):
        parse_translation("---\nid: a\n---\nJawapan.\n", source="ms/x.md", language="ms")


def test_a_language_is_named_by_its_code_and_english_is_not_a_translation() -> None:
    with pytest.raises(DocumentError, match="not a language"):
        load_translations("en")
    with pytest.raises(DocumentError, match="not a language"):
        load_translations("../ms")
    with pytest.raises(DocumentError, match="no help-center documents in this language"):
        load_translations("fr")


def test_an_operator_translation_replaces_the_shipped_one(tmp_path: Path) -> None:
    shipped = load_translations("ms")["partial-refund"]
    write(
        tmp_path / "ms",
        "separa.md",
        translation("partial-refund", "Bayaran balik separa", shipped.answer),
    )
    assert load_documents(tmp_path) == load_documents()  # a folder of translations only is fine
    assert load_translations("ms", tmp_path)["partial-refund"].title == "Bayaran balik separa"


def test_a_translation_of_no_english_document_names_its_file(tmp_path: Path) -> None:
    write(tmp_path / "ms", "tiada.md", translation("no-such-entry", "Tiada?", "Jawapan."))
    with pytest.raises(DocumentError, match=r"ms/tiada\.md: id 'no-such-entry' matches no English"):
        load_translations("ms", tmp_path)


def test_an_operator_document_without_its_translation_names_the_missing_file(
    tmp_path: Path,
) -> None:
    write(tmp_path, "seller.md", "---\nid: become-seller\ntitle: How do I sell?\n---\nApply.\n")
    expected = str(tmp_path / "ms" / "become-seller.md")
    with pytest.raises(DocumentError, match=rf"{expected}: missing, the ms translation"):
        load_translations("ms", tmp_path)
    write(tmp_path / "ms", "seller.md", translation("become-seller", "Cara menjual?", "Mohon."))
    assert load_translations("ms", tmp_path)["become-seller"].answer == "Mohon."


def test_replacing_an_english_document_needs_its_translation_replaced_too(tmp_path: Path) -> None:
    """The shipped translation says what the shipped English said, not the operator's text."""
    write(
        tmp_path,
        "partial.md",
        "---\nid: partial-refund\ntitle: Partial refunds?\n---\n"
        'Select "Request Refund" within 2 hours.\n',
    )
    with pytest.raises(DocumentError, match=r"ms/partial-refund\.md: missing"):
        load_translations("ms", tmp_path)
    write(
        tmp_path / "ms",
        "partial.md",
        translation("partial-refund", "Separa?", 'Pilih "Request Refund" dalam masa 2 jam.'),
    )
    assert load_translations("ms", tmp_path)["partial-refund"].title == "Separa?"


def test_an_unfaithful_translation_is_refused_at_load_with_what_differs(tmp_path: Path) -> None:
    shipped = load_translations("ms")["request-refund"]
    write(
        tmp_path / "ms",
        "request-refund.md",
        translation("request-refund", shipped.title, shipped.answer.replace("6 jam", "12 jam")),
    )
    with pytest.raises(
        DocumentError,
        match=r"request-refund\.md: not faithful to the English 'request-refund': "
        r"numbers: ms lacks 6; ms adds 12",
    ):
        load_translations("ms", tmp_path)


def test_two_translations_with_one_title_are_refused(tmp_path: Path) -> None:
    malay = load_translations("ms")
    for doc_id in ("partial-refund", "payment-failed"):
        write(tmp_path / "ms", f"{doc_id}.md", translation(doc_id, "Sama", malay[doc_id].answer))
    with pytest.raises(DocumentError, match=r"duplicate title 'Sama'"):
        load_translations("ms", tmp_path)


def test_a_folder_named_en_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "en", "x.md", translation("x", "X", "Y."))
    with pytest.raises(DocumentError, match="English documents go in the folder itself"):
        available_languages(tmp_path)


def test_a_third_language_in_an_operator_folder_is_only_its_documents(tmp_path: Path) -> None:
    fake_language(tmp_path, "xx")
    assert available_languages(tmp_path) == ("ms", "xx")
    fake = load_translations("xx", tmp_path)
    assert len(fake) == 15
    assert fake["order-details"].title == "[xx] How do I check my order details?"
    # One missing document is enough to refuse the language.
    (tmp_path / "xx" / "payment-failed.md").unlink()
    expected = str(tmp_path / "xx" / "payment-failed.md")
    with pytest.raises(DocumentError, match=rf"{expected}: missing"):
        load_translations("xx", tmp_path)


def test_a_third_language_shipped_is_only_a_folder_of_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of the shipped help center with one more folder: no code names the language."""
    package = tmp_path / "help_center"
    shutil.copytree(PACKAGE / "docs", package / "docs")
    shutil.copy(PACKAGE / "lexicon.txt", package / "lexicon.txt")
    fake_language(package / "docs", "xx-yy")
    monkeypatch.setattr(loader, "_shipped", lambda: package)
    assert available_languages() == ("ms", "xx-yy")
    assert len(load_translations("xx-yy")) == len(load_translations("ms")) == 15
    # The English documents and the index are untouched by the folders beside them.
    assert len(load_index().documents) == 15


def test_the_shipped_translations_are_checked_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "help_center"
    shutil.copytree(PACKAGE / "docs", package / "docs")
    monkeypatch.setattr(loader, "_shipped", lambda: package)
    (package / "docs" / "ms" / "payment-failed.md").unlink()
    with pytest.raises(DocumentError, match=r"^ms/payment-failed\.md: missing, the ms translation"):
        load_translations("ms")
    shutil.copy(PACKAGE / "docs" / "ms" / "payment-failed.md", package / "docs" / "ms")
    write(package / "docs" / "ms", "extra.md", translation("extra", "Lebih?", "Jawapan."))
    with pytest.raises(DocumentError, match=r"^ms/extra\.md: id 'extra' matches no English"):
        load_translations("ms")
