-- processed_keys was written by nothing: idempotency lives in the keys of ledger
-- transactions and in the order's version, each inside the change's own transaction.
-- (Never made on PostgreSQL; kept so both dialects share version numbers.)
DROP TABLE IF EXISTS processed_keys;
