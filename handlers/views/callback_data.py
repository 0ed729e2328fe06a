"""Callback data as a typed, packed, validated value (never a hand-split string).

Telegram allows 64 bytes. Anything that does not unpack cleanly is treated as forged or
stale and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton

PREFIX = "k1"
MAX_BYTES = 64
_REF = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_ARG = re.compile(r"^[A-Za-z0-9_.:-]{0,16}$")


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
    FAQ = "faq"
    FAQ_YES = "fy"
    FAQ_NO = "fn"
    SUPPORT = "sup"
    PAID_ALREADY = "pd"  # buyer: "I already paid" (payment problem)
    LEAVE_SUPPORT = "ls0"
    TZ = "tz"  # pick a time zone (ref = index into the offered list)
    TZ_YES = "tzy"  # use the zone typed after /timezone (ref = catalogue index, arg = check)
    TZ_NO = "tzn"  # keep the zone as it is
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


# Buttons on a ticket card in the support group; every other kind is a party's (private chat).
TICKET_ACTS = frozenset(
    {
        Act.T_CLAIM,
        Act.T_REFUND,
        Act.T_PART,
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
PARTY_ACTS = frozenset(Act) - TICKET_ACTS


def pattern(acts: frozenset[Act]) -> str:
    """A callback pattern that matches exactly these kinds of button, by their whole code.

    A code may begin like another ("tz" and "tc" both begin with "t"): matching a code up to
    its separator keeps each kind with its own handler.
    """
    codes = "|".join(sorted(re.escape(act.value) for act in acts))
    return rf"^{PREFIX}\|(?:{codes})\|"


class InvalidCallback(ValueError):
    """Callback data that this bot did not make (or made in an older, incompatible form)."""


@dataclass(frozen=True)
class Cb:
    """A button's meaning: an action on a reference (order, offer or FAQ entry)."""

    act: Act
    ref: str = "-"
    arg: str = ""

    def pack(self) -> str:
        """Serialize for Telegram; raises if it would not round-trip."""
        if not _REF.match(self.ref) or not _ARG.match(self.arg):
            raise ValueError(f"unpackable callback {self!r}")
        data = f"{PREFIX}|{self.act.value}|{self.ref}|{self.arg}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError("callback data over 64 bytes")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Cb:
        """Parse and validate; InvalidCallback for anything forged or stale."""
        if not data or len(data.encode()) > MAX_BYTES:
            raise InvalidCallback("empty or oversized")
        parts = data.split("|")
        if len(parts) != 4 or parts[0] != PREFIX:
            raise InvalidCallback("unknown format")
        try:
            act = Act(parts[1])
        except ValueError as exc:
            raise InvalidCallback("unknown action") from exc
        if not _REF.match(parts[2]) or not _ARG.match(parts[3]):
            raise InvalidCallback("bad reference")
        return cls(act, parts[2], parts[3])


def button(label: str, act: Act, ref: str = "-", arg: str = "") -> InlineKeyboardButton:
    """An inline button carrying packed callback data."""
    return InlineKeyboardButton(label, callback_data=Cb(act, ref, arg).pack())
