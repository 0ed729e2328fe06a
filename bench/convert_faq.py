"""Convert the marketplace help-center FAQ text export into one document per entry."""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from pathlib import Path

from bot.domain.faq import FaqDocument
from bot.help_center.loader import parse_document, render_document

_BULLET = "•"
# A sentence ends at . ! or ? (optionally closed by a quote or bracket) followed by a space.
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?(?=\s|$)")


def whole_sentences(text: str) -> str:
    """Cut text cut off mid-sentence back to its last whole sentence."""
    text = text.strip()
    ends = list(_SENTENCE_END.finditer(text))
    if ends and ends[-1].end() == len(text):
        return text
    if not ends:
        raise ValueError(f"no whole sentence in answer: {text[:60]!r}")
    return text[: ends[-1].end()].strip()


# Sentences the export ran together ("available to you.Automatic", "Hours:To", "refund:1.",
# "menu. [click here]3."): a sentence end or colon after a letter, quote or bracket, right
# before a capital, digit or bracket, gets its space back. Decimals ("1.5") and times
# ("09:00") are untouched: a digit comes before their point.
_RUN_TOGETHER = re.compile(r"(?<=[A-Za-z\"”’)\]])([.!?:])(?=[A-Z0-9\[(])")
_AFTER_BRACKET = re.compile(r"\](?=[A-Za-z0-9])")
_SPACES = re.compile(r"[\s\u00a0\u200b\u202f]+")
# Where one sentence (or a colon's lead-in) ends and the next starts: after . ! ? or : that
# follow a letter, quote or bracket (not a digit: "Step 1:", "3. Locate"), and before a
# numbered item that follows a closing bracket ("[click here] 3. Locate").
_BREAK = re.compile(r"(?<=[A-Za-z\"”’)\]][.!?:])[\"”’)\]]? |(?<=\]) (?=\d+\. [A-Z])")
# A list item: a step, a numbered or lettered item, or a term being defined ("Waiting
# Delivery - Orders that…").
_ITEM = re.compile(r"Step \d+:|\d+\. [A-Z]|\([a-z]\) [A-Z]|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2} - ")
# A label is a short name and a colon heading the text after it ("Notes:", "REMINDER:").
_LABEL_WORDS = 5


def _pieces(text: str) -> list[str]:
    """The text's sentences and colon lead-ins, with breaks inside brackets ignored."""
    text = _AFTER_BRACKET.sub("] ", _RUN_TOGETHER.sub(r"\1 ", _SPACES.sub(" ", text).strip()))
    pieces: list[str] = []
    start = 0
    for match in _BREAK.finditer(text):
        before = text[start : match.end()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue  # "(eg: KXXXXXXX)": still inside the bracket
        pieces.append(before.strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _kind(piece: str, last: bool) -> str:
    """What a piece opens: a list item, a label, a lead-in to what follows, or prose."""
    if _ITEM.match(piece):
        return "item"
    if piece.endswith(":") and len(piece.split()) <= _LABEL_WORDS and not last:
        return "label"
    if piece.endswith((":", "?")) and not last:
        return "lead"
    return "prose"


def layout(text: str) -> str:
    """Lay an answer out as the help center shows it: paragraphs, steps and list items.

    The export flattens every answer into one line. The blocks come back from what the
    text itself marks: a step or numbered item starts a line, and the items of one list
    stay together line by line; a label ("Notes:") starts a paragraph with its text; a
    question or a lead-in ending in a colon starts a paragraph, with what it introduces on
    the next line. Words are never changed, only the spaces between them.
    """
    pieces = _pieces(text)
    kinds = [_kind(piece, last=n == len(pieces) - 1) for n, piece in enumerate(pieces)]
    blocks: list[tuple[str, str]] = []
    for n, (piece, kind) in enumerate(zip(pieces, kinds, strict=True)):
        if kind == "label" and kinds[n + 1] == "item":
            kind = "lead"  # "Statuses:" over a list introduces it
        if blocks and kind == "prose" and blocks[-1][0] in ("item", "label", "prose"):
            blocks[-1] = (blocks[-1][0], f"{blocks[-1][1]} {piece}")
        else:
            blocks.append((kind, piece))
    out = blocks[0][1] if blocks else ""
    for (previous, _), (kind, block) in itertools.pairwise(blocks):
        together = previous == "lead" or (previous == kind == "item")
        out += ("\n" if together else "\n\n") + block
    return out


def slugify(title: str, max_words: int = 8) -> str:
    """Make a short stable id from a title."""
    words = re.findall(r"[a-z0-9]+", title.lower().replace("'", ""))
    return "-".join(words[:max_words])


def parse_source(text: str) -> list[tuple[str, str]]:
    """Split the export into (title, answer) pairs: a bullet line, then its answer lines."""
    entries: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(_BULLET):
            entries.append((stripped.removeprefix(_BULLET).strip(), []))
        elif stripped and entries:
            entries[-1][1].append(stripped)
    return [(title, layout(whole_sentences(" ".join(lines)))) for title, lines in entries]


def main(argv: list[str] | None = None) -> int:
    """Write OUT_DIR/<id>.md per entry, keeping authored fields of existing files."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path, help="the FAQ text export")
    parser.add_argument("out_dir", type=Path, help="folder of .md documents to write")
    args = parser.parse_args(argv)
    existing: dict[str, tuple[Path, FaqDocument]] = {}
    for path in sorted(args.out_dir.glob("*.md")):
        doc = parse_document(path.read_text(encoding="utf-8"), source=path.name)
        existing[doc.title] = (path, doc)
    for title, answer in parse_source(args.source.read_text(encoding="utf-8")):
        old_path, old = existing.get(title, (None, None))
        doc = FaqDocument(
            id=old.id if old else slugify(title),
            title=title,
            answer=answer,
            phrasings=old.phrasings if old else (),
            keywords=old.keywords if old else (),
            about_order=old.about_order if old else False,
            answers=old.answers if old else (),
            not_for=old.not_for if old else (),
        )
        path = old_path or args.out_dir / f"{doc.id}.md"
        path.write_text(render_document(doc), encoding="utf-8")
        print(f"wrote {path.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
