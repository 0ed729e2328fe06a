"""`kchat backup` of the database a running bot is writing to: the copy is one consistent
moment of it, opens, and passes `kchat check` with the same orders."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.bootstrap import open_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.faq import FaqIndex
from bot.domain.model import Order
from bot.domain.money import parse_amount
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, SELLER, Running

# SQLite's online backup API; PostgreSQL is backed up with pg_dump (docs/operations.md).
pytestmark = pytest.mark.sqlite_only("kchat backup copies a SQLite file")

ROOT = Path(__file__).resolve().parent.parent.parent
KCHAT = Path(sys.executable).parent / "kchat"


async def _kchat(db: Path, *argv: str) -> tuple[int, str, str]:
    """The console script on `db` as its own process (the code of this checkout)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCHAT_", "TELEGRAM_"))}
    env.update(KCHAT_DATABASE_URL=f"sqlite:///{db}", PYTHONPATH=str(ROOT))
    process = await asyncio.create_subprocess_exec(
        str(KCHAT),
        *argv,
        env=env,
        cwd=db.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _orders(db: Path) -> dict[str, Order]:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}")  # type: ignore[call-arg]
    services = await open_services(settings, ManualClock(), create=False)
    try:
        return {o.id: o for o in await services.orders.all_orders(None, 100_000)}
    finally:
        await services.close()


async def _place_and_pay(k: Running) -> None:
    order = await k.services.orders.create_order(
        buyer_id=BUYER,
        seller_id=SELLER,
        title="Steam key",
        price_minor=parse_amount("9.90", "MYR"),
        currency="MYR",
    )
    await k.services.orders.mark_paid_external(order.id)


async def _trade_until(k: Running, stop: asyncio.Event) -> None:
    """Orders placed and paid, one after another, until `stop`: the bot at work."""
    while not stop.is_set():
        await _place_and_pay(k)


async def test_a_backup_of_the_running_bots_database_passes_check_with_the_same_orders(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    async with running_kchat(tmp_path, faq_index) as k:
        live = tmp_path / "kchat.db"
        for _ in range(20):
            await _place_and_pay(k)

        # While the bot goes on writing, the copy is one moment of the database.
        stop = asyncio.Event()
        writing = asyncio.create_task(_trade_until(k, stop))
        code, out, err = await _kchat(live, "backup", str(tmp_path / "during.db"))
        stop.set()
        await writing
        await _place_and_pay(k)  # and one surely after it (a loaded machine may starve the loop)
        assert (code, err) == (0, ""), err
        assert await _kchat(tmp_path / "during.db", "check") == (0, "ledger ok\n", "")
        during, now = await _orders(tmp_path / "during.db"), await _orders(live)
        assert 20 <= len(during) < len(now), "orders were placed during and after the copy"
        assert set(during) <= set(now)

        # With the bot idle (its last writes still in the write-ahead log), the same orders.
        code, out, err = await _kchat(live, "backup", str(tmp_path / "idle.db"))
        assert code == 0 and out.endswith(f", {len(now)} orders)\n"), err
        assert await _kchat(tmp_path / "idle.db", "check") == (0, "ledger ok\n", "")
        assert await _orders(tmp_path / "idle.db") == await _orders(live)
