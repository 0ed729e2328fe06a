"""The durable inbox seen from outside: an update Telegram was told arrived is applied even if
the bot died before handling it, a resent update is applied once, and the bot is idle only
once every kept update was handled."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from telegram import Bot, Update

from bot.bootstrap import open_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.domain.faq import FaqIndex
from bot.ports.records import InboxItem
from bot.services.inbox import InboxService
from handlers.durable_queue import DurableUpdateQueue
from tests.databases import database_url, fetch, on_postgres
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, Running


def _text_update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Alice"}
    command = [{"type": "bot_command", "offset": 0, "length": len(text)}] if text[0] == "/" else []
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Alice"},
            "from": user,
            "text": text,
            "entities": command,
        },
    }


async def test_an_update_kept_before_a_crash_is_applied_when_the_bot_starts_again(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    url = database_url(tmp_path)
    # The last run kept /balance and claimed it, then died before handling it.
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    services = await open_services(settings, ManualClock())
    try:
        body = json.dumps(_text_update(5_000_001, BUYER, "/balance"))
        assert await services.inbox.keep(5_000_001, BUYER, body)
        assert [i.update_id for i in await services.inbox.claim(10)] == [5_000_001]
    finally:
        await services.close()

    async with running_kchat(tmp_path, faq_index, users=[BUYER]) as kchat:
        buyer = kchat.tg.user(BUYER, "Alice")
        if on_postgres():
            # Another instance might hold it: taken over only once the lease runs out. (On
            # SQLite the bot is the only one there can be: it takes it back at once.)
            await kchat.settle()
            assert buyer.last_message() is None, "not while the lease holds"
            kchat.clock.advance(kchat.app.bot_data.settings.lease)
            updates = kchat.app.update_queue
            assert isinstance(updates, DurableUpdateQueue)
            updates.poke()
        answer = await buyer.wait_for_message(contains="balance")
        assert answer.from_bot
    assert fetch(url, "SELECT update_id, state, attempts FROM inbox") == [(5_000_001, "applied", 2)]


async def test_an_update_telegram_sends_twice_is_applied_once(kchat: Running) -> None:
    buyer = kchat.tg.user(BUYER, "Alice")
    buyer.start()
    await kchat.settle()
    seen = len(buyer.messages())
    update = Update.de_json(_text_update(9_000_001, BUYER, "/balance"), kchat.app.bot)
    await kchat.app.update_queue.put(update)
    await kchat.app.update_queue.put(update)  # the 200 was lost: Telegram sends it again
    await kchat.settle()
    assert len(buyer.messages()) == seen + 1, "one answer"
    async with kchat.services.store.read() as tx:
        assert await tx.inbox_backlog() == (0, None)


async def test_stopping_mid_round_marks_each_handled_update_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The pump is between its transaction and the end of its round when the bot stops:
    stopping waits for the round, so the marks it carried are not written a second time
    (which would read as another instance having taken the update over)."""

    class SlowRound(InboxService):
        gate = asyncio.Event()
        marking = asyncio.Event()

        async def claim(self, limit: int, applied: Sequence[int] = ()) -> list[InboxItem]:
            items = await super().claim(limit, applied)
            if applied:
                self.marking.set()
                await self.gate.wait()  # committed; the round is not over yet
            return items

    url = database_url(tmp_path)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    services = await open_services(settings, ManualClock())
    try:
        inbox = SlowRound(services.store, services.inbox.clock, settings.lease)
        queue = DurableUpdateQueue()
        queue.attach(inbox, Bot("123:abc"), sole=True)
        update = Update.de_json(_text_update(7_000_001, BUYER, "/balance"), None)
        await queue.put(update)
        assert await asyncio.wait_for(queue.get(), 5) is update  # PTB takes it
        await queue.finished(update)  # handled: the pump marks it within 0.2 s
        await asyncio.wait_for(SlowRound.marking.wait(), 5)
        with caplog.at_level(logging.WARNING, logger="bot.services.inbox"):
            stopping = asyncio.create_task(queue.detach())
            await asyncio.sleep(0.05)
            SlowRound.gate.set()
            await asyncio.wait_for(stopping, 5)
        assert not [r for r in caplog.records if "taken over" in r.getMessage()]
        assert fetch(url, "SELECT update_id, state FROM inbox") == [(7_000_001, "applied")]
    finally:
        await services.close()
