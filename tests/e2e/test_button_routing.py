"""Every kind of button reaches exactly its own handler, with and without a support group.

A new kind of button (a member of `Act`) is covered as soon as it exists: it belongs to the
ticket buttons or to the parties', and the parties' handler must know it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from telegram import CallbackQuery, Update, User
from telegram.ext import BaseHandler

from bot.domain.faq import FaqIndex
from handlers.inbound import flows, support
from handlers.views.callback_data import PARTY_ACTS, TICKET_ACTS, Act
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.conftest import running_kchat
from tests.e2e.support import (
    BUYER,
    Running,
    a_tap,
    case,
    group_tap_data,
    tap_data,
    ticket_of,
)

AGENTS_ONLY = "Only KALEOZ Support agents can do this."


def _tap(data: str) -> Update:
    query = CallbackQuery("1", User(BUYER, "Alice", False), "chat-1", data=data)
    return Update(1, callback_query=query)


def _handler_for(app: Any, data: str) -> Any:
    """The callback of the first handler that takes this tap (PTB runs only that one)."""
    update = _tap(data)
    handlers: list[BaseHandler[Any, Any, Any]] = app.handlers[0]
    taken = [h for h in handlers if h.check_update(update) not in (None, False)]
    assert taken, f"no handler takes {data!r}"
    return taken[0].callback


def test_every_button_kind_is_either_a_ticket_button_or_a_party_button() -> None:
    assert set(Act) == TICKET_ACTS | PARTY_ACTS and not TICKET_ACTS & PARTY_ACTS
    assert set(flows.BUTTONS) == PARTY_ACTS, "a party button without a handler"


@pytest.mark.parametrize("with_group", [False, True], ids=["no-support-group", "support-group"])
async def test_each_button_kind_is_routed_to_its_own_handler(
    tmp_path: Path, faq_index: FaqIndex, with_group: bool
) -> None:
    overrides = {"support_chat_id": -100123} if with_group else {}
    async with running_kchat(tmp_path, faq_index, **overrides) as k:
        for act in Act:
            data = a_tap(act).pack()
            got = _handler_for(k.app, data)
            if act in PARTY_ACTS:
                expected = flows.on_button
            else:
                expected = support.on_ticket_button if with_group else flows.on_stale_button
            assert got is expected, f"{act!r} goes to {got.__qualname__}"
        assert _handler_for(k.app, "k1|zz|1|") is flows.on_stale_button
        assert _handler_for(k.app, "something else") is flows.on_stale_button


async def test_a_time_zone_button_works_for_a_buyer_when_there_is_a_support_group(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    c.buyer.send("/timezone")
    await kchat_support.settle()
    picked = c.buyer.tap("Jakarta")
    await kchat_support.settle()
    assert picked.answer_text == "Times are now shown in Jakarta time."
    user = await kchat_support.services.chat.user(BUYER)
    assert user is not None and user.timezone == "Asia/Jakarta"


async def _party_taps_every_kind(k: Running, buyer: FakeUser) -> None:
    buyer.send("/help")
    await k.settle()
    for act in sorted(PARTY_ACTS):
        tapped = tap_data(k, buyer, a_tap(act, "KZZZZZZZ").pack())
        await k.settle()
        assert tapped.answered, f"{act!r} was not answered"
        assert tapped.answer_text not in (AGENTS_ONLY, flows.STALE), f"{act!r}: {tapped}"


async def test_every_party_button_reaches_the_party_handler_with_a_support_group(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    await _party_taps_every_kind(kchat_support, c.buyer)


async def test_every_party_button_reaches_the_party_handler_without_a_support_group(
    kchat: Running, buyer: FakeUser
) -> None:
    await _party_taps_every_kind(kchat, buyer)


async def test_every_ticket_button_reaches_the_ticket_handler(plain: Running) -> None:
    c = await case(plain)
    await plain.paid_order("20.00")
    c.seller.tap("Escalate to support")
    await plain.settle()
    ticket = await ticket_of(plain)
    assert ticket.card_message_id is not None
    for act in sorted(TICKET_ACTS):
        data = a_tap(act, ticket_id=ticket.id).pack()
        tapped = group_tap_data(plain, c.agent, ticket.card_message_id, data)
        await plain.settle()
        assert tapped.answered, f"{act!r} was not answered"
        refused = (AGENTS_ONLY, flows.STALE, "This button is no longer valid.")
        assert tapped.answer_text not in refused, f"{act!r}: {tapped}"
