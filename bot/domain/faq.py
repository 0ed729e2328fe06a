"""FAQ retrieval: match a chat message to a help-center document, or decline to answer.

How a question is matched:

1. Normalise: lowercase, drop order ids (K1234567), links and punctuation inside clauses,
   squeeze stretched letters ("pleaseee"), fix typos against the known vocabulary.
2. Map words and phrases to concepts with the lexicon ("tak sampai", "never got" and
   "not delivered" all become ``#not_received``); negation applies to the next concept.
3. Score each document by cosine similarity (idf weights) against its authored
   phrasings (nearest phrasing) and against its whole profile (title, phrasings,
   keywords, answer). Words the documents never use and off-topic concepts dilute the
   question vector, so a question that is mostly about something else scores low.
4. Answer only above a threshold; a middling score or a close runner-up is flagged so
   the chat can offer "Did you mean" choices instead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import cast

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.faq_cues import ASK_JOIN, ORDER_CONCEPTS, QUESTION, SENTENCE
from bot.domain.faq_needs import (
    LATE,
    NO_PROBLEM,
    SELLER,
    Situation,
    check_slots,
    fit,
    need_clauses,
    read_situation,
)
from bot.domain.faq_neighbours import Neighbours, Vote
from bot.domain.faq_situation import OrderContext

DEFAULT_MIN_SCORE = 0.36
# With the nearest examples' vote (bot.domain.faq_neighbours): a document's score is
# (words + NEIGHBOUR_WEIGHT x its share of the vote) / (1 + NEIGHBOUR_WEIGHT), answered from
# FUSED_MIN_SCORE, and a message declined outright when DECLINE_VOTE of the vote or more
# went to examples no article answers. Chosen by leave-one-batch-out on the non-holdout
# lines of first-look batches 14 to 21 (the same values won in five of the eight folds).
# The vote never answers alone: an article whose words score under WORDS_FLOOR gets none
# ("what does this word mean" is like many questions about a status, and about nothing
# here). From WORDS_SURE the words decide alone: a message that close to an article's own
# phrasing means that article, whatever messages like it meant.
NEIGHBOUR_WEIGHT = 0.5
FUSED_MIN_SCORE = 0.40 / (1 + NEIGHBOUR_WEIGHT)
DECLINE_VOTE = 0.6
WORDS_FLOOR = 0.1
WORDS_SURE = 0.7
# ... unless the message tells no situation at all and this much of the vote went to
# examples no article answers (chosen on first looks 22-33, leave-one-batch-out).
SURE_DECLINE_VOTE = 0.85
DEFAULT_CONFIDENT_SCORE = 0.55
CONFIDENT_MARGIN = 0.08
MAX_ALTERNATIVES = 3
# A question is read up to this many words: real ones have under fifty, the longest
# stories about 150 (all that `within_reading` keeps of a message), and the bound keeps
# the cost of any message, however long, to a few milliseconds.
MAX_QUESTION_WORDS = 180
# The least score of an answer to part of a message that also asks what no article answers.
PART_ANSWER_SCORE = 0.5

# Blend of nearest-phrasing similarity and whole-profile similarity.
_NEAREST_WEIGHT = 0.7
# How much a document's answer and keywords count in its profile, next to its phrasings.
_ANSWER_WEIGHT = 0.25
_KEYWORD_WEIGHT = 0.5
# Query-side weight of a word no document uses, and of an off-topic concept.
_UNKNOWN_WEIGHT = 0.9
_OFFTOPIC_WEIGHT = 5.0
# Negation reaches the next content word when at most this many fillers sit between.
_NEGATION_REACH = 3
# Total idf a question must share with a document before its score counts in full.
_ENOUGH_EVIDENCE = 2.0
_SPELL_CACHE_LIMIT = 50_000
# How much a fitting declared situation adds to the text score (at the fullest fit, three
# slots read from the words), and the text score below which it adds nothing: the
# situation decides between articles the words point at, it does not conjure one.
_SITUATION_BOOST = 0.3
_SITUATION_FULL_FIT = 3.5
_SITUATION_FLOOR = 0.12
_ONE_SLOT = 1.5
# What a need only one article answers adds to its fit.
_DISTINCTIVE_NEED = 0.75
# Share of the score an article keeps when it explains nothing of a told situation that
# other articles explain.
_UNEXPLAINED_FACTOR = 0.8
# Share of the score an article keeps when the asker's need is none of those it answers.
_OTHER_NEED_FACTOR = 0.75
# Share of the score an article keeps per unit of a slot it is declared not for.
_AGAINST_CUT = 0.6
# Score of a situation the words tell but do not match, just above the threshold: the
# chat offers it as a choice ("Did you mean") rather than asserting it.
_SITUATION_ALONE = 0.37
# A seller telling no situation (only that they sell) keeps this share of the score.
_SHOP_ONLY_FACTOR = 0.6
# A need no article answers ("can I pay in installments") keeps this share of the score.
_UNCOVERED_FACTOR = 0.3
# A question with no word of buying on the marketplace and no fact about an order keeps
# this share: only words that match an article strongly still answer it.
_NO_ORDER_FACTOR = 0.5
# The shortest part of a word split in two where the space was left out ("itemnot").
_SPLIT_PART = 3
# Words of one message that may be spell-corrected (see _Budget).
_SPELL_BUDGET = 12


# Document ids are carried in button data; these are the words the bot's own buttons use.
MAX_ID_LENGTH = 32
DOCUMENT_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_ID_LENGTH}}}")
RESERVED_IDS = frozenset({"topics", "none", "-"})
# Telegram's message limit is 4,096 UTF-16 units: the title and the bot's own words
# around the answer take the rest.
MAX_TITLE_UNITS = 200
MAX_ANSWER_UNITS = 3600


def check_not_blank(value: str) -> str:
    """Reject blank text: a document without a title or answer cannot be served."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def check_document_id(value: str) -> str:
    """An id travels in button data (64 bytes with the action), so it is short and plain."""
    if not DOCUMENT_ID.fullmatch(value):
        raise ValueError(
            f"id {value[:40]!r} must be 1 to {MAX_ID_LENGTH} letters, digits, '-' or '_'"
        )
    if value in RESERVED_IDS:
        raise ValueError(f"id {value!r} is reserved for the bot's own buttons")
    return value


def check_title(value: str) -> str:
    """A title is a heading and a button label, not a paragraph."""
    if _utf16_len(value) > MAX_TITLE_UNITS:
        raise ValueError(f"title is longer than {MAX_TITLE_UNITS} characters")
    return value


def check_answer(value: str) -> str:
    """The answer, under its title and the bot's question, is one Telegram message."""
    if _utf16_len(value) > MAX_ANSWER_UNITS:
        raise ValueError(
            f"answer is {_utf16_len(value)} characters (UTF-16 units); "
            f"at most {MAX_ANSWER_UNITS} fit in one message with its title"
        )
    return value


class FaqDocument(BaseModel):
    """One help-center entry: a verbatim title, its answer, and authored matching hints."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    answer: str
    phrasings: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # The entry is about one of the asker's orders: the chat shows that order with it.
    about_order: bool = False
    # Situations the entry answers ("paid+not_received") and is not for ("unpaid"): see
    # bot.domain.faq_needs for the slot values.
    answers: tuple[str, ...] = ()
    not_for: tuple[str, ...] = ()

    _not_blank = field_validator("id", "title", "answer")(check_not_blank)
    _fits_a_button = field_validator("id")(check_document_id)
    _short_title = field_validator("title")(check_title)
    _answer_fits_a_message = field_validator("answer")(check_answer)

    @field_validator("answers", "not_for")
    @classmethod
    def _known_situations(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        """A declared situation names slots the situation reader knows."""
        check_slots(values, source="situation")
        return values


def _utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class Lexicon(BaseModel):
    """Language knowledge for matching: fillers, negation, small talk and concept synonyms."""

    model_config = ConfigDict(frozen=True)

    stopwords: frozenset[str] = frozenset()
    smalltalk: frozenset[str] = frozenset()
    # Small talk that thanks or closes ("thank you", "noted", "bye"): answered with
    # "You're welcome", not with the greeting.
    thanks: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    # A negator right after one of these is a question tag ("boleh tak", "or not").
    question_tags: frozenset[str] = frozenset()
    concepts: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    offtopic: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    # Negators that also negate the concept before them when nothing follows ("got nothing").
    trailing_negators: frozenset[str] = frozenset()
    # concept -> concept it becomes when negated ("pay" -> "unpaid").
    negated: Mapping[str, str] = Field(default_factory=dict)
    # concept added when all the parts of one alternative are present ("pay" + "unpaid").
    combinations: Mapping[str, tuple[tuple[str, ...], ...]] = Field(default_factory=dict)
    # Real words outside the documents that spelling correction leaves as they are: "found"
    # is not "fund", "sister" not "sistem", "bulan" (month) not "bukan" (not).
    words: frozenset[str] = frozenset()

    def negated_name(self, concept: str) -> str:
        """The concept a negated concept becomes; "not_<concept>" unless the lexicon says."""
        if concept in self.negated:
            return self.negated[concept]
        # Chat double negatives are emphasis ("tak dapat langsung"), not a reversal.
        return concept if concept.startswith("not_") else f"not_{concept}"

    def check(self) -> None:
        """Raise ValueError when negations or combinations name an unknown concept."""
        known = set(self.concepts) | set(self.negated.values()) | set(self.combinations)
        for name, target in self.negated.items():
            if name not in self.concepts or target not in known:
                raise ValueError(f"[negated] {name} = {target}: unknown concept")
        for name, alternatives in self.combinations.items():
            for parts in alternatives:
                missing = [p for p in parts if p not in known and not p.startswith("not_")]
                if missing:
                    raise ValueError(f"[combinations] {name}: unknown concept {missing[0]!r}")

    def merged(self, other: Lexicon) -> Lexicon:
        """Return this lexicon extended by another (variants of a shared concept add up)."""

        def union(
            a: Mapping[str, tuple[str, ...]], b: Mapping[str, tuple[str, ...]]
        ) -> dict[str, tuple[str, ...]]:
            out = dict(a)
            for key, variants in b.items():
                out[key] = tuple(dict.fromkeys((*out.get(key, ()), *variants)))
            return out

        return Lexicon(
            stopwords=self.stopwords | other.stopwords,
            smalltalk=self.smalltalk | other.smalltalk,
            thanks=self.thanks | other.thanks,
            negators=self.negators | other.negators,
            question_tags=self.question_tags | other.question_tags,
            trailing_negators=self.trailing_negators | other.trailing_negators,
            concepts=union(self.concepts, other.concepts),
            offtopic=union(self.offtopic, other.offtopic),
            negated={**self.negated, **other.negated},
            combinations={**self.combinations, **other.combinations},
            words=self.words | other.words,
        )


class Band(StrEnum):
    """How sure the match is: answer outright, offer choices, or decline."""

    HIGH = "high"
    MEDIUM = "medium"
    NONE = "none"


class Alternative(BaseModel):
    """A runner-up document with its score."""

    model_config = ConfigDict(frozen=True)

    document: FaqDocument
    score: float


@dataclass(frozen=True)
class _Split:
    """A message parted into what an article may answer and the asks no article answers."""

    rest: str
    needs: tuple[str, ...]
    left: tuple[str, ...]


class FaqAnswer(BaseModel):
    """The outcome of one question: the best document, or none when not confident."""

    model_config = ConfigDict(frozen=True)

    answered: bool
    document: FaqDocument | None
    score: float
    band: Band
    alternatives: tuple[Alternative, ...] = ()
    # Declined because it is only a greeting, thanks or filler ("hi", "ok tq"): not a
    # question at all, so the chat greets back rather than saying it does not know.
    small_talk: bool = False
    # Small talk that thanks or closes ("ok tq", "noted, bye"): the chat says "You're
    # welcome" rather than greeting someone who is leaving.
    thanks: bool = False
    # The asker's order was not weighed: the message tells of another order (goods that
    # came, of an order not paid yet), so the answer is not about that one.
    order_set_aside: bool = False
    # Declined for the asker's order, though the words alone answer: what they would
    # answer, best first ("refund" from a buyer whose only order is unpaid). The chat
    # offers these as choices, saying they may not fit the order.
    suggested: tuple[Alternative, ...] = ()
    # Declined: the needs read that no article answers ("relay": the bot asked to message
    # the seller), so the chat can say what the asker can do instead.
    uncovered: tuple[str, ...] = ()
    # Answered for part of the message: the asks left over, as written, so the ticket that
    # hands the asker to support names them.
    left: tuple[str, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        """True when the chat should offer "Did you mean" choices rather than assert."""
        return self.band is Band.MEDIUM


# --- text normalisation -------------------------------------------------------------

# K followed by 7 characters with a digit in them, or the help center's KXXXXXXX placeholder.
# The look-ahead is bounded by the id's own length, so a long run of letters after a "k"
# is scanned once, not once per "k".
_ORDER_ID = re.compile(r"#?\bk(?:(?=[a-z]{0,9}\d)[a-z0-9]{5,10}|x{5,10})\b")
_SPACE = re.compile(r"(\s+)")
_CLAUSE_BREAK = re.compile(r"[.,!?;:()\[\]{}\n\"“”|/\\]+")
_WORD = re.compile(r"[a-z0-9]+")
# Letters stretched for emphasis ("pleaseee"); not digits: "1000 diamonds" is no "100".
_STRETCH = re.compile(r"([a-z])\1{2,}")


def _is_link(word: str) -> bool:
    """A web address or an e-mail address, decided without a regex that could backtrack."""
    if word.startswith(("http://", "https://", "www.")):
        return True
    _, at, domain = word.partition("@")
    return bool(at) and "." in domain.strip(".")


def _clauses(text: str, max_words: int | None = None) -> list[list[str]]:
    """Split text into clauses of raw lowercase word tokens (the first max_words of them)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("‘", "'")
    text = "".join(" " if _is_link(part) else part for part in _SPACE.split(text))
    text = _ORDER_ID.sub(" ", text)
    text = text.replace("'", "").replace("-", " ").replace("_", " ")
    clauses = [words for part in _CLAUSE_BREAK.split(text) if (words := _WORD.findall(part))]
    if max_words is None:
        return clauses
    kept: list[list[str]] = []
    for words in clauses:
        if max_words <= 0:
            break
        kept.append(words[:max_words])
        max_words -= len(words)
    return kept


def _stem(word: str) -> str:
    """Light English stemmer so "refunds", "refunded" and "refunding" meet."""
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: len(word) - len(suffix)] + repl
            # "cancelled" -> "cancell" -> "cancel"
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2]:
                base = base[:-1]
            return base
    return word


_ENGLISH_SUFFIXES = ("ing", "ed", "es", "s", "ly", "ment", "d")
_MALAY_SUFFIXES = ("nya", "lah", "kah", "kan", "an")
_MALAY_PREFIXES = ("di", "ter", "ber", "mem", "men", "meng", "me", "pem", "pen", "peng", "pe")


def _word_forms(word: str) -> Iterator[str]:
    """Yield plausible base forms of an inflected English or Malay word."""
    for suffix in _ENGLISH_SUFFIXES + _MALAY_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            yield base
            yield base + "e"
            if len(base) > 3 and base[-1] == base[-2]:
                yield base[:-1]
    for prefix in _MALAY_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            base = word[len(prefix) :]
            yield base
            for suffix in _MALAY_SUFFIXES:
                if base.endswith(suffix) and len(base) - len(suffix) >= 3:
                    yield base[: -len(suffix)]


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions, giving up past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


# Tokens this long are corrected only for a vowel left out (see _SpellChecker.correct).
_SHORTHAND_LENGTH = 4
_VOWELS = frozenset("aeiou")


def _dropped_letter(word: str, shorter: str) -> str:
    """The letter of word that shorter (word less one letter) lacks."""
    for n, letter in enumerate(shorter):
        if word[n] != letter:
            return word[n]
    return word[-1]


def _undoubled(word: str, token: str) -> bool:
    """Whether token is word with one of a doubled letter left out ("hapen", "happen"):
    a commoner slip than a letter changed ("haven"), so it wins at the same distance."""
    return len(word) == len(token) + 1 and any(
        word[n] == word[n + 1] and word[:n] + word[n + 1 :] == token for n in range(len(word) - 1)
    )


def _max_typos(word: str) -> int:
    """Allowed edit distance: short words are too easy to confuse."""
    return 0 if len(word) < 5 else 1 if len(word) < 8 else 2


def _deletes(word: str, depth: int) -> set[str]:
    """All strings made by deleting up to depth characters from word."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


class _SpellChecker:
    """Symmetric-delete spelling correction against a fixed vocabulary."""

    def __init__(self, ranked_words: Mapping[str, int]) -> None:
        self._rank = dict(ranked_words)
        # No word is within reach of a token longer than this: such a token is not looked up.
        self._longest = max(map(len, self._rank), default=0)
        self._index: dict[str, list[str]] = defaultdict(list)
        for word in self._rank:
            for variant in _deletes(word, _max_typos(word)):
                self._index[variant].append(word)
        self._cache: dict[str, str | None] = {}

    def correct(self, token: str) -> str | None:
        """Return the closest known word, or None when nothing is close enough."""
        # Read and written with one dictionary operation each: the chat asks from worker
        # threads, and another question may clear the cache between two of them.
        known = self._cache.get(token, _UNSEEN)
        if known is not _UNSEEN:
            return cast("str | None", known)
        limit = _max_typos(token)
        best: tuple[int, bool, int, str] | None = None
        # The deletes of a token grow with the square of its length: the length check keeps
        # a long made-up "word" from costing more than a real one.
        if limit and not token.isdigit() and len(token) <= self._longest + limit:
            candidates = {w for d in _deletes(token, limit) for w in self._index.get(d, ())}
            for word in candidates:
                dist = _osa_distance(token, word, limit)
                # People rarely mistype the first letter; random words often differ there.
                if dist > limit or word[0] != token[0]:
                    continue
                key = (dist, not _undoubled(word, token), -self._rank[word], word)
                if best is None or key < best:
                    best = key
        if best is None and len(token) == _SHORTHAND_LENGTH and token.isalpha():
            # A four-letter token is too short for most typos, but two are safe: a vowel
            # left out, as texting drops them ("nevr", "mony", "aftr"), and two letters
            # swapped. Not another letter: "sort" is a word, not "short" mistyped. The known
            # words that lose one letter to become it are the ones indexed under it.
            for word in self._index.get(token, ()):
                if (
                    len(word) == len(token) + 1
                    and word[0] == token[0]
                    and _dropped_letter(word, token) in _VOWELS
                ):
                    key = (1, True, -self._rank[word], word)
                    if best is None or key < best:
                        best = key
            # Or two letters typed in the wrong order ("fial", "wiat"), the first kept.
            for n in range(1, len(token) - 1):
                word = token[:n] + token[n + 1] + token[n] + token[n + 2 :]
                if word in self._rank:
                    key = (1, True, -self._rank[word], word)
                    if best is None or key < best:
                        best = key
        found = best[3] if best else None
        if len(self._cache) >= _SPELL_CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = found
        return found


# --- analysis: text -> terms --------------------------------------------------------


class _Budget:
    """How many words of one message may still be spell-corrected.

    Correction is the costly step (a lookup per deletion variant); a message of thousands
    of made-up words must cost no more than a long real question. Real questions have far
    fewer unknown words than this, so the bound changes no answer.
    """

    __slots__ = ("left",)

    def __init__(self, left: int = _SPELL_BUDGET) -> None:
        self.left = left

    def spend(self) -> bool:
        """Take one correction; False once the budget is used up."""
        if self.left <= 0:
            return False
        self.left -= 1
        return True


@dataclass(frozen=True, slots=True)
class _Analysis:
    """What a text says: matchable terms, words nothing knows, off-topic concepts."""

    terms: frozenset[str]
    unknown: frozenset[str]
    offtopic: frozenset[str]


_NOTHING = "nothing"
_UNSEEN = object()
_STOP, _SMALL, _NEG, _CONCEPT, _OFF, _WORDK = "stop", "small", "neg", "concept", "off", "word"
_THANKS = "thanks"  # the name of small talk that thanks or closes


class _Analyzer:
    """Turns text into concept and word terms using the lexicon and a vocabulary."""

    def __init__(self, lexicon: Lexicon, corpus: Iterable[str]) -> None:
        self._lexicon = lexicon
        self._phrases: dict[tuple[str, ...], tuple[str, str]] = {}
        for kind, entries in (
            (_CONCEPT, lexicon.concepts),
            (_OFF, lexicon.offtopic),
            # A word an operator's lexicon lists as plain small talk still thanks.
            (_SMALL, {"": tuple(lexicon.smalltalk - lexicon.thanks)}),
            (_SMALL, {_THANKS: tuple(lexicon.thanks)}),
            (_NEG, {n: (n,) for n in lexicon.negators}),
            (_STOP, {"": tuple(lexicon.stopwords)}),
        ):
            for name, variants in entries.items():
                for variant in variants:
                    self._add_phrase(variant, kind, name)
        self._longest = max((len(p) for p in self._phrases), default=1)
        single = {
            p[0] for p, (k, _) in self._phrases.items() if len(p) == 1 and k in (_CONCEPT, _OFF)
        }
        phrase_words = {w for p in self._phrases for w in p}
        corpus_counts: dict[str, int] = defaultdict(int)
        for text in corpus:
            for clause in _clauses(text):
                for word in clause:
                    corpus_counts[word] += 1
        self._single = single
        self._lexicon_words = phrase_words
        self._known = phrase_words | set(corpus_counts)
        # Lexicon words outrank document words when a typo is equally close to both.
        ranked = {w: n for w, n in corpus_counts.items() if len(w) >= 3 and not w.isdigit()}
        for word in phrase_words:
            if len(word) >= 3:
                ranked[word] = ranked.get(word, 0) + 1000
        self._speller = _SpellChecker(ranked)
        # token -> its known form, or None when only spelling correction could place it
        self._forms: dict[str, str | None] = {}

    def _add_phrase(self, text: str, kind: str, name: str) -> None:
        """Register one lexicon variant, refusing a variant claimed twice."""
        words = tuple(w for clause in _clauses(text) for w in clause)
        if not words:
            return
        previous = self._phrases.get(words)
        if previous is not None and previous != (kind, name):
            raise ValueError(
                f"lexicon variant {' '.join(words)!r} is listed under both "
                f"{previous[1] or previous[0]!r} and {name or kind!r}"
            )
        self._phrases[words] = (kind, name)

    def _canonical(self, word: str, budget: _Budget) -> str:
        """Map a raw token to a known spelling when one is close enough."""
        known = self._forms.get(word, _UNSEEN)
        if known is _UNSEEN:
            known = self._known_form(word)
            if len(self._forms) >= _SPELL_CACHE_LIMIT:
                self._forms.clear()
            self._forms[word] = known
        if isinstance(known, str):
            return known
        squeezed = _STRETCH.sub(r"\1\1", word)
        if squeezed in self._lexicon.words or not budget.spend():
            return squeezed
        return self._speller.correct(squeezed) or self._split(squeezed) or squeezed

    def _split(self, word: str) -> str | None:
        """Two known words typed without the space between them ("itemnot", "paidorder"),
        for a word nothing else places; each part at least 3 letters, so that a short
        word does not break a long unknown name apart."""
        if len(word) < 2 * _SPLIT_PART or not word.isalpha():
            return None
        for cut in range(_SPLIT_PART, len(word) - _SPLIT_PART + 1):
            left, right = word[:cut], word[cut:]
            if left in self._known and right in self._known:
                return f"{left} {right}"
        return None

    def _tokens(self, clause: Sequence[str], budget: _Budget) -> list[str]:
        """A clause's words in their known forms, words typed together split apart."""
        return [t for w in clause for t in self._canonical(w, budget).split(" ")]

    def _known_form(self, word: str) -> str | None:
        """The known word a token stands for without spelling correction, if any."""
        if word in self._lexicon_words:
            return word
        # An inflected lexicon word ("maksudnya", "refunds") beats a raw document word.
        forms = list(_word_forms(word))
        for form in forms:
            if form in self._single:
                return form
        if word in self._known:
            return word
        squeezed = _STRETCH.sub(r"\1\1", word)
        if squeezed != word:  # stretched letters ("pleaseee"): try the squeezed spellings
            forms = [squeezed, _STRETCH.sub(r"\1", word), *_word_forms(squeezed)]
        for form in forms:
            if form in self._known:
                return form
        return None

    def spelled(self, text: str) -> str:
        """The text as the analyzer reads it, twice: lowercase words with typos fixed, then
        with each one-word lexicon variant replaced by its concept's name ("confrim" and
        "tekan" read "confirm" and "click"), clauses apart."""
        budget = _Budget()
        clauses = [self._tokens(clause, budget) for clause in _clauses(text, MAX_QUESTION_WORDS)]
        fixed = " . ".join(" ".join(clause) for clause in clauses)
        named = " . ".join(" ".join(self._concept_name(w) for w in clause) for clause in clauses)
        return f"{fixed} . {named}"

    def _concept_name(self, word: str) -> str:
        """The concept a one-word lexicon variant names, else the word."""
        hit = self._phrases.get((word,))
        return hit[1] if hit is not None and hit[0] == _CONCEPT else word

    def small_talk(self, text: str) -> str | None:
        """For only greetings, thanks and filler words (at least one greeting or thanks):
        ``"thanks"`` when any of them thanks, else ``""``; None for anything else."""
        social: str | None = None
        budget = _Budget()
        for clause in _clauses(text, MAX_QUESTION_WORDS):
            tokens = self._tokens(clause, budget)
            i = 0
            while i < len(tokens):
                kind, name, span = self._match(tokens, i)
                if kind == _SMALL:
                    social = name if social is None or name == _THANKS else social
                elif kind != _STOP:
                    return None
                i += span
        return social

    def analyze(self, text: str) -> _Analysis:
        """Turn a text into terms: ``#concept``, ``!offtopic`` and stemmed words."""
        concepts: set[str] = set()
        words: set[str] = set()
        offtopic: set[str] = set()
        unknown: set[str] = set()
        budget = _Budget()
        for clause in _clauses(text, MAX_QUESTION_WORDS):
            found, clause_words, clause_off, clause_unknown = self._clause(clause, budget)
            concepts.update(found)
            words |= clause_words
            offtopic |= clause_off
            unknown |= clause_unknown
        # Twice, so a combination can build on another ("item + not_masuk" is not_received).
        for _ in range(2):
            for name, alternatives in self._lexicon.combinations.items():
                if any(all(part in concepts for part in parts) for parts in alternatives):
                    concepts.add(name)
        terms = {f"#{c}" for c in concepts} | words
        return _Analysis(frozenset(terms), frozenset(unknown), frozenset(f"!{o}" for o in offtopic))

    def _clause(
        self, raw: Sequence[str], budget: _Budget
    ) -> tuple[list[str], set[str], set[str], set[str]]:
        """Analyse one clause: its concepts (negation applied), words, off-topics, unknowns."""
        lexicon = self._lexicon
        tokens = self._tokens(raw, budget)
        concepts: list[str] = []
        words: set[str] = set()
        offtopic: set[str] = set()
        unknown: set[str] = set()
        negator = ""  # the pending negator, if any
        gap = 0
        since_concept = _NEGATION_REACH  # items since the last concept
        trailing = -1  # index of a concept negated from behind
        orphan = False  # a "nothing" that negated no concept either way
        previous = ""
        i = 0
        while i < len(tokens):
            kind, name, span = self._match(tokens, i)
            if kind == _NEG:
                if previous not in lexicon.question_tags:
                    negator, gap = name, 0
                    # "got nothing", "barang takde": reach back to a concept just before.
                    if name in lexicon.trailing_negators:
                        if concepts and since_concept <= 1:
                            trailing = len(concepts) - 1
                        else:
                            orphan = True
            elif kind in (_STOP, _SMALL):
                gap += 1
            else:
                negate = bool(negator) and gap <= _NEGATION_REACH
                negator = ""
                if kind == _CONCEPT:
                    concepts.append(lexicon.negated_name(name) if negate else name)
                    trailing, since_concept = -1, -1
                    orphan = orphan and not negate
                elif kind == _OFF:
                    offtopic.add(name)
                elif name not in self._known or name.isdigit():
                    # Unknown words dilute the match; bare numbers say nothing.
                    if not name.isdigit():
                        unknown.add(name)
                else:
                    words.add(_stem(name))
            previous = tokens[i + span - 1]
            since_concept += 1
            i += span
        if trailing >= 0:
            concepts[trailing] = lexicon.negated_name(concepts[trailing])
        # "nothing is there": the emptiness itself is the point.
        if orphan and _NOTHING in lexicon.concepts:
            concepts.append(_NOTHING)
        return concepts, words, offtopic, unknown

    def _match(self, words: Sequence[str], start: int) -> tuple[str, str, int]:
        """Longest lexicon phrase at start, else the word itself."""
        for length in range(min(self._longest, len(words) - start), 0, -1):
            hit = self._phrases.get(tuple(words[start : start + length]))
            if hit is not None:
                return hit[0], hit[1], length
        return _WORDK, words[start], 1


# --- the index ----------------------------------------------------------------------


# What is read of a message: real questions and stories stay under 800 characters (the
# longest of our 6,169 test messages has 675, and 113 are over 480, the bound before, which
# cut what went wrong out of the middle of stories); a message of thousands (pasted logs,
# floods) is read by its start and its end, where a story's need usually is, so a question
# costs the same few milliseconds at any length.
READ_HEAD_CHARS = 480
READ_TAIL_CHARS = 320


# A numbered list's markers ("1. Order diamond 2. Penjual tanda sudah hantar 3. ..."): where
# a message numbers its points from 1, the numbers are no amounts ("hantar 3" is no three
# sent). Each becomes a sentence break.
_LIST_NUMBER = re.compile(r"(?:(?<=\s)|^)(\d{1,2})[.)](?=\s)")


def asks(text: str) -> list[str]:
    """What a message asks, each ask alone: its questions (else its last sentence), split
    where one sentence joins two ("how to track my order and also how to change my
    password")."""
    questions = QUESTION.findall(text)
    if not questions:
        sentences = [s for s in SENTENCE.split(text) if s.strip()]
        questions = sentences[-1:]
    return [p for q in questions for p in ASK_JOIN.split(q) if p.strip()]


def unnumbered(text: str) -> str:
    """The text without its list numbers, when it numbers its points 1, 2, ..."""
    numbers = [m.group(1) for m in _LIST_NUMBER.finditer(text)]
    if "1" not in numbers or "2" not in numbers:
        return text
    return _LIST_NUMBER.sub(".", text)


# What the help center or support answered before, reported by the asker ("your bot told me
# how to cancel a paid order, but I haven't paid anything", "support sent me the unpaid-order
# article, not relevant"): it names the topic the asker says is NOT theirs. Read up to the
# sentence's end or to the "but" that turns to their own situation.
_REPORTED_ANSWER = re.compile(
    # Who answered: the help center, its bot or support; not a bot that is the goods ("the
    # Discord bot he sent").
    r"(?:\b(?:the|your|this|a|an|kaleoz)\s+)?\b(?<!discord )(?<!custom )(?<!telegram )"
    r"(?:bots?|agents?|support(?: team| agent)?|admins?|cs|customer service|help ?desk|"
    r"help ?cent(?:er|re)|faq)\b(?:'s|’s)?[^.?!\n]{0,60}?\b"
    # What it did: answered or explained, or sent an article, a link or a page.
    r"(?:(?:answered|replied|explained|keeps? telling|kept telling|told (?:me|us) (?:how|about|"
    r"to read|that))\b|(?:sent|send|sends|gave|gives|showed|shows|linked|pointed)\b[^.?!\n]{0,50}?"
    r"\b(?:article|link|page|faq|answer|guide)s?\b|(?:answer|reply) (?:before |earlier )?was\b)"
    # Up to the sentence's end, or the "but" that turns to the asker's own situation.
    r"[^.?!\n]*?(?=,?\s*\b(?:but|tapi|which is not|not relevant)\b|[.?!\n]|$)"
    r"|\bi was (?:told|asked) to (?:read|check|look at|see)\b[^.?!\n]*",
    re.IGNORECASE,
)


def without_reported_answers(text: str) -> str:
    """The text without the answers it reports having been given before."""
    return _REPORTED_ANSWER.sub(" ", text)


def within_reading(text: str) -> str:
    """The part of `text` the matcher reads: all of it, or its start and its end."""
    if len(text) <= READ_HEAD_CHARS + READ_TAIL_CHARS:
        return text
    return f"{text[:READ_HEAD_CHARS]} . {text[-READ_TAIL_CHARS:]}"


def _norm(weights: Mapping[str, float]) -> float:
    """Euclidean length of a sparse vector."""
    return math.sqrt(sum(w * w for w in weights.values())) or 1.0


def _names_an_order(analysis: _Analysis, situation: Situation) -> bool:
    """Whether a question speaks of buying here: an order concept, or a fact about an order."""
    for term in analysis.terms:
        if term.startswith("#"):
            name = term[1:]
            if name in ORDER_CONCEPTS or name.removeprefix("not_") in ORDER_CONCEPTS:
                return True
    # "Slow" or "late" alone says nothing of an order ("my internet is so slow").
    return any(not slot.startswith("want:") and slot != LATE for slot in situation.slots)


class FaqIndex:
    """A search index over help-center documents: build once, ask many times."""

    def __init__(
        self,
        docs: Sequence[FaqDocument],
        analyzer: _Analyzer,
        idf: Mapping[str, float],
        nearest: Mapping[str, Sequence[tuple[int, int, float]]],
        profile: Mapping[str, Sequence[tuple[int, float, float]]],
        min_score: float,
        confident_score: float,
        neighbours: Neighbours | None = None,
    ) -> None:
        self._docs = tuple(docs)
        self._neighbours = neighbours
        self._answers = [check_slots(d.answers, source=d.id) for d in docs]
        # A need only one article declares ("whether to confirm" -> confirmed-received)
        # says which article is meant, even alone.
        # So does a fact at most two articles declare ("partial", "payment failed").
        declaring: dict[str, int] = defaultdict(int)
        for answers in self._answers:
            for slot in {p for parts in answers for p in parts}:
                declaring[slot] += 1
        self._distinctive = frozenset(
            slot
            for slot, count in declaring.items()
            if count == 1 or (count == 2 and not slot.startswith("want:"))
        )
        self._analyzer = analyzer
        self._idf = idf
        self._nearest = nearest
        self._profile = profile
        self.min_score = min_score
        self.confident_score = confident_score

    @property
    def documents(self) -> tuple[FaqDocument, ...]:
        """The indexed documents, in load order."""
        return self._docs

    @classmethod
    def build(
        cls,
        docs: Sequence[FaqDocument],
        lexicon: Lexicon | None = None,
        *,
        min_score: float | None = None,
        confident_score: float = DEFAULT_CONFIDENT_SCORE,
        neighbours: Neighbours | None = None,
    ) -> FaqIndex:
        """Index documents; raises ValueError when there are none or the lexicon clashes.

        `neighbours`, labelled examples and a sentence model, add their vote to the words;
        the default threshold is then FUSED_MIN_SCORE."""
        if min_score is None:
            min_score = DEFAULT_MIN_SCORE if neighbours is None else FUSED_MIN_SCORE
        if not docs:
            raise ValueError("no FAQ documents to index")
        lexicon = lexicon or Lexicon()
        lexicon.check()
        corpus = [t for d in docs for t in (d.title, d.answer, *d.phrasings, *d.keywords)]
        analyzer = _Analyzer(lexicon, corpus)

        def authored(text: str) -> frozenset[str]:
            # A topic the lexicon calls off-topic is in scope once a document is about it.
            analysis = analyzer.analyze(text)
            return analysis.terms | analysis.offtopic

        examples = [[authored(p) for p in (d.title, *d.phrasings)] for d in docs]
        keywords = [set().union(*(authored(k) for k in d.keywords)) for d in docs]
        answers = [analyzer.analyze(d.answer).terms for d in docs]
        # Rarity comes from the authored profile (title, phrasings, keywords): answers are
        # long and mention most concepts in passing. Answer-only terms count from answers.
        authored_df: dict[str, int] = defaultdict(int)
        answer_df: dict[str, int] = defaultdict(int)
        for n in range(len(docs)):
            for term in set().union(*examples[n], keywords[n]):
                authored_df[term] += 1
            for term in answers[n]:
                answer_df[term] += 1
        df = {t: authored_df.get(t) or answer_df[t] for t in authored_df.keys() | answer_df.keys()}
        idf = {t: math.log(1.0 + len(docs) / count) for t, count in df.items()}

        nearest: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
        # term -> (doc, weight in the doc's unit profile vector, how central it is to the doc)
        profile: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        for n, doc_examples in enumerate(examples):
            for e, terms in enumerate(doc_examples):
                length = _norm({t: idf[t] for t in terms})
                for t in terms:
                    nearest[t].append((n, e, idf[t] / length))
            share: dict[str, float] = defaultdict(float)
            for terms in doc_examples:
                for t in terms:
                    share[t] += 1.0 / len(doc_examples)
            weights = defaultdict(float, share)
            for t in keywords[n]:
                weights[t] += _KEYWORD_WEIGHT
            for t in answers[n]:
                weights[t] += _ANSWER_WEIGHT
            vector = {t: idf[t] * w for t, w in weights.items()}
            length = _norm(vector)
            for t, w in vector.items():
                # A term in most phrasings, or in few other documents, is what the document is
                # about; one it mentions in passing is not.
                centrality = min(1.0, weights[t] + share[t] + 1.0 / df[t])
                profile[t].append((n, w / length, centrality))
        return cls(docs, analyzer, idf, nearest, profile, min_score, confident_score, neighbours)

    @property
    def neighbours(self) -> Neighbours | None:
        """The labelled examples that vote beside the words, if the index has them."""
        return self._neighbours

    def scores(self, question: str, *, order: OrderContext | None = None) -> list[float]:
        """How well every document answers the question, in document order (0..1)."""
        return self._fused(question, order)[0]

    def situation(self, question: str, order: OrderContext | None = None) -> Situation:
        """The situation read from the question (and the order), by the words alone: what
        the chat weighs to pick the asker's order, before it asks (and for tests)."""
        return self._read(question, order)[2]

    def _fused(
        self, question: str, order: OrderContext | None
    ) -> tuple[list[float], list[float], Situation, bool]:
        """The scores with the nearest examples' vote, the words' own scores, the situation,
        and True when the examples nearest the message were mostly ones no article answers.
        Without examples the first two are the same."""
        words, situation, barred, ordered = self._judge(question, order)
        if self._neighbours is None:
            return words, words, situation, False
        if max(words) >= WORDS_SURE:
            if situation.told:
                return words, words, situation, False
            # Close to an article's words yet telling nothing of an order ("which laptop is
            # good for running an online shop"): messages like it all went unanswered. The
            # asker's own order does not make it a question about that order.
            vote = self._neighbours.vote(question)
            top = max(range(len(words)), key=words.__getitem__)
            declined = (
                vote.decline >= SURE_DECLINE_VOTE
                and self._docs[top].id in self._neighbours.labels
                and top not in ordered
            )
            return words, words, situation, declined
        # Under the floor everywhere, no article can take a vote: the sentence model (most of
        # a question's cost; tens of ms for a flood of made-up words) is not asked.
        vote = self._neighbours.vote(question) if max(words) >= WORDS_FLOOR else Vote({})
        voted = self._neighbours.labels
        fused = [
            # An article declared not for the situation read (the words and the order) gets
            # no vote: similar messages told another situation. One without examples (an
            # operator's own) keeps its words' score: no vote is no evidence against it.
            (score + NEIGHBOUR_WEIGHT * (0.0 if n in barred or score < WORDS_FLOOR else
                                         vote.share(doc.id))) / (1 + NEIGHBOUR_WEIGHT)
            if doc.id in voted
            else score
            for n, (score, doc) in enumerate(zip(words, self._docs, strict=True))
        ]  # fmt: skip
        # "No article answers messages like this" is about the shipped articles: it does not
        # overrule an operator's own article that the words found.
        top = max(range(len(fused)), key=fused.__getitem__)
        # Nor is it about the asker's order: "how long more" alone is like many messages
        # no article answers, but from a buyer whose order waits for payment it asks how
        # long is left to pay.
        declined = vote.decline >= DECLINE_VOTE and self._docs[top].id in voted
        declined = declined and top not in ordered
        return fused, words, situation, declined

    def _read(
        self, question: str, order: OrderContext | None
    ) -> tuple[_Analysis, _Analysis, Situation]:
        """The question's analysis, its asking clause's, and the situation they tell."""
        question = without_reported_answers(unnumbered(within_reading(question)))
        analysis = self._analyzer.analyze(question)
        need = need_clauses(question)
        need_analysis = analysis if need == question else self._analyzer.analyze(need)
        spelled = self._analyzer.spelled(question)
        situation = read_situation(
            question,
            (t[1:] for t in analysis.terms if t.startswith("#")),
            (t[1:] for t in need_analysis.terms if t.startswith("#")),
            need,
            order,
            spelled=spelled,
            need_spelled=spelled if need == question else self._analyzer.spelled(need),
        )
        return analysis, need_analysis, situation

    def _judge(
        self, question: str, order: OrderContext | None
    ) -> tuple[list[float], Situation, frozenset[int], frozenset[int]]:
        """Text similarity adjusted by how each document's declared situations fit; then
        the documents declared not for the situation read, and those whose declared
        situation the words and the asker's order tell together (a need said and a fact)."""
        analysis, need_analysis, situation = self._read(question, order)
        text = self._similarity(analysis)
        # A message the words barely match may still tell a situation an article answers
        # ("still nothing" from a buyer whose order is overdue): only when nothing in it
        # is off-topic or a need no article answers.
        # Off-topic words in a story do not stop a fully told situation (three slots).
        # Off-topic words in the background of a story ("tried Alipay because of a promo")
        # do not stop it; in the clause that asks they do.
        plain = not need_analysis.offtopic and not situation.uncovered
        asked = situation.wants
        fits = [fit(situation, self._answers[n], d.not_for) for n, d in enumerate(self._docs)]
        told = any(weight >= 1.0 for weight in situation.slots.values())
        about_orders = order is not None or _names_an_order(analysis, situation)
        # A seller who tells no fact about an order and asks for nothing an article
        # answers is asking about running a shop (listings, delivery settings, levels):
        # the articles answer a seller only in a situation.
        shop_only = situation.slots.keys() == {SELLER} and situation.slots[SELLER] >= 1.0
        any_held = any(f.held for f in fits)
        out = []
        for n, score in enumerate(text):
            found = fits[n]
            if found.held & self._distinctive and found.said and plain:
                found = replace(found, best=found.best + _DISTINCTIVE_NEED)
            if told and not found.held and any_held:
                # Something is told and other articles explain it; this one explains none.
                score *= _UNEXPLAINED_FACTOR
            # One slot ("refund") is a topic the words already carry; a combination
            # (a fact and a need) is a situation.
            share = max(0.0, min(found.best, _SITUATION_FULL_FIT) - _ONE_SLOT) / (
                _SITUATION_FULL_FIT - _ONE_SLOT
            )
            if asked and found.wants and not found.wants & asked:
                # The article answers other needs than the one asked ("when is the money
                # released" is not what the order-details article tells).
                score *= _OTHER_NEED_FACTOR
            if found.against:
                # Declared not for this situation: sharing its words is not enough.
                score *= max(0.2, 1.0 - _AGAINST_CUT * found.against)
            elif share > 0:
                if score >= _SITUATION_FLOOR:
                    score += _SITUATION_BOOST * share
                # "Nothing has gone wrong" is inferred from a purchase told, not said: alone it
                # is no situation ("I bought a key, how do I activate it").
                if (
                    (plain or found.best >= _SITUATION_FULL_FIT - 1.0)
                    and found.said
                    and found.held - {NO_PROBLEM}
                ):
                    score = max(score, _SITUATION_ALONE + _SITUATION_BOOST * share / 2)
            if situation.uncovered:
                score *= _UNCOVERED_FACTOR
            if shop_only and self._answers[n]:
                score *= _SHOP_ONLY_FACTOR
            if not about_orders and self._answers[n]:
                # Only an article about orders (one that declares situations) needs the
                # question to speak of one; an operator's article on another topic does not.
                score *= _NO_ORDER_FACTOR
            out.append(min(1.0, score))
        # Messages like this one may be about an order; when this one speaks of none, an
        # article about orders gets no vote either ("what does this word mean"). Nor does
        # any article when the need read is one none answers ("report a seller who
        # scammed me"): messages like it told of orders the articles do answer.
        barred = frozenset(
            n
            for n, found in enumerate(fits)
            if found.against or situation.uncovered or (not about_orders and self._answers[n])
        )
        ordered = frozenset(
            n
            for n, found in enumerate(fits)
            if order is not None and found.said and len(found.held) >= 2 and n not in barred
        )
        return out, situation, barred, ordered

    def _similarity(self, analysis: _Analysis) -> list[float]:
        """Similarity of an analysed question to every document, in document order (0..1)."""
        known = {t: self._idf[t] for t in analysis.terms | analysis.offtopic if t in self._idf}
        offtopic = sum(1 for t in analysis.offtopic if t not in self._idf)
        # Each distinct word counts once: a story that repeats itself is no less on topic.
        unknown = len(analysis.unknown) + sum(1 for t in analysis.terms if t not in self._idf)
        if not known:
            return [0.0] * len(self._docs)
        length = math.sqrt(
            sum(w * w for w in known.values())
            + unknown * _UNKNOWN_WEIGHT**2
            + offtopic * _OFFTOPIC_WEIGHT**2
        )
        best_example: dict[tuple[int, int], float] = defaultdict(float)
        whole = [0.0] * len(self._docs)
        evidence = [0.0] * len(self._docs)
        for term, weight in known.items():
            for n, e, w in self._nearest.get(term, ()):
                best_example[(n, e)] += weight * w
            for n, w, centrality in self._profile.get(term, ()):
                whole[n] += weight * w
                evidence[n] += weight * centrality
        nearest = [0.0] * len(self._docs)
        for (n, _), value in best_example.items():
            nearest[n] = max(nearest[n], value)
        # A common word, or words only in passing in a document, are too little to answer on.
        return [
            min(1.0, (_NEAREST_WEIGHT * a + (1.0 - _NEAREST_WEIGHT) * b) / length)
            * min(1.0, e / _ENOUGH_EVIDENCE)
            for a, b, e in zip(nearest, whole, evidence, strict=True)
        ]

    def _without_order(self, question: str, min_score: float | None) -> tuple[Alternative, ...]:
        """What the words would answer were the asker's order not weighed (nothing when
        they would decline too)."""
        plain = self.ask(question, min_score=min_score)
        if not plain.answered or plain.document is None:
            return ()
        best = Alternative(document=plain.document, score=plain.score)
        return (best, *plain.alternatives)[:MAX_ALTERNATIVES]

    def ask(
        self,
        question: str,
        *,
        min_score: float | None = None,
        order: OrderContext | None = None,
    ) -> FaqAnswer:
        """Answer a question with the best document, or decline below the threshold.

        `order` is what the chat knows of the order the asker most likely means; it is
        evidence beside the words (see `bot.domain.faq_situation`). A message that asks
        several things, some of which no article answers ("when do I press Confirmed
        received? any fees?"), is answered for the rest, and the answer names the needs
        it leaves (`uncovered`)."""
        question = within_reading(question)
        answer = self._answer(question, min_score, order)
        if answer.answered:
            # Answered as a whole, it may still ask, apart, what no article answers ("what
            # does Waiting Payment mean? and how do I withdraw my sales money?").
            split = self._covered_part(question, alone_declined=True)
            if split is None:
                return answer
            return answer.model_copy(update={"uncovered": split.needs, "left": split.left})
        if not answer.uncovered:
            return answer
        split = self._covered_part(question)
        if split is None:
            return answer
        covered = self._answer(split.rest, min_score, order)
        # Answering a part, and leaving the rest to support, takes a clear answer.
        if not covered.answered or covered.score < PART_ANSWER_SCORE:
            return answer
        return covered.model_copy(update={"uncovered": answer.uncovered, "left": split.left})

    def _covered_part(self, question: str, *, alone_declined: bool = False) -> _Split | None:
        """The message without the asks no article answers, when it asks other things too,
        and the needs of those asks. With `alone_declined`, only asks declined when asked
        alone count: the message was answered, and a note must not doubt its answer."""
        asked = asks(question)
        if len(asked) < 2:
            return None
        read = [(part, self._read(part, None)[2]) for part in asked]
        left = [(part, situation) for part, situation in read if situation.uncovered]
        if alone_declined:
            left = [(p, s) for p, s in left if not self._answer(p, None, None).answered]
        # The rest must be a question of its own, telling a need or a fact and answered
        # alone: "Where do I enter it?" after "any promo codes?", or "what happens if I
        # refuse?" after "why must I verify my IC?", asks more of the same need.
        own = [part for part, situation in read if situation.told and not situation.uncovered]
        if not left or not any(self._answer(part, None, None).answered for part in own):
            return None
        needs = sorted({need for _, situation in left for need in situation.uncovered_needs})
        for part, _ in left:
            question = question.replace(part, " ")
        return _Split(question, tuple(needs), tuple(part.strip() for part, _ in left))

    def _answer(
        self, question: str, min_score: float | None, order: OrderContext | None
    ) -> FaqAnswer:
        """The answer to the message as a whole."""
        threshold = self.min_score if min_score is None else min_score
        scores, words, situation, declined = self._fused(question, order)
        ranked = sorted(enumerate(scores), key=lambda p: (-p[1], p[0]))
        (top, score), runners = ranked[0], ranked[1:]
        floor = threshold / 2
        # The choices the words alone would offer stay: a vote sure of one article (a bare
        # "refund" is most often the manual request) does not take the others away.
        words_floor = DEFAULT_MIN_SCORE / 2
        alternatives = tuple(
            Alternative(document=self._docs[n], score=round(s, 4))
            for n, s in runners[:MAX_ALTERNATIVES]
            if (s >= floor or words[n] >= words_floor) and s > 0
        )
        # The vote adds answers, and takes one away only by declining: the words' own answer
        # (their top article, over their threshold) stands when the vote put no other
        # article above it. Without this, an article the situation argues against (a buyer
        # whose order is unpaid writing "barang tak sampai lagi, boleh refund") fell under
        # the fused threshold, though the words alone would answer it.
        words_top = max(range(len(words)), key=lambda n: (words[n], -n))
        words_answer = top == words_top and words[top] >= max(DEFAULT_MIN_SCORE, threshold)
        if (score < threshold and not words_answer) or score <= 0 or declined:
            social = self._analyzer.small_talk(question)
            return FaqAnswer(
                answered=False,
                document=None,
                score=round(score, 4),
                band=Band.NONE,
                alternatives=alternatives,
                small_talk=social is not None,
                thanks=social == _THANKS,
                suggested=self._without_order(question, min_score) if order else (),
                uncovered=situation.uncovered_needs,
            )
        margin = score - (runners[0][1] if runners else 0.0)
        if self._neighbours is not None:
            margin *= 1 + NEIGHBOUR_WEIGHT  # back on the words' scale
        # Sure only when the words alone are: similar messages may pick the article, but a
        # bare "refund" still deserves the choice between its articles.
        sure = words[top] >= self.confident_score and margin >= CONFIDENT_MARGIN
        return FaqAnswer(
            answered=True,
            document=self._docs[top],
            score=round(score, 4),
            band=Band.HIGH if sure else Band.MEDIUM,
            alternatives=alternatives,
            order_set_aside=situation.order_set_aside,
        )
