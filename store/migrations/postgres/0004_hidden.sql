-- The per-user "Deleted" flag, mirrored out of the order so lists can page in SQL.
CREATE TABLE order_hidden (
    order_id TEXT NOT NULL REFERENCES orders (id),
    user_id BIGINT NOT NULL,
    PRIMARY KEY (order_id, user_id)
);
