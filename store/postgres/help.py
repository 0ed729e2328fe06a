"""The help-center log (part of `PgTx`): questions asked in the chat, answers, feedback."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from bot.ports.records import HelpDocStats, HelpQuestion
from store.postgres.queries import PgQueries, utc

_QUESTION_COLS = "id, asked_at, question, doc_id, score, helpful"


def _question(r: asyncpg.Record) -> HelpQuestion:
    return HelpQuestion(r[0], r[1], r[2], r[3], r[4], None if r[5] is None else bool(r[5]))


class HelpTables(PgQueries):
    """Questions and feedback."""

    async def add_question(
        self,
        at: datetime,
        user_id: int,
        question: str,
        doc_id: str | None,
        score: float,
    ) -> int:
        """Record a question and what it was answered with (None: declined)."""
        question_id = await self._con.fetchval(
            "INSERT INTO help_questions (asked_at, user_id, question, doc_id, score) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            utc(at),
            user_id,
            question,
            doc_id,
            score,
        )
        return int(question_id)

    async def set_helpful(self, question_id: int, user_id: int, helpful: bool) -> bool:
        """The asker's verdict on the answer; False if the question is not theirs."""
        done = await self._run(
            "UPDATE help_questions SET helpful = $1 WHERE id = $2 AND user_id = $3",
            int(helpful),
            question_id,
            user_id,
        )
        return done == 1

    async def set_support_asked(self, question_id: int, user_id: int) -> bool:
        """The asker wanted a person after this answer."""
        done = await self._run(
            "UPDATE help_questions SET support_asked = 1 WHERE id = $1 AND user_id = $2",
            question_id,
            user_id,
        )
        return done == 1

    async def question_of(self, question_id: int, user_id: int) -> HelpQuestion | None:
        """One question, if `user_id` asked it."""
        row = await self._one(
            f"SELECT {_QUESTION_COLS} FROM help_questions WHERE id = $1 AND user_id = $2",
            question_id,
            user_id,
        )
        return _question(row) if row else None

    async def help_doc_stats(self, since: datetime) -> list[HelpDocStats]:
        """Per answer (None: declined) since `since`: asked, helpful, not helpful, support."""
        rows = await self._all(
            "SELECT doc_id, COUNT(*), "
            "SUM(CASE WHEN helpful = 1 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN helpful = 0 THEN 1 ELSE 0 END), "
            "SUM(support_asked) "
            "FROM help_questions WHERE asked_at >= $1 GROUP BY doc_id ORDER BY COUNT(*) DESC",
            utc(since),
        )
        return [HelpDocStats(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]

    async def help_misses(self, since: datetime, limit: int) -> list[HelpQuestion]:
        """The latest questions that were declined or found unhelpful since `since`."""
        rows = await self._all(
            f"SELECT {_QUESTION_COLS} FROM help_questions "
            "WHERE asked_at >= $1 AND (doc_id IS NULL OR helpful = 0) "
            "ORDER BY id DESC LIMIT $2",
            utc(since),
            limit,
        )
        return [_question(r) for r in rows]
