"""Typed domain errors: each carries a message fit to show the person who caused it."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.policy import spoken


class Words(str):
    """Words the bot's catalogue translates: a refusal's text, or words inside it (a verb, a
    role), as opposed to a value it names (an order id, an amount).

    The core speaks English; a refusal given as `Words("Order {order} is already paid.")`
    with `order=...` can be said in the reader's language where it is shown.
    """

    __slots__ = ()


class DomainError(Exception):
    """Base of every refusal the core can give; nothing changed when one is raised.

    `message` may name values in braces, given as `params` (`"Order {order} is paid."`,
    `order=...`): `message` is then the English text, and `template` with `params` what a
    translation is made from.
    """

    code = "domain_error"

    def __init__(self, message: str, **params: object) -> None:
        self.template = message
        self.params = params
        shown = {key: _in_english(value) for key, value in params.items()}
        self.message = message.format(**shown) if params else message
        super().__init__(self.message)


def _in_english(value: object) -> object:
    """A value as the English text shows it (a duration as people say it: "24 hours")."""
    if isinstance(value, timedelta):
        return spoken(value)
    return value


class OrderNotFound(DomainError):
    """Unknown order id, or an order the asker is no party to (never reveal which)."""

    code = "order_not_found"

    def __init__(self, order_id: str) -> None:
        super().__init__(Words("No order {order} found."), order=order_id)
        self.order_id = order_id


class OfferNotFound(DomainError):
    """Unknown or withdrawn offer."""

    code = "offer_not_found"


class NotAllowed(DomainError):
    """The actor is a party to the order but may not take this action."""

    code = "not_allowed"


class IllegalTransition(DomainError):
    """The order's current state does not allow the action."""

    code = "illegal_transition"


class AlreadyPlaced(IllegalTransition):
    """A second tap that would place an order already placed; that order is named."""

    def __init__(self, message: str, order_id: str) -> None:
        super().__init__(message, order=order_id)
        self.order_id = order_id


class AlreadyReordered(AlreadyPlaced):
    """The expired order was re-ordered before."""

    def __init__(self, order_id: str) -> None:
        super().__init__(Words("You already re-ordered this: order {order}."), order_id)


class AlreadyOrdered(AlreadyPlaced):
    """The buyer has an unpaid order of this offer already."""

    def __init__(self, order_id: str) -> None:
        super().__init__(
            Words("You already ordered this: order {order} is waiting for payment."), order_id
        )


class TooEarly(DomainError):
    """The action becomes possible later (e.g. a refund request before the minimum age)."""

    code = "too_early"

    def __init__(self, message: str, allowed_at: datetime, **params: object) -> None:
        super().__init__(message, **params)
        self.allowed_at = allowed_at


class InvalidAmount(DomainError):
    """A malformed, non-positive or out-of-range amount."""

    code = "invalid_amount"


class InsufficientBalance(DomainError):
    """The buyer's balance does not cover the payment."""

    code = "insufficient_balance"


class InvalidInput(DomainError):
    """Any other malformed input (empty reason, oversized text, bad id)."""

    code = "invalid_input"


class StaleDeadline(DomainError):
    """A deadline that no longer applies to the order as it is now."""

    code = "stale_deadline"


class ReferenceTaken(DomainError):
    """The marketplace's order reference already names another order."""

    code = "reference_taken"

    def __init__(self, reference: str) -> None:
        super().__init__(f"The reference {reference!r} already names an order.")
        self.reference = reference
