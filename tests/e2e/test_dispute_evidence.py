"""In a dispute, agents see what was actually sent: the files themselves, and a transcript
with times, names and the outcome."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.support import Running, case, ticket_posts

VOUCHER = b"PUBG UC voucher: 7H2K-99QX-LLM4"


async def test_a_file_delivered_in_the_order_chat_is_copied_into_the_dispute(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    oid = await k.paid_order("20.00")
    c.seller.tap("Deliver")
    await c.seller.wait_for_message(contains="Send the delivery")
    c.seller.send_document(VOUCHER, filename="pubg-voucher.txt")
    await k.settle()
    k.clock.advance(timedelta(hours=2))
    await k.services.orders.request_refund(oid, 1001, None, "the code is used")
    await k.services.orders.reject_refund(oid, 2002, "it was new")
    await k.settle()
    c.buyer.tap("Escalate to support")
    await k.settle()

    files = [m for m in await ticket_posts(k) if m.content_type == "document"]
    assert len(files) == 1
    assert files[0].content.startswith("📎 Seller's document in the order chat, ")
    assert k.tg.file_bytes(files[0].file_id or "") == VOUCHER

    ticket = await k.services.support.get(1)
    assert ticket.card_message_id is not None
    c.group.tap(c.agent, "Transcript", ticket.card_message_id)
    await k.settle()
    doc = await c.group.wait_for_message(
        predicate=lambda m: m.content_type == "document" and "transcript" in (m.file_name or "")
    )
    text = k.tg.file_bytes(doc.file_id or "").decode()
    assert f"Ticket #1 (Dispute), order {oid}" in text
    assert "Opened " in text and "by buyer Alice" in text
    assert "seller Sam: [document, copied into the ticket]" in text
    assert "UTC" in text.splitlines()[1]
    assert text.rstrip().endswith("Outcome: still open. Order status: Waiting Confirmation.")
