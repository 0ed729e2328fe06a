-- Marketplace accounts linked to Telegram users, the one-time links that link them, and the
-- marketplace's orders that wait for an account to be linked.

-- One row per account the marketplace named; telegram_id is set while it is linked (one
-- account per Telegram user).
CREATE TABLE accounts (
    account TEXT PRIMARY KEY,
    telegram_id INTEGER UNIQUE,
    linked_at TEXT,
    created_at TEXT NOT NULL
);

-- Each issued link, by its token's nonce; used_at is set in the transaction that links, so
-- a link links once.
CREATE TABLE link_tokens (
    nonce TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts (account),
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT,
    used_by INTEGER
);

-- An order the marketplace asked for while a party's account was not linked: kept as
-- asked, under its reference, until it is created (order_id), cancelled or refused.
CREATE TABLE waiting_orders (
    reference TEXT PRIMARY KEY,
    buyer_account TEXT REFERENCES accounts (account),
    buyer_id INTEGER,
    seller_account TEXT REFERENCES accounts (account),
    seller_id INTEGER,
    title TEXT NOT NULL,
    price_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting',
    order_id TEXT REFERENCES orders (id),
    closed_at TEXT,
    note TEXT
);
CREATE INDEX waiting_orders_buyer ON waiting_orders (buyer_account, state);
CREATE INDEX waiting_orders_seller ON waiting_orders (seller_account, state);
