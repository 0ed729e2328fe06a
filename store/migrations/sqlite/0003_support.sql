-- Support: tickets worked by agents in the escalation group, their notes and messages.

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    order_id TEXT REFERENCES orders (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    opened_by BIGINT,
    subject TEXT NOT NULL DEFAULT '',
    opened_at TEXT NOT NULL,
    claimed_by BIGINT,
    claimed_by_name TEXT,
    claimed_at TEXT,
    talking_to BIGINT,
    last_party_at TEXT,
    last_agent_reply_at TEXT,
    sla_raised_at TEXT,
    closed_at TEXT,
    closed_by BIGINT,
    outcome TEXT,
    topic_id BIGINT,
    card_message_id BIGINT
);
-- One open ticket per order and kind: a new escalation joins it.
CREATE UNIQUE INDEX tickets_one_open ON tickets (order_id, kind) WHERE status = 'open';
CREATE INDEX tickets_open ON tickets (status, opened_at);

CREATE TABLE ticket_notes (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    agent_id BIGINT NOT NULL,
    agent_name TEXT NOT NULL,
    text TEXT NOT NULL,
    at TEXT NOT NULL
);

-- Messages between support and parties, with the message ids that route replies.
CREATE TABLE ticket_messages (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    direction TEXT NOT NULL,
    party_id BIGINT NOT NULL,
    agent_id BIGINT,
    kind TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    file_id TEXT,
    group_message_id BIGINT,
    party_message_id BIGINT,
    at TEXT NOT NULL
);
CREATE INDEX ticket_messages_group ON ticket_messages (group_message_id);
CREATE INDEX ticket_messages_party ON ticket_messages (party_id, party_message_id);
