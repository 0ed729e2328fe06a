"""A Bot API with no network: canned, well-formed answers, as fast as Python allows."""

from __future__ import annotations

import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT = {"id": 999, "is_bot": True, "first_name": "KChat", "username": "kchat_bench_bot"}


class StubRequest(BaseRequest):
    """Answers every Bot API method locally; counts calls by method."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self._message_id = 1000

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        """Not used: nothing is read from a network."""
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Return a canned success for the method named at the end of `url`."""
        name = url.rsplit("/", 1)[-1]
        self.calls[name] = self.calls.get(name, 0) + 1
        params = request_data.parameters if request_data else {}
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT
        if name == "getUpdates":
            return []
        if name in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument"):
            self._message_id += 1
            chat_id = int(params.get("chat_id", 1))
            return {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT,
                "text": str(params.get("text", "")),
            }
        if name == "copyMessage":
            self._message_id += 1
            return {"message_id": self._message_id}
        return True
