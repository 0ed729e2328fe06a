"""What the chat knows about the order a help-center question most likely means.

A question told as a situation ("paid yesterday, still nothing") is answered better when
the bot also knows the asker's order: its status, which side of it the asker is on and
whether its current deadline has passed. The chat works that out from its own records
and hands it to `FaqIndex.ask`; the matcher treats it as evidence beside the words, never
instead of them. Pure data: no clock, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.model import Role, Status


@dataclass(frozen=True)
class OrderContext:
    """The order a question is most likely about, as the asker sees it now."""

    status: Status
    # The asker's side of the order: Role.BUYER or Role.SELLER.
    role: Role
    # The deadline of the current status has passed (payment window, delivery window,
    # the buyer's confirmation window) and the scheduler has not acted on it yet.
    overdue: bool = False
    # The buyer has asked for a refund that is still open.
    refund_requested: bool = False
