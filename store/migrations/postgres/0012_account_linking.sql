-- Marketplace accounts linked to Telegram users, the one-time links that link them, and the
-- marketplace's orders that wait for an account to be linked.

-- One row per account the marketplace named; telegram_id is set while it is linked (one
-- account per Telegram user).
CREATE TABLE accounts (
    account TEXT PRIMARY KEY,
    telegram_id BIGINT UNIQUE,
    linked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);

-- Each issued link, by its token's nonce; used_at is set in the transaction that links, so
-- a link links once.
CREATE TABLE link_tokens (
    nonce TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts (account),
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    used_by BIGINT
);

-- An order the marketplace asked for while a party's account was not linked: kept as
-- asked, under its reference, until it is created (order_id), cancelled or refused.
CREATE TABLE waiting_orders (
    reference TEXT PRIMARY KEY,
    buyer_account TEXT REFERENCES accounts (account),
    buyer_id BIGINT,
    seller_account TEXT REFERENCES accounts (account),
    seller_id BIGINT,
    title TEXT NOT NULL,
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting',
    order_id TEXT REFERENCES orders (id),
    closed_at TIMESTAMPTZ,
    note TEXT
);
CREATE INDEX waiting_orders_buyer ON waiting_orders (buyer_account, state);
CREATE INDEX waiting_orders_seller ON waiting_orders (seller_account, state);
