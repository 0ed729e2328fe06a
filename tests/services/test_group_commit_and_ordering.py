"""Group commit shares fsyncs without giving up durability; chats keep their order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from telegram import Chat, Message, Update, User

from bot.services.group_commit import GroupCommit
from bot.update_order import PerChatOrder


async def test_concurrent_writers_share_batches_and_each_waits_for_its_own() -> None:
    batches: list[list[int]] = []

    async def flush(items: Sequence[int]) -> None:
        await asyncio.sleep(0)  # yield, as a real commit does
        batches.append(list(items))

    gc: GroupCommit[int] = GroupCommit(flush)
    await asyncio.gather(*(gc.write(i) for i in range(10)))
    assert sorted(i for b in batches for i in b) == list(range(10))
    assert len(batches) < 10  # shared
    assert batches[0] == [0]  # the leader does not wait for company


async def test_a_failed_batch_fails_every_writer_in_it() -> None:
    async def flush(items: Sequence[int]) -> None:
        raise OSError("disk full")

    gc: GroupCommit[int] = GroupCommit(flush)
    results = await asyncio.gather(*(gc.write(i) for i in range(3)), return_exceptions=True)
    assert all(isinstance(r, OSError) for r in results)


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


@pytest.mark.parametrize("n", [1, 3])
async def test_a_lone_write_is_flushed_at_once(n: int) -> None:
    flushed: list[Sequence[int]] = []

    async def flush(items: Sequence[int]) -> None:
        flushed.append(items)

    gc: GroupCommit[int] = GroupCommit(flush)
    for i in range(n):
        await gc.write(i)
    assert [list(b) for b in flushed] == [[i] for i in range(n)]
