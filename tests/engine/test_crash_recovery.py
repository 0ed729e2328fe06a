"""A process killed with SIGKILL in the middle of load leaves a database that recovers:
intact schema, right books, and every deadline still applied exactly once afterwards.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.domain.deadlines import DeadlineKind
from bot.domain.ledger import EXTERNAL
from bot.domain.model import Status
from bot.domain.policy import Policy
from bot.services.audit import ledger_violations
from bot.services.deadlines import DeadlineService
from store.sqlite_store import Store
from tests.databases import sqlite_url

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL and select"),
    pytest.mark.sqlite_only("SQLite's file after a killed writer: integrity_check, WAL"),
]

WORKER = Path(__file__).with_name("crash_worker.py")
REPO = Path(__file__).resolve().parents[2]
PROGRESS_TIMEOUT_S = 30.0
LOAD_BEFORE_KILL_S = 0.7
# Each event that finishes an order, and the state it leaves.
TERMINAL = {"order_completed", "order_cancelled", "refund_approved", "order_expired"}
RESOLVES_TO = {
    "expire_unpaid": {Status.EXPIRED},
    "auto_cancel": {Status.REFUNDING},
    "auto_confirm": {Status.COMPLETED},
    "auto_refund": {Status.REFUNDING, Status.COMPLETED},  # full or partial request
}


def run_and_kill(db: Path, seed: int, log: Path) -> int:
    """Start the worker, let it load the database for a moment, SIGKILL it; rounds done."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    with log.open("ab") as err:
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(db), str(seed)],
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=REPO,
            env=env,
        )
    assert proc.stdout is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], PROGRESS_TIMEOUT_S)
        first = proc.stdout.readline().decode() if ready else ""
        assert first.startswith("progress "), f"worker never reported: {log.read_text()}"
        time.sleep(LOAD_BEFORE_KILL_S)  # let it get well into its load
        assert proc.poll() is None, f"worker died by itself: {log.read_text()}"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
        lines = [first, *proc.stdout.read().decode().splitlines()]
    finally:
        if proc.poll() is None:  # pragma: no cover - only if an assertion fired early
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return int(lines[-1].split()[1])


def schema_problems(db: Path) -> list[str]:
    """What SQLite itself finds wrong with the file (none expected)."""
    with closing(sqlite3.connect(db)) as con:
        problems = [r[0] for r in con.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key: {r}" for r in con.execute("PRAGMA foreign_key_check")]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    wanted = {"orders", "deadlines", "ledger_txns", "ledger_entries", "outbox", "order_log"}
    problems += [f"table {t} is missing" for t in sorted(wanted - tables)]
    return problems


async def test_a_killed_worker_leaves_books_that_balance_and_deadlines_that_fire_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "crash.db"
    log = tmp_path / "worker.log"
    rounds = [run_and_kill(db, seed, log) for seed in (7, 8)]  # killed twice, resumed once
    assert all(r >= 1 for r in rounds)

    assert schema_problems(db) == []
    store = await Store.open(sqlite_url(db))
    try:
        assert await ledger_violations(store) == []
        async with store.read() as tx:
            before = {o.id: o for o in await tx.all_orders()}
            latest_due = await tx.next_due_at()
        assert len(before) > 10, "the worker did too little before it was killed"
        waiting = {oid for oid, o in before.items() if not o.status.finished}
        assert waiting, "nothing was left open to resolve"

        # Far past everything the worker could have scheduled (it runs hours, not months).
        far = datetime(2026, 1, 5, 9, 0, tzinfo=UTC) + timedelta(days=400)
        assert latest_due is None or latest_due < far
        clock = ManualClock(far)
        deadlines = DeadlineService(store, clock, Policy())
        report = await deadlines.sweep()
        again = await deadlines.sweep()

        assert report.failed == 0 and report.applied == len(waiting)
        assert again.total == 0
        assert await deadlines.next_due_at() is None  # nothing left pending, due or not
        assert await ledger_violations(store) == []
        async with store.read() as tx:
            after = {o.id: o for o in await tx.all_orders()}
            balances = await tx.all_balances()
            fired = {oid: await tx.fired_deadlines(oid) for oid in after}
            outbox = {oid: await tx.outbox_for(oid) for oid in after}
        assert sum(balances.values()) == 0 and balances.get((EXTERNAL, "MYR"), 0) <= 0
        for oid, order in after.items():
            assert order.status.finished, f"{oid} is still {order.status}"
            resolutions = [k for k, _ in fired[oid] if DeadlineKind(k).is_resolution]
            assert len(resolutions) <= 1, f"{oid} resolved twice: {fired[oid]}"
            if oid in waiting:  # left waiting by the crash: resolved now, exactly once
                assert len(resolutions) == 1, (oid, fired[oid])
                assert order.status in RESOLVES_TO[resolutions[0]], (oid, resolutions)
                assert order.closed_at == far
            # Each party heard exactly once how the order ended.
            heard = Counter(i.recipient_id for i in outbox[oid] if i.kind in TERMINAL)
            assert heard == {order.buyer_id: 1, order.seller_id: 1}, (oid, outbox[oid])
    finally:
        await store.close()
    assert twice_done(db) == []


def twice_done(db: Path) -> list[tuple[str, str, str]]:
    """(order, kind, due_at) done more than once (the schema's UNIQUE forbids it)."""
    with closing(sqlite3.connect(db)) as con:
        return list(
            con.execute(
                "SELECT order_id, kind, due_at FROM deadlines WHERE state = 'done' "
                "GROUP BY order_id, kind, due_at HAVING COUNT(*) > 1"
            )
        )
