"""The labelled examples the sentence model's vote comes from, stored beside the documents.

`examples.npz` holds one vector per example question (float16: half the size; over 600
messages of batches 28-33 no vote share moved by 2e-5) and its label: the id of the
article that answers it, or "" for a question no article answers. It is built from the
project's evaluation sets by `python -m bench.faq_examples` (never from a first-look
batch's holdout lines), and records which model made the vectors and a digest of the
labelled texts, so a stale file is caught (tests/faq/test_faq_model.py) and a file from
another model is not used.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import NDArray

from bot.domain.faq_neighbours import NEAREST, Neighbours
from bot.help_center.encoder import Encoder, shipped_encoder

log = logging.getLogger(__name__)

Embed = Callable[[str], NDArray[np.float32]]

EXAMPLES_FILE = "examples.npz"


def texts_digest(examples: Iterable[tuple[str, str]]) -> str:
    """A digest of (label, text) pairs, in order."""
    h = hashlib.sha256()
    for label, text in examples:
        h.update(f"{label}\t{text}\n".encode())
    return h.hexdigest()


def encode_examples(encoder: Encoder, examples: list[tuple[str, str]]) -> bytes:
    """The examples file's bytes: every text encoded, with its label and the digests."""
    vectors = np.stack([encoder.encode(text) for _, text in examples]).astype(np.float16)
    out = io.BytesIO()
    np.savez_compressed(
        out,
        vectors=vectors,
        labels=np.array([label for label, _ in examples]),
        model=np.array(encoder.digest),
        texts=np.array(texts_digest(examples)),
    )
    return out.getvalue()


def read_examples(data: bytes) -> tuple[NDArray[np.float32], list[str], str, str]:
    """Vectors, labels, model digest and texts digest of an examples file."""
    with np.load(io.BytesIO(data)) as f:
        return (
            f["vectors"].astype(np.float32),
            [str(label) for label in f["labels"]],
            str(f["model"]),
            str(f["texts"]),
        )


class ExampleSearch:
    """The labelled examples nearest a text, by the sentence model's cosine."""

    def __init__(
        self, embed: Embed, vectors: NDArray[np.float32], labels: list[str], k: int = NEAREST
    ) -> None:
        if len(vectors) != len(labels):
            raise ValueError(f"{len(vectors)} vectors for {len(labels)} labels")
        if not labels:
            raise ValueError("no examples to search")
        self._embed = embed
        self._vectors = np.asarray(vectors, dtype=np.float32)
        self._labels = labels
        self._k = min(k, len(labels))

    def __call__(self, text: str) -> list[tuple[str, float]]:
        similarity = self._vectors @ self._embed(text)
        top = np.argpartition(-similarity, self._k - 1)[: self._k]
        top = top[np.argsort(-similarity[top])]
        return [(self._labels[i], float(similarity[i])) for i in top]


def load_neighbours(data: bytes | None) -> Neighbours | None:
    """The shipped examples with the shipped model, or None (and why, in the log) when the
    model is not installed or the file was made with another one."""
    encoder = shipped_encoder()
    if encoder is None or data is None:
        return None
    vectors, labels, model, _ = read_examples(data)
    if model != encoder.digest:
        log.warning(
            "%s was made with model %s, not the installed %s: questions are matched by "
            "words alone until it is rebuilt (python -m bench.faq_examples)",
            EXAMPLES_FILE,
            model,
            encoder.digest,
        )
        return None
    return Neighbours(ExampleSearch(encoder.encode, vectors, labels), labels)
