-- The instances running on this database, so that they share Telegram's send budget (one
-- bot token, one budget). Each instance renews its row every few seconds; a row whose
-- alive_until has passed is an instance that died, and no longer counts.
CREATE TABLE instances (
    token TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    alive_until TEXT NOT NULL
);
