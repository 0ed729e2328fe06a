"""What similar messages were answered with: a vote of the nearest labelled examples.

The word matcher reads what a message says; it misses what a story or a situation means
when it shares few words with any article. A sentence model places messages of the same
meaning near each other whatever their words, so the examples nearest a new message (past
questions, each labelled with the article that answers it or with "decline") vote on
what to do with it. The vote is evidence beside the words, weighed in `FaqIndex`; it
never answers alone.

Pure: the embedding function is given (see `bot.help_center.encoder`), and the examples'
vectors come precomputed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# Nearest examples that vote. Fewer let one odd example decide; more let the big articles
# outvote the small ones (leave-one-batch-out on the first-look batches: k = 9 best).
NEAREST = 9
# The label of an example no article answers.
DECLINE = ""
# Votes kept for messages seen last: the chat scores a message more than once (the answer,
# then its alternatives), and the sentence model is most of a question's cost.
REMEMBERED = 64

Embed = Callable[[str], NDArray[np.float32]]


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


class Neighbours:
    """Labelled examples as unit vectors, and the vote of the nearest ones on a message."""

    def __init__(
        self,
        embed: Embed,
        vectors: NDArray[np.float32],
        labels: Sequence[str],
        *,
        nearest: int = NEAREST,
    ) -> None:
        if len(vectors) != len(labels):
            raise ValueError(f"{len(vectors)} vectors for {len(labels)} labels")
        if not len(labels):
            raise ValueError("no examples to vote")
        self._embed = embed
        self._vectors = np.asarray(vectors, dtype=np.float32)
        self._labels = tuple(labels)
        self._nearest = min(nearest, len(labels))
        self._recent: OrderedDict[str, Vote] = OrderedDict()
        # The chat asks from worker threads (the model's cost stays off the event loop).
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._labels)

    @property
    def labels(self) -> frozenset[str]:
        """Every label some example has."""
        return frozenset(self._labels)

    def vote(self, text: str) -> Vote:
        """How the examples nearest the text were labelled, weighted by similarity."""
        with self._lock:
            if (seen := self._recent.get(text)) is not None:
                self._recent.move_to_end(text)
                return seen
        result = self._vote(text)
        with self._lock:
            self._recent[text] = result
            if len(self._recent) > REMEMBERED:
                self._recent.popitem(last=False)
        return result

    def _vote(self, text: str) -> Vote:
        similarity = self._vectors @ self._embed(text)
        top = np.argpartition(-similarity, self._nearest - 1)[: self._nearest]
        shares: dict[str, float] = {}
        for i in top:
            weight = max(0.0, float(similarity[i]))
            shares[self._labels[i]] = shares.get(self._labels[i], 0.0) + weight
        total = sum(shares.values())
        if total <= 0:
            return Vote({})
        return Vote({label: weight / total for label, weight in shares.items()})
