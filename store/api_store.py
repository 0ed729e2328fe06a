"""The marketplace API's tables (part of `Tx`): keys, idempotent requests, order references."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.ports.records import ApiKeyRecord, ApiRequestRecord
from bot.timefmt import from_db, to_db
from store.queries import Queries

_KEY_COLUMNS = "id, name, key_hash, scopes, created_at, revoked_at"


def _key(row: Any) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=str(row[0]),
        name=str(row[1]),
        key_hash=str(row[2]),
        scopes=tuple(s for s in str(row[3]).split(",") if s),
        created_at=from_db(row[4]),
        revoked_at=from_db(row[5]) if row[5] else None,
    )


class ApiTables(Queries):
    """Keys, requests and references on SQLite (one writer: inserts never race)."""

    async def insert_api_key(self, key: ApiKeyRecord) -> bool:
        """Store a new key; False if its name is taken."""
        cur = await self._db.execute(
            "INSERT INTO api_keys (id, name, key_hash, scopes, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (key.id, key.name, key.key_hash, ",".join(key.scopes), to_db(key.created_at)),
        )
        return cur.rowcount == 1

    async def get_api_key(self, key_id: str) -> ApiKeyRecord | None:
        """The key with this id, or None."""
        row = await self._one(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE id = ?", (key_id,))
        return _key(row) if row else None

    async def api_keys(self) -> list[ApiKeyRecord]:
        """Every key, oldest first."""
        rows = await self._all(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id")
        return [_key(r) for r in rows]

    async def revoke_api_key(self, id_or_name: str, now: datetime) -> ApiKeyRecord | None:
        """Revoke the key with this id or name; None if unknown."""
        await self._db.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL",
            (to_db(now), id_or_name, id_or_name),
        )
        row = await self._one(
            f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE id = ? OR name = ?",
            (id_or_name, id_or_name),
        )
        return _key(row) if row else None

    async def begin_api_request(
        self, key_id: str, idempotency_key: str, request_hash: str, now: datetime
    ) -> ApiRequestRecord | None:
        """Insert the request's row as running; None when inserted, else the row there."""
        cur = await self._db.execute(
            "INSERT INTO api_requests (api_key_id, idempotency_key, request_hash, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (key_id, idempotency_key, request_hash, to_db(now)),
        )
        if cur.rowcount == 1:
            return None
        row = await self._one(
            "SELECT request_hash, state, status, body, created_at FROM api_requests "
            "WHERE api_key_id = ? AND idempotency_key = ?",
            (key_id, idempotency_key),
        )
        assert row is not None, "the insert conflicted with it"
        return ApiRequestRecord(str(row[0]), row[1] == "done", row[2], row[3], from_db(row[4]))

    async def finish_api_request(
        self, key_id: str, idempotency_key: str, status: int, body: str
    ) -> None:
        """Keep the answer to replay."""
        await self._db.execute(
            "UPDATE api_requests SET state = 'done', status = ?, body = ? "
            "WHERE api_key_id = ? AND idempotency_key = ?",
            (status, body, key_id, idempotency_key),
        )

    async def drop_api_request(self, key_id: str, idempotency_key: str) -> None:
        """Forget a refused request."""
        await self._db.execute(
            "DELETE FROM api_requests WHERE api_key_id = ? AND idempotency_key = ? "
            "AND state = 'running'",
            (key_id, idempotency_key),
        )

    async def add_order_reference(self, reference: str, order_id: str) -> bool:
        """Bind the reference to the order; False if it names another one."""
        cur = await self._db.execute(
            "INSERT INTO order_references (reference, order_id) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING",
            (reference, order_id),
        )
        return cur.rowcount == 1

    async def order_reference(self, order_id: str) -> str | None:
        """The marketplace's reference of the order, if it has one."""
        row = await self._one(
            "SELECT reference FROM order_references WHERE order_id = ?", (order_id,)
        )
        return str(row[0]) if row else None
