"""The chat's tables (part of `PgTx`): live cards, input modes, transcripts and edits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from bot.domain.input_modes import InputMode
from bot.ports.records import CardRef, ChatMode, MessageEdit, RelayedMessage, TranscriptRow
from store.chat_store import CARD_COLUMNS, card, card_values
from store.postgres.queries import PgQueries, utc

# The two-key form's first key for "a message kept from its source" (its second: the
# source's hash); see accounts.py for the other key spaces.
_SOURCE_LOCK = 12

_MSG_COLS = (
    "id, order_id, sender_id, recipient_id, kind, text, file_id, src_chat_id, "
    "src_message_id, dst_chat_id, dst_message_id, at, header_message_id, delivered_at, failed"
)
_EDIT_COLS = "id, message_id, text, at, delivered_at, failed"


def _msg(r: asyncpg.Record, edits: tuple[MessageEdit, ...] = ()) -> RelayedMessage:
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
        r[11],
        header_message_id=r[12],
        delivered_at=r[13],
        failed=r[14],
        edits=edits,
    )


def _edit(r: asyncpg.Record) -> MessageEdit:
    return MessageEdit(r[0], r[1], r[2], r[3], r[4], r[5])


class ChatTables(PgQueries):
    """The chat's reads and writes."""

    async def get_card(self, order_id: str, user_id: int) -> CardRef | None:
        """The user's live card for the order."""
        row = await self._one(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE order_id = $1 AND user_id = $2",
            order_id,
            user_id,
        )
        return card(row) if row else None

    async def set_card(self, ref: CardRef, now: datetime) -> None:
        """Remember which message is the user's live card for the order (and its twins)."""
        await self._run(
            f"INSERT INTO cards ({CARD_COLUMNS}, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_id, user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, message_id = excluded.message_id, "
            "buttons = excluded.buttons, twins = excluded.twins, "
            "updated_at = excluded.updated_at",
            *card_values(ref),
            utc(now),
        )

    async def card_at(self, chat_id: int, message_id: int) -> CardRef | None:
        """The card shown in this message, if it is one."""
        row = await self._one(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE chat_id = $1 AND message_id = $2",
            chat_id,
            message_id,
        )
        return card(row) if row else None

    async def get_mode(self, user_id: int) -> ChatMode | None:
        """What the bot waits for from this user."""
        row = await self._one(
            "SELECT user_id, mode, order_id, data FROM chat_modes WHERE user_id = $1", user_id
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
        await self._run(
            "INSERT INTO chat_modes (user_id, mode, order_id, data, updated_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET "
            "mode = excluded.mode, order_id = excluded.order_id, data = excluded.data, "
            "updated_at = excluded.updated_at",
            user_id,
            str(mode),  # a StrEnum: its value
            order_id,
            json.dumps(data),
            utc(now),
        )

    async def clear_mode(self, user_id: int) -> None:
        """Stop waiting for input from the user."""
        await self._run("DELETE FROM chat_modes WHERE user_id = $1", user_id)

    async def add_messages(
        self, rows: Sequence[TranscriptRow], now: datetime
    ) -> dict[tuple[int, int], int]:
        """Keep messages in their transcripts before they are relayed (one statement per
        500); each row id by its source (chat, message id)."""
        ids: dict[tuple[int, int], int] = {}
        at = utc(now)
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            marks = ",".join(
                "(" + ", ".join(f"${11 * i + k}" for k in range(1, 12)) + ")"
                for i in range(len(chunk))
            )
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
                    at,
                )
            ]
            found = await self._all(
                "INSERT INTO order_messages (order_id, sender_id, recipient_id, kind, text, "
                "file_id, src_chat_id, src_message_id, dst_chat_id, dst_message_id, at) "
                f"VALUES {marks} RETURNING id, src_chat_id, src_message_id",
                *args,
            )
            ids.update({(int(f[1]), int(f[2])): int(f[0]) for f in found})
        return ids

    async def hold_sources(self, sources: Sequence[tuple[int, int]]) -> None:
        """A transaction-scoped advisory lock per source (in one order, so two batches never
        wait on each other): the check for a kept message that follows sees any copy another
        instance committed meanwhile, and none is kept twice."""
        for chat_id, message_id in sorted(set(sources)):
            await self._con.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                _SOURCE_LOCK,
                f"{chat_id}:{message_id}",
            )

    async def messages_by_source(
        self, sources: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int], int]:
        """Row ids of the messages already kept from these sources (chat, message id)."""
        if not sources:
            return {}
        rows = await self._all(
            "SELECT id, src_chat_id, src_message_id FROM order_messages "
            "WHERE src_chat_id = ANY($1::bigint[]) AND src_message_id = ANY($2::bigint[])",
            sorted({c for c, _ in sources}),
            sorted({m for _, m in sources}),
        )
        wanted = set(sources)
        found = {(int(r[1]), int(r[2])): int(r[0]) for r in rows}
        return {k: v for k, v in found.items() if k in wanted}

    async def mark_messages_delivered(
        self, copies: Sequence[tuple[int, int, int]], now: datetime
    ) -> None:
        """Telegram accepted these copies (row id, copy chat, copy message id)."""
        at = utc(now)
        await self._many(
            "UPDATE order_messages SET dst_chat_id = $1, dst_message_id = $2, delivered_at = $3 "
            "WHERE id = $4",
            [(chat, mid, at, pk) for pk, chat, mid in copies],
        )

    async def mark_edits_delivered(self, edit_ids: Sequence[int], now: datetime) -> None:
        """Telegram accepted these edits on the other side."""
        await self._run(
            "UPDATE order_message_edits SET delivered_at = $1 WHERE id = ANY($2::bigint[])",
            utc(now),
            list(edit_ids),
        )

    async def message(self, message_pk: int) -> RelayedMessage | None:
        """A transcript message by its row id (with its edits)."""
        row = await self._one(f"SELECT {_MSG_COLS} FROM order_messages WHERE id = $1", message_pk)
        if row is None:
            return None
        edits = await self._edits_of([message_pk])
        return _msg(row, tuple(edits.get(message_pk, ())))

    async def message_by_copy(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message whose copy (header included) or original is this message."""
        row = await self._one(
            f"SELECT {_MSG_COLS} FROM order_messages "
            "WHERE (dst_chat_id = $1 AND dst_message_id = $2)"
            " OR (src_chat_id = $1 AND src_message_id = $2)"
            " OR (recipient_id = $1 AND header_message_id = $2) ORDER BY id LIMIT 1",
            chat_id,
            message_id,
        )
        return _msg(row) if row else None

    async def message_by_source(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message sent as this Telegram message (with its edits)."""
        row = await self._one(
            f"SELECT {_MSG_COLS} FROM order_messages "
            "WHERE src_chat_id = $1 AND src_message_id = $2 ORDER BY id LIMIT 1",
            chat_id,
            message_id,
        )
        if row is None:
            return None
        edits = await self._edits_of([row[0]])
        return _msg(row, tuple(edits.get(row[0], ())))

    async def set_header_message(self, message_pk: int, header_message_id: int) -> None:
        """The header went out as its own message (a retry sends only the copy)."""
        await self._run(
            "UPDATE order_messages SET header_message_id = $1 WHERE id = $2",
            header_message_id,
            message_pk,
        )

    async def mark_message_failed(self, message_pk: int, error: str) -> None:
        """Telegram refused the copy for good (the original was deleted, say)."""
        await self._run(
            "UPDATE order_messages SET failed = $1 WHERE id = $2", error[:500], message_pk
        )

    async def add_message_edit(self, message_pk: int, text: str, now: datetime) -> int:
        """Keep an edit beside the original (append-only); its row id."""
        edit_id = await self._con.fetchval(
            "INSERT INTO order_message_edits (message_id, text, at) VALUES ($1, $2, $3) "
            "RETURNING id",
            message_pk,
            text,
            utc(now),
        )
        return int(edit_id)

    async def message_edit(self, edit_id: int) -> MessageEdit | None:
        """One edit by its row id."""
        row = await self._one(
            f"SELECT {_EDIT_COLS} FROM order_message_edits WHERE id = $1", edit_id
        )
        return _edit(row) if row else None

    async def mark_edit_failed(self, edit_id: int, error: str) -> None:
        """Telegram refused the edit for good (the copy is gone, or too old to edit)."""
        await self._run(
            "UPDATE order_message_edits SET failed = $1 WHERE id = $2", error[:500], edit_id
        )

    async def _edits_of(self, message_pks: Sequence[int]) -> dict[int, list[MessageEdit]]:
        if not message_pks:
            return {}
        rows = await self._all(
            f"SELECT {_EDIT_COLS} FROM order_message_edits WHERE message_id = ANY($1::bigint[]) "
            "ORDER BY id",
            list(message_pks),
        )
        found: dict[int, list[MessageEdit]] = {}
        for r in rows:
            found.setdefault(r[1], []).append(_edit(r))
        return found

    async def transcript(self, order_id: str, limit: int = 1000) -> list[RelayedMessage]:
        """The order's messages, oldest first, each with its edits."""
        rows = await self._all(
            f"SELECT {_MSG_COLS} FROM order_messages WHERE order_id = $1 ORDER BY id LIMIT $2",
            order_id,
            limit,
        )
        edits = await self._edits_of([r[0] for r in rows])
        return [_msg(r, tuple(edits.get(r[0], ()))) for r in rows]
