"""The help center's sentence model: the numpy forward pass against the reference
implementation's figures, the shipped examples, and how the vote is weighed with the words."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from bench import faq_examples
from bot.domain.faq import FUSED_MIN_SCORE, WORDS_FLOOR, WORDS_SURE, FaqIndex
from bot.domain.faq_neighbours import Neighbours
from bot.domain.faq_situation import OrderContext
from bot.domain.model import Role, Status
from bot.help_center import encoder as encoder_module
from bot.help_center import load_index, load_lexicon
from bot.help_center.encoder import (
    ADAPTER_FILE,
    MAX_TOKENS,
    Encoder,
    model_folder,
    read_adapter,
    shipped_encoder,
)
from bot.help_center.examples import EXAMPLES_FILE, read_examples, texts_digest

# sentence-transformers 6.3 (PyTorch 2.13, CPU) on the same package's model, normalized:
# the first six of 384 numbers, and each sentence's cosine with the first.
REFERENCE = [
    (
        "How do I cancel my unpaid order?",
        [-0.0275, 0.068, 0.07309, 0.02533, -0.04668, -0.03961],
        1.0,
    ),
    (
        "paid 40 ringgit yesterday for a game key, seller still hasnt sent it",
        [0.05064, -0.00027, 0.03234, -0.03675, -0.06928, -0.03145],
        0.32446,
    ),
    (
        "Saya sudah bayar tapi status masih belum bayar",
        [-0.0335, 0.07503, -0.0425, -0.0736, -0.10681, -0.03303],
        0.01816,
    ),
    ("hi", [-0.09048, 0.04044, 0.02391, 0.05895, -0.02288, -0.04722], 0.11449),
]  # fmt: skip


HOLDOUT = {
    row["q"]
    for path in sorted(faq_examples.FIRST_LOOKS.glob("b*.jsonl"))
    for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    if row.get("holdout")
}


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    found = shipped_encoder()
    assert found is not None, "the model package is installed by `make` (see Makefile)"
    return found


@pytest.fixture(scope="module")
def base() -> Encoder:
    """The model as it comes, without the shipped adapter."""
    folder = model_folder()
    assert folder is not None
    return Encoder(folder)


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return load_index()


@pytest.fixture(scope="module")
def words() -> FaqIndex:
    return load_index(model=False)


def test_the_forward_pass_gives_the_reference_vectors(base: Encoder) -> None:
    first = base.encode(REFERENCE[0][0])
    for text, head, cosine in REFERENCE:
        vector = base.encode(text)
        assert vector.dtype == np.float32 and vector.shape == (384,)
        assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)
        assert vector[:6] == pytest.approx(head, abs=2e-5)
        assert float(vector @ first) == pytest.approx(cosine, abs=2e-5)


def _adapter_file(**arrays: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def test_an_adapter_adds_its_low_rank_change_to_the_weights(base: Encoder) -> None:
    folder = model_folder()
    assert folder is not None
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 384)).astype(np.float32)
    # Nothing changed (B zero): the same vectors, but another model for the examples file.
    zero = Encoder(
        folder, read_adapter(_adapter_file(**{"0.query.a": a, "0.query.b": np.zeros((384, 4))}))
    )
    text = REFERENCE[1][0]
    assert np.array_equal(zero.encode(text), base.encode(text))
    assert zero.digest != base.digest
    b = rng.normal(scale=0.05, size=(384, 4)).astype(np.float32)
    adapted = Encoder(folder, read_adapter(_adapter_file(**{"2.value.a": a, "2.value.b": b})))
    merged = adapted._layers[2].qkv_w
    original = base._layers[2].qkv_w
    # Query and key untouched; the value's columns moved by (B @ A) transposed.
    assert np.array_equal(merged[:, :768], original[:, :768])
    assert np.allclose(merged[:, 768:], original[:, 768:] + (b @ a).T, atol=1e-6)
    assert not np.allclose(adapted.encode(text), base.encode(text), atol=1e-3)


def test_a_malformed_adapter_is_refused() -> None:
    folder = model_folder()
    assert folder is not None
    a = np.zeros((4, 384), dtype=np.float32)
    with pytest.raises(ValueError, match="ranks"):
        read_adapter(_adapter_file(**{"0.query.a": a, "0.query.b": np.zeros((384, 3))}))
    with pytest.raises(ValueError, match="no weight"):
        Encoder(folder, read_adapter(_adapter_file(**{"9.query.a": a, "9.query.b": a.T})))


def test_the_shipped_encoder_carries_the_shipped_adapter(encoder: Encoder, base: Encoder) -> None:
    shipped = Path(encoder_module.__file__).with_name(ADAPTER_FILE)
    assert shipped.is_file()
    assert encoder.digest == f"{base.digest}:adapter-{read_adapter(shipped.read_bytes()).digest}"


def test_a_long_message_is_read_up_to_the_bound(encoder: Encoder) -> None:
    story = " ".join(["my order is late and the seller does not answer"] * 60)
    assert len(encoder.tokens(story)) == MAX_TOKENS
    assert encoder.encode(story).shape == (384,)


def test_the_shipped_examples_are_current(encoder: Encoder) -> None:
    # Rebuild with `python -m bench.faq_examples` after changing the tuned set or adding a
    # first-look batch (its holdout lines stay out).
    data = (Path(encoder_module.__file__).parent / EXAMPLES_FILE).read_bytes()
    vectors, labels, model, texts = read_examples(data)
    wanted = faq_examples.examples()
    assert model == encoder.digest
    assert texts == texts_digest(wanted), "stale: run python -m bench.faq_examples"
    assert len(vectors) == len(labels) == len(wanted)
    assert not any(text in HOLDOUT for _, text in wanted)
    ids = {d.id for d in load_index(model=False).documents}
    assert set(labels) - {""} <= ids


def test_the_model_answers_a_situation_the_words_miss(index: FaqIndex, words: FaqIndex) -> None:
    # Goods unlike the listing, told without the article's words: the words lean to the
    # order's details and miss it; the messages nearest it were about goods not as described.
    question = (
        "ordered youtube premium family, got the invite fast, but it is only the individual"
        " plan not family as written on the page"
    )
    assert index.neighbours is not None
    vote = index.neighbours.vote(question)
    assert max(vote.shares, key=vote.shares.__getitem__) == "not-as-described"
    answer = index.ask(question)
    assert answer.document is not None and answer.document.id == "not-as-described"
    alone = words.ask(question)
    assert not alone.answered or alone.document is None or alone.document.id != "not-as-described"
    scores = words.scores(question)
    best = max(range(len(scores)), key=scores.__getitem__)
    assert words.documents[best].id == "order-details"


def test_the_vote_never_answers_alone(index: FaqIndex) -> None:
    # Like many questions about what a status means, but about nothing here.
    answer = index.ask("what does this word mean")
    assert not answer.answered


def test_words_sure_of_an_article_are_not_outvoted(index: FaqIndex, words: FaqIndex) -> None:
    question = "how do I cancel my unpaid order"
    assert max(words.scores(question)) >= WORDS_SURE
    assert index.scores(question) == words.scores(question)


def test_an_operators_article_without_examples_is_not_declined_by_the_vote(
    tmp_path: Path,
) -> None:
    (tmp_path / "open-shop.md").write_text(
        "---\nid: open-shop\ntitle: How do I open a shop?\nphrasings:\n"
        "  - how to open my own shop\n---\nApply from your profile page.\n",
        encoding="utf-8",
    )
    index = load_index(tmp_path)
    assert index.neighbours is not None
    # Shop questions were declines among the examples: no shipped article answers them.
    assert index.neighbours.vote("how do i open a shop").decline >= 0.6
    answer = index.ask("how do i open a shop")
    assert answer.document is not None and answer.document.id == "open-shop"


def test_the_threshold_moves_with_the_model(index: FaqIndex, words: FaqIndex) -> None:
    assert index.min_score == pytest.approx(FUSED_MIN_SCORE)
    assert words.min_score == pytest.approx(0.36)


def test_without_the_model_package_the_words_answer_alone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(encoder_module, "model_folder", lambda: None)
    shipped_encoder.cache_clear()
    try:
        index = load_index()
    finally:
        shipped_encoder.cache_clear()
    assert index.neighbours is None
    assert index.min_score == pytest.approx(0.36)
    assert "not installed" in caplog.text
    assert index.ask("how do I cancel my unpaid order").answered


def test_the_words_own_answer_stands_when_the_vote_prefers_no_other(
    index: FaqIndex, words: FaqIndex
) -> None:
    # The asker's only order is unpaid, so the not-received article is argued against and
    # gets no vote; the words alone still answer it, and so does the index with the model.
    order = OrderContext(status=Status.WAITING_PAYMENT, role=Role.BUYER)
    question = "barang tak sampai lagi dah 3 hari, boleh refund tak"
    alone = words.ask(question, order=order)
    assert alone.document is not None and alone.document.id == "not-received-refund"
    answer = index.ask(question, order=order)
    assert answer.document is not None and answer.document.id == "not-received-refund"
    assert answer.score < index.min_score  # answered on the words' own threshold


def test_the_model_is_not_asked_when_no_articles_words_reach_the_floor() -> None:
    asked: list[str] = []

    def nearest(text: str) -> list[tuple[str, float]]:
        asked.append(text)
        return [("request-refund", 1.0)]

    plain = load_index(model=False)
    index = FaqIndex.build(
        plain.documents, load_lexicon(), neighbours=Neighbours(nearest, ["request-refund"])
    )
    flood = " ".join(f"zq{n:04d}x" for n in range(600))
    assert max(plain.scores(flood)) < WORDS_FLOOR
    assert not index.ask(flood).answered and asked == []
    story = "got the invite fast, but it is only the individual plan not family as listed"
    assert WORDS_FLOOR <= max(plain.scores(story)) < WORDS_SURE
    index.ask(story)
    assert asked == [story]


class _EmptiedUnderfoot(dict[str, object]):
    """A cache another thread empties right after this one finds a word in it."""

    def __contains__(self, key: object) -> bool:
        found = super().__contains__(key)
        self.clear()
        return found

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        found = super().get(key, default)
        self.clear()
        return found


def test_a_spelling_cache_emptied_by_another_question_loses_no_answer() -> None:
    # The chat asks from worker threads, and a full spelling cache is cleared by whichever
    # question fills it: a lookup must take one step, or it meets a cache just emptied.
    index = load_index(model=False)
    speller = index._analyzer._speller
    question = "paymnet faild twice, cancl it"
    expected = index.ask(question).document
    assert expected is not None
    assert speller.correct("paymnet") == "payment"
    speller._cache = _EmptiedUnderfoot(speller._cache)
    assert speller.correct("paymnet") == "payment"
    assert index.ask(question).document == expected
