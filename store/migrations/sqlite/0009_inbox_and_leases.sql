-- Several instances on one database, and no update lost to a crash.

-- The durable inbox: an update is kept here before Telegram hears it arrived (the webhook's
-- 200, the next getUpdates offset), then claimed by one instance at a time, in update_id
-- order within its chat, and marked applied once its handler has run. A claim is a lease:
-- should the instance die, it expires and another instance takes the update over.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    chat_key BIGINT,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,
    lease_token TEXT,
    done_at TEXT
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE state = 'pending';
CREATE INDEX inbox_pending_chat ON inbox (chat_key, update_id) WHERE state = 'pending';
CREATE INDEX inbox_done ON inbox (done_at) WHERE state = 'applied';

-- An outbox row claimed by an instance is leased to it (lease_owner) until lease_until; its
-- next_attempt_at moves to the same time, so that an instance that dies mid-send leaves the
-- row to whoever comes after the lease.
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
CREATE INDEX outbox_leased ON outbox (recipient_id, id) WHERE lease_until IS NOT NULL;
