"""Applying due deadlines: the one way time changes an order."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.domain.deadlines import DeadlineKind, open_deadlines
from bot.domain.errors import StaleDeadline
from bot.domain.model import Order
from bot.domain.policy import Policy
from bot.domain.transitions import Outcome, apply_deadline
from bot.ports.records import DueDeadline
from bot.ports.storage import DeadlineRepo, Storage, UnitOfWork
from bot.services.notifications import OutboxSignal
from bot.services.outcomes import persist_outcome, settle_overdue
from bot.services.telemetry import Applied, NoTelemetry, Telemetry

log = logging.getLogger(__name__)

RULES_KEY = "deadline_rules"


async def note_rules_if_unset(tx: DeadlineRepo, policy: Policy) -> None:
    """A database nobody recorded the deadline rules in gets the ones in force now.

    Called where deadlines are first written (an order placed): a database the command
    line filled first then starts the bot without re-deriving every deadline, since they
    were derived under these same rules. The bot records them at start (`reconcile`).
    """
    if await tx.get_meta(RULES_KEY) is None:
        await tx.set_meta(RULES_KEY, policy.model_dump_json())


@dataclass
class SweepReport:
    """What one sweep did."""

    applied: int = 0
    reminders: int = 0
    obsolete: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        """Every deadline the sweep finished."""
        return self.applied + self.reminders + self.obsolete + self.failed


class DeadlineService:
    """Claims due deadlines from the store and applies them through the core."""

    def __init__(
        self,
        store: Storage,
        clock: Clock,
        policy: Policy,
        batch_size: int = 200,
        signal: OutboxSignal | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.signal = signal or OutboxSignal()
        self.telemetry = telemetry or NoTelemetry()
        self.store = store
        self.clock = clock
        self.policy = policy
        self.batch_size = batch_size

    async def reconcile(self) -> int:
        """Re-derive every open order's deadlines if the rules changed since the last run.

        Pending rows are derived from the windows in force when they were written; an
        operator who shortens or lengthens a window expects open orders to follow the
        new rule (their cards already show it). Runs at start, before the first sweep;
        returns how many orders were re-derived (0 when the rules are unchanged).
        """
        rules = self.policy.model_dump_json()
        async with self.store.read() as tx:
            if await tx.get_meta(RULES_KEY) == rules:
                return 0
        count, last = 0, ""
        while True:
            async with self.store.transaction() as tx:
                batch = await tx.open_orders_after(last, self.batch_size)
                for order in batch:
                    await tx.replace_deadlines(order.id, open_deadlines(order, self.policy))
                if len(batch) < self.batch_size:
                    await tx.set_meta(RULES_KEY, rules)
            count += len(batch)
            if len(batch) < self.batch_size:
                break
            last = batch[-1].id
        log.info("deadline rules changed: re-derived the deadlines of %d open orders", count)
        return count

    async def pending(self, order_id: str) -> list[DueDeadline]:
        """The order's deadlines that have not fired yet, earliest first."""
        async with self.store.read() as tx:
            return await tx.pending_deadlines(order_id)

    async def due_by(self, until: datetime, limit: int) -> list[DueDeadline]:
        """Pending deadlines falling due by `until`, earliest first."""
        async with self.store.read() as tx:
            return await tx.due_deadlines(until, limit)

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending deadline falls due."""
        async with self.store.read() as tx:
            return await tx.next_due_at()

    async def backlog(self, overdue_after: timedelta) -> tuple[int, int]:
        """(due, overdue): pending deadlines due now, and those of them due for longer than
        `overdue_after` (the sweep should have applied them by then)."""
        now = self.clock.now()
        async with self.store.read() as tx:
            return await tx.deadline_backlog(now, now - overdue_after)

    async def sweep(self, max_batches: int | None = None) -> SweepReport:
        """Apply everything due now, in batches; each deadline is applied exactly once."""
        now = self.clock.now()
        report = SweepReport()
        batches = 0
        while max_batches is None or batches < max_batches:
            batches += 1
            applied = Applied()
            try:
                async with self.store.transaction() as tx:
                    # Claimed: another instance sweeping at once takes other orders.
                    due = await tx.claim_due_deadlines(now, self.batch_size)
                    await self._apply_batch(tx, due, now, report, applied)
            except Exception:
                # One bad row must not block the rest: redo this batch a row at a time.
                log.exception("deadline batch failed; retrying one by one")
                due = await self._due(now)
                await self._apply_one_by_one(due, now, report)
            else:
                self.telemetry.transitions_applied(applied.actions)
            if len(due) < self.batch_size:
                break
        if report.total:
            self.signal.mark()
        return report

    async def _due(self, now: datetime) -> list[DueDeadline]:
        async with self.store.read() as tx:
            return await tx.due_deadlines(now, self.batch_size)

    async def _apply_batch(
        self,
        tx: UnitOfWork,
        due: list[DueDeadline],
        now: datetime,
        report: SweepReport,
        applied: Applied,
    ) -> None:
        orders = await tx.get_orders(sorted({d.order_id for d in due}))
        partial = SweepReport()
        for row in due:
            order = orders.get(row.order_id)
            if order is None:  # pragma: no cover - foreign keys forbid this
                continue
            saved = await self._apply_row(tx, row, order, now, partial, applied)
            if saved is not None:
                orders[row.order_id] = saved
        # Count only once the batch's transaction is certain to commit with these rows.
        report.applied += partial.applied
        report.reminders += partial.reminders
        report.obsolete += partial.obsolete

    async def _apply_row(
        self,
        tx: UnitOfWork,
        row: DueDeadline,
        order: Order,
        now: datetime,
        report: SweepReport,
        applied: Applied,
    ) -> Order | None:
        kind = DeadlineKind(row.kind)
        try:
            outcome: Outcome | None = apply_deadline(order, kind, row.due_at, now, self.policy)
        except StaleDeadline:
            outcome = None
        # Claim the row first: if an earlier row of this batch already replaced the
        # order's deadlines, this one is gone and must not act.
        if not await tx.finish_deadline(row.id, "done" if outcome else "obsolete", now):
            return None
        if outcome is None:
            report.obsolete += 1
            if (kind, row.due_at) in {
                (d.kind, d.due_at) for d in open_deadlines(order, self.policy)
            }:
                return None  # a reminder that came due with its resolution: skipped by design
            # The row no longer matches the order under today's settings (a window changed
            # between runs): re-derive them, applying a resolution that is already owed.
            saved, settled = await settle_overdue(tx, order, now, self.policy, applied)
            if settled:
                report.applied += 1
            else:
                await tx.replace_deadlines(order.id, open_deadlines(order, self.policy))
            return saved
        if outcome.changed:
            report.applied += 1
        else:
            report.reminders += 1
        return await persist_outcome(tx, outcome, self.policy, now, previous=order, applied=applied)

    async def _apply_one_by_one(
        self, due: list[DueDeadline], now: datetime, report: SweepReport
    ) -> None:
        for row in due:
            applied = Applied()
            try:
                async with self.store.transaction() as tx:
                    order = await tx.get_order(row.order_id)
                    if order is not None:
                        await self._apply_row(tx, row, order, now, report, applied)
            except Exception:
                log.exception("deadline %s of %s failed", row.kind, row.order_id)
                async with self.store.transaction() as tx:
                    await tx.finish_deadline(row.id, "failed", now)
                report.failed += 1
            else:
                self.telemetry.transitions_applied(applied.actions)
