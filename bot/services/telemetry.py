"""What the use cases tell the operators' counters: a port, so no metrics library is imported here.

A use case counts only what committed: the transitions a transaction wrote are collected in
an `Applied` while it runs and reported once the commit returned (a transaction that rolls
back, or a deadline batch retried row by row, counts nothing twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Telemetry(Protocol):
    """The counters a running bot keeps (the command line keeps none)."""

    def transitions_applied(self, actions: Sequence[str]) -> None:
        """These order transitions (their actions: pay, deliver, auto_cancel, ...) committed."""
        ...

    def faq_asked(self, answered: bool) -> None:
        """Someone asked the help center in the chat; it answered, or declined."""
        ...

    def webhook_attempted(self, outcome: str) -> None:
        """A webhook delivery was tried: delivered, retrying (will be tried again) or failed."""
        ...


class NoTelemetry:
    """Counts nothing: the command line, and services built without a running bot."""

    def transitions_applied(self, actions: Sequence[str]) -> None:
        """Nothing to count."""

    def faq_asked(self, answered: bool) -> None:
        """Nothing to count."""

    def webhook_attempted(self, outcome: str) -> None:
        """Nothing to count."""


class Applied:
    """The transitions written in one transaction, to report once it has committed."""

    def __init__(self) -> None:
        self.actions: list[str] = []

    def add(self, action: str) -> None:
        """The transaction wrote a transition with this action."""
        self.actions.append(action)
