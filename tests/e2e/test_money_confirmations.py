"""Every button that moves money or cannot be undone asks once more, naming the amount.

The kinds of button are listed here in three groups; a new kind fails the first test until
someone decides which group it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardMarkup

from bot.domain import transitions as t
from bot.domain.model import SYSTEM, Actor, Order, RefundStatus, Role, Status
from bot.domain.money import display, format_amount
from bot.domain.policy import Policy
from bot.domain.tickets import Ticket, TicketKind
from handlers.views.callback_data import Act, TicketTap, unpack
from handlers.views.render import approve_prompt, cancel_prompt, confirm_prompt, pay_prompt
from handlers.views.support_render import confirm_keyboard, confirm_label, partial_label
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, SELLER, Running, tap_data

# The first tap of each only asks; the money moves on the second.
MONEY_OR_IRREVERSIBLE = {
    Act.PAY,
    Act.CONFIRM,
    Act.APPROVE,
    Act.CANCEL,
    Act.T_REFUND,
    Act.T_PART,
    Act.T_RELEASE,
    Act.T_PAY_OK,
    Act.T_PAY_NO,
    Act.T_CLOSE,
}
# Every party button that moves money or cannot be undone, and the question it asks first.
# (Each takes the order and who is asking: a seller's Cancel asks why, a buyer's does not.)
SECOND_STEPS: dict[Act, Callable[[Order, int], tuple[str, InlineKeyboardMarkup]]] = {
    Act.PAY: lambda o, _by: pay_prompt(o),
    Act.CONFIRM: lambda o, _by: confirm_prompt(o),
    Act.APPROVE: lambda o, _by: approve_prompt(o),
    Act.CANCEL: cancel_prompt,
}
# The second taps (a ticket button's second tap is the same kind with arg "y…").
# /unlink asks with its buttons before anything changes: its "Yes" is a second tap too.
SECOND_TAPS = {Act.PAY_YES, Act.CONFIRM_YES, Act.APPROVE_YES, Act.CANCEL_YES, Act.UNLINK_YES}
# Nothing moves and nothing is final: they open, ask, navigate or can be taken back.
HARMLESS = {
    Act.OPEN,
    Act.BACK,
    Act.DELIVER,  # asks for the delivery
    Act.REFUND,  # asks full or partial
    Act.REFUND_FULL,  # a request the seller answers; it can be withdrawn
    Act.REFUND_PART,  # asks for the amount
    Act.WITHDRAW,
    Act.REJECT,  # asks for the reason
    Act.ESCALATE,  # support can close the case; the order continues
    Act.MESSAGE,
    Act.LEAVE_CHAT,
    Act.DELETE,  # hides a finished order from the user's own list
    Act.REORDER,  # places an unpaid order
    Act.BUY,  # places an unpaid order
    Act.LIST,
    Act.ABORT,
    Act.FAQ,
    Act.FAQ_YES,
    Act.FAQ_NO,
    Act.SUPPORT,
    Act.PAID_ALREADY,  # asks for the receipt
    # An order picked from a bare command's list: the same question its card's button asks.
    Act.PICK_CONFIRM,
    Act.PICK_REFUND,
    Act.PICK_DELIVER,
    Act.PICK_CANCEL,
    Act.LEAVE_SUPPORT,
    Act.TZ,
    Act.TZ_YES,
    Act.TZ_NO,
    Act.LANG,
    Act.UNLINK_NO,  # keeps the account linked
    Act.T_CLAIM,
    Act.T_ASK_BUYER,
    Act.T_ASK_SELLER,
    Act.T_TRANSCRIPT,
    Act.T_BACK,
}

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BUYER_A, SELLER_A = Actor(Role.BUYER, BUYER), Actor(Role.SELLER, SELLER)


def test_every_button_kind_is_classified() -> None:
    groups = [MONEY_OR_IRREVERSIBLE, SECOND_TAPS, HARMLESS]
    assert sum(len(g) for g in groups) == len(set().union(*groups)), "a kind in two groups"
    assert set().union(*groups) == set(Act), "a kind of button nobody has classified"


def _orders() -> dict[Act, t.Order]:
    """An order in the state where each party button is offered."""
    unpaid = t.create_order(
        order_id="KAAAAAAA",
        buyer_id=BUYER,
        seller_id=SELLER,
        title="Steam Wallet",
        amount_minor=1250,
        currency="MYR",
        now=T0,
    ).order
    paid = t.pay(unpaid, SYSTEM, T0, via="external").order
    delivered = t.deliver(paid, SELLER_A, T0, "CODE-1").order
    asked = t.request_refund(
        delivered, BUYER_A, T0 + timedelta(hours=2), Policy(), amount_minor=500, reason=""
    ).order
    assert asked.refund_request is not None and asked.refund_request.status is RefundStatus.OPEN
    return {Act.PAY: unpaid, Act.CONFIRM: delivered, Act.APPROVE: asked, Act.CANCEL: paid}


def test_each_party_money_button_asks_first_with_the_amount_and_a_way_back() -> None:
    orders = _orders()
    party = {a for a in MONEY_OR_IRREVERSIBLE if not a.name.startswith("T_")}
    assert set(SECOND_STEPS) == party
    for act, ask in SECOND_STEPS.items():
        order = orders[act]
        who = order.seller_id if act in (Act.APPROVE, Act.CANCEL) else order.buyer_id
        text, kb = ask(order, who)
        moved = order.refund_request.amount_minor if act is Act.APPROVE else order.amount_minor
        assert order.refund_request is None or act is Act.APPROVE
        assert display(moved, order.currency) in text, (act, text)
        taps = [unpack(b.callback_data) for row in kb.inline_keyboard for b in row]  # type: ignore[arg-type]
        assert {cb.act for cb in taps} & SECOND_TAPS, f"{act!r} has no second tap"
        assert Act.BACK in {cb.act for cb in taps}, f"{act!r} has no way back"
    # The unpaid order a buyer cancels says what it was, though no money moves.
    unpaid_cancel, _ = SECOND_STEPS[Act.CANCEL](orders[Act.PAY], orders[Act.PAY].buyer_id)
    assert "MYR 12.50" in unpaid_cancel and "not paid" in unpaid_cancel


def test_each_ticket_money_button_names_the_amount_on_its_second_tap() -> None:
    order = _orders()[Act.CONFIRM]
    ticket_acts = {a for a in MONEY_OR_IRREVERSIBLE if a.name.startswith("T_")} - {Act.T_PART}
    for act in ticket_acts:
        label = confirm_label(act, order)
        named = "no money moves" if act is Act.T_CLOSE else "MYR 12.50"
        assert label.startswith("Yes, ") and named in label, (act, label)
    split = partial_label(order, 500)
    assert format_amount(500, "MYR") in split and format_amount(750, "MYR") in split
    ticket = Ticket(id=1, order_id=order.id, kind=TicketKind.DISPUTE, opened_at=T0)
    second_tap = TicketTap(Act.T_REFUND, ticket.id, confirmed=True)
    kb = confirm_keyboard(second_tap, confirm_label(Act.T_REFUND, order))
    assert [[b.text for b in row] for row in kb.inline_keyboard] == [
        ["Yes, confirm full refund (MYR 12.50)"],
        ["Back"],
    ]


async def _refund_asked(k: Running, buyer: FakeUser, amount: str) -> str:
    oid = await k.paid_order("12.50")
    await k.services.orders.deliver(oid, SELLER, "CODE-1")
    await k.advance(timedelta(hours=2))
    buyer.send(f"/refund {oid} {amount}")
    await k.settle()
    return oid


async def test_approving_a_refund_takes_a_second_tap_that_names_the_amount(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _refund_asked(kchat, buyer, "5.00")

    seller.tap("Approve refund")
    await kchat.settle()
    asked = seller.last_message()
    assert asked is not None and "MYR 5.00 goes back to the buyer" in asked.content
    assert asked.button_texts == [["Yes, refund MYR 5.00 to the buyer"], ["Back"]]
    order = await kchat.services.orders.get(oid)
    assert order.refund_open and order.status is Status.WAITING_CONFIRMATION
    assert await kchat.services.orders.balances(BUYER) == {}

    seller.tap("Back")
    await kchat.settle()
    back = seller.last_message()
    assert back is not None and back.has_button("Approve refund")
    assert (await kchat.services.orders.get(oid)).refund_open

    seller.tap("Approve refund")
    await kchat.settle()
    seller.tap("Yes, refund MYR 5.00 to the buyer")
    await kchat.settle()
    order = await kchat.services.orders.get(oid)
    assert order.status is Status.COMPLETED and order.refunded_minor == 500
    assert await kchat.services.orders.balances(BUYER) == {"MYR": 500}


async def test_a_second_tap_for_an_amount_the_buyer_since_changed_moves_nothing(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await _refund_asked(kchat, buyer, "5.00")
    seller.tap("Approve refund")
    await kchat.settle()
    asked = seller.last_message()
    assert asked is not None
    yes = asked.button("Yes, refund MYR 5.00 to the buyer").callback_data
    assert yes is not None

    await kchat.services.orders.withdraw_refund(oid, BUYER)
    buyer.send(f"/refund {oid} 10.00")
    await kchat.settle()
    order = await kchat.services.orders.get(oid)
    assert order.refund_request is not None and order.refund_request.amount_minor == 1000

    stale = tap_data(kchat, seller, yes, asked.message_id)  # a client still showing it
    await kchat.settle()
    assert stale.show_alert and "changed to MYR 10.00" in (stale.answer_text or "")
    order = await kchat.services.orders.get(oid)
    assert order.refund_open and order.refunded_minor == 0
    assert await kchat.services.orders.balances(BUYER) == {}


async def test_a_buyer_cancelling_an_unpaid_order_is_asked_once_more(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    oid = await kchat.order("12.50")
    buyer.tap("Cancel")
    await kchat.settle()
    assert (await kchat.services.orders.get(oid)).status is Status.WAITING_PAYMENT
    buyer.tap("Yes, cancel the MYR 12.50 order")
    await kchat.settle()
    order = await kchat.services.orders.get(oid)
    assert order.status is not Status.WAITING_PAYMENT and order.close_reason is not None
