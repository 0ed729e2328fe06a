-- Questions the help center was asked in the chat, what it answered, and what the asker
-- thought of it: how operators find the questions the documents do not cover yet.
CREATE TABLE help_questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    question TEXT NOT NULL,
    doc_id TEXT,
    score REAL NOT NULL,
    helpful INTEGER,
    support_asked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX help_questions_asked ON help_questions (asked_at);
