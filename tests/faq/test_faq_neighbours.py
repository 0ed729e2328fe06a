"""The nearest examples' vote (pure: a made-up embedding in place of the sentence model)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.domain.faq_neighbours import DECLINE, REMEMBERED, Neighbours


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


# Three directions: "refund" messages, "cancel" messages, and ones nobody could answer.
AXES = {"refund": _unit(1, 0, 0), "cancel": _unit(0, 1, 0), "fees": _unit(0, 0, 1)}


class Embed:
    """Each word points along its axis; a text is the sum, made unit. Counts the calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> np.ndarray:
        self.calls += 1
        v = sum((AXES[w] for w in text.split() if w in AXES), np.zeros(3, np.float32))
        norm = np.linalg.norm(v)
        return (v / norm if norm else v).astype(np.float32)


def _neighbours(embed: Embed, nearest: int = 3) -> Neighbours:
    examples = [
        ("refund", "request-refund"),
        ("refund refund cancel", "request-refund"),
        ("refund", "request-refund"),
        ("cancel", "cancel-paid-order"),
        ("cancel cancel refund", "cancel-paid-order"),
        ("fees", DECLINE),
        ("fees fees cancel", DECLINE),
    ]
    vectors = np.stack([embed(t) for t, _ in examples])
    embed.calls = 0
    return Neighbours(embed, vectors, [label for _, label in examples], nearest=nearest)


def test_the_nearest_examples_vote_by_similarity() -> None:
    vote = _neighbours(Embed()).vote("refund")
    # The two pure "refund" examples (1.0 each) and "refund refund cancel" (0.89).
    assert set(vote.shares) == {"request-refund"}
    assert vote.share("request-refund") == pytest.approx(1.0)
    assert vote.decline == 0.0


def test_a_mixed_message_splits_the_vote() -> None:
    vote = _neighbours(Embed(), nearest=4).vote("cancel fees")
    assert vote.share(DECLINE) > 0.4 and vote.share("cancel-paid-order") > 0.2
    assert sum(vote.shares.values()) == pytest.approx(1.0)


def test_a_message_like_no_example_gets_an_empty_vote() -> None:
    vote = _neighbours(Embed()).vote("hello there")
    assert vote.shares == {} and vote.decline == 0.0


def test_a_message_asked_again_is_not_embedded_again() -> None:
    embed = Embed()
    neighbours = _neighbours(embed)
    first = neighbours.vote("refund")
    assert neighbours.vote("refund") == first and embed.calls == 1
    for n in range(REMEMBERED):
        neighbours.vote(f"cancel {n}")
    neighbours.vote("refund")  # forgotten by now
    assert embed.calls == REMEMBERED + 2


def test_examples_must_match_their_labels() -> None:
    with pytest.raises(ValueError, match="2 vectors for 1 labels"):
        Neighbours(Embed(), np.zeros((2, 3), np.float32), ["a"])
    with pytest.raises(ValueError, match="no examples"):
        Neighbours(Embed(), np.zeros((0, 3), np.float32), [])
