"""The help center's cost on hostile input: time and memory per question, with a bound.

Usage: python -m bench.faq_adversarial [--repeat N]

Every input is at most Telegram's limit for one message (4,096 UTF-16 units): one long
word, long texts of real words, many distinct made-up tokens, a repeated token, emoji,
mixed scripts, order-id floods. Inputs with random parts are made anew for each
question, so no cache helps: every question is a first one. The baseline is an ordinary
short question, asked in the same run. The last line is one JSON object with the worst
p99 and peak memory.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import time
import tracemalloc
from collections.abc import Callable

from bot.domain.faq import FaqIndex
from bot.help_center import load_index

LIMIT = 4096  # Telegram's message length, in UTF-16 code units


def _fit(text: str) -> str:
    """Cut text to Telegram's limit, counted in UTF-16 code units."""
    out, units = [], 0
    for ch in text:
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > LIMIT:
            break
        out.append(ch)
    return "".join(out)


def inputs(rng: random.Random) -> dict[str, Callable[[], str]]:
    """The hostile inputs, each within one message; made anew (with fresh tokens) per call."""
    letters = string.ascii_lowercase
    words = [
        "refund",
        "seller",
        "paid",
        "order",
        "deliver",
        "confirm",
        "received",
        "cancel",
        "balance",
        "payment",
    ]

    def tokens(length: int) -> str:
        return " ".join("".join(rng.choices(letters, k=length)) for _ in range(LIMIT))

    fixed = {
        "short question (baseline)": "i paid but my order still shows unpaid, what now?",
        "one long word, one letter": "a" * LIMIT,
        "long word of a real word": "refund" * (LIMIT // 6),
        "repeated token": _fit("refnud " * LIMIT),
        "mixed scripts": _fit("bayar дорогой 付款 ödeme refund " * 200),
        "punctuation": _fit("!?.,;:" * LIMIT),
        "digits": _fit("1234567890" * LIMIT),
    }
    made: dict[str, Callable[[], str]] = {name: (lambda t=text: t) for name, text in fixed.items()}
    made |= {
        "one long word": lambda: "".join(rng.choices(letters, k=LIMIT)),
        "long text of real words": lambda: _fit(" ".join(rng.choices(words, k=LIMIT))),
        "distinct 5-letter tokens": lambda: _fit(tokens(5)),
        "distinct 8-letter tokens": lambda: _fit(tokens(8)),
        "distinct 12-letter tokens": lambda: _fit(tokens(12)),
        "distinct 16-letter tokens": lambda: _fit(tokens(16)),
        "typos of real words": lambda: _fit(
            " ".join(
                w[:i] + rng.choice(letters) + w[i + 1 :]
                for w in rng.choices(words, k=LIMIT)
                for i in [rng.randrange(len(w))]
            )
        ),
        "emoji": lambda: _fit("".join(chr(rng.randrange(0x1F600, 0x1F650)) for _ in range(LIMIT))),
        "order ids": lambda: _fit(
            " ".join(f"K{rng.randrange(10**6, 10**7)}" for _ in range(LIMIT))
        ),
        "links": lambda: _fit(" ".join(f"https://x.io/{rng.random()}" for _ in range(LIMIT))),
    }
    return made


def measure(index: FaqIndex, make: Callable[[], str], repeat: int) -> tuple[list[float], int]:
    """Seconds per question (a new one each time), and the peak memory of one question."""
    times = []
    for _ in range(repeat):
        text = make()
        start = time.perf_counter()
        index.ask(text)
        times.append(time.perf_counter() - start)
    text = make()
    tracemalloc.start()
    index.ask(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return times, peak


def p99(values: list[float]) -> float:
    """The 99th percentile (the maximum for fewer than 100 values)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    """Print one row per input, then the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    index = load_index()
    print(f"{'input':32} {'chars':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'peak MB':>8}")
    worst_p99 = worst_peak = worst_max = 0.0
    baseline = 0.0
    for name, make in inputs(rng).items():
        times, peak = measure(index, make, args.repeat)
        med, tail = statistics.median(times), p99(times)
        if name.endswith("(baseline)"):
            baseline = med
        else:
            worst_p99 = max(worst_p99, tail)
            worst_peak = max(worst_peak, peak)
            worst_max = max(worst_max, max(times))
        print(
            f"{name:32} {len(make()):>6} {med * 1e3:>8.2f} {tail * 1e3:>8.2f} "
            f"{max(times) * 1e3:>8.2f} {peak / 2**20:>8.2f}"
        )
    summary = {
        "worst_p99_ms": round(worst_p99 * 1e3, 3),
        "worst_max_ms": round(worst_max * 1e3, 3),
        "worst_peak_mb": round(worst_peak / 2**20, 3),
        "baseline_p50_ms": round(baseline * 1e3, 3),
        "ratio_worst_to_baseline": round(worst_p99 / baseline, 1) if baseline else None,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
