"""Who may do what: strangers learn nothing, parties can't take the other side's actions.

Buttons are tapped with callback data copied from the parties' cards (a modified client can
send any data on any message of its own chat), commands name the order by id. Every refusal
leaves the orders, the balances and the users' pending questions exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sandbox.fake_bot_api.harness import FakeUser
from sandbox.fake_bot_api.state import CallbackQueryRecord
from tests.e2e.support import BUYER, SELLER, STRANGER, Running, contents, tap_data

MISSING = "KZZZ2345"  # well-formed, belongs to nobody
ORDER_ACTS = [
    "o", "bk", "pay", "dlv", "cf", "cfy", "rf", "rff", "rfp", "rfw", "apr", "rej",
    "cx", "cxy", "esc", "msg", "lv", "ab", "del", "reo", "pd",
]  # fmt: skip


@dataclass
class World:
    """One order in each state, all between the same buyer and seller."""

    expired: str
    paid: str
    delivered: str
    refund_open: str
    unpaid: str

    @property
    def all(self) -> list[str]:
        return [self.expired, self.paid, self.delivered, self.refund_open, self.unpaid]


async def _world(kchat: Running) -> World:
    orders = kchat.services.orders
    expired = await kchat.order("12.50")
    paid = await kchat.paid_order("12.50")
    delivered = await kchat.paid_order("12.50")
    await orders.deliver(delivered, SELLER, "code AAAA")
    refund_open = await kchat.paid_order("12.50")
    await orders.deliver(refund_open, SELLER, "code BBBB")
    await kchat.advance(timedelta(hours=1))  # expires the first, ages the others for refunds
    await orders.request_refund(refund_open, BUYER, None)
    unpaid = await kchat.order("12.50")
    await kchat.settle()
    return World(expired, paid, delivered, refund_open, unpaid)


async def _snapshot(kchat: Running, world: World) -> object:
    s = kchat.services
    orders = [(await s.orders.get(oid)).model_dump() for oid in world.all]
    balances = [await s.orders.balances(uid) for uid in (BUYER, SELLER, STRANGER)]
    modes = [await s.chat.mode(uid) for uid in (BUYER, SELLER, STRANGER)]
    transcripts = [len(await s.chat.transcript(oid)) for oid in world.all]
    return orders, balances, modes, transcripts


async def _answered(kchat: Running, record: CallbackQueryRecord) -> CallbackQueryRecord:
    await kchat.tg.wait_for(lambda: record.answered, what=f"an answer to {record.data}")
    return record


def _generic(text: str | None, oid: str) -> str | None:
    return text.replace(oid, "<id>") if text else text


async def test_a_stranger_tapping_any_order_button_learns_nothing_and_changes_nothing(
    kchat: Running, buyer: FakeUser, seller: FakeUser, stranger: FakeUser
) -> None:
    await kchat.settle()
    world = await _world(kchat)
    before = await _snapshot(kchat, world)

    for act in ORDER_ACTS:
        missing = await _answered(kchat, tap_data(kchat, stranger, f"k1|{act}|{MISSING}|"))
        for oid in world.all:
            real = await _answered(kchat, tap_data(kchat, stranger, f"k1|{act}|{oid}|"))
            assert _generic(real.answer_text, oid) == _generic(missing.answer_text, MISSING), (
                act,
                oid,
            )
            assert real.show_alert == missing.show_alert
    await kchat.settle()

    assert await _snapshot(kchat, world) == before
    assert all(oid not in text for text in contents(stranger) for oid in world.all)
    refusals = {a for a in stranger.alerts() if "No order" in a}
    assert refusals == {f"No order {MISSING} found."} | {f"No order {o} found." for o in world.all}


async def test_a_stranger_naming_a_real_order_in_a_command_gets_the_unknown_id_reply(
    kchat: Running, buyer: FakeUser, seller: FakeUser, stranger: FakeUser
) -> None:
    await kchat.settle()
    world = await _world(kchat)
    before = await _snapshot(kchat, world)

    for command in ("/order", "/confirm", "/refund", "/deliver", "/cancel", "/refund 5.00"):
        name, _, rest = command.partition(" ")
        stranger.send(f"{name} {MISSING} {rest}".strip())
        unknown = await stranger.wait_for_message()
        assert unknown.content == f"⚠️ No order {MISSING} found.", command
        for oid in world.all:
            stranger.send(f"{name} {oid} {rest}".strip())
            reply = await stranger.wait_for_message()
            assert _generic(reply.content, oid) == _generic(unknown.content, MISSING), command
            assert reply.buttons == unknown.buttons == ()
    await kchat.settle()
    assert await _snapshot(kchat, world) == before
    assert await kchat.services.chat.mode(STRANGER) is None


# (who taps, action code, which order, what the refusal says)
PARTY_TAPS = [
    ("seller", "pay", "unpaid", "Only the buyer can pay from the KALEOZ balance."),
    ("seller", "pd", "unpaid", "is not waiting for a payment from you"),
    ("buyer", "dlv", "paid", "Only the seller can deliver"),
    ("buyer", "cx", "paid", "A paid order can only be cancelled by the seller."),
    ("buyer", "cxy", "paid", "A paid order can only be cancelled by the seller."),
    ("seller", "rf", "paid", "Only the buyer can request a refund."),
    ("seller", "rff", "paid", "Only the buyer can request a refund."),
    ("seller", "rfp", "paid", "Only the buyer can request a refund."),
    ("seller", "cf", "delivered", "Only the buyer can confirm receipt."),
    ("seller", "cfy", "delivered", "Only the buyer can confirm receipt."),
    ("buyer", "apr", "refund_open", "Only the seller can approve a refund."),
    ("buyer", "rej", "refund_open", "Only the seller can reject a refund"),
    ("seller", "rfw", "refund_open", "Only the buyer can withdraw the refund request."),
    ("seller", "reo", "expired", "Only the buyer can re-order."),
    ("buyer", "del", "paid", "Only finished orders can be deleted"),
]


async def test_a_party_tapping_the_other_sides_buttons_is_refused_and_nothing_changes(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    world = await _world(kchat)
    before = await _snapshot(kchat, world)
    people = {"buyer": buyer, "seller": seller}

    for who, act, state, refusal in PARTY_TAPS:
        oid = getattr(world, state)
        card = await kchat.services.chat.card(oid, people[who].id)
        assert card is not None
        record = await _answered(
            kchat, tap_data(kchat, people[who], f"k1|{act}|{oid}|", card.message_id)
        )
        assert record.show_alert, (who, act)
        assert refusal in (record.answer_text or ""), (who, act, record.answer_text)
    await kchat.settle()
    assert await _snapshot(kchat, world) == before
    # No prompt for someone else's action was shown in place of a card.
    for user in (buyer, seller):
        assert not any("Confirm you received" in c for c in contents(user))
        assert not any("Request a refund for order" in c for c in contents(user))
        assert not any(c.startswith("Cancel order") for c in contents(user))


PARTY_COMMANDS = [
    ("seller", "/confirm {delivered}", "Only the buyer can confirm receipt."),
    ("seller", "/refund {paid}", "Only the buyer can request a refund."),
    ("seller", "/refund {paid} 5.00", "Only the buyer can request a refund."),
    ("buyer", "/deliver {paid}", "Only the seller can deliver."),
    ("buyer", "/deliver {paid} here is the code", "Only the seller can deliver."),
    ("buyer", "/cancel {paid}", "A paid order can only be cancelled by the seller."),
]


async def test_a_party_using_the_other_sides_commands_is_refused_and_nothing_changes(
    kchat: Running, buyer: FakeUser, seller: FakeUser
) -> None:
    await kchat.settle()
    world = await _world(kchat)
    before = await _snapshot(kchat, world)
    people = {"buyer": buyer, "seller": seller}

    for who, command, refusal in PARTY_COMMANDS:
        user = people[who]
        user.send(command.format(paid=world.paid, delivered=world.delivered))
        reply = await user.wait_for_message()
        assert reply.content.startswith("⚠️"), (command, reply.content)
        assert refusal in reply.content, (command, reply.content)
        assert not reply.buttons
        assert await kchat.services.chat.mode(user.id) is None, command
    await kchat.settle()
    assert await _snapshot(kchat, world) == before
    # The buyer was not put in the seller's "send the delivery" mode.
    buyer.send("here is the code")
    await kchat.settle()
    assert (await kchat.services.orders.get(world.paid)).delivery_note is None
