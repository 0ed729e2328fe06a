-- The order chat, durable and faithful: a relayed message is kept (and queued in the outbox)
-- before it is sent, every edit is kept beside the original instead of over it, and what
-- actually reached the other side is recorded.

-- The header sent as its own message when header and text together are over Telegram's
-- limit (kept at once, so a retry of the copy does not send it twice); when the copy was
-- accepted, or why Telegram refused it for good.
ALTER TABLE order_messages ADD COLUMN header_message_id BIGINT;
ALTER TABLE order_messages ADD COLUMN delivered_at TEXT;
ALTER TABLE order_messages ADD COLUMN failed TEXT;
UPDATE order_messages SET delivered_at = at WHERE dst_message_id IS NOT NULL;
-- A reply to the header routes like a reply to the copy.
CREATE INDEX order_messages_header ON order_messages (recipient_id, header_message_id);

-- Append-only: each edit of a relayed message, when it was made, and whether Telegram
-- accepted it on the other side (delivered_at) or refused it for good (failed).
CREATE TABLE order_message_edits (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES order_messages (id),
    text TEXT NOT NULL,
    at TEXT NOT NULL,
    delivered_at TEXT,
    failed TEXT
);
CREATE INDEX order_message_edits_message ON order_message_edits (message_id, id);

-- Relays to one person go out in the order they were written: a relay waits while an
-- earlier one to the same person is still pending or held.
CREATE INDEX outbox_relay_queue ON outbox (recipient_id, id)
    WHERE kind IN ('relay', 'relay_edit') AND state IN ('pending', 'held');
