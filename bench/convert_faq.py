"""Convert the marketplace help-center FAQ text export into one document per entry."""

from __future__ import annotations

import argparse
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
    return [(title, whole_sentences(" ".join(lines))) for title, lines in entries]


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
        )
        path = old_path or args.out_dir / f"{doc.id}.md"
        path.write_text(render_document(doc), encoding="utf-8")
        print(f"wrote {path.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
