"""Callback data as typed, packed, validated values (never a hand-split string).

Each kind of button has a small class of its own: which actions it serves and what it
carries (an order id, an amount, a ticket id, ...). All of them pack to one wire format,
`k1|<act>|<ref>|<arg>`, so buttons already sitting in people's chats keep working.

Telegram allows 64 bytes. Anything that does not unpack cleanly, into exactly the value
that would pack back to it, is treated as forged or stale and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import ClassVar, Self

from telegram import InlineKeyboardButton

from bot.domain.languages import language_tag

PREFIX = "k1"
MAX_BYTES = 64
_REF = re.compile(r"[A-Za-z0-9_-]{1,32}")
_ARG = re.compile(r"[A-Za-z0-9_.:-]{0,16}")
_NUMBER = re.compile(r"[0-9]{1,32}")
_CHECKSUM = re.compile(r"[0-9a-f]{8}")


class Act(StrEnum):
    """What a button does (short codes: the 64-byte limit)."""

    OPEN = "o"
    PAY = "pay"
    PAY_YES = "payy"  # the second tap: pay (arg = the amount shown, minor units)
    DELIVER = "dlv"
    CONFIRM = "cf"
    CONFIRM_YES = "cfy"
    REFUND = "rf"
    REFUND_FULL = "rff"
    REFUND_PART = "rfp"
    WITHDRAW = "rfw"
    APPROVE = "apr"
    APPROVE_YES = "apry"  # the second tap: refund (arg = the amount shown, minor units)
    REJECT = "rej"
    CANCEL = "cx"
    CANCEL_YES = "cxy"
    ESCALATE = "esc"
    MESSAGE = "msg"
    LEAVE_CHAT = "lv"
    DELETE = "del"
    REORDER = "reo"
    BACK = "bk"
    BUY = "buy"
    LIST = "ls"
    ABORT = "ab"  # stop waiting for typed input
    # Which order a bare command meant, picked from a list: that command's next step.
    PICK_CONFIRM = "pkc"
    PICK_REFUND = "pkr"
    PICK_DELIVER = "pkd"
    PICK_CANCEL = "pkx"
    FAQ = "faq"
    FAQ_YES = "fy"
    FAQ_NO = "fn"
    SUPPORT = "sup"
    PAID_ALREADY = "pd"  # buyer: "I already paid" (payment problem)
    LEAVE_SUPPORT = "ls0"
    TZ = "tz"  # pick a time zone (ref = index into the offered list)
    TZ_YES = "tzy"  # use the zone typed after /timezone (ref = catalogue index, arg = check)
    TZ_NO = "tzn"  # keep the zone as it is
    LANG = "lg"  # pick a language (ref = its tag, "-" = follow Telegram's)
    UNLINK_YES = "uly"  # /unlink's second tap: unlink the marketplace account
    UNLINK_NO = "uln"  # keep it linked
    # Support group, on a ticket (ref = ticket id; arg "y" = the confirming second tap)
    T_CLAIM = "tc"
    T_REFUND = "tr"
    T_PART = "tp"
    T_RELEASE = "tl"
    T_PAY_OK = "tpo"
    T_PAY_NO = "tpn"
    T_ASK_BUYER = "tab"
    T_ASK_SELLER = "tas"
    T_TRANSCRIPT = "tt"
    T_CLOSE = "tx"
    T_BACK = "tb"


class InvalidCallback(ValueError):
    """Callback data that this bot did not make (or made in an older, incompatible form)."""


def _pack(act: Act, ref: str, arg: str) -> str:
    """The wire format; raises if it would not round-trip."""
    if not _REF.fullmatch(ref) or not _ARG.fullmatch(arg):
        raise ValueError(f"unpackable callback {(act.value, ref, arg)!r}")
    data = f"{PREFIX}|{act.value}|{ref}|{arg}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


def _split(data: str | None) -> tuple[Act, str, str]:
    """The wire format's three fields, or InvalidCallback."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise InvalidCallback("empty or oversized")
    parts = data.split("|")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise InvalidCallback("unknown format")
    try:
        act = Act(parts[1])
    except ValueError as exc:
        raise InvalidCallback("unknown action") from exc
    if not _REF.fullmatch(parts[2]) or not _ARG.fullmatch(parts[3]):
        raise InvalidCallback("bad reference")
    return act, parts[2], parts[3]


def _number(text: str) -> int:
    if not _NUMBER.fullmatch(text):
        raise InvalidCallback(f"not a number: {text!r}")
    return int(text)


def _not_negative(*numbers: int | None) -> None:
    if any(n is not None and n < 0 for n in numbers):
        raise ValueError(f"unpackable callback: negative number in {numbers!r}")


class _Packed:
    """What every kind of button shares: the actions it serves, and packing to the wire.

    A kind lists its actions in ACTS, says how its fields become (ref, arg) in `_wire`,
    and reads them back in `_read`. Construction packs once, so a value that exists fits.
    """

    ACTS: ClassVar[frozenset[Act]]
    act: Act

    def __post_init__(self) -> None:
        if self.act not in self.ACTS:
            raise ValueError(f"unpackable callback: {self.act!r} is not a {type(self).__name__}")
        self.pack()

    def _wire(self) -> tuple[str, str]:
        raise NotImplementedError

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        raise NotImplementedError

    def pack(self) -> str:
        """Serialize for Telegram."""
        return _pack(self.act, *self._wire())


@dataclass(frozen=True)
class OrderTap(_Packed):
    """An action on one order that carries nothing else."""

    ACTS: ClassVar = frozenset(
        {
            Act.OPEN,
            Act.BACK,
            Act.PAY,
            Act.DELIVER,
            Act.CONFIRM,
            Act.CONFIRM_YES,
            Act.REFUND,
            Act.REFUND_FULL,
            Act.REFUND_PART,
            Act.WITHDRAW,
            Act.APPROVE,
            Act.REJECT,
            Act.CANCEL,
            Act.ESCALATE,
            Act.MESSAGE,
            Act.LEAVE_CHAT,
            Act.DELETE,
            Act.REORDER,
            Act.PAID_ALREADY,
            Act.ABORT,
            Act.PICK_CONFIRM,
            Act.PICK_REFUND,
            Act.PICK_DELIVER,
            Act.PICK_CANCEL,
        }
    )
    act: Act
    order_id: str

    def _wire(self) -> tuple[str, str]:
        return self.order_id, ""

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(act, ref)


@dataclass(frozen=True)
class MoneyConfirm(_Packed):
    """The second tap that moves money, naming the amount it showed (minor units)."""

    ACTS: ClassVar = frozenset({Act.PAY_YES, Act.APPROVE_YES})
    act: Act
    order_id: str
    amount_minor: int

    def __post_init__(self) -> None:
        _not_negative(self.amount_minor)
        super().__post_init__()

    def _wire(self) -> tuple[str, str]:
        return self.order_id, str(self.amount_minor)

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(act, ref, _number(arg))


@dataclass(frozen=True)
class CancelConfirm(_Packed):
    """The second tap of Cancel: a seller's carries the reason's code, a buyer's none.

    The code is checked by the order's rules, which say what to pick instead.
    """

    ACTS: ClassVar = frozenset({Act.CANCEL_YES})
    order_id: str
    reason: str = ""
    act: Act = field(default=Act.CANCEL_YES, init=False)

    def _wire(self) -> tuple[str, str]:
        return self.order_id, self.reason

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(ref, arg)


@dataclass(frozen=True)
class ListPage(_Packed):
    """A page of the /orders list: which filter, and how many pages back (0 = newest)."""

    ACTS: ClassVar = frozenset({Act.LIST})
    filter: str
    page: int = 0
    act: Act = field(default=Act.LIST, init=False)

    def __post_init__(self) -> None:
        _not_negative(self.page)
        super().__post_init__()

    def _wire(self) -> tuple[str, str]:
        return self.filter, str(self.page)

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(ref, _number(arg))


@dataclass(frozen=True)
class OfferTap(_Packed):
    """Buy now, on a seller's offer."""

    ACTS: ClassVar = frozenset({Act.BUY})
    offer_id: str
    act: Act = field(default=Act.BUY, init=False)

    def _wire(self) -> tuple[str, str]:
        return self.offer_id, ""

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(ref)


# Words the help-center buttons use in place of a document id (the FAQ loader reserves them).
_TOPICS = "topics"
_NO_DOCUMENT = "none"


@dataclass(frozen=True)
class FaqTap(_Packed):
    """A help-center article to show (None: the list of topics)."""

    ACTS: ClassVar = frozenset({Act.FAQ})
    doc_id: str | None
    act: Act = field(default=Act.FAQ, init=False)

    def __post_init__(self) -> None:
        if self.doc_id == _TOPICS:
            raise ValueError(f"unpackable callback: {_TOPICS!r} is not a document id")
        super().__post_init__()

    def _wire(self) -> tuple[str, str]:
        return self.doc_id or _TOPICS, ""

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(None if ref == _TOPICS else ref)


@dataclass(frozen=True)
class FaqReply(_Packed):
    """Feedback on an answer, or "Talk to support": the article it followed (None: none
    matched) and the logged question (None on answers older than the question log)."""

    ACTS: ClassVar = frozenset({Act.FAQ_YES, Act.FAQ_NO, Act.SUPPORT})
    act: Act
    doc_id: str | None
    question_id: int | None = None

    def __post_init__(self) -> None:
        if self.doc_id == _NO_DOCUMENT:
            raise ValueError(f"unpackable callback: {_NO_DOCUMENT!r} is not a document id")
        _not_negative(self.question_id)
        super().__post_init__()

    def _wire(self) -> tuple[str, str]:
        asked = "" if self.question_id is None else str(self.question_id)
        return self.doc_id or _NO_DOCUMENT, asked

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        doc_id = None if ref == _NO_DOCUMENT else ref
        return cls(act, doc_id, _number(arg) if arg else None)


@dataclass(frozen=True)
class PlainTap(_Packed):
    """A button about nothing in particular (it acts on the person's own state)."""

    ACTS: ClassVar = frozenset({Act.LEAVE_SUPPORT, Act.TZ_NO, Act.UNLINK_YES, Act.UNLINK_NO})
    act: Act

    def _wire(self) -> tuple[str, str]:
        return "-", ""

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(act)


@dataclass(frozen=True)
class ZoneTap(_Packed):
    """A time zone picked from the /timezone keyboard (an index into the zones offered)."""

    ACTS: ClassVar = frozenset({Act.TZ})
    index: int
    act: Act = field(default=Act.TZ, init=False)

    def __post_init__(self) -> None:
        _not_negative(self.index)
        super().__post_init__()

    def _wire(self) -> tuple[str, str]:
        return str(self.index), ""

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(_number(ref))


@dataclass(frozen=True)
class LanguageTap(_Packed):
    """A language picked from the /language keyboard (None: follow Telegram's language)."""

    ACTS: ClassVar = frozenset({Act.LANG})
    language: str | None
    act: Act = field(default=Act.LANG, init=False)

    def __post_init__(self) -> None:
        if self.language is not None and language_tag(self.language) != self.language:
            raise ValueError(f"unpackable callback: language {self.language[:20]!r}")
        super().__post_init__()

    def _wire(self) -> tuple[str, str]:
        return self.language or "-", ""

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(None if ref == "-" else ref)


@dataclass(frozen=True)
class ZoneConfirm(_Packed):
    """ "Yes, use …" for a zone typed after /timezone: its index in the zone catalogue, and
    a checksum of its name (a button drawn from another catalogue is refused)."""

    ACTS: ClassVar = frozenset({Act.TZ_YES})
    index: int
    check: str
    act: Act = field(default=Act.TZ_YES, init=False)

    def __post_init__(self) -> None:
        _not_negative(self.index)
        if not _CHECKSUM.fullmatch(self.check):
            raise ValueError(f"unpackable callback: checksum {self.check!r}")
        super().__post_init__()

    def _wire(self) -> tuple[str, str]:
        return str(self.index), self.check

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(_number(ref), arg)


@dataclass(frozen=True)
class TicketTap(_Packed):
    """A button on a ticket card in the support group; `confirmed` on the second tap of
    those that move money or cannot be undone."""

    CONFIRMABLE: ClassVar = frozenset(
        {Act.T_REFUND, Act.T_RELEASE, Act.T_PAY_OK, Act.T_PAY_NO, Act.T_CLOSE}
    )
    ACTS: ClassVar = frozenset(
        {
            Act.T_CLAIM,
            Act.T_REFUND,
            Act.T_RELEASE,
            Act.T_PAY_OK,
            Act.T_PAY_NO,
            Act.T_ASK_BUYER,
            Act.T_ASK_SELLER,
            Act.T_TRANSCRIPT,
            Act.T_CLOSE,
            Act.T_BACK,
        }
    )
    act: Act
    ticket_id: int
    confirmed: bool = False

    def __post_init__(self) -> None:
        _not_negative(self.ticket_id)
        if self.confirmed and self.act not in self.CONFIRMABLE:
            raise ValueError(f"unpackable callback: {self.act!r} has no second tap")
        super().__post_init__()

    def confirming(self) -> TicketTap:
        """The second tap of this button."""
        return replace(self, confirmed=True)

    def _wire(self) -> tuple[str, str]:
        return str(self.ticket_id), "y" if self.confirmed else ""

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        return cls(act, _number(ref), arg == "y")


@dataclass(frozen=True)
class TicketPartialRefund(_Packed):
    """Refund part, on a ticket: the first tap asks for the amount; the second carries it."""

    ACTS: ClassVar = frozenset({Act.T_PART})
    ticket_id: int
    amount_minor: int | None = None
    act: Act = field(default=Act.T_PART, init=False)

    def __post_init__(self) -> None:
        _not_negative(self.ticket_id, self.amount_minor)
        super().__post_init__()

    def _wire(self) -> tuple[str, str]:
        return str(self.ticket_id), "" if self.amount_minor is None else f"y{self.amount_minor}"

    @classmethod
    def _read(cls, act: Act, ref: str, arg: str) -> Self:
        amount = _number(arg.removeprefix("y")) if arg else None
        return cls(_number(ref), amount)


PartyCallback = (
    OrderTap
    | MoneyConfirm
    | CancelConfirm
    | ListPage
    | OfferTap
    | FaqTap
    | FaqReply
    | PlainTap
    | ZoneTap
    | ZoneConfirm
    | LanguageTap
)
TicketCallback = TicketTap | TicketPartialRefund
Callback = PartyCallback | TicketCallback

PARTY_KINDS: tuple[type[PartyCallback], ...] = (
    OrderTap,
    MoneyConfirm,
    CancelConfirm,
    ListPage,
    OfferTap,
    FaqTap,
    FaqReply,
    PlainTap,
    ZoneTap,
    ZoneConfirm,
    LanguageTap,
)
TICKET_KINDS: tuple[type[TicketCallback], ...] = (TicketTap, TicketPartialRefund)
# Which kind of button each action's data is: each action belongs to exactly one.
KIND_OF: dict[Act, type[Callback]] = {
    act: kind for kind in (*PARTY_KINDS, *TICKET_KINDS) for act in kind.ACTS
}

# Buttons on a ticket card in the support group; every other kind is a party's (private chat).
TICKET_ACTS = frozenset(act for kind in TICKET_KINDS for act in kind.ACTS)
PARTY_ACTS = frozenset(Act) - TICKET_ACTS


def pattern(acts: frozenset[Act]) -> str:
    """A callback pattern that matches exactly these kinds of button, by their whole code.

    A code may begin like another ("tz" and "tc" both begin with "t"): matching a code up to
    its separator keeps each kind with its own handler.
    """
    codes = "|".join(sorted(re.escape(act.value) for act in acts))
    return rf"^{PREFIX}\|(?:{codes})\|"


def unpack(data: str | None) -> Callback:
    """The typed button behind callback data; InvalidCallback for anything forged or stale.

    Only data the bot itself would have packed is accepted: the value read must pack back to
    exactly the data received (no "007" for 7, no stray argument on a plain button).
    """
    act, ref, arg = _split(data)
    try:
        tap = KIND_OF[act]._read(act, ref, arg)
    except ValueError as exc:  # InvalidCallback too: it is a ValueError
        raise InvalidCallback(str(exc)) from exc
    if tap.pack() != data:
        raise InvalidCallback("not in the form this bot packs")
    return tap


def button(label: str, tap: Callback) -> InlineKeyboardButton:
    """An inline button carrying packed callback data."""
    return InlineKeyboardButton(label, callback_data=tap.pack())
