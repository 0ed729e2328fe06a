"""Whether a running bot can do its work: what `GET /readyz` reports.

Ready means the database answers and has exactly the migrations this code ships, and
Telegram answers. Each check has a deadline, so a hung database or network makes the
probe say so rather than hang it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.bootstrap import Services

OK = "ok"
CHECK_TIMEOUT = 5.0  # seconds: a probe answers well within a load balancer's own timeout
# getMe costs a request to Telegram: after an answer, none for this many seconds.
TELEGRAM_EVERY = 15.0


class Health:
    """The readiness checks of one bot; `services` is set once the database is open."""

    def __init__(
        self,
        schema_version: int,
        telegram: Callable[[], Awaitable[object]] | None,
        *,
        timeout: float = CHECK_TIMEOUT,
    ) -> None:
        self.schema_version = schema_version
        self.services: Services | None = None
        self._telegram = telegram
        self._timeout = timeout
        self._telegram_ok_at: float | None = None

    async def readiness(self) -> dict[str, str]:
        """Each check ("database", "migrations", "telegram"): "ok", or what is wrong.

        Without Telegram (`kchat api` serves the API alone) there is no "telegram" check.
        """
        if self._telegram is None:
            database, migrations = await self._database()
            return {"database": database, "migrations": migrations}
        (database, migrations), telegram = await asyncio.gather(
            self._database(), self._telegram_check()
        )
        return {"database": database, "migrations": migrations, "telegram": telegram}

    async def _database(self) -> tuple[str, str]:
        if self.services is None:
            return "starting: the database is being opened", "unknown"
        try:
            version = await asyncio.wait_for(self.services.schema_version(), self._timeout)
        except TimeoutError:
            return f"did not answer within {self._timeout:g} s", "unknown"
        except Exception as exc:  # closed, locked, damaged, a server gone
            return f"unreachable: {exc or type(exc).__name__}", "unknown"
        if version < self.schema_version:
            return OK, (
                f"the database is at schema version {version}, this code needs "
                f"{self.schema_version}: run kchat migrate"
            )
        if version > self.schema_version:
            return OK, (
                f"the database is at schema version {version}, newer than this code "
                f"({self.schema_version}): run the newer release"
            )
        return OK, OK

    async def _telegram_check(self) -> str:
        assert self._telegram is not None
        # Only an answer is remembered: once Telegram is back, the next probe says so.
        if self._telegram_ok_at is not None and time.monotonic() - self._telegram_ok_at < (
            TELEGRAM_EVERY
        ):
            return OK
        try:
            await asyncio.wait_for(self._telegram(), self._timeout)
        except TimeoutError:
            return f"unreachable: no answer within {self._timeout:g} s"
        except Exception as exc:  # network down, token revoked, Bot API server gone
            return f"unreachable: {exc or type(exc).__name__}"
        self._telegram_ok_at = time.monotonic()
        return OK
