"""Every kind of news has one typed payload, a specific text for everyone it can reach, and a
stored form that reads back as it was written (old rows included)."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime
from functools import cache
from typing import Any, get_args, get_type_hints
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.deadlines import Deadline, DeadlineKind
from bot.domain.events import (
    PAYLOAD_OF,
    REMINDER_NEWS,
    ChatRelay,
    DeskNews,
    Event,
    EventKind,
    OrderCancelled,
    OrderCreated,
    OrderPaid,
    PartyNews,
    Payload,
    RefundApproved,
    RefundAvailable,
    UnreadableEvent,
    payload_from,
)
from bot.domain.model import Role
from handlers.delivery.relay_delivery import with_header
from handlers.views.render import headline, orderless_news
from handlers.views.support_render import ticket_news
from tests.domain.test_transition_table import _delivered

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Kuala_Lumpur")
ORDER = _delivered()
# Ticket news whose whole message is the ticket's card, posted or redrawn: no line under it.
CARD_SAYS_IT = {EventKind.TICKET_OPENED, EventKind.TICKET_CLAIMED}
# Plausible words for text fields where the wording depends on them.
WORDS = {
    "by": "seller",
    "via": "balance",
    "outcome": "closed",
    "reason": "unclaimed",
    "resolution": "refund_full",
}


def _sample_value(name: str, hint: Any) -> Any:
    options = get_args(hint) or (hint,)
    for kind, value in ((datetime, T0), (bool, True), (int, 42)):
        if kind in options:
            return value
    assert str in options, f"no sample for {name}: {hint}"
    return WORDS.get(name, f"<{name}>")


def _sample(kind: EventKind) -> Payload:
    """A payload of this kind with every field set, built from its type hints alone (so a
    new kind needs nothing here)."""
    cls = PAYLOAD_OF[kind]
    hints = get_type_hints(cls)
    return cls(**{f.name: _sample_value(f.name, hints[f.name]) for f in fields(cls)})


def _texts(news: Payload) -> dict[Role, str]:
    """What each role it can reach reads for this news."""
    if isinstance(news, PartyNews):
        return {role: headline(news, role, ORDER, TZ) for role in news.audience}
    if isinstance(news, DeskNews):
        line = ticket_news(news)
        return {} if line is None else {role: line for role in news.audience}
    # A relay is the sender's own words under a header naming the order and the sender.
    return {role: with_header(news.header, "Did the code work?") for role in news.audience}


@cache
def _all_texts() -> dict[EventKind, dict[Role, str]]:
    return {kind: _texts(_sample(kind)) for kind in EventKind}


def test_every_kind_has_exactly_one_payload_class_and_it_names_that_kind() -> None:
    assert set(PAYLOAD_OF) == set(EventKind)
    assert all(cls.kind is kind for kind, cls in PAYLOAD_OF.items())
    groups = [set(get_args(group)) for group in (PartyNews, DeskNews, ChatRelay)]
    assert sum(len(g) for g in groups) == len(set().union(*groups)) == len(EventKind)
    assert set().union(*groups) == set(get_args(Payload))


def test_reminders_are_stored_under_their_deadlines_names_and_go_to_who_loses_out() -> None:
    reminders = {kind for kind in DeadlineKind if kind.is_reminder}
    assert set(REMINDER_NEWS) == reminders
    for kind in reminders:
        news = REMINDER_NEWS[kind]
        assert news.kind.value == kind.value
        assert news.audience == {Deadline(T0, kind).recipient}


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_kind_reads_as_something_specific_to_everyone_it_reaches(kind: EventKind) -> None:
    texts = _all_texts()[kind]
    if kind in CARD_SAYS_IT:
        assert texts == {}
        return
    assert set(texts) == set(PAYLOAD_OF[kind].audience)
    for role, text in texts.items():
        assert text.strip() and "Order updated" not in text
        if kind in (EventKind.RELAY, EventKind.RELAY_EDIT):
            assert "<header>" in text and "Did the code work?" in text
            continue
        same_words = [
            other
            for other, said in _all_texts().items()
            if other != kind and said.get(role) == text
        ]
        assert same_words == [], f"{kind} reads to the {role} like {same_words}"


@pytest.mark.parametrize("kind", [k for k in EventKind if isinstance(_sample(k), PartyNews)])
def test_news_without_its_order_says_something_or_nothing_never_a_blank(kind: EventKind) -> None:
    news = _sample(kind)
    assert isinstance(news, PartyNews)
    alone = orderless_news(news)
    assert alone is None or alone.strip()
    if kind is EventKind.SUPPORT_CLOSED:
        assert alone is not None and "#42" in alone


def _field_values(hint: Any) -> st.SearchStrategy[Any]:
    basic: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(),
        bool: st.booleans(),
        int: st.integers(-(2**63), 2**63 - 1),  # row and Telegram ids: SQLite integers
        type(None): st.none(),
        datetime: st.datetimes(timezones=st.just(UTC)),
    }
    return st.one_of([basic[option] for option in get_args(hint) or (hint,)])


def _payloads(cls: type[Payload]) -> st.SearchStrategy[Payload]:
    hints = get_type_hints(cls)
    return st.builds(cls, **{f.name: _field_values(hints[f.name]) for f in fields(cls)})


@given(st.sampled_from(list(PAYLOAD_OF.values())).flatmap(_payloads))
def test_every_payload_reads_back_from_its_stored_json_as_it_was(news: Payload) -> None:
    stored = json.loads(json.dumps(news.to_dict()))
    assert payload_from(news.kind.value, stored) == news
    assert payload_from(news.kind, stored).to_dict() == news.to_dict()


def test_old_rows_read_with_the_envelope_ignored_and_missing_optional_fields_defaulted() -> None:
    envelope = {"event": "x", "role": "buyer", "actor_id": 7}
    assert payload_from("order_created", envelope) == OrderCreated()
    assert payload_from(
        "order_cancelled", {**envelope, "by": "system", "refunded": True}
    ) == OrderCancelled(by="system", refunded=True, note=None)
    # Rows written before the amount asked was kept.
    old = {**envelope, "automatic": True, "amount": "MYR 1.00", "full": False}
    assert payload_from("refund_approved", old) == RefundApproved(
        amount="MYR 1.00", automatic=True, full=False, asked=None
    )


@pytest.mark.parametrize(
    ("kind", "stored"),
    [
        ("order_teleported", {}),
        ("order_paid", {}),  # no `via`
        ("ticket_sla", {"ticket_id": "seven", "reason": "unclaimed"}),
        ("relay", {"message": 1, "header": None, "reply_to": None}),
    ],
)
def test_a_row_of_an_unknown_kind_or_a_misshapen_payload_is_unreadable(
    kind: str, stored: dict[str, Any]
) -> None:
    with pytest.raises(UnreadableEvent):
        payload_from(kind, stored)


def test_an_event_takes_its_kind_from_its_payload_and_refuses_strangers() -> None:
    event = Event(OrderPaid(via="balance"), (Role.BUYER, Role.SELLER))
    assert event.kind is EventKind.ORDER_PAID
    with pytest.raises(ValueError, match="refund_available"):
        Event(RefundAvailable(), (Role.SELLER,))
