"""Telegram's side of a webhook: POST each queued update to the bot until it answers 2xx.

Telegram calls the public HTTPS address given to setWebhook, sends the secret in
X-Telegram-Bot-Api-Secret-Token, keeps up to `max_connections` requests open at once,
and retries an update (later, with growing pauses) until it is acknowledged; only then
is it gone. The address the bot registered is public (https, port 443), which a test
cannot serve, so the pusher is told the local address that stands in for it (a load
balancer in front of the instances, say): what DNS and the proxy do in real life.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp

from sandbox.fake_bot_api.state import PendingUpdate, TelegramState

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_RETRY_S = 0.05
LONGEST_RETRY_S = 2.0


def _chat_of(update: PendingUpdate) -> int | None:
    """The chat an update belongs to (its sender's, for a tap or an inline query)."""
    payload = update.payload
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return int(chat["id"])
    sender = payload.get("from")
    if isinstance(sender, dict) and isinstance(sender.get("id"), int):
        return int(sender["id"])
    return None


class WebhookPusher:
    """Delivers the update queue to `endpoint` while a webhook is set."""

    def __init__(self, state: TelegramState, endpoint: str) -> None:
        self.state = state
        self.endpoint = endpoint
        self.attempts = 0  # POSTs made, successful or not
        self.refused = 0  # POSTs answered with an error or not answered
        self._changed = asyncio.Event()
        self._taken: set[int] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self._unsubscribe = state.subscribe(self._changed.set)

    async def start(self) -> None:
        """Start the connections (as many as the webhook allows, at most 40)."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self._tasks = [asyncio.create_task(self._connection(i)) for i in range(40)]

    async def stop(self) -> None:
        """Stop delivering; what was not acknowledged stays queued."""
        self._unsubscribe()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()

    def _next(self, connection: int) -> PendingUpdate | None:
        """The oldest update no connection carries whose chat has nothing older waiting:
        one chat's updates reach the bot one after another, in order."""
        webhook = self.state.webhook
        if webhook is None or connection >= webhook.max_connections:
            return None
        busy: set[int | None] = set()
        for update in self.state.updates:
            if not self.state.is_allowed(update.kind):
                continue
            chat = _chat_of(update)
            if update.update_id not in self._taken and (chat is None or chat not in busy):
                self._taken.add(update.update_id)
                return update
            busy.add(chat)
        return None

    async def _connection(self, connection: int) -> None:
        while True:
            update = self._next(connection)
            if update is None:
                self._changed.clear()
                await self._changed.wait()
                continue
            try:
                await self._deliver(update)
            finally:
                self._taken.discard(update.update_id)

    async def _deliver(self, update: PendingUpdate) -> None:
        pause = FIRST_RETRY_S
        while self.state.webhook is not None:
            if await self._post(update):
                self.state.updates = [u for u in self.state.updates if u is not update]
                self.state.touch()
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_RETRY_S)

    async def _post(self, update: PendingUpdate) -> bool:
        assert self._session is not None and self.state.webhook is not None
        headers = {"Content-Type": "application/json"}
        if self.state.webhook.secret_token:
            headers[SECRET_HEADER] = self.state.webhook.secret_token
        self.attempts += 1
        try:
            async with self._session.post(
                self.endpoint, json=update.to_api(), headers=headers
            ) as response:
                ok = 200 <= response.status < 300
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        if not ok:
            self.refused += 1
        return ok
