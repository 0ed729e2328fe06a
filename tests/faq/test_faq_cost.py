"""No message, however long or strange, costs the help center more than a real question.

Time is not asserted here (machines are noisy; `python -m bench.faq_adversarial` measures
it). What is asserted is the work done and the memory taken, which are deterministic.
"""

from __future__ import annotations

import random
import re
import string
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import faq
from bot.domain import faq_cues as cues
from bot.domain.faq import FaqIndex
from bot.help_center import load_index

TELEGRAM_LIMIT = 4096


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return load_index()


def _random_words(count: int, length: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=length)) for _ in range(count))


def _peak_bytes(index: FaqIndex, text: str) -> int:
    tracemalloc.start()
    try:
        index.ask(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_one_long_word_takes_little_memory(index: FaqIndex) -> None:
    # Every two-letter deletion of a 1,000-letter word was ~500,000 strings (hundreds of MB).
    word = "".join(random.Random(2).choices(string.ascii_lowercase, k=1000))
    assert _peak_bytes(index, word) < 2 * 2**20


def test_a_whole_message_of_one_word_takes_little_memory(index: FaqIndex) -> None:
    assert _peak_bytes(index, "q" * TELEGRAM_LIMIT) < 2 * 2**20
    assert _peak_bytes(index, "refund" * (TELEGRAM_LIMIT // 6)) < 2 * 2**20


def test_a_message_of_made_up_words_spell_corrects_only_a_bounded_number(
    index: FaqIndex,
) -> None:
    speller = index._analyzer._speller
    before = len(speller._cache)
    index.ask(_random_words(count=800, length=9, seed=3))
    # A long message is read by its start and its end (`within_reading`), the end also as
    # the clause that asks: each with its own budget.
    assert len(speller._cache) - before <= 2 * faq._SPELL_BUDGET


def test_a_message_is_read_up_to_a_bounded_number_of_words(index: FaqIndex) -> None:
    analyzer = index._analyzer
    analyzer._forms.clear()
    index.ask(_random_words(count=2000, length=6, seed=4))
    assert len(analyzer._forms) <= faq.MAX_QUESTION_WORDS


def test_a_real_question_after_a_long_preamble_within_the_bound_is_still_answered(
    index: FaqIndex,
) -> None:
    story = "so yesterday i was shopping around for a while and then " * 5
    answer = index.ask(story + "i paid but the order still shows unpaid")
    assert answer.answered
    assert answer.document is not None and "unpaid" in answer.document.title.lower()


def test_typos_are_still_corrected_within_the_budget(index: FaqIndex) -> None:
    answer = index.ask("i paid but my oder stil shows unpiad")
    assert answer.answered
    assert answer.document is not None and "unpaid" in answer.document.title.lower()


def test_links_and_emails_are_dropped_without_backtracking_regexes() -> None:
    assert faq._clauses("see https://x.io/refund or mail me@x.com about refund") == [
        ["see", "or", "mail", "about", "refund"]
    ]
    # A long run without spaces and with many "@" is one token to look at, not a regex trap.
    assert faq._clauses("@" * 3000 + "a") == [["a"]]


# The question finder before it was anchored at sentence starts: tried at every character,
# it scanned a long sentence without a question mark once per character.
_QUESTION_FROM_ANYWHERE = re.compile(r"(?:[^.!?\n]|(?<=\d)\.(?=\d))*\?")


@given(st.text(alphabet="ab 1.2?!\n", max_size=40))
def test_questions_are_found_from_sentence_starts_as_from_anywhere(text: str) -> None:
    assert cues.QUESTION.findall(text) == _QUESTION_FROM_ANYWHERE.findall(text)


def test_digits_are_not_squeezed_like_stretched_letters(index: FaqIndex) -> None:
    spelled = index._analyzer.spelled("pleaseee, only 500 came, i ordered 1000")
    assert "1000" in spelled.split() and "please" in spelled.split()


def test_a_four_letter_token_is_corrected_only_for_a_vowel_left_out_or_letters_swapped(
    index: FaqIndex,
) -> None:
    spelled = index._analyzer.spelled("seller nevr replied, where my mony, sort it out").split()
    assert "never" in spelled and "money" in spelled
    # "sort" is a word of its own, not "short" with the "h" left out.
    assert "sort" in spelled and "short" not in spelled
    spelled = index._analyzer.spelled("paymnt fial, cannot pay in tiem").split()
    assert "fail" in spelled and "time" in spelled


def test_real_words_the_lexicon_lists_are_left_as_they_are(index: FaqIndex) -> None:
    # One letter from "fund", "sistem", "send" and "bukan" (not), yet words of their own.
    spelled = index._analyzer.spelled("found my sister spent it, bulan depan").split()
    assert spelled[:5] == ["found", "my", "sister", "spent", "it"]
    assert "bulan" in spelled and "bukan" not in spelled
    # Typos are still corrected beside them.
    assert "refund" in index._analyzer.spelled("sister wants a refnud").split()


def test_a_doubled_letter_typed_once_beats_a_letter_changed() -> None:
    # "haven" is the commoner word and as near, but a doubled letter typed once is the
    # likelier slip.
    checker = faq._SpellChecker({"haven": 50, "happen": 1})
    assert checker.correct("hapen") == "happen"
    # A letter changed is still corrected when no doubled letter explains the token.
    assert checker.correct("havem") == "haven"


def test_answers_reported_from_before_are_not_read() -> None:
    told = "Your bot told me how to cancel a paid order, but I haven't paid anything."
    assert "cancel" not in faq.without_reported_answers(told)
    assert "haven't paid anything" in faq.without_reported_answers(told)
    told = "Seller here, your support sent me the unpaid-order article, not relevant. He paid."
    assert "unpaid" not in faq.without_reported_answers(told)
    # The seller's words, and a bot that is the goods, are no answer of the help center.
    for told in [
        "The seller told me how to cancel it on my side.",
        "The custom Discord bot he sent shows an error page.",
    ]:
        assert faq.without_reported_answers(told) == told


def test_list_numbers_are_dropped_only_from_a_list_numbered_from_one() -> None:
    assert faq.unnumbered("1. Order diamond 2. Seller tanda hantar 3. Tak terima") == (
        ". Order diamond . Seller tanda hantar . Tak terima"
    )
    assert faq.unnumbered("he sent 3. I ordered 5.") == "he sent 3. I ordered 5."
