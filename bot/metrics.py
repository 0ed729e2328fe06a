"""The numbers an operator watches, in Prometheus' terms (`GET /metrics` on the HTTP port).

Each application has its own registry, never prometheus-client's global one: tests, the
sandbox and benchmarks run several bots in one process, and each must count only its own.
Counters move as things happen (updates, transitions, Telegram errors, help-center
questions); the backlog gauges are read from the database when Prometheus scrapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.process_collector import ProcessCollector

from bot.bootstrap import Services

# A pending deadline due for longer than this should have been applied already: the
# scheduler wakes at each due time, so a deadline stays "due" for milliseconds normally.
OVERDUE_AFTER = timedelta(minutes=1)
# Handling an update: a reply takes tens of milliseconds; a file relay or a slow fsync, more.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Telegram's answers, as counted: its HTTP-like codes, then what never got an answer.
TELEGRAM_ERROR_CODES = ("400", "401", "403", "409", "429", "timeout", "network", "other")


class Metrics:
    """One bot's counters, histogram and gauges, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        ProcessCollector(registry=r)
        self.updates = Counter(
            "kchat_updates", "Telegram updates handled, by kind.", ["kind"], registry=r
        )
        self.handling = Histogram(
            "kchat_update_handling_seconds",
            "Time from starting to handle an update to finishing it, by kind.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.transitions = Counter(
            "kchat_transitions",
            "Order transitions committed, by action (pay, deliver, auto_cancel, ...).",
            ["action"],
            registry=r,
        )
        self.telegram_errors = Counter(
            "kchat_telegram_errors",
            "Errors from the Telegram Bot API, by code and by where they were met.",
            ["code", "where"],
            registry=r,
        )
        self.faq = Counter(
            "kchat_faq_questions",
            "Questions asked of the help center in the chat, answered or declined.",
            ["outcome"],
            registry=r,
        )
        self.deadlines_due = Gauge(
            "kchat_deadlines_due", "Pending deadlines that are due now.", registry=r
        )
        self.deadlines_overdue = Gauge(
            "kchat_deadlines_overdue",
            "Pending deadlines due for more than a minute (the scheduler is behind).",
            registry=r,
        )
        self.outbox_pending = Gauge(
            "kchat_outbox_pending", "Notifications waiting to be sent.", registry=r
        )
        self.inbox_pending = Gauge(
            "kchat_inbox_pending",
            "Updates kept and not yet applied (by any instance on this database).",
            registry=r,
        )
        self.inbox_oldest = Gauge(
            "kchat_inbox_oldest_pending_age_seconds",
            "How long the oldest update waiting to be applied has waited (0: none waits).",
            registry=r,
        )
        self.outbox_oldest = Gauge(
            "kchat_outbox_oldest_pending_age_seconds",
            "How long the oldest notification waiting to be sent has waited (0: none waits).",
            registry=r,
        )
        self.instances = Gauge(
            "kchat_instances",
            "Instances running on this database, as this one last counted them.",
            registry=r,
        )
        self.send_budget = Gauge(
            "kchat_send_budget_per_second",
            "Messages a second this instance keeps to: its share of KCHAT_SEND_BUDGET.",
            registry=r,
        )
        self.webhooks = Counter(
            "kchat_webhook_attempts",
            "Webhook delivery attempts, by outcome: delivered, retrying (tried again later), "
            "failed (given up after the retry window).",
            ["outcome"],
            registry=r,
        )
        # Every series exists from the start, at 0: a rate() over a series that appears
        # only with its first event misses that event.
        for outcome in ("answered", "declined"):
            self.faq.labels(outcome=outcome)
        for outcome in ("delivered", "retrying", "failed"):
            self.webhooks.labels(outcome=outcome)
        for code in TELEGRAM_ERROR_CODES:
            for where in ("notifier", "handler"):
                self.telegram_errors.labels(code=code, where=where)

    # --- what the services report (bot.services.telemetry.Telemetry) ------------------

    def transitions_applied(self, actions: Sequence[str]) -> None:
        """These order transitions committed."""
        for action in actions:
            self.transitions.labels(action=action).inc()

    def faq_asked(self, answered: bool) -> None:
        """The help center answered a question in the chat, or declined it."""
        self.faq.labels(outcome="answered" if answered else "declined").inc()

    def webhook_attempted(self, outcome: str) -> None:
        """A webhook delivery was tried: delivered, retrying or failed."""
        self.webhooks.labels(outcome=outcome).inc()

    # --- what the Telegram side reports -------------------------------------------------

    def sharing(self, instances: int, budget: float) -> None:
        """This instance shares the send budget with `instances` (itself included)."""
        self.instances.set(instances)
        self.send_budget.set(budget)

    def update_handled(self, kind: str, seconds: float) -> None:
        """An update of `kind` took `seconds` to handle."""
        self.updates.labels(kind=kind).inc()
        self.handling.labels(kind=kind).observe(seconds)

    def telegram_error(self, code: str, where: str) -> None:
        """Telegram refused a request, or it never got an answer (`code`: 429, timeout, ...)."""
        self.telegram_errors.labels(code=code, where=where).inc()

    # --- read at scrape time ------------------------------------------------------------

    async def read_backlog(self, services: Services) -> None:
        """Set the deadline, outbox and inbox gauges from the database."""
        due, overdue = await services.deadlines.backlog(OVERDUE_AFTER)
        pending, oldest = await services.notifications.backlog()
        self.deadlines_due.set(due)
        self.deadlines_overdue.set(overdue)
        self.outbox_pending.set(pending)
        self.outbox_oldest.set(max(oldest.total_seconds(), 0.0))
        waiting, longest = await services.inbox.backlog()
        self.inbox_pending.set(waiting)
        self.inbox_oldest.set(max(longest.total_seconds(), 0.0))

    def exposition(self) -> bytes:
        """Everything in Prometheus' text format."""
        return generate_latest(self.registry)
