"""Double-entry ledger: balanced transactions of integer minor units between accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXTERNAL = "external"


def user_account(user_id: int) -> str:
    """A user's KALEOZ balance."""
    return f"user:{user_id}"


def escrow_account(order_id: str) -> str:
    """The money an order holds between payment and settlement."""
    return f"escrow:{order_id}"


@dataclass(frozen=True)
class Entry:
    """One leg of a transaction: positive credits the account, negative debits it."""

    account: str
    amount_minor: int


@dataclass(frozen=True)
class LedgerTxn:
    """A balanced set of entries in one currency, applied at most once per `key`."""

    key: str
    currency: str
    entries: tuple[Entry, ...]
    memo: str
    order_id: str | None = None

    def __post_init__(self) -> None:
        if not self.entries:
            raise ValueError("a transaction needs entries")
        if sum(e.amount_minor for e in self.entries) != 0:
            raise ValueError(f"unbalanced transaction {self.key}")
        if any(e.amount_minor == 0 for e in self.entries):
            raise ValueError(f"zero entry in transaction {self.key}")


def transfer(
    key: str,
    currency: str,
    source: str,
    targets: Iterable[tuple[str, int]],
    memo: str,
    order_id: str | None = None,
) -> LedgerTxn:
    """Move money from `source` to each (account, amount) target; zero targets are dropped."""
    legs = [Entry(acct, amt) for acct, amt in targets if amt]
    total = sum(e.amount_minor for e in legs)
    return LedgerTxn(key, currency, (Entry(source, -total), *legs), memo, order_id)


def may_go_negative(account: str) -> bool:
    """Only the outside world can owe money."""
    return account == EXTERNAL
