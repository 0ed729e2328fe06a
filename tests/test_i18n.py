"""The bot's own texts in other languages: the catalogues are complete, current and faithful."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

import handlers.views.i18n as i18n
from handlers.views.command_menu import COMMAND_MENU, commands
from handlers.views.i18n import catalogue_path, language_of, languages, texts

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "handlers" / "locale" / "kchat.pot"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "Words": None}

# What a translation must keep from the English text: its placeholders, its HTML, its
# commands, its order ids and the marketplace's names.
_KEPT = (
    re.compile(r"\{[a-z_]*\}"),
    re.compile(r"%\(?[a-z_]*\)?[sd]"),
    re.compile(r"</?[a-z]+>"),
    re.compile(r"/[a-z]+\b"),
    re.compile(r"\bK[0-9A-Z]{7}\b"),
    re.compile(r"\b(?:KALEOZ|KChat|LiveChat)\b"),
)


def _kept(text: str) -> list[str]:
    return sorted(found for pattern in _KEPT for found in pattern.findall(text))


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=locale)


def _key(message_id: str | tuple[str, ...]) -> str:
    """A text's key: its singular form."""
    return message_id if isinstance(message_id, str) else message_id[0]


def _in_code() -> set[str]:
    found: set[str] = set()
    for folder in ("handlers", "bot"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_template_holds_exactly_the_texts_the_code_marks() -> None:
    in_template = {_key(m.id) for m in _read(TEMPLATE) if m.id}
    in_code = _in_code()
    assert in_code - in_template == set(), "new texts: run `make messages`"
    assert in_template - in_code == set(), "texts no longer in the code: run `make messages`"


@pytest.mark.parametrize("language", languages())
def test_every_text_is_translated_and_keeps_its_placeholders_html_and_commands(
    language: str,
) -> None:
    in_template = {_key(m.id) for m in _read(TEMPLATE) if m.id}
    catalogue = _read(catalogue_path(language), language)
    entries = [m for m in catalogue if m.id]
    assert {_key(m.id) for m in entries} == in_template, "run `make messages`, then translate"
    for message in entries:
        assert not message.fuzzy, f"{language}: a guess to check: {message.id!r}"
        # A plural text has a form per count (its language's plural rule says how many).
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(forms) == catalogue.num_plurals or not message.pluralizable, message.id
        for form in forms:
            assert form.strip(), f"{language}: not translated: {message.id!r}"
            assert _kept(form) == _kept(sources[-1]), (language, message.id)


def test_malay_is_shipped_and_a_regional_telegram_setting_reads_it() -> None:
    assert "ms" in languages()
    assert language_of("ms") == "ms"
    assert language_of("ms-MY") == "ms"
    assert language_of("en") is None
    assert language_of("fr") is None
    assert language_of(None) is None


def test_english_is_the_codes_own_and_malay_comes_from_the_catalogue() -> None:
    assert texts(None).gettext("Help topics") == "Help topics"
    assert texts("en").gettext("Help topics") == "Help topics"
    assert texts("ms").gettext("Help topics") == "Topik bantuan"
    assert texts("fr").gettext("Help topics") == "Help topics"


def test_the_command_menu_is_the_same_commands_in_every_language() -> None:
    english = commands()
    malay = commands("ms")
    assert (
        [c.command for c in malay]
        == [c.command for c in english]
        == [name for name, _ in COMMAND_MENU]
    )
    assert [c.description for c in english] == [about for _, about in COMMAND_MENU]
    for en, ms in zip(english, malay, strict=True):
        assert ms.description != en.description, en.command
        assert 3 <= len(ms.description) <= 256  # Telegram's limits for a description


def test_a_third_language_is_only_a_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copy the template into a folder named for the language: the bot speaks it."""
    template = _read(TEMPLATE)
    catalogue = Catalog(locale="id", domain=i18n.DOMAIN)
    for message in template:
        if message.id == "Help topics":
            catalogue.add(message.id, "Topik bantuan (ID)")
    target = tmp_path / "id" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    target.parent.mkdir(parents=True)
    with target.open("wb") as po:
        write_po(po, catalogue)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.languages.cache_clear()
    i18n.texts.cache_clear()
    try:
        assert i18n.languages() == ("id",)
        assert i18n.texts(i18n.language_of("id")).gettext("Help topics") == "Topik bantuan (ID)"
        # A text the catalogue does not have yet is shown in English, not as nothing.
        assert i18n.texts("id").gettext("Talk to support") == "Talk to support"
    finally:
        i18n.languages.cache_clear()
        i18n.texts.cache_clear()


# Calls that hand a text to Telegram (or raise one to be shown): their text must come from
# the catalogue, never be an English literal.
_SAYING = {
    "tell",
    "reply_text",
    "answer",
    "send_message",
    "send_document",
    "edit_message_text",
    "button",
    "edit_here",
    "_answer",
    "force_reply",
    "post",
    "InvalidInput",
    "NotAllowed",
    "IllegalTransition",
}
_WORD = re.compile(r"[A-Za-z]{3,}")


def _english_words(node: ast.expr) -> list[str]:
    """The English words written into an expression as literals (a text not translated)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _WORD.findall(node.value)
    if isinstance(node, ast.JoinedStr):
        return [w for v in node.values if isinstance(v, ast.Constant) for w in _english_words(v)]
    if isinstance(node, ast.BinOp):
        return _english_words(node.left) + _english_words(node.right)
    return []


def test_every_text_the_handlers_say_comes_from_the_catalogue() -> None:
    found = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in _SAYING:
                continue
            said = [*node.args, *(k.value for k in node.keywords if k.arg in ("text", "caption"))]
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(text)[:60]}"
                for text in said
                if _english_words(text)
            ]
    assert found == [], "mark these with _() and run `make messages`"
