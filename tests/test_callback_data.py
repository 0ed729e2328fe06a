"""Button data: each kind packs to the one wire format and unpacks to exactly itself; data
the bot would not have packed (forged, stale, mistyped) is refused."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from handlers.views.callback_data import (
    KIND_OF,
    MAX_BYTES,
    PARTY_ACTS,
    PARTY_KINDS,
    TICKET_ACTS,
    TICKET_KINDS,
    Act,
    Callback,
    CancelConfirm,
    FaqReply,
    FaqTap,
    InvalidCallback,
    LanguageTap,
    ListPage,
    MoneyConfirm,
    OfferTap,
    OrderTap,
    PlainTap,
    TicketPartialRefund,
    TicketTap,
    ZoneConfirm,
    ZoneTap,
    pattern,
    unpack,
)

REF_TEXT = r"[A-Za-z0-9_-]{1,32}"
ARG_TEXT = r"[A-Za-z0-9_.:-]{0,16}"

refs = st.from_regex(REF_TEXT, fullmatch=True)
args = st.from_regex(ARG_TEXT, fullmatch=True)
amounts = st.integers(0, 10**16 - 1)  # what fits the 16 characters of an argument
ids = st.integers(0, 10**32 - 1)  # what fits the 32 characters of a reference


def acts_of(kind: type[Callback]) -> st.SearchStrategy[Act]:
    return st.sampled_from(sorted(kind.ACTS))


def ticket_taps() -> st.SearchStrategy[TicketTap]:
    def tap(act: Act, ticket_id: int, confirm: bool) -> TicketTap:
        return TicketTap(act, ticket_id, confirm and act in TicketTap.CONFIRMABLE)

    return st.builds(tap, acts_of(TicketTap), ids, st.booleans())


STRATEGIES: dict[type[Callback], st.SearchStrategy[Callback]] = {
    OrderTap: st.builds(OrderTap, acts_of(OrderTap), refs),
    MoneyConfirm: st.builds(MoneyConfirm, acts_of(MoneyConfirm), refs, amounts),
    CancelConfirm: st.builds(CancelConfirm, refs, args),
    ListPage: st.builds(ListPage, refs, amounts),
    OfferTap: st.builds(OfferTap, refs),
    FaqTap: st.builds(FaqTap, st.none() | refs.filter(lambda r: r != "topics")),
    FaqReply: st.builds(
        FaqReply,
        acts_of(FaqReply),
        st.none() | refs.filter(lambda r: r != "none"),
        st.none() | amounts,
    ),
    PlainTap: st.builds(PlainTap, acts_of(PlainTap)),
    ZoneTap: st.builds(ZoneTap, ids),
    LanguageTap: st.builds(
        LanguageTap, st.none() | st.from_regex(r"[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}", fullmatch=True)
    ),
    ZoneConfirm: st.builds(ZoneConfirm, ids, st.from_regex(r"[0-9a-f]{8}", fullmatch=True)),
    TicketTap: ticket_taps(),
    TicketPartialRefund: st.builds(
        TicketPartialRefund, ids, st.none() | st.integers(0, 10**15 - 1)
    ),
}
any_tap = st.one_of(*STRATEGIES.values())


def test_every_act_is_served_by_exactly_one_kind() -> None:
    kinds = (*PARTY_KINDS, *TICKET_KINDS)
    assert set(STRATEGIES) == set(kinds), "a kind of button without a round-trip test"
    assert sum(len(kind.ACTS) for kind in kinds) == len(Act) == len(KIND_OF)
    assert TicketTap.ACTS | TicketPartialRefund.ACTS == TICKET_ACTS
    assert frozenset(act for kind in PARTY_KINDS for act in kind.ACTS) == PARTY_ACTS


@given(any_tap)
def test_every_kind_unpacks_to_the_same_value_and_fits_telegram(tap: Callback) -> None:
    data = tap.pack()
    assert len(data.encode()) <= MAX_BYTES
    assert unpack(data) == tap
    assert type(unpack(data)) is type(tap)


@given(any_tap)
def test_each_kind_is_routed_by_its_action_alone(tap: Callback) -> None:
    data = tap.pack()
    assert bool(re.match(pattern(PARTY_ACTS), data)) is (tap.act in PARTY_ACTS)
    assert bool(re.match(pattern(TICKET_ACTS), data)) is (tap.act in TICKET_ACTS)


codes = st.sampled_from(sorted(Act)).map(lambda a: a.value)


@given(
    codes | st.from_regex(r"[a-z0-9]{1,5}", fullmatch=True),
    refs | st.text(max_size=4),
    args | st.text(max_size=4),
)
@example("o", "K1234567", "x")
def test_anything_unpacked_is_exactly_what_the_bot_would_pack(act: str, ref: str, arg: str) -> None:
    data = f"k1|{act}|{ref}|{arg}"
    try:
        tap = unpack(data)
    except InvalidCallback:
        return
    assert tap.pack() == data


@given(st.text(max_size=80))
def test_arbitrary_text_unpacks_only_when_well_formed(data: str) -> None:
    try:
        tap = unpack(data)
    except InvalidCallback:
        return
    assert tap.pack() == data


@pytest.mark.parametrize(
    "data",
    [
        # a field of the wrong type
        "k1|payy|K1234567|12.50",
        "k1|apry|K1234567|abc",
        "k1|apry|K1234567|-5",
        "k1|apry|K1234567|007",  # a number, but not as the bot writes one
        "k1|tc|abc|",
        "k1|tc|-1|",
        "k1|tr|1|yes",
        "k1|tp|1|yx",
        "k1|tp|1|y",
        "k1|tz|x|",
        "k1|tzy|1|ZZZZZZZZ",
        "k1|ls|active|x",
        "k1|ls|active|-1",
        "k1|fy|doc|x",
        # an unknown action, or not this bot's format at all
        "k1|zz|K1234567|",
        "k2|o|K1234567|",
        "k1|o|K1234567",
        "k1|o|K1234567||",
        "",
        None,
        "k1|o|" + "K" * 61,
        "k1|o|K1234567\n|",
        # an action with another kind's fields
        "k1|o|K1234567|1250",  # an amount on a plain order button
        "k1|payy|K1234567|",  # a money confirmation without its amount
        "k1|tc|1|y",  # a second tap on a button that has none
        "k1|tc|1|y500",  # a partial refund's amount on another ticket button
        "k1|tp|1|500",
        "k1|tz|3|0000abcd",  # the typed zone's checksum on the zone picker
        "k1|tzy|3|",
        "k1|ls0|K1234567|",  # an order on a button about nothing
        "k1|tzn|3|",
        "k1|faq|doc|12",  # a question id on a topic
        "k1|buy|O1234567|1",
        "k1|ls|active|",
    ],
)
def test_forged_or_mistyped_data_is_refused(data: str | None) -> None:
    with pytest.raises(InvalidCallback):
        unpack(data)


@pytest.mark.parametrize(
    "make",
    [
        lambda: OrderTap(Act.PAY_YES, "K1234567"),  # an action of another kind
        lambda: OrderTap(Act.T_CLAIM, "K1234567"),
        lambda: MoneyConfirm(Act.OPEN, "K1234567", 100),
        lambda: MoneyConfirm(Act.PAY_YES, "K1234567", -1),
        lambda: MoneyConfirm(Act.PAY_YES, "K1234567", 10**16),  # longer than an argument
        lambda: TicketTap(Act.T_CLAIM, 1, confirmed=True),  # claiming has no second tap
        lambda: TicketTap(Act.T_PART, 1),
        lambda: PlainTap(Act.OPEN),
        lambda: FaqTap("topics"),
        lambda: FaqReply(Act.SUPPORT, "none"),
        lambda: ZoneConfirm(1, "nothex00"),
        lambda: LanguageTap("MS"),
        lambda: LanguageTap("ms|x"),
        lambda: ListPage("active", -1),
        lambda: OrderTap(Act.OPEN, "K" * 33),
        lambda: CancelConfirm("K1234567", "no spaces"),
    ],
)
def test_the_bot_cannot_make_a_button_it_would_refuse(make: object) -> None:
    with pytest.raises(ValueError, match="unpackable"):
        make()  # type: ignore[operator]


def test_buttons_already_in_chats_read_as_they_did() -> None:
    assert unpack("k1|payy|K1234567|1250") == MoneyConfirm(Act.PAY_YES, "K1234567", 1250)
    assert unpack("k1|cxy|K1234567|stock") == CancelConfirm("K1234567", "stock")
    assert unpack("k1|cxy|K1234567|") == CancelConfirm("K1234567")
    assert unpack("k1|ls|completed|2") == ListPage("completed", 2)
    assert unpack("k1|faq|topics|") == FaqTap(None)
    assert unpack("k1|sup|none|") == FaqReply(Act.SUPPORT, None)
    assert unpack("k1|fn|refund-policy|42") == FaqReply(Act.FAQ_NO, "refund-policy", 42)
    assert unpack("k1|ls0|-|") == PlainTap(Act.LEAVE_SUPPORT)
    assert unpack("k1|tzy|7|0a1b2c3d") == ZoneConfirm(7, "0a1b2c3d")
    assert unpack("k1|lg|ms|") == LanguageTap("ms")
    assert unpack("k1|lg|-|") == LanguageTap(None)
    assert unpack("k1|tx|12|y") == TicketTap(Act.T_CLOSE, 12, confirmed=True)
    assert unpack("k1|tp|12|y550") == TicketPartialRefund(12, 550)
    assert unpack("k1|tp|12|") == TicketPartialRefund(12)
