"""Who may act as a support agent.

The configured list (KCHAT_SUPPORT_AGENTS) when there is one; otherwise whoever is a
member of the support group now. Membership is a Telegram fact, so the caller supplies
the lookup; the answer is remembered for a few minutes (asking on every tap would spend
the bot's request budget), and forgotten at once when someone joins or leaves the group.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from bot.clock import Clock

# True/False: a member or not; None: Telegram could not say (timeout, outage).
Membership = Callable[[int], Awaitable[bool | None]]

REMEMBER_FOR = timedelta(minutes=5)


class AgentRoster:
    """Answers "is this person an agent?" the same way for every handler."""

    def __init__(
        self, configured: Iterable[int], support_chat_id: int | None, clock: Clock
    ) -> None:
        self.configured = frozenset(configured)
        self.support_chat_id = support_chat_id
        self.clock = clock
        self._known: dict[int, tuple[bool, datetime]] = {}

    async def is_agent(self, user_id: int, membership: Membership, *, in_group: bool) -> bool:
        """Whether `user_id` may act for support; `in_group`: the update came from the group.

        When Telegram cannot say, the group itself decides (only members see its messages)
        and the question is asked again next time.
        """
        if self.configured:
            return user_id in self.configured
        if self.support_chat_id is None:
            return False
        now = self.clock.now()
        known = self._known.get(user_id)
        if known is not None and now - known[1] < REMEMBER_FOR:
            return known[0]
        member = await membership(user_id)
        if member is None:
            return in_group
        self._known[user_id] = (member, now)
        return member

    def forget(self, user_ids: Iterable[int]) -> None:
        """They joined or left the group: ask Telegram again before they act as agents."""
        for user_id in user_ids:
            self._known.pop(user_id, None)
