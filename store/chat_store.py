"""The chat's tables: live cards, input modes, transcripts. Used through `Tx`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from store.queries import Queries
from store.records import CardRef, ChatMode, RelayedMessage, TranscriptRow
from store.timefmt import from_db, to_db

_MSG_COLS = (
    "id, order_id, sender_id, recipient_id, kind, text, file_id, src_chat_id, "
    "src_message_id, dst_chat_id, dst_message_id, at"
)


def _msg(r: aiosqlite.Row) -> RelayedMessage:
    return RelayedMessage(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], from_db(r[11])
    )


class ChatTables(Queries):
    """The chat's reads and writes (part of `Tx`)."""

    async def get_card(self, order_id: str, user_id: int) -> CardRef | None:
        """The user's live card for the order."""
        row = await self._one(
            "SELECT order_id, user_id, chat_id, message_id FROM cards "
            "WHERE order_id = ? AND user_id = ?",
            (order_id, user_id),
        )
        return CardRef(row[0], row[1], row[2], row[3]) if row else None

    async def set_card(
        self, order_id: str, user_id: int, chat_id: int, message_id: int, now: datetime
    ) -> None:
        """Remember which message is the user's live card for the order."""
        await self._db.execute(
            "INSERT INTO cards (order_id, user_id, chat_id, message_id, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id, user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, message_id = excluded.message_id, "
            "updated_at = excluded.updated_at",
            (order_id, user_id, chat_id, message_id, to_db(now)),
        )

    async def card_at(self, chat_id: int, message_id: int) -> CardRef | None:
        """The card shown in this message, if it is one."""
        row = await self._one(
            "SELECT order_id, user_id, chat_id, message_id FROM cards "
            "WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return CardRef(row[0], row[1], row[2], row[3]) if row else None

    async def get_mode(self, user_id: int) -> ChatMode | None:
        """What the bot waits for from this user."""
        row = await self._one(
            "SELECT user_id, mode, order_id, data FROM chat_modes WHERE user_id = ?", (user_id,)
        )
        return ChatMode(row[0], row[1], row[2], json.loads(row[3])) if row else None

    async def set_mode(
        self,
        user_id: int,
        mode: str,
        order_id: str | None,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        """Wait for the user's next input in `mode`."""
        await self._db.execute(
            "INSERT INTO chat_modes (user_id, mode, order_id, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode, "
            "order_id = excluded.order_id, data = excluded.data, updated_at = excluded.updated_at",
            (user_id, mode, order_id, json.dumps(data), to_db(now)),
        )

    async def clear_mode(self, user_id: int) -> None:
        """Stop waiting for input from the user."""
        await self._db.execute("DELETE FROM chat_modes WHERE user_id = ?", (user_id,))

    async def add_messages(self, rows: Sequence[TranscriptRow], now: datetime) -> None:
        """Keep relayed messages in their orders' transcripts (one statement for many)."""
        await self._db.executemany(
            "INSERT INTO order_messages (order_id, sender_id, recipient_id, kind, text, file_id, "
            "src_chat_id, src_message_id, dst_chat_id, dst_message_id, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.order_id,
                    r.sender_id,
                    r.recipient_id,
                    r.kind,
                    r.text,
                    r.file_id,
                    r.src_chat_id,
                    r.src_message_id,
                    r.dst_chat_id,
                    r.dst_message_id,
                    to_db(now),
                )
                for r in rows
            ],
        )

    async def message_by_copy(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message whose copy (or original) is this Telegram message."""
        row = await self._one(
            f"SELECT {_MSG_COLS} FROM order_messages WHERE (dst_chat_id = ? AND dst_message_id = ?)"
            " OR (src_chat_id = ? AND src_message_id = ?) ORDER BY id LIMIT 1",
            (chat_id, message_id, chat_id, message_id),
        )
        return _msg(row) if row else None

    async def message_by_source(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message sent as this Telegram message."""
        row = await self._one(
            f"SELECT {_MSG_COLS} FROM order_messages WHERE src_chat_id = ? AND src_message_id = ?"
            " ORDER BY id LIMIT 1",
            (chat_id, message_id),
        )
        return _msg(row) if row else None

    async def edit_message_text(self, message_pk: int, text: str, now: datetime) -> None:
        """Keep the edited text (the transcript shows the latest, with when it changed)."""
        await self._db.execute(
            "UPDATE order_messages SET text = ?, edited_at = ? WHERE id = ?",
            (text, to_db(now), message_pk),
        )

    async def transcript(self, order_id: str, limit: int = 1000) -> list[RelayedMessage]:
        """The order's messages, oldest first."""
        rows = await self._all(
            f"SELECT {_MSG_COLS} FROM order_messages WHERE order_id = ? ORDER BY id LIMIT ?",
            (order_id, limit),
        )
        return [_msg(r) for r in rows]
