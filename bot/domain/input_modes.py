"""What the bot is waiting for a person to type, as one enum with its rules in one table.

A person is in at most one mode at a time (stored, so it survives a restart). The table
says, for each mode, whether it is a question about one order (its live message is the
prompt and loses its buttons when answered), and whether what is typed goes to a person as
written (so it may be long) rather than being read by the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class InputMode(StrEnum):
    """The stored names are the values: they are in databases already."""

    CHAT = "chat"  # in an order's chat: messages go to the other party
    SUPPORT = "support"  # talking to support about a ticket
    RECEIPT = "receipt"  # buyer: proof of a payment the order does not show, for support
    DELIVER = "deliver"  # seller: the delivery (text or file)
    REJECT_REASON = "reject_reason"  # seller: why a refund request is rejected
    REFUND_AMOUNT = "refund_amount"  # buyer: how much of the order to refund
    SELL_TITLE = "sell_title"  # seller listing an offer: its title
    SELL_PRICE = "sell_price"  # then its price
    SUPPORT_AMOUNT = "support_amount"  # agent: the refund of a partial resolution


@dataclass(frozen=True)
class ModeRule:
    """How a mode treats what is typed."""

    about_an_order: bool  # a question about one order, asked by its live message
    to_people: bool  # passed on as written (long text allowed), not read by the bot


RULES: dict[InputMode, ModeRule] = {
    InputMode.CHAT: ModeRule(about_an_order=False, to_people=True),
    InputMode.SUPPORT: ModeRule(about_an_order=False, to_people=True),
    InputMode.RECEIPT: ModeRule(about_an_order=True, to_people=True),
    InputMode.DELIVER: ModeRule(about_an_order=True, to_people=False),
    InputMode.REJECT_REASON: ModeRule(about_an_order=True, to_people=False),
    InputMode.REFUND_AMOUNT: ModeRule(about_an_order=True, to_people=False),
    InputMode.SELL_TITLE: ModeRule(about_an_order=False, to_people=False),
    InputMode.SELL_PRICE: ModeRule(about_an_order=False, to_people=False),
    InputMode.SUPPORT_AMOUNT: ModeRule(about_an_order=False, to_people=False),
}

# Answers the bot applies to the order itself (a delivery, a rejection, a refund amount).
ORDER_ANSWERS = frozenset({InputMode.DELIVER, InputMode.REJECT_REASON, InputMode.REFUND_AMOUNT})


def asks_about_an_order(mode: InputMode) -> bool:
    """Whether the mode is a question about one order, asked by its live message."""
    return RULES[mode].about_an_order


def goes_to_people(mode: InputMode) -> bool:
    """Whether what is typed in this mode is passed on as written."""
    return RULES[mode].to_people
