-- The order engine: orders, offers, users, the ledger, deadlines, the outbox.
-- Portable SQL (SQLite and PostgreSQL): no INSERT OR ..., timestamps are fixed-width
-- UTC ISO-8601 text so that text order is time order.

CREATE TABLE users (
    telegram_id BIGINT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    username TEXT,
    started_at TEXT,
    last_seen_at TEXT,
    unreachable_since TEXT,
    timezone TEXT
);

CREATE TABLE offers (
    id TEXT PRIMARY KEY,
    seller_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    price_minor BIGINT NOT NULL CHECK (price_minor > 0),
    currency TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX offers_seller ON offers (seller_id);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    buyer_id BIGINT NOT NULL,
    seller_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX orders_buyer ON orders (buyer_id, updated_at);
CREATE INDEX orders_seller ON orders (seller_id, updated_at);
CREATE INDEX orders_status ON orders (status);

CREATE TABLE order_log (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    at TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX order_log_order ON order_log (order_id, id);

CREATE TABLE ledger_txns (
    id INTEGER PRIMARY KEY,
    txn_key TEXT NOT NULL UNIQUE,
    order_id TEXT,
    currency TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    txn_id INTEGER NOT NULL REFERENCES ledger_txns (id),
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor <> 0)
);
CREATE INDEX ledger_entries_account ON ledger_entries (account, currency);

CREATE TABLE deadlines (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    kind TEXT NOT NULL,
    due_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    done_at TEXT,
    UNIQUE (order_id, kind, due_at)
);
CREATE INDEX deadlines_pending ON deadlines (due_at) WHERE state = 'pending';

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    order_id TEXT,
    recipient_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state = 'pending';

-- Idempotency keys of inputs already applied (Telegram update ids, intake requests).
CREATE TABLE processed_keys (
    key TEXT PRIMARY KEY,
    at TEXT NOT NULL
);
