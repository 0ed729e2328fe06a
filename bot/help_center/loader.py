"""Load help-center documents, their translations and the matching lexicon, shipped with the
bot or an operator's."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from bot.domain.faq import FaqDocument, FaqIndex, Lexicon
from bot.domain.faq_translation import FaqTranslation, Shelf, differences
from bot.domain.languages import LANGUAGE_CODE, SOURCE_LANGUAGE

log = logging.getLogger(__name__)

LEXICON_FILE = "lexicon.txt"
DOCUMENT_SUFFIX = ".md"
_FENCE = "---"
_TEXT_FIELDS = ("id", "title", "about")
_REQUIRED = ("id", "title")
# `about: order`: the entry concerns one of the asker's orders; `general` (the default): not.
_ABOUT = ("order", "general")
_LIST_FIELDS = ("phrasings", "keywords", "answers", "not_for")
# A translation's header: the id of the English document it translates, and its own title.
_TRANSLATION_FIELDS = ("id", "title")


class DocumentError(ValueError):
    """A help-center document or lexicon file is missing, empty or malformed."""


def _shipped() -> Traversable:
    """The package folder holding the shipped documents and lexicon."""
    return files(__package__ or "bot.help_center")


def _parse(
    text: str, *, source: str, allowed: tuple[str, ...], hint: str = ""
) -> tuple[dict[str, str | list[str]], str]:
    """Split a document into its ``---`` fenced header fields and its answer."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != _FENCE:
        raise DocumentError(f"{source}: must start with a '---' header line")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == _FENCE)
    except StopIteration:
        raise DocumentError(f"{source}: header is not closed by a '---' line") from None
    fields: dict[str, str | list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(lines[1:end], 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.lstrip().startswith("- "):
            if current is None:
                raise DocumentError(f"{source}:{number}: list item outside a list field")
            current.append(line.lstrip()[2:].strip())
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if sep and key in _TEXT_FIELDS + _LIST_FIELDS and key not in allowed:
            raise DocumentError(f"{source}:{number}: {key!r} is not a field here{hint}")
        if not sep or key not in allowed:
            raise DocumentError(f"{source}:{number}: expected 'field: value', got {line!r}")
        if key in fields:
            raise DocumentError(f"{source}:{number}: field {key!r} given twice")
        if key in _LIST_FIELDS:
            if value:
                raise DocumentError(f"{source}:{number}: {key} takes '- item' lines below it")
            current = []
            fields[key] = current
        else:
            current = None
            fields[key] = value
    for key in _REQUIRED:
        if not fields.get(key):
            raise DocumentError(f"{source}: header has no {key}")
    answer = "\n".join(lines[end + 1 :]).strip()
    if not answer:
        raise DocumentError(f"{source}: answer is empty")
    return fields, answer


def parse_document(text: str, *, source: str) -> FaqDocument:
    """Parse one document: a ``---`` fenced header of fields, then the answer."""
    fields, answer = _parse(text, source=source, allowed=_TEXT_FIELDS + _LIST_FIELDS)
    about = fields.get("about", "general")
    if about not in _ABOUT:
        raise DocumentError(f"{source}: about must be one of {', '.join(_ABOUT)}, not {about!r}")
    try:
        return FaqDocument(
            id=str(fields["id"]),
            title=str(fields["title"]),
            answer=answer,
            phrasings=tuple(p for p in fields.get("phrasings", ()) if p),
            keywords=tuple(k for k in fields.get("keywords", ()) if k),
            about_order=about == "order",
            answers=tuple(a for a in fields.get("answers", ()) if a),
            not_for=tuple(n for n in fields.get("not_for", ()) if n),
        )
    except ValidationError as exc:
        raise DocumentError(f"{source}: {exc.errors()[0]['msg']}") from None


def parse_translation(text: str, *, source: str, language: str) -> FaqTranslation:
    """Parse one translated document: a header of id and title only, then the answer."""
    fields, answer = _parse(
        text,
        source=source,
        allowed=_TRANSLATION_FIELDS,
        hint=" (a translation has only id and title; matching and 'about' come from the"
        " English document)",
    )
    try:
        return FaqTranslation(
            id=str(fields["id"]), language=language, title=str(fields["title"]), answer=answer
        )
    except ValidationError as exc:
        raise DocumentError(f"{source}: {exc.errors()[0]['msg']}") from None


def render_document(doc: FaqDocument) -> str:
    """Write a document back in the file format parse_document reads."""
    lines = [_FENCE, f"id: {doc.id}", f"title: {doc.title}"]
    if doc.about_order:
        lines.append("about: order")
    for key, values in (
        ("phrasings", doc.phrasings),
        ("keywords", doc.keywords),
        ("answers", doc.answers),
        ("not_for", doc.not_for),
    ):
        if values:
            lines.append(f"{key}:")
            lines.extend(f"  - {value}" for value in values)
    lines += [_FENCE, doc.answer, ""]
    return "\n".join(lines)


def _read_folder(entries: Iterable[Traversable], where: str) -> list[FaqDocument]:
    """Parse every document in one folder, refusing duplicate ids and titles."""
    docs: list[FaqDocument] = []
    seen: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e.name):
        if not (entry.is_file() and entry.name.endswith(DOCUMENT_SUFFIX)):
            continue
        doc = parse_document(entry.read_text(encoding="utf-8"), source=entry.name)
        for key in (f"id {doc.id!r}", f"title {doc.title!r}"):
            if key in seen:
                raise DocumentError(f"{entry.name}: duplicate {key}, also in {seen[key]}")
            seen[key] = entry.name
        docs.append(doc)
    if not docs:
        raise DocumentError(f"{where}: no {DOCUMENT_SUFFIX} documents found")
    return docs


def _operator_folder(extra_dir: Path) -> Path:
    """Check that the operator folder exists."""
    if not extra_dir.is_dir():
        raise DocumentError(f"{extra_dir}: FAQ folder does not exist or is not a folder")
    return extra_dir


def load_documents(extra_dir: Path | None = None) -> list[FaqDocument]:
    """Shipped documents, plus an operator folder's: new ones, or overrides by id or title."""
    docs = _read_folder(_shipped().joinpath("docs").iterdir(), "shipped help center")
    if extra_dir is None:
        return docs
    folder = _operator_folder(extra_dir)
    has_docs = any(p.suffix == DOCUMENT_SUFFIX for p in folder.iterdir())
    if not has_docs:
        if (folder / LEXICON_FILE).is_file() or _languages(folder.iterdir(), str(folder)):
            return docs
        raise DocumentError(f"{folder}: no {DOCUMENT_SUFFIX} documents found")
    for extra in _read_folder(folder.iterdir(), str(folder)):
        matches = {n for n, d in enumerate(docs) if d.id == extra.id or d.title == extra.title}
        if len(matches) > 1:
            raise DocumentError(
                f"{extra.id}{DOCUMENT_SUFFIX}: id and title match two different shipped documents"
            )
        if matches:
            log.info("operator document %r replaces the shipped one", extra.id)
            docs[matches.pop()] = extra
        else:
            docs.append(extra)
    return docs


def _languages(entries: Iterable[Traversable], where: str) -> dict[str, Traversable]:
    """The translation folders among a folder's entries, by language code ("ms/")."""
    found: dict[str, Traversable] = {}
    for entry in entries:
        if not entry.is_dir() or not LANGUAGE_CODE.fullmatch(entry.name):
            continue
        if entry.name == SOURCE_LANGUAGE:
            raise DocumentError(
                f"{where}/{entry.name}: English documents go in the folder itself, "
                "translations in a folder named for their language"
            )
        found[entry.name] = entry
    return found


def available_languages(extra_dir: Path | None = None) -> tuple[str, ...]:
    """The languages the documents are translated into, shipped or in an operator folder."""
    languages = set(_languages(_shipped().joinpath("docs").iterdir(), "shipped help center"))
    if extra_dir is not None:
        folder = _operator_folder(extra_dir)
        languages |= set(_languages(folder.iterdir(), str(folder)))
    return tuple(sorted(languages))


def _read_translations(
    folder: Traversable, where: str, language: str
) -> list[tuple[FaqTranslation, str]]:
    """Parse every translation in one language folder, refusing duplicate ids and titles."""
    found: list[tuple[FaqTranslation, str]] = []
    seen: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not (entry.is_file() and entry.name.endswith(DOCUMENT_SUFFIX)):
            continue
        source = f"{where}/{entry.name}"
        translation = parse_translation(
            entry.read_text(encoding="utf-8"), source=source, language=language
        )
        for key in (f"id {translation.id!r}", f"title {translation.title!r}"):
            if key in seen:
                raise DocumentError(f"{source}: duplicate {key}, also in {seen[key]}")
            seen[key] = source
        found.append((translation, source))
    if not found:
        raise DocumentError(f"{where}: no {DOCUMENT_SUFFIX} documents found")
    return found


def load_translations(language: str, extra_dir: Path | None = None) -> dict[str, FaqTranslation]:
    """Every document in one language, by id, in the documents' order.

    The shipped ``docs/<language>/`` folder, then the operator folder's ``<language>/``
    (new translations, or replacements by id). Each English document must have exactly one
    translation, faithful to it (`differences`); a shipped translation of a document the
    operator replaced no longer counts: the operator's folder must translate its own.
    """
    if language == SOURCE_LANGUAGE or not LANGUAGE_CODE.fullmatch(language):
        raise DocumentError(f"{language!r}: not a language the documents are translated into")
    docs = load_documents(extra_dir)
    shipped_docs = {d.id: d for d in (load_documents() if extra_dir is not None else docs)}
    current = {d.id: d for d in docs}
    found: dict[str, tuple[FaqTranslation, str]] = {}
    shipped = _languages(_shipped().joinpath("docs").iterdir(), "shipped help center")
    if language in shipped:
        for translation, source in _read_translations(shipped[language], language, language):
            if translation.id not in shipped_docs:
                raise DocumentError(f"{source}: id {translation.id!r} matches no English document")
            if current.get(translation.id) == shipped_docs[translation.id]:
                found[translation.id] = (translation, source)
    own: Path | None = None
    if extra_dir is not None:
        own = _operator_folder(extra_dir) / language
        if own.is_dir():
            for translation, source in _read_translations(own, str(own), language):
                if translation.id not in current:
                    raise DocumentError(
                        f"{source}: id {translation.id!r} matches no English document"
                    )
                found[translation.id] = (translation, source)
    if language not in shipped and (own is None or not own.is_dir()):
        raise DocumentError(f"{language!r}: no help-center documents in this language")
    missing = [d.id for d in docs if d.id not in found]
    if missing:
        first = missing[0]
        # Where the missing file belongs: beside the shipped translations when the document
        # and the language are both shipped, else in the operator's folder.
        ships = language in shipped and shipped_docs.get(first) == current[first]
        home = language if ships or own is None else own
        raise DocumentError(
            f"{home}/{first}{DOCUMENT_SUFFIX}: missing, the {language} translation of "
            f"{first!r} ({len(missing)} missing: {', '.join(missing)})"
        )
    for doc in docs:
        translation, source = found[doc.id]
        if problems := differences(doc, translation):
            raise DocumentError(
                f"{source}: not faithful to the English {doc.id!r}: {'; '.join(problems)}"
            )
    return {doc.id: found[doc.id][0] for doc in docs}


_LIST_SECTIONS = (
    "stopwords",
    "smalltalk",
    "thanks",
    "negators",
    "trailing_negators",
    "question_tags",
    "words",
)
_MAP_SECTIONS = ("concepts", "offtopic", "negated", "combinations")


def parse_lexicon(text: str, *, source: str) -> Lexicon:
    """Parse the lexicon format: ``[section]`` headers; ``name = a, b`` or plain lists."""
    lists: dict[str, list[str]] = {s: [] for s in _LIST_SECTIONS}
    maps: dict[str, dict[str, list[str]]] = {s: {} for s in _MAP_SECTIONS}
    section = ""
    key = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        where = f"{source}:{number}"
        if line.startswith("["):
            section = line.strip().strip("[]").strip()
            if section not in _LIST_SECTIONS + _MAP_SECTIONS:
                raise DocumentError(f"{where}: unknown section [{section}]")
            key = ""
            continue
        if not section:
            raise DocumentError(f"{where}: entry before any [section]")
        if section in _LIST_SECTIONS:
            lists[section] += [w.strip() for w in line.split(",") if w.strip()]
            continue
        if line[0].isspace():  # continuation of the previous name's variants
            if not key:
                raise DocumentError(f"{where}: continuation line without a 'name = ...' above")
            values = line
        else:
            name, sep, values = line.partition("=")
            key = name.strip()
            if not sep or not key or " " in key:
                raise DocumentError(f"{where}: expected 'name = variant, variant'")
        maps[section].setdefault(key, []).extend(v.strip() for v in values.split(",") if v.strip())
    negated: dict[str, str] = {}
    for name, targets in maps["negated"].items():
        if len(targets) != 1:
            raise DocumentError(f"{source}: [negated] {name} must name exactly one concept")
        negated[name] = targets[0]
    combinations = {
        name: tuple(tuple(p.strip() for p in alt.split("+")) for alt in alternatives)
        for name, alternatives in maps["combinations"].items()
    }
    return Lexicon(
        stopwords=frozenset(lists["stopwords"]),
        smalltalk=frozenset(lists["smalltalk"]),
        thanks=frozenset(lists["thanks"]),
        negators=frozenset(lists["negators"]),
        trailing_negators=frozenset(lists["trailing_negators"]),
        question_tags=frozenset(lists["question_tags"]),
        concepts={k: tuple(v) for k, v in maps["concepts"].items()},
        offtopic={k: tuple(v) for k, v in maps["offtopic"].items()},
        negated=negated,
        combinations=combinations,
        words=frozenset(lists["words"]),
    )


def load_lexicon(extra_dir: Path | None = None) -> Lexicon:
    """The shipped lexicon, extended by an operator folder's lexicon.txt when present."""
    shipped = _shipped().joinpath(LEXICON_FILE)
    lexicon = parse_lexicon(shipped.read_text(encoding="utf-8"), source=LEXICON_FILE)
    if extra_dir is not None and (extra_dir / LEXICON_FILE).is_file():
        extra = extra_dir / LEXICON_FILE
        lexicon = lexicon.merged(
            parse_lexicon(extra.read_text(encoding="utf-8"), source=str(extra))
        )
    return lexicon


def load_index(
    extra_dir: Path | None = None, *, min_score: float | None = None, model: bool = True
) -> FaqIndex:
    """Load documents and lexicon and build the search index the chat asks; with `model`,
    the sentence model's vote on the shipped examples too (when the model is installed)."""
    docs = load_documents(extra_dir)
    lexicon = load_lexicon(extra_dir)
    neighbours = None
    if model:
        from bot.help_center.examples import EXAMPLES_FILE, load_neighbours

        shipped = _shipped().joinpath(EXAMPLES_FILE)
        neighbours = load_neighbours(shipped.read_bytes() if shipped.is_file() else None)
    try:
        return FaqIndex.build(docs, lexicon, min_score=min_score, neighbours=neighbours)
    except ValueError as exc:
        raise DocumentError(f"{LEXICON_FILE}: {exc}") from exc


def load_shelf(extra_dir: Path | None = None) -> Shelf:
    """Every translation, shipped and the operator's, for showing answers in a reader's
    language; DocumentError (naming the file) when one is missing or unfaithful."""
    languages = available_languages(extra_dir)
    return Shelf({lang: load_translations(lang, extra_dir) for lang in languages})
