"""The bodies the marketplace API accepts and answers, as pydantic models.

Requests are strict (no "5" for 5, no unknown fields): a client's mistake is named, never
guessed. The response models describe what the handlers answer, for the OpenAPI document.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_TELEGRAM_ID = 2**63 - 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


TelegramId = Field(gt=0, le=MAX_TELEGRAM_ID, description="A Telegram user id")


class TelegramParty(_Strict):
    """A party known by their Telegram id."""

    telegram_id: int = TelegramId


class AccountParty(_Strict):
    """A party known by their marketplace account: an order for an account not linked to
    Telegram yet waits until it is (202)."""

    account: str = Field(min_length=1, max_length=200, examples=["user-1001"])


class CreateOrder(_Strict):
    """`POST /v1/orders`."""

    buyer: TelegramParty | AccountParty
    seller: TelegramParty | AccountParty
    title: str = Field(min_length=1, max_length=500)
    price: str = Field(min_length=1, max_length=40, examples=["12.50"])
    currency: str | None = Field(default=None, min_length=3, max_length=3, examples=["MYR"])
    reference: str = Field(
        min_length=1, max_length=200, description="The marketplace's own order id (unique)"
    )


class ReportPayment(_Strict):
    """`POST /v1/orders/{id}/payment` (the body may be empty)."""


class CancelOrder(_Strict):
    """`POST /v1/orders/{id}/cancel`: a party's cancellation, relayed by the marketplace."""

    telegram_id: int = TelegramId
    reason: str | None = Field(
        default=None, description="The seller's reason: stock, time, price or asked"
    )


class Credit(_Strict):
    """`POST /v1/users/{telegram_id}/credits`."""

    amount: str = Field(min_length=1, max_length=40, examples=["10.00"])
    currency: str | None = Field(default=None, min_length=3, max_length=3)


class NewTicket(_Strict):
    """`POST /v1/tickets`: a user asks support for help (about one of their orders, or not)."""

    telegram_id: int = TelegramId
    order_id: str | None = Field(default=None, max_length=16, examples=["K1234567"])
    message: str = Field(min_length=1, max_length=2000)


class Deadline(BaseModel):
    kind: str
    due_at: str


class OrderOut(BaseModel):
    """An order: the JSON of `kchat order show --json`, plus the marketplace's reference."""

    model_config = ConfigDict(extra="allow")

    id: str
    status: str
    buyer: int
    seller: int
    title: str
    amount: str
    currency: str
    refund_request: dict[str, Any] | None
    dispute: dict[str, Any] | None
    deadlines: list[Deadline]
    reference: str | None


class OrderList(BaseModel):
    telegram_id: int
    orders: list[OrderOut]


class Balance(BaseModel):
    """The JSON of `kchat balance --json`."""

    telegram_id: int
    balances: dict[str, str]


class TicketOut(BaseModel):
    id: int
    kind: str
    order_id: str | None
    joined: bool


class PartyOut(BaseModel):
    """A party of a waiting order as the marketplace named it: one of the two is set."""

    telegram_id: int | None
    account: str | None


class WaitingOrderOut(BaseModel):
    """An order asked for before a party's account was linked, by its reference.

    `state`: `waiting` (for the roles in `waiting_for` to link their accounts), `created`
    (`order_id` names the order), `cancelled`, or `refused` (`note` says why).
    """

    reference: str
    state: Literal["waiting", "created", "cancelled", "refused"]
    waiting_for: list[Literal["buyer", "seller"]]
    buyer: PartyOut
    seller: PartyOut
    title: str
    amount: str
    currency: str
    created_at: str
    order_id: str | None
    closed_at: str | None
    note: str | None


class CancelWaiting(_Strict):
    """`POST /v1/waiting-orders/{reference}/cancel` (the body may be empty)."""


class LinkOut(BaseModel):
    """A one-time link binding a Telegram user to the account: give `url` to your user."""

    account: str
    url: str
    token: str
    expires_at: str


class AccountOut(BaseModel):
    """A marketplace account and the Telegram user it is linked to."""

    account: str
    linked: bool
    telegram_id: int | None
    linked_at: str | None


class AccountOrders(BaseModel):
    """The account's orders (when linked: its Telegram user's), and those still waiting."""

    account: str
    telegram_id: int | None
    orders: list[OrderOut]
    waiting: list[WaitingOrderOut]


class ProblemOut(BaseModel):
    """RFC 9457 problem details, with a stable `code`."""

    type: str
    title: str
    status: int
    detail: str
    code: str
