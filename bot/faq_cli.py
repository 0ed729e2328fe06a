"""The ``kchat faq`` command: answer questions from the help-center documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot.config import Settings, settings_error
from bot.domain.faq import FaqAnswer, FaqIndex
from bot.help_center import DocumentError, load_index

READ_STDIN = "-"
NO_ANSWER = (
    "Sorry, I don't have a confident answer to that. "
    "Please contact KALEOZ Support via LiveChat and they will help you."
)


def add_faq_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``faq [--json] QUESTION`` on the kchat command line."""
    parser = subparsers.add_parser(
        "faq",
        help="answer a question from the help-center documents",
        description="Answer a question from the help-center documents. "
        "Operator documents: $KCHAT_FAQ_DIR; threshold: $KCHAT_FAQ_MIN_SCORE.",
    )
    parser.add_argument(
        "question", help=f"the question, or {READ_STDIN!r} to read one question a line from stdin"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per question")
    parser.set_defaults(func=run_faq)


def answer_json(answer: FaqAnswer) -> str:
    """The stable one-line JSON form: answered, title, score, answer."""
    doc = answer.document if answer.answered else None
    return json.dumps(
        {
            "answered": answer.answered,
            "title": doc.title if doc else None,
            "score": answer.score,
            "answer": doc.answer if doc else None,
        }
    )


def answer_text(answer: FaqAnswer) -> str:
    """A friendly reply: the answer and related entries, or a pointer to support."""
    lines: list[str] = []
    if answer.answered and answer.document is not None:
        if answer.needs_confirmation:
            lines.append("I think this is what you are asking about:")
        lines += [answer.document.title, "", answer.document.answer]
        heading = "Did you mean:" if answer.needs_confirmation else "Related questions:"
    else:
        lines.append(NO_ANSWER)
        heading = "These might help:"
    if answer.alternatives:
        lines += ["", heading]
        lines += [f"  - {alt.document.title}" for alt in answer.alternatives]
    return "\n".join(lines)


def _answer_stream(index: FaqIndex, source: TextIO, out: TextIO, as_json: bool) -> None:
    """Answer one question per input line, in order, flushing each reply."""
    for line in source:
        answer = index.ask(line.rstrip("\r\n"))
        out.write((answer_json(answer) if as_json else answer_text(answer) + "\n") + "\n")
        out.flush()


def run_faq(args: argparse.Namespace) -> int:
    """Run ``kchat faq``: 0 when it answered or declined, 2 on a document or setting error."""
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"kchat faq: {settings_error(exc)}", file=sys.stderr)
        return 2
    try:
        docs_dir = Path(settings.faq_dir) if settings.faq_dir else None
        index = load_index(
            docs_dir, min_score=settings.faq_min_score, model=settings.help_center_model
        )
    except DocumentError as exc:
        print(f"kchat faq: {exc}", file=sys.stderr)
        return 2
    if args.question == READ_STDIN:
        _answer_stream(index, sys.stdin, sys.stdout, args.json)
        return 0
    answer = index.ask(args.question)
    print(answer_json(answer) if args.json else answer_text(answer))
    return 0
