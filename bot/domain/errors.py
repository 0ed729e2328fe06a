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


class LinkRefused(DomainError):
    """A link between a marketplace account and Telegram that cannot be made (or undone)."""

    code = "link_refused"


class LinkForged(LinkRefused):
    """The link's token is not one this service issued (mistyped, cut short, or made up)."""

    code = "link_forged"

    def __init__(self) -> None:
        super().__init__(
            Words(
                "This link is not valid. Open the link the marketplace gave you once more, or "
                "ask it for a new one."
            )
        )


class LinkExpired(LinkRefused):
    """The link's token is past its expiry."""

    code = "link_expired"

    def __init__(self) -> None:
        super().__init__(
            Words(
                "This link has expired. Ask the marketplace for a new one (on your account page)."
            )
        )


class LinkUsed(LinkRefused):
    """The link's token was used already (each link links once)."""

    code = "link_used"

    def __init__(self) -> None:
        super().__init__(
            Words(
                "This link was used already; each link works once. Ask the marketplace for a "
                "new one if your account is not linked yet."
            )
        )


class AccountLinkedElsewhere(LinkRefused):
    """The account is linked to another Telegram user (who, is never said)."""

    code = "account_linked_elsewhere"

    def __init__(self) -> None:
        super().__init__(
            Words(
                "This marketplace account is already linked to another Telegram account. Unlink "
                "it there first (/unlink), or ask the marketplace's support."
            )
        )


class TelegramLinkedElsewhere(LinkRefused):
    """This Telegram user is linked to another account already (their own: it is named)."""

    code = "telegram_linked_elsewhere"

    def __init__(self, account: str) -> None:
        super().__init__(
            Words(
                "Your Telegram is already linked to the marketplace account {account}. Send "
                "/unlink first to link another one."
            ),
            account=account,
        )
        self.account = account


class NotLinked(LinkRefused):
    """Nothing to unlink."""

    code = "not_linked"

    def __init__(self) -> None:
        super().__init__(Words("Your Telegram is not linked to a marketplace account."))


class WaitingOrderNotFound(OrderNotFound):
    """No order waits under this reference (never created by an account's wait)."""

    def __init__(self, reference: str) -> None:
        DomainError.__init__(self, f"No waiting order with the reference {reference[:200]!r}.")
        self.order_id = reference


class TooManyWaiting(NotAllowed):
    """An account has as many orders waiting for its link as it may."""
