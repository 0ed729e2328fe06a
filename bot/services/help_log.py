"""What people ask the help center in the chat, and whether the answers helped.

Operators read it (`kchat faq-report`) to find questions the documents do not cover yet:
declined questions and answers marked unhelpful are where new phrasings or documents go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.ports.records import HelpDocStats, HelpQuestion
from bot.ports.storage import Storage
from bot.services.telemetry import NoTelemetry, Telemetry

MAX_QUESTION = 500  # what is kept of a question: enough to see what was meant


@dataclass(frozen=True)
class HelpReport:
    """The help center's record over a period."""

    days: int
    per_answer: list[HelpDocStats]
    misses: list[HelpQuestion]

    @property
    def asked(self) -> int:
        """Questions asked in the period."""
        return sum(s.asked for s in self.per_answer)

    @property
    def declined(self) -> int:
        """Questions the help center did not answer."""
        return sum(s.asked for s in self.per_answer if s.doc_id is None)


class HelpLog:
    """Records questions, answers and feedback; one short transaction each."""

    def __init__(self, store: Storage, clock: Clock, telemetry: Telemetry | None = None) -> None:
        self.store = store
        self.clock = clock
        self.telemetry = telemetry or NoTelemetry()

    async def asked(self, user_id: int, question: str, doc_id: str | None, score: float) -> int:
        """A question and its answer (None: declined); returns the question's id."""
        async with self.store.transaction() as tx:
            question_id = await tx.add_question(
                self.clock.now(), user_id, question.strip()[:MAX_QUESTION], doc_id, score
            )
        self.telemetry.faq_asked(answered=doc_id is not None)
        return question_id

    async def feedback(self, question_id: int, user_id: int, helpful: bool) -> bool:
        """The asker says whether the answer helped (anyone else's verdict is ignored)."""
        async with self.store.transaction() as tx:
            return await tx.set_helpful(question_id, user_id, helpful)

    async def wanted_person(self, question_id: int, user_id: int) -> HelpQuestion | None:
        """The asker asked for a person after this answer: the question (None: not theirs)."""
        async with self.store.transaction() as tx:
            if not await tx.set_support_asked(question_id, user_id):
                return None
            return await tx.question_of(question_id, user_id)

    async def report(self, days: int, misses: int = 20) -> HelpReport:
        """The last `days` days: per answer, and the latest questions it missed."""
        since = self.clock.now() - timedelta(days=days)
        async with self.store.read() as tx:
            return HelpReport(
                days, await tx.help_doc_stats(since), await tx.help_misses(since, misses)
            )
