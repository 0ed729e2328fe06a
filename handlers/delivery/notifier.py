"""Delivers the outbox to Telegram: at least once, in order, through every kind of failure.

- 429: wait Telegram's retry_after (the rate limiter retries first; then the item waits).
- 403 (bot blocked): the user is marked unreachable, their news is parked, the other side
  is told once; everything is delivered again when the user comes back.
- "chat not found" (never opened the bot): parked until their first /start.
- "message is not modified": success.
- timeouts and 5xx: retried with backoff. Nothing is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta

from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.bootstrap import Services
from bot.domain.errors import OrderNotFound
from bot.domain.events import (
    ChatRelay,
    OrderDelivered,
    PartyNews,
    RefundAvailable,
    SupportClosed,
)
from bot.domain.model import Order, Role
from bot.metrics import Metrics
from bot.ports.records import RelayedMessage
from bot.services.notifications import Notice
from handlers.delivery.cards import Cards
from handlers.delivery.operator_chat import ChatReporter, ReportLimit
from handlers.delivery.relay_delivery import deliver
from handlers.delivery.support_desk import SupportDesk
from handlers.outbound_lanes import Lane, background, interactive
from handlers.telegram_metrics import error_code
from handlers.views.i18n import _, speaking
from handlers.views.render import NOTE_ON_CARD, headline, orderless_news, support_again_keyboard
from handlers.views.telegram_text import plain_fallback, utf16_len

log = logging.getLogger(__name__)

BATCH = 100
# Chats served at once by one drain (each of them one send at a time, in order). Eight keep
# Telegram's 30 a second busy; more only queue more database work ahead of the handlers
# answering people (bench.outbound: p99 1.3 s with 32, 0.3 s with 8, same drain rate).
CONCURRENT_CHATS = 8
# Operators hear of a refused notification in the support group at most this often.
REPORT_EVERY = timedelta(minutes=10)
HOUR = timedelta(hours=1)


def _groups(items: Iterable[Notice]) -> list[list[Notice]]:
    """News for one person about one order (or one ticket) goes out together; each relayed
    chat message (or edit) goes on its own."""
    groups: dict[tuple[int, str], list[Notice]] = {}
    for item in items:
        about = item.order_id or f"ticket:{item.ticket_id or ''}"
        if isinstance(item.payload, ChatRelay):
            about = f"relay:{item.id}"
        groups.setdefault((item.recipient_id, about), []).append(item)
    return list(groups.values())


def _retry_after(exc: RetryAfter) -> timedelta:
    wait = exc.retry_after
    return wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))


def _party_news(group: list[Notice]) -> list[PartyNews]:
    """The news in `group` a buyer or seller can read. Ticket news for a support group this
    bot no longer has (the setting was removed) has no text for a person: it is logged and
    left out, as before."""
    news: list[PartyNews] = []
    for item in group:
        if isinstance(item.payload, PartyNews):
            news.append(item.payload)
        else:
            log.warning("outbox %s (%s) has nobody to show it to", item.id, item.kind)
    return news


class Notifier:
    """Drains the outbox; safe to call from anywhere, runs one drain at a time."""

    def __init__(
        self,
        bot: Bot,
        services: Services,
        cards: Cards,
        desk: SupportDesk | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.bot = bot
        self.services = services
        self.cards = cards
        self.desk = desk
        self.metrics = metrics or Metrics()
        self._lock = asyncio.Lock()
        self._running: _Drain | None = None
        # Per chat, when the news that failed last is tried again: what follows waits for it.
        self._held: dict[int, datetime] = {}
        self._group_reports = (
            ChatReporter(
                bot,
                desk.chat_id,
                services.clock,
                ReportLimit(REPORT_EVERY, per_hour=HOUR // REPORT_EVERY, gap=REPORT_EVERY),
            )
            if desk is not None
            else None
        )

    @property
    def draining(self) -> bool:
        """True while a drain runs."""
        return self._running is not None

    async def drain_if_queued(self, user_id: int | None = None) -> int:
        """Drain only if this process queued news since the last drain (the hot path).

        While a drain runs (a backlog going out), this does not wait for it: the running
        drain takes what was queued, and the news `user_id`'s own action queued joins it at
        once, ahead of the backlog (a person who tapped sees the result now).
        """
        if not self.services.notifications.signal.dirty:
            return 0
        if self._running is not None:
            if user_id is not None:
                await self._running.take_for(user_id)
            return 0
        return await self.drain()

    async def drain_for(self, user_id: int) -> int:
        """Deliver what is ready for `user_id` before returning (their news before the card
        they tapped is redrawn); a running drain takes it ahead of its backlog."""
        running = self._running
        if running is None:
            return await self.drain()
        await running.take_for(user_id)
        return await running.finished(user_id)

    async def drain(self) -> int:
        """Deliver everything that is ready; returns how many notifications went out.

        Up to CONCURRENT_CHATS chats are served at once, each strictly in order: one send in
        flight per chat, and a send that failed holds that chat's later news behind it.
        """
        # Orders whose parties heard news, and tickets whose cards were already redrawn.
        touched: dict[str, None] = {}
        shown: set[int] = set()
        async with self._lock:
            await self.services.chat.settled()  # relays' outcomes first: what may go next
            self.services.notifications.signal.dirty = False
            run = self._running = _Drain(self, touched, shown)
            try:
                return await run.run()
            finally:
                self._running = None
                await run.stop()
                await self._refresh_tickets(touched, shown)

    async def deliver_now(self, item: Notice, kept: RelayedMessage | None = None) -> bool:
        """Send one relay the handler queued (leased to it), with the drain's failure handling;
        True if Telegram accepted it."""
        try:
            return await self._deliver([item], kept) == 1
        finally:
            self._held.pop(item.recipient_id, None)  # the relay's own retry keeps its place

    def _track(self, group: list[Notice], touched: dict[str, None], shown: set[int]) -> None:
        if self.desk is None or isinstance(group[0].payload, ChatRelay):
            return
        if group[0].recipient_id == self.desk.chat_id:
            shown.update(i.ticket_id for i in group if i.ticket_id is not None)
        elif group[0].order_id is not None:
            touched[group[0].order_id] = None

    async def _refresh_tickets(self, touched: dict[str, None], shown: set[int]) -> None:
        """Redraw the ticket cards of orders that changed without ticket news (a buyer
        confirming while a payment ticket is open, an order refunded after its payment
        ticket closed): agents see the order as it is now, on open and closed cards alike."""
        if self.desk is None:
            return
        for order_id in touched:
            for ticket in await self.services.support.on_order(order_id):
                if ticket.id in shown or ticket.card_message_id is None:
                    continue
                try:
                    await self.desk.show_card(self.bot, ticket)
                except TelegramError as exc:  # a view, not news: the next event redraws it
                    log.warning("could not redraw the card of ticket %s: %s", ticket.id, exc)

    async def _deliver(self, group: list[Notice], kept: RelayedMessage | None = None) -> int | None:
        notes = self.services.notifications
        first = group[0]
        recipient = first.recipient_id
        try:
            if isinstance(first.payload, ChatRelay):  # a relay records its own outcome
                accepted = await deliver(self.bot, self.services, first, first.payload, kept)
                return 1 if accepted else 0
            await self._send(recipient, group)
        except RetryAfter as exc:
            self._count(exc)
            self._held[recipient] = await notes.retry(
                group, "429 Too Many Requests", after=_retry_after(exc)
            )
            return None
        except Forbidden as exc:
            self._count(exc)
            await self._unreachable(recipient, group, exc.message)
            return 0
        except BadRequest as exc:
            self._count(exc)
            if "chat not found" in exc.message.lower():
                await self.services.chat.hold_until_start(recipient, exc.message)
                return 0
            # Refused for good (too long, entities it cannot parse, ...): retrying the same
            # request would fail forever, and dropping it would leave a party uninformed.
            return await self._reduced(recipient, group, exc.message)
        except (NetworkError, TelegramError) as exc:  # timeouts, 5xx, connection errors
            self._count(exc)
            log.warning("notification to %s failed, will retry: %s", recipient, exc)
            self._held[recipient] = await notes.retry(group, str(exc))
            return 0
        await notes.sent(group)
        return len(group)

    async def _reduced(self, recipient: int, group: list[Notice], error: str) -> int | None:
        """Send what happened as plain text, cut to fit, and tell the operators."""
        notes = self.services.notifications
        ids = ", ".join(str(i.id) for i in group)
        try:
            await self.bot.send_message(recipient, await self._plain(recipient, group))
        except RetryAfter as exc:
            self._count(exc)
            self._held[recipient] = await notes.retry(group, f"reduced form pending: {error}")
            return None
        except BadRequest as exc:  # (a NetworkError in PTB's hierarchy: caught first)
            self._count(exc)
            await notes.failed(group, f"{error}; reduced form: {exc.message}")
            await self._report(
                f"could not deliver outbox {ids} to {recipient}: {error}; {exc.message}"
            )
            return 0
        except TelegramError as exc:  # transient, or blocked: the next try decides
            self._count(exc)
            self._held[recipient] = await notes.retry(group, f"{error}; reduced form: {exc}")
            return 0
        await notes.sent(group)
        await self._report(
            f"outbox {ids} to {recipient} was refused ({error}); sent in a reduced form"
        )
        return len(group)

    async def _plain(self, recipient: int, group: list[Notice]) -> str:
        """The news in plain words, with where to see the whole order."""
        order: Order | None = None
        if group[0].order_id is not None:
            try:
                order = await self.services.orders.get(group[0].order_id)
            except OrderNotFound:
                order = None
        if order is None or (self.desk is not None and recipient == self.desk.chat_id):
            what = "\n".join(
                i.kind.value.replace("_", " ")
                + (f" (ticket #{i.ticket_id})" if i.ticket_id is not None else "")
                + (f" on order {i.order_id}" if i.order_id else "")
                for i in group
            )
            return plain_fallback(f"KChat: {what}")
        role = order.role_of(recipient) or Role.BUYER
        tz = await self.cards.tz_for(recipient)
        with speaking(await self.cards.language_for(recipient)):
            lines = [headline(news, role, order, tz) for news in _party_news(group)]
            lines.append(_("Order {order}: send /order {order} to see it.").format(order=order.id))
        return plain_fallback("\n".join(lines))

    def _count(self, exc: TelegramError) -> None:
        self.metrics.telegram_error(error_code(exc) or "other", "notifier")

    async def _report(self, what: str) -> None:
        """Tell the operators: the log (and with it the operator chat, if there is one), and
        the support group at most every few minutes."""
        log.error("notification refused by Telegram: %s", what)
        if self._group_reports is not None:
            await self._group_reports.report(plain_fallback(f"⚠️ KChat: {what}"))

    async def _send(self, recipient: int, group: list[Notice]) -> None:
        if self.desk is not None and recipient == self.desk.chat_id:
            for item in group:
                if isinstance(item.payload, PartyNews | ChatRelay):
                    log.error("outbox %s (%s) is not news for the group", item.id, item.kind)
                    continue
                await self.desk.deliver(self.bot, item.payload)
            return
        # The recipient's language, whoever's action this news is about.
        with speaking(await self.cards.language_for(recipient)):
            await self._send_news(recipient, group)

    async def _send_news(self, recipient: int, group: list[Notice]) -> None:
        news = _party_news(group)
        order_id = group[0].order_id
        order: Order | None = None
        if order_id is not None:
            try:
                order = await self.services.orders.get(order_id)
            except OrderNotFound:
                order = None
        if order is None:
            # News not tied to an order (or about one that is gone): what means something alone.
            text = "\n".join(orderless_news(n) or "" for n in news).strip()
            if text:
                closed = any(isinstance(n, SupportClosed) for n in news)
                kb = support_again_keyboard() if closed else None
                await self.bot.send_message(
                    recipient, text, parse_mode=ParseMode.HTML, reply_markup=kb
                )
            return
        # News that changes only what a card offers: the live card is redrawn, nobody is pinged.
        if all(isinstance(n, RefundAvailable) for n in news):
            user = await self.services.chat.user(recipient)
            # Someone whose news is parked (they blocked the bot) must not see it early on
            # a redrawn card; the news itself brings a fresh card when they are back.
            if user is None or user.unreachable_since is None:
                await self.cards.redraw(self.bot, recipient, order)
            return
        role = order.role_of(recipient) or Role.BUYER
        tz = await self.cards.tz_for(recipient)
        prefix = "\n".join(f"<b>{headline(n, role, order, tz)}</b>" for n in news)
        if all(i.actor_id == recipient for i in group):
            # The person who acted sees the result where they tapped, not as a new message.
            await self.cards.refresh(self.bot, recipient, order, prefix)
        else:
            await self.cards.send(self.bot, recipient, order, prefix)
        note = order.delivery_note
        delivered = any(isinstance(n, OrderDelivered) for n in news)
        if delivered and role is Role.BUYER and note and utf16_len(note) > NOTE_ON_CARD:
            # The card shows the start of a long delivery; the whole of it comes as a file.
            await self.bot.send_document(
                recipient,
                InputFile(note.encode(), filename=f"delivery-{order.id}.txt"),
                caption=_("📤 The whole delivery for order {order}").format(order=order.id),
            )

    async def _unreachable(self, recipient: int, group: list[Notice], error: str) -> None:
        order_ids = (i.order_id for i in group if i.order_id)
        await self.services.reachability.blocked(recipient, order_ids, error)


def _lane(group: list[Notice]) -> Lane:
    """A relay, and news of a person's own move shown to them, answer someone who waits."""
    first = group[0]
    if isinstance(first.payload, ChatRelay) or all(i.actor_id == first.recipient_id for i in group):
        return Lane.INTERACTIVE
    return Lane.BACKGROUND


class _Drain:
    """One drain: claims the outbox in batches and feeds each chat's own worker.

    A chat's worker sends its groups one after another; what failed (a 429 after the rate
    limiter's own retries, a timeout) holds the rest of that chat's claimed news until the
    failed one's next try, so the chat's order is kept. Other chats go on.
    """

    def __init__(self, notifier: Notifier, touched: dict[str, None], shown: set[int]) -> None:
        self.notifier = notifier
        self.notes = notifier.services.notifications
        self.touched = touched
        self.shown = shown
        self.queues: dict[int, deque[list[Notice]]] = {}
        self.workers: dict[int, asyncio.Task[None]] = {}
        self.slots = asyncio.Semaphore(CONCURRENT_CHATS)
        self.progress = asyncio.Event()
        self.held: dict[int, datetime] = {}
        self.failure: Exception | None = None
        self.sent = 0
        self.relayed = False

    def waiting(self) -> int:
        """Groups claimed and not yet taken by their chat's worker."""
        return sum(len(q) for q in self.queues.values())

    async def run(self) -> int:
        """Until nothing is ready: claim, hand out, wait for room (or for the end)."""
        while True:
            items = await self.notes.claim(BATCH)
            await self._feed(items)
            if len(items) == BATCH:
                while self.waiting() >= BATCH // 2:
                    await self._step()
                continue
            while self.workers:
                await self._step()
            # A relay that went out lets the next one to that person go: ask again, once
            # its outcome is recorded; and news queued meanwhile goes out in this drain.
            if self.relayed:
                self.relayed = False
                await self.notifier.services.chat.settled()
                continue
            if self.notes.signal.dirty:
                self.notes.signal.dirty = False
                continue
            return self.sent

    async def take_for(self, user_id: int) -> None:
        """Claim what is ready for `user_id` now and put it in their chat's line."""
        await self._feed(await self.notes.claim(BATCH, recipient_id=user_id))

    async def finished(self, recipient: int) -> int:
        """Wait until `recipient`'s worker has nothing left; how many went out meanwhile."""
        before = self.sent
        task = self.workers.get(recipient)
        if task is not None:
            await asyncio.wait([task])
        return self.sent - before

    async def stop(self) -> None:
        """Cancel the workers (the drain itself failed or was cancelled); their claimed news
        is ready again when its lease ends."""
        for task in self.workers.values():
            task.cancel()
        if self.workers:
            await asyncio.gather(*self.workers.values(), return_exceptions=True)
        self.workers.clear()

    async def _hold(self, items: list[Notice], until: datetime) -> None:
        now = self.notifier.services.clock.now()
        await self.notes.release(items, after=max(until - now, timedelta(0)))

    async def _feed(self, items: list[Notice]) -> None:
        for group in _groups(items):
            recipient = group[0].recipient_id
            held = self.held.get(recipient)
            if held is not None and held > self.notifier.services.clock.now():
                await self._hold(group, held)
                continue
            self.queues.setdefault(recipient, deque()).append(group)
            if recipient not in self.workers:
                self.workers[recipient] = asyncio.create_task(
                    self._serve(recipient), name=f"outbox-chat-{recipient}"
                )

    async def _step(self) -> None:
        """Wait until a worker made progress; a worker's failure is the drain's."""
        self.progress.clear()
        if self.workers and self.failure is None:
            await self.progress.wait()
        if self.failure is not None:
            raise self.failure

    async def _serve(self, recipient: int) -> None:
        queue = self.queues[recipient]
        notifier = self.notifier
        try:
            while queue:
                group = queue.popleft()
                self.progress.set()
                async with self.slots:
                    lane = background() if _lane(group) is Lane.BACKGROUND else interactive()
                    with lane:
                        notifier._held.pop(recipient, None)
                        outcome = await notifier._deliver(group)
                if outcome is not None:
                    self.sent += outcome
                    self.relayed = self.relayed or isinstance(group[0].payload, ChatRelay)
                    notifier._track(group, self.touched, self.shown)
                held = notifier._held.pop(recipient, None)
                if held is not None:
                    # The failed one goes first when it is tried again; the rest after it,
                    # and whatever else this drain claims for the chat.
                    self.held[recipient] = held
                    while queue:
                        rest = [item for later in queue for item in later]
                        queue.clear()
                        await self._hold(rest, held)
        except Exception as exc:  # the drain's own failure: it stops, the others with it
            self.failure = exc
        finally:
            # No await between the empty queue and leaving: the feeder starts a new worker.
            if not queue:
                del self.queues[recipient]
            self.workers.pop(recipient, None)
            self.progress.set()
