"""The help-center log: questions asked in the chat, answers given, and feedback."""

from __future__ import annotations

from datetime import datetime

from bot.ports.records import HelpDocStats, HelpQuestion
from bot.timefmt import from_db, to_db
from store.queries import Queries


class HelpTables(Queries):
    """Questions and feedback (part of `Tx`)."""

    async def add_question(
        self,
        at: datetime,
        user_id: int,
        question: str,
        doc_id: str | None,
        score: float,
    ) -> int:
        """Record a question and what it was answered with (None: declined)."""
        cur = await self._db.execute(
            "INSERT INTO help_questions (asked_at, user_id, question, doc_id, score) "
            "VALUES (?, ?, ?, ?, ?)",
            (to_db(at), user_id, question, doc_id, score),
        )
        return int(cur.lastrowid or 0)

    async def set_helpful(self, question_id: int, user_id: int, helpful: bool) -> bool:
        """The asker's verdict on the answer; False if the question is not theirs."""
        cur = await self._db.execute(
            "UPDATE help_questions SET helpful = ? WHERE id = ? AND user_id = ?",
            (int(helpful), question_id, user_id),
        )
        return cur.rowcount == 1

    async def set_support_asked(self, question_id: int, user_id: int) -> bool:
        """The asker wanted a person after this answer."""
        cur = await self._db.execute(
            "UPDATE help_questions SET support_asked = 1 WHERE id = ? AND user_id = ?",
            (question_id, user_id),
        )
        return cur.rowcount == 1

    async def question_of(self, question_id: int, user_id: int) -> HelpQuestion | None:
        """One question, if `user_id` asked it."""
        rows = await self._all(
            "SELECT id, asked_at, question, doc_id, score, helpful FROM help_questions "
            "WHERE id = ? AND user_id = ?",
            (question_id, user_id),
        )
        return next(
            (
                HelpQuestion(
                    r[0], from_db(r[1]), r[2], r[3], r[4], None if r[5] is None else bool(r[5])
                )
                for r in rows
            ),
            None,
        )

    async def help_doc_stats(self, since: datetime) -> list[HelpDocStats]:
        """Per answer (None: declined) since `since`: asked, helpful, not helpful, support."""
        rows = await self._all(
            "SELECT doc_id, COUNT(*), "
            "SUM(CASE WHEN helpful = 1 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN helpful = 0 THEN 1 ELSE 0 END), "
            "SUM(support_asked) "
            "FROM help_questions WHERE asked_at >= ? GROUP BY doc_id ORDER BY COUNT(*) DESC",
            (to_db(since),),
        )
        return [HelpDocStats(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def help_misses(self, since: datetime, limit: int) -> list[HelpQuestion]:
        """The latest questions that were declined or found unhelpful since `since`."""
        rows = await self._all(
            "SELECT id, asked_at, question, doc_id, score, helpful FROM help_questions "
            "WHERE asked_at >= ? AND (doc_id IS NULL OR helpful = 0) "
            "ORDER BY id DESC LIMIT ?",
            (to_db(since), limit),
        )
        return [
            HelpQuestion(
                r[0], from_db(r[1]), r[2], r[3], r[4], None if r[5] is None else bool(r[5])
            )
            for r in rows
        ]
