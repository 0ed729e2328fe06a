"""What people write is shown as they wrote it, never as the bot's own formatting.

Markup goes through every path that reaches a chat: names, a title, a delivery note,
refund and rejection reasons, the order chat, a receipt caption (twice, so the ticket is
"raised again"), and support messages both ways. Every message must have been accepted by
Telegram, show the markup literally, and carry no link or formatting made of it.
"""

from __future__ import annotations

from datetime import timedelta

from sandbox.fake_bot_api.harness import MessageView
from tests.e2e.support import (
    AGENT,
    BUYER,
    RECEIPT_PNG,
    SELLER,
    Running,
    in_ticket,
    ticket_of,
)

LINK = '<a href="http://evil.example">Payment verified by KALEOZ</a>'
MARK = f"{LINK} <b>bold</b> a < b &amp; c"


def _entity_texts(message: MessageView) -> list[tuple[str, str]]:
    units = message.content.encode("utf-16-le")
    out = []
    for entity in message.entities:
        start, length = 2 * int(entity["offset"]), 2 * int(entity["length"])
        out.append((str(entity["type"]), units[start : start + length].decode("utf-16-le")))
    return out


async def test_markup_from_people_reaches_every_chat_literally(kchat_support: Running) -> None:
    k = kchat_support
    assert k.group is not None
    buyer = k.tg.user(BUYER, "<b>Alice</b>")
    seller = k.tg.user(SELLER, "<i>Sam</i> & co")
    agent = k.tg.user(AGENT, "<u>Aisha</u>")
    buyer.start()
    seller.start()
    await k.settle()

    oid = await k.order("20.00", title=f"<b>Steam</b> {LINK}"[:120])
    unpaid = await k.order("5.00", title="<s>gift</s> card")
    await k.services.orders.mark_paid_external(oid)
    await k.services.orders.deliver(oid, SELLER, MARK)
    k.clock.advance(timedelta(hours=2))
    await k.services.orders.request_refund(oid, BUYER, None, MARK)
    await k.services.orders.reject_refund(oid, SELLER, MARK)
    await k.settle()

    buyer.tap("Message seller")
    await k.settle()
    buyer.send(MARK)
    await k.settle()
    buyer.tap("Leave chat")
    await k.settle()
    buyer.tap("Escalate to support")
    await k.settle()
    buyer.send(f"to support: {MARK}")
    await k.settle()
    await in_ticket(k, agent, f"from support: {MARK}", (await ticket_of(k)).id)
    await k.settle()

    for _ in range(2):  # the second receipt raises the payment ticket again
        card = next(m for m in reversed(buyer.messages()) if unpaid in m.content)
        buyer.tap("I already paid", card.message_id)
        await k.settle()
        buyer.send_photo(RECEIPT_PNG, caption=f"slip {MARK}")
        await k.settle()

    chats = [*buyer.messages(), *seller.messages(), *k.group.messages()]
    everything = "\n".join(m.content for m in chats)
    for literal in (LINK, "<b>bold</b>", "a < b &amp; c", "<b>Alice</b>", "<i>Sam</i> & co"):
        assert literal in everything, literal
    assert "↪️ Raised again by a party: Paid, but the order shows unpaid: slip " + LINK in (
        everything
    )
    assert f"from support: {MARK}" in "\n".join(m.content for m in buyer.messages())
    # Had a tag been taken as the bot's own, an entity would cover exactly its inner text.
    inner = {"Payment verified by KALEOZ", "bold", "Alice", "Sam", "gift", "Steam", "Aisha"}
    made_of_markup = [
        (m.chat_id, kind, text)
        for m in chats
        for kind, text in _entity_texts(m)
        if text.strip() in inner or kind == "text_link"
    ]
    assert made_of_markup == []
    refused = [
        (r.method, r.error)
        for r in k.tg.requests()
        if r.method.startswith(("send", "edit", "copy"))
        and not r.ok
        and "not modified" not in (r.error or "")  # an edit that changed nothing is fine
    ]
    assert refused == []
