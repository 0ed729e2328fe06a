"""The PostgreSQL store: the same ports as the SQLite one, for several processes at once.

`store.py` opens the pool and the units of work; one module per group of tables (orders,
ledger, deadlines, outbox, users, chat, support, help log) holds their SQL; `migrations.py`
applies `store/migrations/postgres/` under an advisory lock; `connection.py` parses the URL
and says in one line why a server cannot be used.
"""
