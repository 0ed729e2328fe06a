-- Order events sent to the marketplace: its subscribers and each event's delivery to each.

-- The secret signs the events (HMAC-SHA256), so it is kept as it is: it is shown once when
-- the subscriber is added. `events`: comma-separated types, empty for every one.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    removed_at TEXT
);

-- One row per (event, subscriber), written in the transaction of the change it reports;
-- the body is the event's JSON as sent (signed afresh at each attempt). `status`: pending,
-- delivered or failed. A pending row is sent only when no older pending row of the same
-- subscriber and order exists (events of one order arrive in order); the lease is the
-- sender's claim (several instances send at once).
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    order_id TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT,
    first_attempt_at TEXT,
    last_attempt_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    lease_owner TEXT,
    lease_until TEXT,
    UNIQUE (event_id, subscription_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (subscription_id, order_id, id);
CREATE INDEX webhook_deliveries_by_order ON webhook_deliveries (order_id, id);
