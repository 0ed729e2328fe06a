"""The nearest examples' vote: the pure tally and cache, and the numpy search under it (with
a made-up embedding in place of the sentence model)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.domain.faq_neighbours import DECLINE, REMEMBERED, Neighbours, tally
from bot.help_center.examples import ExampleSearch


def test_a_tally_shares_the_similarity_by_label() -> None:
    vote = tally([("refund", 0.9), ("refund", 0.6), (DECLINE, 0.5)])
    assert vote.share("refund") == pytest.approx(0.75)
    assert vote.decline == pytest.approx(0.25)
    assert vote.share("cancel") == 0.0


def test_dissimilar_examples_count_nothing() -> None:
    assert tally([("refund", 0.4), ("cancel", -0.3)]).shares == {"refund": 1.0}
    assert tally([("refund", -0.1)]).shares == {}
    assert tally([]).decline == 0.0


def test_a_message_asked_again_is_not_searched_again() -> None:
    asked: list[str] = []

    def nearest(text: str) -> list[tuple[str, float]]:
        asked.append(text)
        return [("refund", 1.0)]

    neighbours = Neighbours(nearest, ["refund", DECLINE])
    first = neighbours.vote("refund")
    assert neighbours.vote("refund") == first and asked == ["refund"]
    for n in range(REMEMBERED):
        neighbours.vote(f"cancel {n}")
    neighbours.vote("refund")  # forgotten by now
    assert len(asked) == REMEMBERED + 2
    assert neighbours.labels == {"refund", DECLINE}


def test_neighbours_need_examples() -> None:
    with pytest.raises(ValueError, match="no examples"):
        Neighbours(lambda _: [], [])


# Three directions: "refund" messages, "cancel" messages, and ones nobody could answer.
AXES = {"refund": (1.0, 0.0, 0.0), "cancel": (0.0, 1.0, 0.0), "fees": (0.0, 0.0, 1.0)}


def _embed(text: str) -> np.ndarray:
    """Each word points along its axis; a text is the sum, made unit."""
    v = np.zeros(3, np.float32)
    for word in text.split():
        v += np.array(AXES.get(word, (0.0, 0.0, 0.0)), np.float32)
    norm = np.linalg.norm(v)
    return v / norm if norm else v


EXAMPLES = [
    ("refund", "request-refund"),
    ("refund refund cancel", "request-refund"),
    ("cancel", "cancel-paid-order"),
    ("cancel cancel refund", "cancel-paid-order"),
    ("fees", DECLINE),
    ("fees fees cancel", DECLINE),
]


def _search(k: int) -> ExampleSearch:
    vectors = np.stack([_embed(text) for text, _ in EXAMPLES])
    return ExampleSearch(_embed, vectors, [label for _, label in EXAMPLES], k=k)


def test_the_search_finds_the_nearest_examples_nearest_first() -> None:
    found = _search(3)("refund")
    assert [label for label, _ in found] == ["request-refund"] * 2 + ["cancel-paid-order"]
    assert found[0][1] == pytest.approx(1.0)
    assert found[1][1] == pytest.approx(2 / 5**0.5)
    assert found[0][1] >= found[1][1] >= found[2][1]


def test_a_mixed_message_splits_the_vote() -> None:
    vote = Neighbours(_search(4), [label for _, label in EXAMPLES]).vote("cancel fees")
    assert vote.decline > 0.4 and vote.share("cancel-paid-order") > 0.2
    assert sum(vote.shares.values()) == pytest.approx(1.0)


def test_the_search_asks_no_more_than_it_has() -> None:
    assert len(_search(50)("refund")) == len(EXAMPLES)
    with pytest.raises(ValueError, match="2 vectors for 1 labels"):
        ExampleSearch(_embed, np.zeros((2, 3), np.float32), ["a"])
