-- processed_keys was written by nothing: idempotency lives in the keys of ledger
-- transactions and in the order's version, each inside the change's own transaction.
DROP TABLE IF EXISTS processed_keys;
