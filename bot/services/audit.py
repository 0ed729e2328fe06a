"""The ledger's invariants, checked against the store (tests, `kchat check`)."""

from __future__ import annotations

from bot.domain.ledger import escrow_account, may_go_negative
from bot.domain.model import Status
from bot.ports.storage import Storage


async def ledger_violations(store: Storage) -> list[str]:
    """Every broken invariant, as readable lines; empty when the books are right."""
    problems: list[str] = []
    async with store.snapshot() as tx:
        balances = await tx.all_balances()
        unbalanced = await tx.unbalanced_txns()
        orders = await tx.all_orders()
        keys_by_order = {o.id: await tx.txn_keys(o.id) for o in orders}
    problems += [f"transaction {k} does not balance" for k in unbalanced]
    for (account, currency), amount in sorted(balances.items()):
        if amount < 0 and not may_go_negative(account):
            problems.append(f"{account} is negative: {amount} {currency}")
    for order in orders:
        held = balances.get((escrow_account(order.id), order.currency), 0)
        if held != order.escrow_minor:
            problems.append(
                f"{order.id} ({order.status}) escrow holds {held}, expected {order.escrow_minor}"
            )
        keys = keys_by_order[order.id]
        if keys.count(f"{order.id}:settle") > 1 or keys.count(f"{order.id}:pay") > 1:
            problems.append(f"{order.id} moved money twice: {keys}")
        if order.status.finished and held != 0:
            problems.append(f"{order.id} is finished but its escrow holds {held}")
        if order.status is Status.COMPLETED and order.released_minor + order.refunded_minor != (
            order.amount_minor
        ):
            problems.append(f"{order.id} completed without paying out its whole amount")
    return problems
