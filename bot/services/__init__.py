"""Async use cases: authorize the actor, run the core, persist in one transaction."""
