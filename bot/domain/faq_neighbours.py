"""What similar messages were answered with: a vote of the nearest labelled examples.

The word matcher reads what a message says; it misses what a story or a situation means
when it shares few words with any article. A sentence model places messages of the same
meaning near each other whatever their words, so the examples nearest a new message (past
questions, each labelled with the article that answers it or with "decline") vote on
what to do with it. The vote is evidence beside the words, weighed in `FaqIndex`; it
never answers alone.

Pure: finding the nearest examples is given (`bot.help_center.examples.ExampleSearch`
runs the sentence model); here they become a vote.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# Nearest examples that vote. Fewer let one odd example decide; more let the big articles
# outvote the small ones (leave-one-batch-out on the first-look batches: k = 9 best).
NEAREST = 9
# The label of an example no article answers.
DECLINE = ""
# Votes kept for messages seen last: the chat scores a message more than once (the answer,
# then its alternatives), and the sentence model is most of a question's cost.
REMEMBERED = 64

# The examples nearest a text: (label, similarity), nearest first.
Nearest = Callable[[str], Sequence[tuple[str, float]]]


@dataclass(frozen=True)
class Vote:
    """Each label's share of the nearest examples' similarity (shares sum to 1)."""

    shares: dict[str, float]

    def share(self, label: str) -> float:
        """The share of one label (an article's id, or DECLINE)."""
        return self.shares.get(label, 0.0)

    @property
    def decline(self) -> float:
        """The share of examples nobody could answer."""
        return self.share(DECLINE)


def tally(nearest: Iterable[tuple[str, float]]) -> Vote:
    """Each label's share of the similarity of the examples given (a dissimilar one,
    below zero, counts nothing)."""
    weights: dict[str, float] = {}
    for label, similarity in nearest:
        if similarity > 0:
            weights[label] = weights.get(label, 0.0) + similarity
    total = sum(weights.values())
    if total <= 0:
        return Vote({})
    return Vote({label: weight / total for label, weight in weights.items()})


class Neighbours:
    """The vote of the examples nearest a message, remembered for the last few messages."""

    def __init__(self, nearest: Nearest, labels: Iterable[str]) -> None:
        self._nearest = nearest
        self._labels = frozenset(labels)
        if not self._labels:
            raise ValueError("no examples to vote")
        self._recent: OrderedDict[str, Vote] = OrderedDict()
        # The chat asks from worker threads (the model's cost stays off the event loop).
        self._lock = threading.Lock()

    @property
    def labels(self) -> frozenset[str]:
        """Every label some example has: the articles the examples know."""
        return self._labels

    def vote(self, text: str) -> Vote:
        """How the examples nearest the text were labelled, weighted by similarity."""
        with self._lock:
            if (seen := self._recent.get(text)) is not None:
                self._recent.move_to_end(text)
                return seen
        result = tally(self._nearest(text))
        with self._lock:
            self._recent[text] = result
            if len(self._recent) > REMEMBERED:
                self._recent.popitem(last=False)
        return result
