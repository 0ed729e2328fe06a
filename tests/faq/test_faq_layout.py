"""The converter lays answers out as the help center shows them, and the shipped ones are."""

from __future__ import annotations

import re

import pytest

from bench.convert_faq import layout, parse_source
from bot.help_center import load_documents

# A sentence end or a label's colon with no space before the next sentence.
RUN_TOGETHER = re.compile(r"[a-z\"”’)\]][.!?:][A-Z0-9\[]")

# Entries as the marketplace's text export has them: a bullet line, then the answer
# flattened onto one line, with sentences and steps run together.
EXPORT = """\
  • What happens if I have not received my order? Can I ask for a refund?

    Communication can often resolve issues. Please refer to the following refund options \
available to you.Automatic Cancellation after 72 Hours:To safeguard your interests, we have \
implemented an automatic cancellation policy. The refunded amount will be credited back.
  • How do I manually request a refund for an order I already paid for?

    Manual refund requests can only be initiated after ONE\u00a0hour of payment.Here's how \
you can manually request a refund:1. Hover your mouse over your account name.2. Click on \
"My Orders" from the dropdown menu.\u00a0[click here to access the "My Orders" page quickly]3. \
Locate the Order ID (KXXXXXX).4. Click on the Order ID to open the order details page.
  • How to partially refund an order?

    Step 1:\u00a0Proceed to "My Orders", then select the order.Step 2:\u00a0Select "Request \
Refund".Step 3: You can modify the refund amount before submitting.REMINDER:\u00a0Please \
ensure both parties have agreed.
"""


def _words(text: str) -> str:
    return "".join(text.split())


def test_run_together_sentences_get_their_space_back_and_paragraphs_come_back() -> None:
    [not_received, manual, partial] = [answer for _, answer in parse_source(EXPORT)]
    assert not_received == (
        "Communication can often resolve issues. Please refer to the following refund "
        "options available to you.\n\n"
        "Automatic Cancellation after 72 Hours: To safeguard your interests, we have "
        "implemented an automatic cancellation policy. The refunded amount will be credited back."
    )
    assert manual == (
        "Manual refund requests can only be initiated after ONE hour of payment.\n\n"
        "Here's how you can manually request a refund:\n"
        "1. Hover your mouse over your account name.\n"
        '2. Click on "My Orders" from the dropdown menu. '
        '[click here to access the "My Orders" page quickly]\n'
        "3. Locate the Order ID (KXXXXXX).\n"
        "4. Click on the Order ID to open the order details page."
    )
    assert partial == (
        'Step 1: Proceed to "My Orders", then select the order.\n'
        'Step 2: Select "Request Refund".\n'
        "Step 3: You can modify the refund amount before submitting.\n\n"
        "REMINDER: Please ensure both parties have agreed."
    )


def test_the_layout_changes_only_the_spaces_between_words() -> None:
    for title, answer in parse_source(EXPORT):
        source = EXPORT.split(title, 1)[1].split("•", 1)[0]
        assert _words(answer) == _words(source.replace("\u00a0", " ")), title


@pytest.mark.parametrize(
    "text",
    [
        "Pay MYR 1.50 by 09:00 today.",
        "Click the order number (eg: KXXXXXXX). Done.",
        "Refunds go to your balance. See Step 2 of the guide.",
    ],
)
def test_decimals_times_brackets_and_plain_sentences_stay_as_written(text: str) -> None:
    assert layout(text) == text


def test_a_question_or_a_lead_in_stands_over_what_it_introduces() -> None:
    assert layout("Is it paid? Ask support.") == "Is it paid?\nAsk support."
    assert layout("Statuses:Waiting Payment - Unpaid.Expired - Too late.") == (
        "Statuses:\nWaiting Payment - Unpaid.\nExpired - Too late."
    )


def test_shipped_answers_have_no_run_together_sentences_and_are_laid_out() -> None:
    docs = load_documents()
    for doc in docs:
        assert not RUN_TOGETHER.search(doc.answer), (doc.id, RUN_TOGETHER.search(doc.answer))
        assert layout(doc.answer) == doc.answer, f"{doc.id}: regenerate with bench/convert_faq.py"
    by_id = {d.id: d.answer for d in docs}
    assert (
        "available to you.\n\nAutomatic Cancellation after 72 Hours: To safeguard"
        in (by_id["not-received-refund"])
    )
    assert by_id["request-refund"].count("\n") >= 7
    assert "\nStep 2: " in by_id["marked-delivered-not-received"]
