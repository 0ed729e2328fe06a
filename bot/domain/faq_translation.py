"""A help-center document in another language, and what it must keep from the English one.

A translation carries only what a reader sees: the title and the answer. Matching stays on
the English document's phrasings and keywords (which already cover Malay and Manglish), and
whether the entry is about an order comes from the English document too.

A translation is faithful when its answer keeps the English answer's facts (``facts``):

- the same numbers, as a multiset: durations, amounts, counts, step numbers ("72 hours" and
  "72 jam" both give 72; "RM12.50" gives 12.50; a number word directly before a unit of time,
  "ONE hour" or "SATU jam", counts as its digit);
- the same website labels, as a multiset: whatever is in quotes, the order statuses, the
  website's buttons and pages, and the order-number placeholder (KXXXXXXX), all written in
  English as the website shows them;
- the same steps and list items, in order ("Step 2:" and "Langkah 2:" are both step 2;
  "3." and "(a)" are items);
- the same layout: as many paragraphs, each with as many lines;
- the same links (addresses, and as many bracketed link texts).

The marketplace's own names (KALEOZ, KChat, LiveChat) must each still be named, in any
spelling case. A translated title keeps the quoted labels of the English title.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, field_validator

from bot.domain.faq import (
    FaqDocument,
    check_answer,
    check_document_id,
    check_not_blank,
    check_title,
)
from bot.domain.languages import LANGUAGE_CODE, SOURCE_LANGUAGE, reader_language

# What the website shows, in English whatever the reader's language.
WEBSITE_STATUSES = (
    "Waiting Payment",
    "Waiting Delivery",
    "Waiting Confirmation",
    "Completed",
    "Refunding",
    "Refunded",
    "Expired",
    "Deleted",
)
WEBSITE_LABELS = ("My Orders", "Request Refund", "Confirmed received", "Order ID")
# The order-number placeholder the documents write ("KXXXXXXX").
_ORDER_PLACEHOLDER = r"KX{5,}"
NAMES = ("KALEOZ", "KChat", "LiveChat")

_QUOTED = re.compile(r"[\"“]([^\"“”\n]{1,80})[\"”]")
_KNOWN = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(s) for s in sorted(WEBSITE_STATUSES + WEBSITE_LABELS, key=len)[::-1])
    + rf"|{_ORDER_PLACEHOLDER})(?![\w-])"
)
_NAME = re.compile(r"\b(" + "|".join(NAMES) + r")\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_UNITS = ("hour", "hours", "day", "days", "minute", "minutes", "jam", "hari", "minit")
_NUMBER_WORDS = {
    # English
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    # Malay
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "lapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
}
_NUMBER_WORD = re.compile(
    rf"\b({'|'.join(_NUMBER_WORDS)})[ \u00a0]+(?:{'|'.join(_UNITS)})\b", re.IGNORECASE
)
# A step ("Step 2:", "Langkah 2:"), a numbered item ("3.") or a lettered one ("(a)").
_STEP = re.compile(r"([^\W\d_]+) (\d+):(?= )")
_ITEM = re.compile(r"(\d+)\.(?= )|\(([a-z])\)(?= )")
_URL = re.compile(r"https?://[^\s)\]>\"”]+")
_LINK_TEXT = re.compile(r"\[[^\[\]\n]+\]")


class FaqTranslation(BaseModel):
    """One help-center entry in another language: the id it translates, a title, an answer."""

    model_config = ConfigDict(frozen=True)

    id: str
    language: str
    title: str
    answer: str

    _not_blank = field_validator("id", "title", "answer")(check_not_blank)
    _fits_a_button = field_validator("id")(check_document_id)
    _short_title = field_validator("title")(check_title)
    _answer_fits_a_message = field_validator("answer")(check_answer)

    @field_validator("language")
    @classmethod
    def _a_language(cls, value: str) -> str:
        """A language code as Telegram gives it, and not the documents' own language."""
        if not LANGUAGE_CODE.fullmatch(value):
            raise ValueError(f"language {value[:20]!r} is not a lowercase code such as 'ms'")
        if value == SOURCE_LANGUAGE:
            raise ValueError(f"{SOURCE_LANGUAGE!r} is the documents' own language")
        return value

    def applied_to(self, doc: FaqDocument) -> FaqDocument:
        """The English document as a reader of this language sees it: title and answer here,
        matching hints and `about_order` from the English one."""
        if doc.id != self.id:
            raise ValueError(f"translation {self.id!r} does not translate {doc.id!r}")
        return doc.model_copy(update={"title": self.title, "answer": self.answer})


class Facts(BaseModel):
    """What an answer says that a translation must say too (see the module docstring)."""

    model_config = ConfigDict(frozen=True)

    numbers: tuple[str, ...]
    labels: tuple[str, ...]
    names: tuple[str, ...]
    steps: tuple[str, ...]
    layout: tuple[int, ...]
    links: tuple[str, ...]
    # Bracketed link words ("[click here …]"), whose address may be lost in the export.
    link_texts: int


def _number(text: str) -> str:
    """A number as compared: thousands separators dropped ("1,000" is 1000)."""
    return text.replace(",", "")


def numbers(text: str) -> list[str]:
    """Every number in the text, digits or a number word before a unit of time."""
    found = [_number(m.group()) for m in _NUMBER.finditer(text)]
    found += [str(_NUMBER_WORDS[m.group(1).lower()]) for m in _NUMBER_WORD.finditer(text)]
    return sorted(found, key=lambda n: (float(n), n))


def labels(text: str) -> list[str]:
    """The website's words: quoted ones, then statuses, buttons, pages, placeholders."""
    found = [m.group(1).strip() for m in _QUOTED.finditer(text)]
    found += [m.group(1) for m in _KNOWN.finditer(_QUOTED.sub(" ", text))]
    return sorted(found)


def step_marks(text: str) -> list[tuple[str, str]]:
    """Each step or list item at the start of a line: (its word or "", its number or letter)."""
    marks: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if step := _STEP.match(line):
            marks.append((step.group(1), step.group(2)))
        elif item := _ITEM.match(line):
            marks.append(("", item.group(1) or item.group(2)))
    return marks


def layout(text: str) -> tuple[int, ...]:
    """Lines in each paragraph (a blank line separates paragraphs)."""
    paragraphs = re.split(r"\n[ \t]*\n", text.strip())
    return tuple(len([line for line in p.splitlines() if line.strip()]) for p in paragraphs)


def facts(text: str) -> Facts:
    """The facts of one answer, as compared between languages."""
    return Facts(
        numbers=tuple(numbers(text)),
        labels=tuple(labels(text)),
        names=tuple(sorted({m.group(1).casefold() for m in _NAME.finditer(text)})),
        # A step's word is the language's ("Step", "Langkah"): its number is the fact.
        steps=tuple(f"{'step ' if word else ''}{mark}" for word, mark in step_marks(text)),
        layout=layout(text),
        links=tuple(sorted(_URL.findall(text))),
        link_texts=len(_LINK_TEXT.findall(text)),
    )


def _listed(values: Iterable[object] | int) -> str:
    """Values for a message: "72, 3", or "none"."""
    if isinstance(values, int):
        return str(values)
    return ", ".join(str(v) for v in values) or "none"


def differences(doc: FaqDocument, translation: FaqTranslation) -> list[str]:
    """How a translation's answer (and title) departs from the English facts; [] if faithful."""
    english, other = facts(doc.answer), facts(translation.answer)
    lang = translation.language
    found: list[str] = []
    for field, what in (
        ("numbers", "numbers"),
        ("labels", "website labels"),
        ("names", "names"),
        ("steps", "steps and list items"),
        ("layout", "lines per paragraph"),
        ("links", "links"),
        ("link_texts", "bracketed link texts"),
    ):
        a, b = getattr(english, field), getattr(other, field)
        if a == b:
            continue
        if field in ("numbers", "labels"):
            missing = Counter(a) - Counter(b)
            extra = Counter(b) - Counter(a)
            found.append(
                f"{what}: {lang} lacks {_listed(missing.elements())}; "
                f"{lang} adds {_listed(extra.elements())}"
            )
        else:
            found.append(f"{what}: English has {_listed(a)}; {lang} has {_listed(b)}")
    title_labels = [m.group(1).strip() for m in _QUOTED.finditer(doc.title)]
    if sorted(title_labels) != sorted(
        m.group(1).strip() for m in _QUOTED.finditer(translation.title)
    ):
        found.append(f"title: keep the quoted labels {_listed(title_labels)}")
    return found


class Shelf:
    """The help-center documents as each reader's language shows them.

    Matching and everything else stay on the English documents; only what a reader sees
    (title and answer) changes, and a document not translated is shown in English.
    """

    def __init__(self, translations: Mapping[str, Mapping[str, FaqTranslation]]) -> None:
        self._translations = {lang: dict(by_id) for lang, by_id in translations.items()}

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages a reader may get, besides English."""
        return tuple(sorted(self._translations))

    def language_for(self, language_code: str | None) -> str | None:
        """The translation this reader gets (None: English)."""
        return reader_language(language_code, self._translations)

    def shown(self, doc: FaqDocument, language: str | None) -> FaqDocument:
        """`doc` as a reader of `language` sees it."""
        translation = self._translations.get(language or "", {}).get(doc.id)
        return translation.applied_to(doc) if translation else doc
