-- The marketplace API: its keys, its idempotent requests, and the marketplace's own order
-- references.

-- Only a hash of each key is kept: the key itself is shown once, when it is created.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- One row per (key, Idempotency-Key): inserted before the request runs, so that the row is
-- the lock a concurrent duplicate meets; it keeps the answer to replay once the request is
-- done.
CREATE TABLE api_requests (
    api_key_id TEXT NOT NULL REFERENCES api_keys (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'running',
    status INTEGER,
    body TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);

-- The marketplace's order reference: one order each, written with the order it names.
CREATE TABLE order_references (
    reference TEXT PRIMARY KEY,
    order_id TEXT NOT NULL UNIQUE REFERENCES orders (id)
);
