"""Idempotent API requests: the row of (API key, Idempotency-Key) is inserted before the
request runs, so it is the lock a concurrent duplicate meets, and keeps the answer to replay.

Only answers that did something are kept: a refused request is forgotten, so that a retry
(with the same key, once what stopped it is fixed) runs afresh. Bad input changes nothing.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.ports.records import ApiRequestRecord
from bot.ports.storage import Storage


class IdempotencyService:
    """Begin, finish or forget one idempotent request; each its own short transaction."""

    def __init__(self, store: Storage, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def begin(
        self, key_id: str, idempotency_key: str, request_hash: str
    ) -> ApiRequestRecord | None:
        """None: this request is the first and runs now; else the one seen before (done,
        with its answer, or still running)."""
        async with self.store.transaction() as tx:
            return await tx.begin_api_request(
                key_id, idempotency_key, request_hash, self.clock.now()
            )

    async def finish(self, key_id: str, idempotency_key: str, status: int, body: str) -> None:
        """Keep the answer: a repeat of the request gets it back."""
        async with self.store.transaction() as tx:
            await tx.finish_api_request(key_id, idempotency_key, status, body)

    async def forget(self, key_id: str, idempotency_key: str) -> None:
        """The request was refused: a retry with this key runs afresh."""
        async with self.store.transaction() as tx:
            await tx.drop_api_request(key_id, idempotency_key)
