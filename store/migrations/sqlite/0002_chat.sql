-- The chat: each person's live order card, what the bot is waiting for them to type,
-- and the per-order transcript with the message-id pairs that route replies and edits.

CREATE TABLE cards (
    order_id TEXT NOT NULL REFERENCES orders (id),
    user_id BIGINT NOT NULL,
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (order_id, user_id)
);

CREATE TABLE chat_modes (
    user_id BIGINT PRIMARY KEY,
    mode TEXT NOT NULL,
    order_id TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

CREATE TABLE order_messages (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    sender_id BIGINT NOT NULL,
    recipient_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    file_id TEXT,
    src_chat_id BIGINT NOT NULL,
    src_message_id BIGINT NOT NULL,
    dst_chat_id BIGINT,
    dst_message_id BIGINT,
    at TEXT NOT NULL,
    edited_at TEXT
);
CREATE INDEX order_messages_order ON order_messages (order_id, id);
CREATE INDEX order_messages_src ON order_messages (src_chat_id, src_message_id);
CREATE INDEX order_messages_dst ON order_messages (dst_chat_id, dst_message_id);
