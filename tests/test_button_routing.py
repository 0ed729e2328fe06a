"""Every kind of button reaches exactly one handler, chosen by its exact action."""

from __future__ import annotations

from handlers.callback_data import TICKET_ACTS, Act, Cb, is_ticket_button

# Each action the bot can draw, and whose handler takes it. A new action fails this test
# until it is routed here on purpose.
ROUTE = {
    **{a: "support group" for a in (
        "T_CLAIM", "T_REFUND", "T_PART", "T_RELEASE", "T_PAY_OK", "T_PAY_NO", "T_ASK_BUYER",
        "T_ASK_SELLER", "T_TRANSCRIPT", "T_CLOSE", "T_BACK",
    )},
    **{a: "private chat" for a in (
        "OPEN", "PAY", "DELIVER", "CONFIRM", "CONFIRM_YES", "REFUND", "REFUND_FULL",
        "REFUND_PART", "WITHDRAW", "APPROVE", "REJECT", "CANCEL", "CANCEL_YES", "ESCALATE",
        "MESSAGE", "LEAVE_CHAT", "DELETE", "REORDER", "BACK", "BUY", "LIST", "ABORT", "FAQ",
        "FAQ_YES", "FAQ_NO", "SUPPORT", "PAID_ALREADY", "LEAVE_SUPPORT", "TZ",
    )},
}  # fmt: skip


def test_every_action_is_routed_on_purpose() -> None:
    assert set(ROUTE) == {a.name for a in Act}


def test_each_button_goes_to_its_own_handler_whatever_its_code_starts_with() -> None:
    for act in Act:
        data = Cb(act, "K1234567", "1").pack()
        assert is_ticket_button(data) is (ROUTE[act.name] == "support group"), act
    assert {a.name for a in TICKET_ACTS} == {n for n, r in ROUTE.items() if r == "support group"}


def test_forged_or_foreign_data_is_no_ticket_button() -> None:
    for data in (None, "", "k1|tzz|-|", "k1|tc", "x|tc|1|", "k1|tc|1|" + "9" * 80):
        assert not is_ticket_button(data)


def test_help_topic_buttons_are_cut_at_a_word_boundary() -> None:
    from bot.help_center import load_index
    from handlers.faq_chat import topics_keyboard

    index = load_index()
    titles = {d.title for d in index.documents}
    for row in topics_keyboard(index).inline_keyboard:
        label = row[0].text
        if label in titles:
            continue
        assert label.endswith("…"), label
        kept = label.removesuffix("…")
        title = next(t for t in titles if t.startswith(kept))
        assert title[len(kept)] in " ,.;:-·?", (label, title)  # a whole word was kept
