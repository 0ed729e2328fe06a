"""Group commit shares fsyncs without giving up durability; chats keep their order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from telegram import Chat, Message, Update, User

from bot.services.group_commit import SharedTransaction
from handlers.per_chat_order import PerChatOrder


def _update(uid: int, chat_id: int, n: int) -> Update:
    user = User(uid, "U", False)
    msg = Message(n, None, Chat(chat_id, "private"), from_user=user, text=str(n))  # type: ignore[arg-type]
    return Update(n, message=msg)


async def test_updates_of_one_chat_run_in_order_while_chats_overlap() -> None:
    proc = PerChatOrder(16)
    seen: dict[int, list[int]] = {1: [], 2: []}
    running: set[int] = set()
    overlap = False

    async def handle(chat: int, n: int) -> None:
        nonlocal overlap
        assert chat not in running, "two updates of one chat ran at once"
        running.add(chat)
        overlap = overlap or len(running) > 1
        await asyncio.sleep(0.001 * (5 - n % 5))  # later updates finish faster if unordered
        seen[chat].append(n)
        running.discard(chat)

    await asyncio.gather(
        *(
            proc.process_update(_update(chat, chat, n), handle(chat, n))
            for n in range(10)
            for chat in (1, 2)
        )
    )
    assert seen == {1: list(range(10)), 2: list(range(10))}
    assert overlap


class _Tx:
    """Stands in for a store transaction: records what ran in it and whether it committed."""

    def __init__(self, log: list[tuple[str, Sequence[int]]]) -> None:
        self.log = log

    async def __aenter__(self) -> _Tx:
        self.log.append(("begin", []))
        return self

    async def __aexit__(self, exc_type: object, *_: object) -> None:
        self.log.append(("rollback" if exc_type else "commit", []))


async def test_a_shared_transaction_runs_a_bursts_bulk_units_together_then_the_others() -> None:
    log: list[tuple[str, Sequence[int]]] = []

    async def doubled(_tx: _Tx, args: Sequence[int]) -> list[int]:
        log.append(("bulk", list(args)))
        return [a * 2 for a in args]

    async def one(_tx: _Tx) -> str:
        log.append(("one", []))
        return "one"

    shared = SharedTransaction(lambda: _Tx(log), bulks=(doubled,))
    # Queued before the leader gets to run: one batch, bulk first whatever the call order.
    queued = [shared.submit(one), *(shared.submit_bulk(doubled, n) for n in (1, 2, 3))]
    results = await asyncio.gather(*queued)
    assert results == ["one", 2, 4, 6]
    assert log == [("begin", []), ("bulk", [1, 2, 3]), ("one", []), ("commit", [])]


async def test_a_failing_unit_fails_its_whole_batch_and_the_next_batch_still_runs() -> None:
    log: list[tuple[str, Sequence[int]]] = []

    async def boom(_tx: _Tx) -> None:
        raise RuntimeError("disk full")

    async def fine(_tx: _Tx) -> int:
        return 7

    shared = SharedTransaction(lambda: _Tx(log))
    first = shared.submit(fine)
    failing = shared.submit(boom)
    with pytest.raises(RuntimeError, match="disk full"):
        await first
    with pytest.raises(RuntimeError):
        await failing
    assert await shared.run(fine) == 7
    await shared.settled()
    assert [what for what, _ in log] == ["begin", "rollback", "begin", "commit"]
