"""A help request shows support what was asked and answered; its closing reaches the asker."""

from __future__ import annotations

from tests.e2e.support import STRANGER, Case, FakeUser, Running, card, case, ticket_of


async def _stranger(c: Case) -> FakeUser:
    """Eve, who has no order, started with the bot."""
    eve = c.k.tg.user(STRANGER, "Eve")
    eve.start()
    await c.k.settle()
    return eve


async def test_a_help_ticket_shows_the_question_and_the_help_centers_reply(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    eve = await _stranger(c)

    eve.send("Can you recommend a good pizza place in Penang?")
    await k.settle()
    eve.tap("Talk to support")
    await k.settle()
    shown = await card(k)
    assert "Asked: “Can you recommend a good pizza place in Penang?”" in shown.content
    assert "no help article matched" in shown.content

    # Eve is in the support chat: what she writes goes to the ticket, not the help center.
    eve.send("how long do I have to pay for my order")
    await k.settle()
    assert "Sent to KALEOZ Support (ticket #1)" in eve.messages()[-1].content
    # Once the case is closed she is told, with a way back.
    c.group.tap(c.agent, "Close", shown.message_id)
    await k.settle()
    c.group.tap(c.agent, "Yes, close (no money moves)", shown.message_id)
    await k.settle()
    assert (await ticket_of(k)).status == "closed"
    closed = eve.messages()[-1]
    assert "KALEOZ Support closed your request #1" in closed.content
    assert closed.has_button("Talk to support")

    eve.tap("Talk to support", closed.message_id)
    await k.settle()
    assert "KALEOZ Support has your request (#2)" in eve.messages()[-1].content
    assert (await ticket_of(k, 2)).is_open


async def test_a_help_ticket_after_an_answer_names_the_article_given(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    c.buyer.send("paid but order still shows unpaid")
    await k.settle()
    reply = next(m for m in reversed(c.buyer.messages()) if m.has_button("Talk to support"))
    c.buyer.tap("Talk to support", reply.message_id)
    await k.settle()
    shown = await card(k)
    assert "Asked: “paid but order still shows unpaid”; the help center answered “" in (
        shown.content
    )
    assert "Left for support" not in shown.content


async def test_a_help_ticket_after_a_part_answer_names_what_was_left_for_support(
    kchat_support: Running,
) -> None:
    c = await case(kchat_support)
    k = c.k
    eve = await _stranger(c)
    eve.send("what does Waiting Delivery mean? also can I pay in installments?")
    await k.settle()
    reply = next(m for m in reversed(eve.messages()) if m.has_button("Talk to support"))
    assert "You also asked something no help article covers." in reply.content
    eve.tap("Talk to support", reply.message_id)
    await k.settle()
    shown = await card(k)
    assert "the help center answered “How do I track my order status?”" in shown.content
    assert "Left for support: “can I pay in installments?”" in shown.content
