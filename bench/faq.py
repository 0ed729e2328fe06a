"""Measure FAQ answering on a JSONL set, next to a plain BM25 baseline.

Usage: python -m bench.faq [SET.jsonl] [--min-score X] [--failures] [--skip-holdout]

`kchat` is the help center as the bot runs it: the words and the sentence model's vote on
the shipped examples (bot/help_center/examples.npz). `words` is the same without the model,
measured in the same run. On the tuned set and on a first-look batch's non-holdout lines the
model's figures are not a test: those lines are its examples, and each finds itself.

Each line: {"q": str, "expect": [acceptable titles] or [] when the bot must not answer,
"lang": "en|ms|manglish", "kind": str, "holdout": bool (optional)}.

Figures per kind are top-1 for kinds whose questions expect an answer and correct declines
for kinds that must not be answered. Lines marked holdout are never to be read or tuned
on: their figures are printed apart, and --skip-holdout keeps them out of --failures.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.domain.faq import FaqDocument, FaqIndex
from bot.help_center import load_documents, load_index

DEFAULT_SET = Path(__file__).with_name("faq_eval.jsonl")


@dataclass(frozen=True)
class Item:
    """One evaluation question and the titles that count as a right answer."""

    q: str
    expect: tuple[str, ...]
    lang: str
    kind: str
    holdout: bool = False


@dataclass(frozen=True)
class Outcome:
    """What a system did with one question."""

    answered: bool
    title: str | None
    top3: tuple[str, ...]
    seconds: float


def load_items(path: Path) -> list[Item]:
    """Read the JSONL evaluation set."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            items.append(
                Item(
                    row["q"],
                    tuple(row["expect"]),
                    row["lang"],
                    row["kind"],
                    bool(row.get("holdout", False)),
                )
            )
        except KeyError as exc:
            raise SystemExit(f"{path}:{number}: missing field {exc}") from None
    return items


class Bm25Baseline:
    """Plain BM25 over title + answer: no lexicon, no phrasings, no typo handling."""

    def __init__(self, docs: Sequence[FaqDocument], k1: float = 1.2, b: float = 0.75) -> None:
        self.docs = list(docs)
        self.tokens = [self._tokens(f"{d.title} {d.answer}") for d in docs]
        self.avg = sum(len(t) for t in self.tokens) / len(self.tokens)
        df = Counter(t for toks in self.tokens for t in set(toks))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.tf = [Counter(t) for t in self.tokens]
        self.k1, self.b = k1, b
        self.threshold = 0.0

    @staticmethod
    def _tokens(text: str) -> list[str]:
        """Lowercase word tokens."""
        return re.findall(r"[a-z0-9]+", text.lower())

    def scores(self, question: str) -> list[float]:
        """BM25 score of every document."""
        out = []
        for tf, toks in zip(self.tf, self.tokens, strict=True):
            norm = self.k1 * (1 - self.b + self.b * len(toks) / self.avg)
            out.append(
                sum(
                    self.idf[t] * tf[t] * (self.k1 + 1) / (tf[t] + norm)
                    for t in set(self._tokens(question))
                    if t in tf
                )
            )
        return out


Scorer = Callable[[str], tuple[bool, list[float], float]]


def run_system(items: Sequence[Item], scorer: Scorer, docs: Sequence[FaqDocument]) -> list[Outcome]:
    """Ask every question; the scorer reports how long answering took."""
    outcomes = []
    for item in items:
        answered, scores, seconds = scorer(item.q)
        ranked = sorted(range(len(docs)), key=lambda n: -scores[n])
        top3 = tuple(docs[n].title for n in ranked[:3])
        outcomes.append(Outcome(answered, top3[0] if answered else None, top3, seconds))
    return outcomes


@dataclass(frozen=True)
class Report:
    """Headline figures for one system on one set."""

    top1: float
    top3: float
    rejection: float
    false_answer: float
    p50_ms: float
    p99_ms: float
    n_in: int
    n_out: int


def summarize(items: Sequence[Item], outcomes: Sequence[Outcome]) -> Report:
    """Compute accuracy, rejection and latency figures."""
    inside = [(i, o) for i, o in zip(items, outcomes, strict=True) if i.expect]
    outside = [(i, o) for i, o in zip(items, outcomes, strict=True) if not i.expect]
    top1 = sum(o.answered and o.title in i.expect for i, o in inside)
    top3 = sum(any(t in i.expect for t in o.top3) for i, o in inside)
    rejected = sum(not o.answered for _, o in outside)
    answered = [(i, o) for i, o in zip(items, outcomes, strict=True) if o.answered]
    wrong = sum(o.title not in i.expect for i, o in answered)
    ms = sorted(o.seconds * 1000 for o in outcomes)
    return Report(
        top1=top1 / max(1, len(inside)),
        top3=top3 / max(1, len(inside)),
        rejection=rejected / max(1, len(outside)),
        false_answer=wrong / max(1, len(answered)),
        p50_ms=statistics.median(ms),
        p99_ms=ms[min(len(ms) - 1, math.ceil(0.99 * len(ms)) - 1)],
        n_in=len(inside),
        n_out=len(outside),
    )


def print_report(name: str, r: Report) -> None:
    """Print one system's headline figures."""
    print(
        f"{name:<10} top-1 {r.top1:6.1%}  top-3 {r.top3:6.1%}  rejection {r.rejection:6.1%}  "
        f"false answers {r.false_answer:6.1%}  p50 {r.p50_ms:6.2f} ms  p99 {r.p99_ms:6.2f} ms"
    )


def _right(item: Item, out: Outcome) -> bool:
    """The right answer for a question that has one, a decline for one that has none."""
    return (out.answered and out.title in item.expect) if item.expect else not out.answered


def print_breakdown(items: Sequence[Item], outcomes: Sequence[Outcome]) -> None:
    """Print accuracy by language and kind, so weak spots show."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for item, out in zip(items, outcomes, strict=True):
        ok = _right(item, out)
        groups[f"lang={item.lang}"].append(ok)
        groups[f"kind={item.kind}"].append(ok)
    for key in sorted(groups):
        hits = groups[key]
        print(f"  {key:<22} {sum(hits):3d}/{len(hits):<3d} {sum(hits) / len(hits):6.1%}")


def print_kinds(items: Sequence[Item], outcomes: Sequence[Outcome], name: str = "kchat") -> None:
    """Per kind: top-1 over its questions that expect an answer, correct declines over
    those that must not be answered (a kind may have both), split holdout / not."""
    pairs = list(zip(items, outcomes, strict=True))
    parts = [("all", pairs)]
    if any(i.holdout for i in items):
        parts += [
            ("not holdout", [(i, o) for i, o in pairs if not i.holdout]),
            ("holdout", [(i, o) for i, o in pairs if i.holdout]),
        ]
    for label, chosen in parts:
        print(f"{name} per kind ({label}):")
        for kind in sorted({i.kind for i, _ in chosen}):
            mine = [(i, o) for i, o in chosen if i.kind == kind]
            cells = []
            for metric, subset in (
                ("top-1", [(i, o) for i, o in mine if i.expect]),
                ("declines", [(i, o) for i, o in mine if not i.expect]),
            ):
                if subset:
                    hits = sum(_right(i, o) for i, o in subset)
                    cells.append(f"{metric} {hits:3d}/{len(subset):<3d} {hits / len(subset):6.1%}")
            print(f"  {kind:<14} " + "   ".join(cells))
        inside = [(i, o) for i, o in chosen if i.expect]
        outside = [(i, o) for i, o in chosen if not i.expect]
        top1 = sum(_right(i, o) for i, o in inside) / max(1, len(inside))
        declines = sum(_right(i, o) for i, o in outside) / max(1, len(outside))
        print(f"  {'(total)':<14} top-1 {top1:6.1%}   declines {declines:6.1%}")


def print_failures(
    items: Sequence[Item], outcomes: Sequence[Outcome], *, skip_holdout: bool = False
) -> None:
    """List every miss with what the system did instead (holdout lines left out on asking)."""
    for item, out in zip(items, outcomes, strict=True):
        if skip_holdout and item.holdout:
            continue
        ok = _right(item, out)
        if not ok:
            expected = " | ".join(item.expect) or "(reject)"
            print(
                f"- {item.q!r}\n    expected {expected}\n    got      {out.title or '(none)'}"
                f"  top3={list(out.top3)}"
            )


def _asking(index: FaqIndex) -> Scorer:
    """A scorer that asks the index (the time taken is the answer's, scores included)."""

    def ask(q: str) -> tuple[bool, list[float], float]:
        start = time.perf_counter()
        answered = index.ask(q).answered
        return answered, index.scores(q), time.perf_counter() - start

    return ask


def tune_baseline(items: Sequence[Item], baseline: Bm25Baseline) -> float:
    """Pick the baseline threshold that maximises top-1 plus rejection on this set."""
    cached = [baseline.scores(i.q) for i in items]
    best = (-1.0, 0.0)
    for threshold in [x / 4 for x in range(0, 61)]:
        hits = 0.0
        inside = sum(1 for i in items if i.expect)
        outside = len(items) - inside
        for item, scores in zip(items, cached, strict=True):
            top = max(range(len(scores)), key=lambda n: scores[n])
            answered = scores[top] >= threshold and scores[top] > 0
            if item.expect:
                hits += (answered and baseline.docs[top].title in item.expect) / max(1, inside)
            else:
                hits += (not answered) / max(1, outside)
        best = max(best, (hits, threshold))
    return best[1]


def main(argv: list[str] | None = None) -> int:
    """Run the FAQ benchmark and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("set", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--min-score", type=float, default=None)
    parser.add_argument("--failures", action="store_true", help="list every miss")
    parser.add_argument(
        "--skip-holdout", action="store_true", help="leave holdout lines out of --failures"
    )
    args = parser.parse_args(argv)
    items = load_items(args.set)

    start = time.perf_counter()
    index = load_index(min_score=args.min_score)
    build_ms = (time.perf_counter() - start) * 1000
    words = load_index(min_score=args.min_score, model=False)
    docs = list(index.documents)
    titles = {d.title for d in docs}
    unknown = {t for i in items for t in i.expect} - titles
    if unknown:
        print(f"warning: {len(unknown)} expected titles match no document: {sorted(unknown)}")

    baseline = Bm25Baseline(load_documents())
    baseline.threshold = tune_baseline(items, baseline)

    def plain(q: str) -> tuple[bool, list[float], float]:
        start = time.perf_counter()
        scores = baseline.scores(q)
        answered = max(scores) >= baseline.threshold and max(scores) > 0
        return answered, scores, time.perf_counter() - start

    ours_out = run_system(items, _asking(index), docs)
    base_out = run_system(items, plain, baseline.docs)
    words_out = run_system(items, _asking(words), docs)
    report = summarize(items, ours_out)
    print(f"set {args.set.name}: {report.n_in} in-scope, {report.n_out} must-not-answer")
    print(
        f"index load + build {build_ms:.0f} ms ({len(docs)} documents, threshold "
        f"{index.min_score:.3f}, sentence model {'on' if index.neighbours else 'NOT INSTALLED'})"
    )
    print_report("kchat", report)
    print_report("words", summarize(items, words_out))
    print_report("bm25", summarize(items, base_out))
    print(f"  (bm25 = title+answer only, threshold {baseline.threshold} tuned on this set)")
    print("kchat by group:")
    print_breakdown(items, ours_out)
    print_kinds(items, ours_out)
    print_kinds(items, words_out, "words")
    if args.failures:
        print("failures:")
        print_failures(items, ours_out, skip_holdout=args.skip_holdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
