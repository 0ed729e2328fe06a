"""The chat's tables: live cards, input modes, transcripts. Used through `Tx`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.input_modes import InputMode
from bot.ports.records import CardRef, ChatMode, MessageEdit, RelayedMessage, TranscriptRow
from bot.timefmt import from_db, to_db
from store.queries import Queries

_MSG_COLS = (
    "id, order_id, sender_id, recipient_id, kind, text, file_id, src_chat_id, "
    "src_message_id, dst_chat_id, dst_message_id, at, header_message_id, delivered_at, failed"
)
_EDIT_COLS = "id, message_id, text, at, delivered_at, failed"
CARD_COLUMNS = "order_id, user_id, chat_id, message_id, buttons, twins"


def card(r: Sequence[Any]) -> CardRef:
    """A `cards` row (CARD_COLUMNS) as a CardRef; twins are stored as "12,15"."""
    twins = tuple(int(t) for t in r[5].split(",") if t) if r[5] else ()
    return CardRef(r[0], r[1], r[2], r[3], r[4], twins)


def card_values(ref: CardRef) -> tuple[str, int, int, int, str, str]:
    """A CardRef as the values of CARD_COLUMNS."""
    twins = ",".join(str(t) for t in ref.twins)
    return (ref.order_id, ref.user_id, ref.chat_id, ref.message_id, ref.buttons, twins)


def _ts(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def _msg(r: aiosqlite.Row, edits: tuple[MessageEdit, ...] = ()) -> RelayedMessage:
    return RelayedMessage(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        r[9],
        r[10],
        from_db(r[11]),
        header_message_id=r[12],
        delivered_at=_ts(r[13]),
        failed=r[14],
        edits=edits,
    )


def _edit(r: aiosqlite.Row) -> MessageEdit:
    return MessageEdit(r[0], r[1], r[2], from_db(r[3]), _ts(r[4]), r[5])


class ChatTables(Queries):
    """The chat's reads and writes (part of `Tx`)."""

    async def get_card(self, order_id: str, user_id: int) -> CardRef | None:
        """The user's live card for the order."""
        row = await self._one(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE order_id = ? AND user_id = ?",
            (order_id, user_id),
        )
        return card(row) if row else None

    async def set_card(self, ref: CardRef, now: datetime) -> None:
        """Remember which message is the user's live card for the order (and its twins)."""
        await self._db.execute(
            f"INSERT INTO cards ({CARD_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (order_id, user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, message_id = excluded.message_id, "
            "buttons = excluded.buttons, twins = excluded.twins, "
            "updated_at = excluded.updated_at",
            (*card_values(ref), to_db(now)),
        )

    async def card_at(self, chat_id: int, message_id: int) -> CardRef | None:
        """The card shown in this message, if it is one."""
        row = await self._one(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return card(row) if row else None

    async def get_mode(self, user_id: int) -> ChatMode | None:
        """What the bot waits for from this user."""
        row = await self._one(
            "SELECT user_id, mode, order_id, data FROM chat_modes WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return None
        try:
            mode = InputMode(row[1])
        except ValueError:
            return None  # a mode this version no longer has: waiting for nothing
        return ChatMode(row[0], mode, row[2], json.loads(row[3]))

    async def set_mode(
        self,
        user_id: int,
        mode: InputMode,
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

    async def add_messages(
        self, rows: Sequence[TranscriptRow], now: datetime
    ) -> dict[tuple[int, int], int]:
        """Keep messages in their transcripts before they are relayed (one statement per
        500); each row id by its source (chat, message id)."""
        ids: dict[tuple[int, int], int] = {}
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            marks = ",".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
            args = [
                v
                for r in chunk
                for v in (
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
            ]
            found = await self._all(
                "INSERT INTO order_messages (order_id, sender_id, recipient_id, kind, text, "
                "file_id, src_chat_id, src_message_id, dst_chat_id, dst_message_id, at) "
                f"VALUES {marks} RETURNING id, src_chat_id, src_message_id",
                args,
            )
            ids.update({(int(f[1]), int(f[2])): int(f[0]) for f in found})
        return ids

    async def hold_sources(self, sources: Sequence[tuple[int, int]]) -> None:
        """Nothing to do: SQLite has one writer at a time, so the check after it is alone."""

    async def messages_by_source(
        self, sources: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int], int]:
        """Row ids of the messages already kept from these sources (chat, message id)."""
        if not sources:
            return {}
        chats = sorted({c for c, _ in sources})
        ids = sorted({m for _, m in sources})
        rows = await self._all(
            "SELECT id, src_chat_id, src_message_id FROM order_messages WHERE src_chat_id IN "
            f"({','.join('?' * len(chats))}) AND src_message_id IN ({','.join('?' * len(ids))})",
            [*chats, *ids],
        )
        wanted = set(sources)
        found = {(int(r[1]), int(r[2])): int(r[0]) for r in rows}
        return {k: v for k, v in found.items() if k in wanted}

    async def mark_messages_delivered(
        self, copies: Sequence[tuple[int, int, int]], now: datetime
    ) -> None:
        """Telegram accepted these copies (row id, copy chat, copy message id)."""
        await self._db.executemany(
            "UPDATE order_messages SET dst_chat_id = ?, dst_message_id = ?, delivered_at = ? "
            "WHERE id = ?",
            [(chat, mid, to_db(now), pk) for pk, chat, mid in copies],
        )

    async def mark_edits_delivered(self, edit_ids: Sequence[int], now: datetime) -> None:
        """Telegram accepted these edits on the other side."""
        await self._db.executemany(
            "UPDATE order_message_edits SET delivered_at = ? WHERE id = ?",
            [(to_db(now), e) for e in edit_ids],
        )

    async def message(self, message_pk: int) -> RelayedMessage | None:
        """A transcript message by its row id (with its edits)."""
        row = await self._one(f"SELECT {_MSG_COLS} FROM order_messages WHERE id = ?", (message_pk,))
        if row is None:
            return None
        edits = await self._edits_of([message_pk])
        return _msg(row, tuple(edits.get(message_pk, ())))

    async def message_by_copy(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message whose copy (header included) or original is this message."""
        row = await self._one(
            f"SELECT {_MSG_COLS} FROM order_messages WHERE (dst_chat_id = ? AND dst_message_id = ?)"
            " OR (src_chat_id = ? AND src_message_id = ?)"
            " OR (recipient_id = ? AND header_message_id = ?) ORDER BY id LIMIT 1",
            (chat_id, message_id, chat_id, message_id, chat_id, message_id),
        )
        return _msg(row) if row else None

    async def message_by_source(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message sent as this Telegram message (with its edits)."""
        row = await self._one(
            f"SELECT {_MSG_COLS} FROM order_messages WHERE src_chat_id = ? AND src_message_id = ?"
            " ORDER BY id LIMIT 1",
            (chat_id, message_id),
        )
        if row is None:
            return None
        edits = await self._edits_of([row[0]])
        return _msg(row, tuple(edits.get(row[0], ())))

    async def set_header_message(self, message_pk: int, header_message_id: int) -> None:
        """The header went out as its own message (a retry sends only the copy)."""
        await self._db.execute(
            "UPDATE order_messages SET header_message_id = ? WHERE id = ?",
            (header_message_id, message_pk),
        )

    async def mark_message_failed(self, message_pk: int, error: str) -> None:
        """Telegram refused the copy for good (the original was deleted, say)."""
        await self._db.execute(
            "UPDATE order_messages SET failed = ? WHERE id = ?", (error[:500], message_pk)
        )

    async def add_message_edit(self, message_pk: int, text: str, now: datetime) -> int:
        """Keep an edit beside the original (append-only); its row id."""
        cur = await self._db.execute(
            "INSERT INTO order_message_edits (message_id, text, at) VALUES (?, ?, ?)",
            (message_pk, text, to_db(now)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def message_edit(self, edit_id: int) -> MessageEdit | None:
        """One edit by its row id."""
        row = await self._one(
            f"SELECT {_EDIT_COLS} FROM order_message_edits WHERE id = ?", (edit_id,)
        )
        return _edit(row) if row else None

    async def mark_edit_failed(self, edit_id: int, error: str) -> None:
        """Telegram refused the edit for good (the copy is gone, or too old to edit)."""
        await self._db.execute(
            "UPDATE order_message_edits SET failed = ? WHERE id = ?", (error[:500], edit_id)
        )

    async def _edits_of(self, message_pks: Sequence[int]) -> dict[int, list[MessageEdit]]:
        if not message_pks:
            return {}
        marks = ",".join("?" for _ in message_pks)
        rows = await self._all(
            f"SELECT {_EDIT_COLS} FROM order_message_edits WHERE message_id IN ({marks}) "
            "ORDER BY id",
            message_pks,
        )
        found: dict[int, list[MessageEdit]] = {}
        for r in rows:
            found.setdefault(r[1], []).append(_edit(r))
        return found

    async def transcript(self, order_id: str, limit: int = 1000) -> list[RelayedMessage]:
        """The order's messages, oldest first, each with its edits."""
        rows = await self._all(
            f"SELECT {_MSG_COLS} FROM order_messages WHERE order_id = ? ORDER BY id LIMIT ?",
            (order_id, limit),
        )
        edits = await self._edits_of([r[0] for r in rows])
        return [_msg(r, tuple(edits.get(r[0], ()))) for r in rows]
