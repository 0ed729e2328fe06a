"""What the use cases need from storage, as interfaces (DESIGN.md §2).

The services depend on these Protocols and on the record types beside them, never on a
database. `store/` implements them for SQLite; a second backend implements the same ones.
"""
