"""The ``kchat faq`` command: answer questions from the help-center documents."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.domain.faq import FaqAnswer, FaqIndex
from bot.help_center import DocumentError, load_index

FAQ_DIR_ENV = "KCHAT_FAQ_DIR"
FAQ_MIN_SCORE_ENV = "KCHAT_FAQ_MIN_SCORE"
READ_STDIN = "-"
NO_ANSWER = (
    "Sorry, I don't have a confident answer to that. "
    "Please contact KALEOZ Support via LiveChat and they will help you."
)


class FaqConfigError(ValueError):
    """A FAQ setting from the environment is not usable."""


@dataclass(frozen=True)
class FaqSettings:
    """Where operator documents live and how sure an answer must be."""

    docs_dir: Path | None = None
    min_score: float | None = None


def faq_settings_from_env(environ: Mapping[str, str] = os.environ) -> FaqSettings:
    """Read the FAQ settings from the environment (the one place that does)."""
    docs_dir = environ.get(FAQ_DIR_ENV, "").strip()
    raw_score = environ.get(FAQ_MIN_SCORE_ENV, "").strip()
    min_score: float | None = None
    if raw_score:
        try:
            min_score = float(raw_score)
        except ValueError:
            raise FaqConfigError(
                f"{FAQ_MIN_SCORE_ENV} must be a number, got {raw_score!r}"
            ) from None
        if not 0.0 <= min_score <= 1.0:
            raise FaqConfigError(f"{FAQ_MIN_SCORE_ENV} must be between 0 and 1, got {raw_score}")
    return FaqSettings(docs_dir=Path(docs_dir) if docs_dir else None, min_score=min_score)


def add_faq_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``faq [--json] QUESTION`` on the kchat command line."""
    parser = subparsers.add_parser(
        "faq",
        help="answer a question from the help-center documents",
        description="Answer a question from the help-center documents. "
        f"Operator documents: ${FAQ_DIR_ENV}; threshold: ${FAQ_MIN_SCORE_ENV}.",
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
        settings = faq_settings_from_env()
        index = load_index(settings.docs_dir, min_score=settings.min_score)
    except (DocumentError, FaqConfigError) as exc:
        print(f"kchat faq: {exc}", file=sys.stderr)
        return 2
    if args.question == READ_STDIN:
        _answer_stream(index, sys.stdin, sys.stdout, args.json)
        return 0
    answer = index.ask(args.question)
    print(answer_json(answer) if args.json else answer_text(answer))
    return 0
