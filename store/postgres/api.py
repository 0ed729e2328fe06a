"""The marketplace API's tables (part of `PgTx`): keys, idempotent requests, order references.

The unique keys do the locking: a second insert of a request's or a reference's key waits
for the first one's transaction, then finds the row (ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from bot.ports.records import ApiKeyRecord, ApiRequestRecord
from store.postgres.queries import PgQueries, utc

_KEY_COLUMNS = "id, name, key_hash, scopes, created_at, revoked_at"


def _key(row: asyncpg.Record) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"],
        name=row["name"],
        key_hash=row["key_hash"],
        scopes=tuple(s for s in str(row["scopes"]).split(",") if s),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


class ApiTables(PgQueries):
    """Keys, requests and references on PostgreSQL."""

    async def insert_api_key(self, key: ApiKeyRecord) -> bool:
        """Store a new key; False if its name is taken."""
        inserted = await self._run(
            "INSERT INTO api_keys (id, name, key_hash, scopes, created_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            key.id,
            key.name,
            key.key_hash,
            ",".join(key.scopes),
            utc(key.created_at),
        )
        return inserted == 1

    async def get_api_key(self, key_id: str) -> ApiKeyRecord | None:
        """The key with this id, or None."""
        row = await self._one(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE id = $1", key_id)
        return _key(row) if row else None

    async def api_keys(self) -> list[ApiKeyRecord]:
        """Every key, oldest first."""
        rows = await self._all(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id")
        return [_key(r) for r in rows]

    async def revoke_api_key(self, id_or_name: str, now: datetime) -> ApiKeyRecord | None:
        """Revoke the key with this id or name; None if unknown."""
        await self._run(
            "UPDATE api_keys SET revoked_at = $1 "
            "WHERE (id = $2 OR name = $2) AND revoked_at IS NULL",
            utc(now),
            id_or_name,
        )
        row = await self._one(
            f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE id = $1 OR name = $1", id_or_name
        )
        return _key(row) if row else None

    async def begin_api_request(
        self, key_id: str, idempotency_key: str, request_hash: str, now: datetime
    ) -> ApiRequestRecord | None:
        """Insert the request's row as running; None when inserted, else the row there."""
        inserted = await self._run(
            "INSERT INTO api_requests (api_key_id, idempotency_key, request_hash, created_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            key_id,
            idempotency_key,
            request_hash,
            utc(now),
        )
        if inserted == 1:
            return None
        row = await self._one(
            "SELECT request_hash, state, status, body, created_at FROM api_requests "
            "WHERE api_key_id = $1 AND idempotency_key = $2",
            key_id,
            idempotency_key,
        )
        if row is None:  # the first one was refused and forgotten meanwhile: a retry runs it
            return await self.begin_api_request(key_id, idempotency_key, request_hash, now)
        return ApiRequestRecord(row[0], row[1] == "done", row[2], row[3], row[4])

    async def finish_api_request(
        self, key_id: str, idempotency_key: str, status: int, body: str
    ) -> None:
        """Keep the answer to replay."""
        await self._run(
            "UPDATE api_requests SET state = 'done', status = $1, body = $2 "
            "WHERE api_key_id = $3 AND idempotency_key = $4",
            status,
            body,
            key_id,
            idempotency_key,
        )

    async def drop_api_request(self, key_id: str, idempotency_key: str) -> None:
        """Forget a refused request."""
        await self._run(
            "DELETE FROM api_requests WHERE api_key_id = $1 AND idempotency_key = $2 "
            "AND state = 'running'",
            key_id,
            idempotency_key,
        )

    async def add_order_reference(self, reference: str, order_id: str) -> bool:
        """Bind the reference to the order; False if it names another one."""
        inserted = await self._run(
            "INSERT INTO order_references (reference, order_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            reference,
            order_id,
        )
        return inserted == 1

    async def order_reference(self, order_id: str) -> str | None:
        """The marketplace's reference of the order, if it has one."""
        row = await self._one(
            "SELECT reference FROM order_references WHERE order_id = $1", order_id
        )
        return str(row[0]) if row else None
