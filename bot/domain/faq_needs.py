"""Read the situation out of a help-center question, and say how well an article fits it.

Words alone answer what the phrasings foresaw. A message that only tells what happened
("paid 40 ringgit yesterday, seller still hasn't sent it") or that shares vocabulary with
an article but needs something else ("can I pay in installments") is decided better by
what the message says about the order and what the asker wants:

- facts: paid or not, delivered / marked delivered / received or not, what went wrong
  (wrong item, part of it, payment failed, status not updated, expired), time elapsed;
- who speaks: the seller, or (by default) the buyer;
- what is wanted: money back, to cancel, a time, the status, the details, what to do
  next; or a need no article answers (reporting someone, paying in parts, a seller's
  listing, withdrawing a balance, fees, reviews, account settings).

Each article declares the situations it answers (``answers:``; ``a+b`` means both) and
those it is not for (``not_for:``). The matcher combines the fit with its text score.
The chat's knowledge of the asker's order (`OrderContext`) adds facts beside the words.
Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.domain import faq_cues as cues
from bot.domain.faq_situation import OrderContext
from bot.domain.model import Role, Status

# Slot values. Facts about the order:
PAID = "paid"
UNPAID = "unpaid"
STATUS_UNPAID = "status_unpaid"  # paid, yet the order still shows unpaid / waiting payment
NOT_RECEIVED = "not_received"
MARKED_DELIVERED = "marked_delivered"
RECEIVED = "received"
CONFIRMED = "confirmed"
WRONG = "wrong"
PARTIAL = "partial"
PAY_FAILED = "pay_failed"
EXPIRED = "expired"
LATE = "late"
RECENT = "recent"  # paid within the hour or two a payment may take to show
PROOF = "proof"  # a transfer at a bank or machine, a receipt, money taken from the account
REFUND_OPEN = "refund_open"
REFUND_REJECTED = "refund_rejected"
REFUNDING = "refunding"  # the order shows Refunding
# The asker's order waits for the seller's delivery: nothing was marked delivered.
AWAITING_DELIVERY = "awaiting_delivery"
AGREED = "agreed"  # buyer and seller agreed on something (a partial refund)
NO_PROBLEM = "no_problem"  # paid and nothing has gone wrong
SELLER = "speaker:seller"
# What the asker wants:
WANT_REFUND = "want:refund"
WANT_CANCEL = "want:cancel"
WANT_TIME = "want:time"
WANT_STATUS = "want:status"
WANT_DETAILS = "want:details"
WANT_NEXT = "want:next"
WANT_MONEY = "want:money"  # a seller asking when the money comes
WANT_OUTCOME = "want:outcome"  # what happens (to the order, to the money)
WANT_CONFIRM = "want:confirm"  # whether / when to confirm, close or complete the order
WANT_REFUND_STEPS = "want:refund_steps"  # where on the site to ask for a refund
WANT_PRICE = "want:price"  # which price applies when ordering again
AUTO_CANCELLED = "auto_cancelled"
# A need no article answers: its value starts with this.
UNCOVERED = "uncovered:"

SLOTS = frozenset(
    {
        PAID,
        UNPAID,
        STATUS_UNPAID,
        NOT_RECEIVED,
        MARKED_DELIVERED,
        RECEIVED,
        CONFIRMED,
        WRONG,
        PARTIAL,
        PAY_FAILED,
        EXPIRED,
        LATE,
        RECENT,
        PROOF,
        REFUND_OPEN,
        REFUND_REJECTED,
        REFUNDING,
        AWAITING_DELIVERY,
        NO_PROBLEM,
        SELLER,
        WANT_REFUND,
        WANT_CANCEL,
        WANT_TIME,
        WANT_STATUS,
        WANT_DETAILS,
        WANT_NEXT,
        WANT_MONEY,
        WANT_OUTCOME,
        WANT_CONFIRM,
        WANT_REFUND_STEPS,
        WANT_PRICE,
        AGREED,
        AUTO_CANCELLED,
    }
)
_PROBLEMS = frozenset(
    {STATUS_UNPAID, NOT_RECEIVED, MARKED_DELIVERED, WRONG, PARTIAL, PAY_FAILED, EXPIRED, LATE}
)


_WANT_WEIGHT = 1.5
# Words of a message that tells a story rather than asks in a few words.
_TOLD_WORDS = 8
_WANT = "want:"


@dataclass(frozen=True)
class Situation:
    """What a message (and the asker's order) says: slot values, and how sure of each."""

    # slot -> weight: 1.0 read from the words, less when only the order says it.
    slots: dict[str, float]
    # The asker's order was not weighed: the words tell of another one (see read_situation).
    order_set_aside: bool = False
    # The slots the words told, before the asker's order added its facts: a message that
    # tells nothing is asked about nothing, whatever the asker's order is.
    told: frozenset[str] = frozenset()

    @property
    def uncovered_needs(self) -> tuple[str, ...]:
        """The needs read that no article answers, by name ("relay", "fees"), sorted."""
        return tuple(sorted(s[len(UNCOVERED) :] for s in self.slots if s.startswith(UNCOVERED)))

    @property
    def uncovered(self) -> bool:
        """The asker needs something no article answers."""
        return bool(self.uncovered_needs)

    @property
    def wants(self) -> frozenset[str]:
        """What the asker wants, as read."""
        return frozenset(s for s in self.slots if s.startswith(_WANT))

    def has(self, slot: str) -> bool:
        """Whether the slot was read at all."""
        return slot in self.slots


def _sentence_before(text: str, question: str) -> str:
    """The sentence of text just before question (empty when it is the first)."""
    before = [s for s in cues.SENTENCE.split(text[: text.find(question)]) if s.strip()]
    return before[-1] if before else ""


def need_clauses(text: str) -> str:
    """The sentences that carry the need: questions and wants, else the last sentence."""
    # A chat pasted in tells what was said before; the asker's need is in their own lines
    # around it ("Me: when can send? / Seller: tomorrow only / Paid RM45, nothing came").
    lines = [line for line in text.splitlines() if line.strip()]
    own = [line for line in lines if not cues.CHAT_LOG_LINE.match(line)]
    if own and len(own) < len(lines):
        text = "\n".join(own)
    sentences = [s for s in cues.SENTENCE.split(text) if s.strip()]
    if len(sentences) <= 1:
        return text
    asked = [s for s in sentences if cues.NEED_CLAUSE.search(s.lower())]
    questions = [s for s in cues.QUESTION.findall(text) if s.strip()]
    # A question of where or how that names nothing ("Where can I see that?", "Where do I
    # look?") asks about what the sentence before it said: that sentence carries the need.
    questions = [
        f"{_sentence_before(text, q)} {q}" if cues.WHERE_OR_HOW.match(q) else q for q in questions
    ]
    # Without a question or a want, the last sentence that is not an afterthought ("Btw
    # loving the new layout" after the need).
    told = [s for s in sentences if not cues.AFTERTHOUGHT.search(s)] or sentences
    chosen = questions or asked or told[-1:]
    # A message that ends by asking without a question mark ("... what do these mean")
    # asks that too, beside any question before it.
    last = sentences[-1]
    if questions and cues.NEED_CLAUSE.search(last.lower()) and not text.rstrip().endswith("?"):
        chosen = [*questions, last]
    # A screen pasted first, then asked about ("'Identity verification rejected: IC photo
    # unclear.' How long if I send it again?"): the question is about what was pasted.
    pasted = cues.PASTED_FIRST.match(text)
    if questions and pasted and pasted.group("screen") not in " ".join(chosen):
        chosen = [pasted.group("screen"), *chosen]
    return " ".join(chosen)


def _plain(text: str) -> str:
    """Lowercase without apostrophes, as the cues are written ("hasnt", "im")."""
    return text.lower().replace("'", "").replace("’", "")


def read_situation(
    text: str,
    concepts: Iterable[str],
    need_concepts: Iterable[str],
    need_text: str,
    order: OrderContext | None = None,
    *,
    spelled: str = "",
    need_spelled: str = "",
) -> Situation:
    """Slot values read from a message's words and concepts, then from the order.

    `spelled` and `need_spelled` are the same texts as the analyzer reads them (typos
    fixed, lexicon variants named by their concept: "confrim" reads "confirm"): cues are
    looked for in the raw text and in these, so a typo does not hide a situation."""
    lowered = _plain(text) + " . " + spelled
    need = _plain(need_text) + " . " + need_spelled
    found = set(concepts)
    wanted = set(need_concepts)
    slots: dict[str, float] = {}

    def put(slot: str, weight: float = 1.0) -> None:
        slots[slot] = max(slots.get(slot, 0.0), weight)

    # "What does waiting delivery mean": the status named is the topic, not a fact.
    names_status = bool(cues.STATUS_WORDS.search(lowered))
    asks_status = (
        bool(cues.WANT_STATUS_CUES.search(need))
        or ("meaning" in wanted and bool(cues.STATUS_WORDS.search(need)))
        or (names_status and bool(cues.MEANING_ASKED.search(need)))
    )
    # "Rejected" ("ditolak") is a payment refused, unless it is a refund the seller rejected,
    # a confirmation refused, money deducted ("duit dh tolak") or the asker refusing.
    rejected_payment = "reject" in found and not any(
        cue.search(lowered)
        for cue in (
            cues.REFUND_REJECTED_CUES,
            cues.REFUND_OPEN_CUES,
            cues.CONFIRM_NOT_PRESSED,
            cues.MONEY_TOLAK,
            cues.ASKER_REFUSES,
        )
    )
    # After the goods were sent, an error or a failure is the goods' ("he sent the code,
    # Steam says error").
    refused = (
        "fail" in found
        or rejected_payment
        # "No money came back" on a refund is no balance too low to pay.
        or ("insufficient" in found and not cues.NO_MONEY_BACK.search(lowered))
    ) and not cues.GOODS_SENT.search(lowered)
    failed = (
        bool(cues.PAY_FAILED_CUES.search(lowered))
        or bool(cues.PAYMENT_NOT_THROUGH.search(lowered))
        or "cannot_pay" in found
        or (refused and ("pay" in found or "paymethod" in found or "bank" in found))
    )
    retried = failed and bool(cues.PAID_ANOTHER_WAY.search(lowered))
    # The order told as paid: a failure feared or retried is not one.
    shown_paid = bool(cues.ORDER_SHOWS_PAID.search(lowered))
    failed = failed and not retried and not shown_paid

    def done(pattern: re.Pattern[str], unless: re.Pattern[str] | None = None) -> bool:
        # Said as done: not negated, not feared ("will I be charged"), and not only in
        # the words `unless` matches.
        return any(
            not cues.NOT_PAID.search(lowered[max(0, m.start() - cues.NOT_PAID_REACH) : m.start()])
            and not (unless is not None and unless.fullmatch(m.group()))
            # "my brother already bought one for me": someone else's purchase of the same
            # thing (not "my brother bought me a gift card": this order, paid).
            and not (
                cues.BOUGHT.fullmatch(m.group())
                and cues.BOUGHT_BY_OTHERS.search(
                    lowered[max(0, m.start() - cues.NOT_PAID_REACH) : m.start()]
                )
                and cues.THE_SAME_ONE.match(lowered, m.end())
            )
            # "I bought it elsewhere": not this order.
            and not cues.BOUGHT_ELSEWHERE.match(lowered, m.start())
            for m in pattern.finditer(lowered)
        )

    # "money deducted", "duit dah potong". Beside a payment that failed, only money said
    # to be taken or paid counts, not something bought ("works at 7-Eleven, just bought a
    # Slurpee with it").
    paid = (
        retried
        or shown_paid
        or done(cues.PAID_CUES, unless=cues.BOUGHT if failed else None)
        or (not failed and "deduct" in found and done(cues.DEDUCTED))
        or (not failed and done(cues.BANK_HOLDS))
        # "duit dah tolak": the money taken is a payment made.
        or (not failed and done(cues.MONEY_GONE))
    )
    # "Before paying I checked ...": the payment came after; the words read as not paid tell
    # the order of events, not an unpaid order.
    unpaid_said = (
        "unpaid" in found
        and not cues.DONE_BEFORE_PAYING.search(lowered)
        and not cues.BELIEVED_UNPAID.search(lowered)
    )
    shows_unpaid = not shown_paid and (
        unpaid_said or failed or bool(cues.SHOWS_NOT_PAID_CUES.search(lowered))
    )
    said_expired = bool(cues.ORDER_EXPIRED.search(lowered))
    # "the invite expired after 7 days" says the goods fell short, not that the order did.
    goods_expired = bool(cues.GOODS_EXPIRED.search(lowered)) and not said_expired
    # Nor is a card's expiry typed in to pay, a time feared to run out, or a warning that the
    # order "will expire soon" beside a payment failing (the failure is the trouble) an order
    # expired, unless the words say the order did.
    not_the_order = (
        bool(cues.CARD_EXPIRY.search(lowered))
        or bool(cues.BEFORE_TIME_RUNS_OUT.search(lowered))
        or (failed and bool(cues.EXPIRES_SOON.search(lowered)))
    )
    order_expired = "expire" in found and not goods_expired and (said_expired or not not_the_order)
    # Paid, and the order expired all the same: the payment is not on the order.
    shows_unpaid = shows_unpaid or (
        # Not an order's status asked about ("what do 'Expired' and 'Refunding' mean").
        order_expired and not asks_status and (paid or bool(cues.PAID_CUES.search(lowered)))
    )
    # "Paid only one, the other one still in Waiting Payment": two orders, not a payment
    # the order does not show.
    other_unpaid = bool(cues.OTHER_ORDER_UNPAID.search(lowered))
    if cues.STATUS_UNPAID_CUES.search(lowered) or (paid and shows_unpaid and not other_unpaid):
        # Money gone, yet the order shows unpaid, or the payment "failed".
        put(STATUS_UNPAID)
    elif not cues.PAYING_FOR_NOTHING.search(lowered) and (
        unpaid_said
        or (not paid and cues.PAID_CUES.search(lowered))
        or cues.UNPAID_CUES.search(lowered)
    ):
        put(UNPAID)
    elif paid:
        put(PAID)
    expired = order_expired or bool(cues.EXPIRED_CUES.search(lowered))
    if goods_expired:
        # The goods came, and did not last as long as sold.
        put(RECEIVED)
        put(WRONG)
    # "expired, cant pay": the payment window closed, the payment did not fail.
    if failed and not paid and not (expired and "cannot_pay" in found):
        put(PAY_FAILED)
    elif retried and cues.WHY_FAILED.search(need):
        # Paid another way, and asking why the first attempt failed: the failure is the
        # question ("tried again with Boost and it went through; what causes the first?").
        put(PAY_FAILED)
    if expired:
        put(EXPIRED)
    if cues.AUTO_CANCELLED_CUES.search(lowered) and not cues.AUTO_CANCEL_ASKED.search(lowered):
        put(AUTO_CANCELLED)
    if cues.REFUNDING_CUES.search(lowered):
        put(REFUNDING)
    if done(cues.REFUND_OPEN_CUES):
        put(REFUND_OPEN)
        # "asked for a refund ... seller rejected it".
        if "reject" in found:
            put(REFUND_REJECTED)
    if not asks_status and (
        "marked_delivered" in found
        or cues.MARKED_CUES.search(lowered)
        # "have not confirmed yet": the order waits for the buyer's confirmation.
        or "not_confirm" in found
        or cues.CONFIRM_NOT_PRESSED.search(lowered)
        or ("not_click" in found and "confirm" in found)
    ):
        put(MARKED_DELIVERED)
    # "My account got 0 UC": none of the goods came, not part of them.
    none_came = bool(cues.ZERO_RECEIVED.search(lowered))
    # An order never paid has nothing to deliver: "the order is gone" ("hilang") is not
    # the goods missing.
    # Nor has a payment that failed: "the OTP didn't come" is not the goods.
    # Nor, on an order shown as Refunding, is "nothing came back" (the refund's money).
    goods_never_came = REFUNDING in slots and bool(cues.GOODS_NEVER_CAME.search(lowered))
    if (goods_never_came or not {UNPAID, PAY_FAILED, REFUNDING} & slots.keys()) and (
        "not_received" in found
        or "nothing" in found
        or cues.NOT_SENT_CUES.search(lowered)
        or none_came
    ):
        put(NOT_RECEIVED)
    # "all correct, no missing": what came is complete, whatever "missing" or "half" read as.
    complete = bool(cues.NOTHING_MISSING.search(lowered))
    if complete:
        slots.pop(NOT_RECEIVED, None)
    # "wrong" said of the goods, not "is something wrong on your side".
    # Asking what the statuses mean, "different labels" are not different goods.
    # Nor the buyer's own slip ("tersalah pilih item", "ordered the wrong one by mistake"):
    # the goods are as ordered.
    if (
        "wrong" in found
        and not asks_status
        and not cues.NOT_THE_GOODS_WRONG.search(lowered)
        and not cues.BUYER_MISTAKE.search(lowered)
    ):
        put(WRONG)
    # Asking what the statuses of several orders mean, "one of them" is one of the orders.
    orders_counted = bool(cues.ORDERS_COUNTED.search(lowered))
    if not (none_came or complete) and (
        ("partial" in found and not asks_status and not orders_counted)
        or (
            "short" in found
            and not cues.ONLY_TIME_LEFT.search(lowered)
            and not cues.LESS_OF_A_QUALITY.search(lowered)
        )
        or (cues.PARTIAL_CUES.search(lowered) and not orders_counted)
        or (found & cues.ORDER_CONCEPTS and cues.COUNT_PARTIAL.search(lowered))
        or _less_than_bought(lowered)
    ):
        put(PARTIAL)
    # A wait told: not a day ahead ("I'll only get there on Saturday"), nor time away ("lama
    # sangat tak beli").
    away = bool(cues.ABSENT_LONG.search(lowered))
    wait_told = cues.ABSENT_LONG.sub(" ", cues.DAY_AHEAD.sub(" ", lowered))
    waited = ("late" in found and not away) or bool(cues.LATE_CUES.search(wait_told))
    # "Refunding since Tuesday" is how long the status has shown, not a delivery late; "the
    # invite expired after 10 days" is how long the goods lasted.
    if waited and not asks_status and REFUNDING not in slots and not goods_expired:
        put(LATE)
    if STATUS_UNPAID in slots:
        # Which of the two "paid, shows unpaid" articles: a payment minutes old waits for
        # the provider; one with a receipt or money taken is claimed with support.
        recent = bool(cues.PAID_RECENTLY.search(lowered))
        if recent:
            put(RECENT)
        # Money taken half an hour ago is the delay itself; a transfer slip is proof at
        # any age.
        taken = cues.MONEY_TAKEN.search(lowered) or cues.BANK_HOLDS.search(lowered)
        if cues.PAID_OFFLINE.search(lowered) or (not recent and taken):
            put(PROOF)
    if cues.REFUND_REJECTED_CUES.search(lowered):
        put(REFUND_REJECTED)
    for match in cues.CONFIRMED_CUES.finditer(lowered):
        start = max(0, match.start() - 24)
        # "has not pressed confirm": the order waits for the buyer's confirmation; so does
        # one whose notice asks for it ("please check and click Confirmed received").
        asked = cues.NOT_CONFIRMED.search(lowered[start : match.start()]) or (
            cues.PLEASE_CONFIRM.search(lowered[start : match.end()])
        )
        put(MARKED_DELIVERED if asked else CONFIRMED)
    # "he's asking whether he should confirm the order": asked, not done. A notice that
    # asks for it ("Please confirm receipt") tells the order waits for it.
    if (
        "confirm_received" in found
        and MARKED_DELIVERED not in slots
        and not cues.WANT_CONFIRM_CUES.search(need)
    ):
        put(MARKED_DELIVERED if cues.PLEASE_CONFIRM.search(lowered) else CONFIRMED)
    if CONFIRMED in slots and cues.STILL_UNCONFIRMED.search(lowered):
        # "first order I clicked confirm ... this one still waiting confirmation": the
        # order asked about is not confirmed; the confirmation was another order's.
        slots.pop(CONFIRMED)
        put(MARKED_DELIVERED)
    if "agree" in found or cues.AGREED_CUES.search(lowered):
        put(AGREED)
    if cues.WAITING_DELIVERY_CUES.search(lowered) and not asks_status:
        put(PAID)
        # Waiting Delivery is where a paid order normally is: a problem once it is late.
        # Not once it moved on ("from Waiting Delivery to Waiting Confirmation ... the value
        # is correct"): the goods came.
        if not complete and MARKED_DELIVERED not in slots:
            put(NOT_RECEIVED, 1.0 if waited else 0.5)
    if cues.WRONG_CUES.search(lowered) or (
        NOT_RECEIVED not in slots and cues.MISMATCH.search(lowered)
    ):
        put(WRONG)
    if cues.UNUSABLE_CUES.search(lowered):
        rest = cues.UNUSABLE_CUES.sub(" ", lowered)
        unlike = (
            cues.WRONG_CUES.search(rest)
            or cues.MISMATCH.search(rest)
            or re.search(r"\bwrong\b", rest)
        )
        if MARKED_DELIVERED in slots and not unlike:
            # "marked delivered, but the password he gave is wrong": nothing usable came.
            slots.pop(WRONG, None)
            put(NOT_RECEIVED)
        else:
            put(WRONG)
    # "only one arrived": part of the goods came, which is not the goods received.
    if (complete or done(cues.RECEIVED_CUES)) and not {
        NOT_RECEIVED,
        PARTIAL,
    } & slots.keys():
        put(RECEIVED)
    # An order not paid yet has nothing to deliver: "can I wait before I pay, my salary
    # comes in tomorrow" waits for the money, not the goods.
    # Nor one that expired unpaid: "I waited for my boss to approve, then it expired".
    if "late_delivery" in found and not (
        {RECEIVED, MARKED_DELIVERED, WRONG, UNPAID, PAY_FAILED, EXPIRED} & slots.keys()
    ):
        # "waiting since Monday for my account": the goods have not come; a problem once
        # the wait is long.
        put(NOT_RECEIVED, 1.0 if LATE in slots else 0.5)
    if (
        paid
        and cues.LONG_WAIT.search(lowered)
        and cues.SELLER_SILENT.search(lowered)
        and not {RECEIVED, MARKED_DELIVERED, CONFIRMED, WRONG, PARTIAL} & slots.keys()
    ):
        # "paid 2 days ago, seller offline ever since": a wait of days with the seller out
        # of reach is goods not received (an hour offline is the seller's availability).
        put(NOT_RECEIVED)
    if (
        # "seller lari already, my money macam mana": the money asked back was paid.
        (paid or cues.MONEY_BACK.search(lowered))
        and cues.SELLER_GONE.search(lowered)
        and not {RECEIVED, MARKED_DELIVERED, CONFIRMED, WRONG, PARTIAL} & slots.keys()
    ):
        # "seller ghosted me after I paid": gone, not offline a while; nothing came.
        put(NOT_RECEIVED)
    paying = {PAY_FAILED, UNPAID, STATUS_UNPAID} & slots.keys()
    # A reseller's "my customer", beside a seller named as someone else, is a buyer's.
    reselling = bool(cues.MY_CUSTOMER.search(lowered)) and bool(
        cues.SELLER_IS_ANOTHER.search(lowered)
    )
    seller_told = cues.MY_CUSTOMER_READ.sub(" ", lowered) if reselling else lowered
    if (
        cues.SELLER_CUES.search(seller_told)
        or cues.SELLER_OPENING.match(lowered)
        or (cues.OWN_SHOP.search(lowered) and not paying and not reselling)
    ):
        put(SELLER)
        # A seller who delivered: the order waits for the buyer's confirmation (whatever
        # the buyer says he got).
        if cues.SELLER_DELIVERED.search(lowered):
            put(MARKED_DELIVERED)

    # What is wanted: from the clauses that carry the need, else from the whole message.
    def wants(words: str, names: set[str]) -> list[str]:
        out = []
        # "status says Refunding" names a status, it does not ask for money back.
        if (
            "refund" in names and not cues.REFUNDING_CUES.search(words)
        ) or cues.WANT_REFUND_CUES.search(words):
            out.append(WANT_REFUND)
        if (
            "cancel" in names and not cues.PASSIVE_CANCEL.search(words)
        ) or cues.WANT_CANCEL_CUES.search(words):
            out.append(WANT_CANCEL)
        if cues.REFUND_WHERE_CUES.search(words):
            out.append(WANT_REFUND_STEPS)
        if cues.PRICE_CHANGE_CUES.search(words):
            out.append(WANT_PRICE)
        if cues.WANT_MONEY_CUES.search(words):
            out.append(WANT_MONEY)
        if cues.WANT_OUTCOME_CUES.search(words):
            out.append(WANT_OUTCOME)
        if cues.WANT_CONFIRM_CUES.search(words):
            out.append(WANT_CONFIRM)
        if (
            "duration" in names
            or "deadline" in names
            or cues.WANT_TIME_CUES.search(words)
            or (UNPAID in slots and cues.MONEY_LATER.search(words))
        ):
            out.append(WANT_TIME)
        if (
            "track" in names
            or ("meaning" in names and cues.STATUS_WORDS.search(words))
            or cues.WANT_STATUS_CUES.search(words)
            or (names_status and cues.MEANING_ASKED.search(words))
        ):
            out.append(WANT_STATUS)
        if (
            ("details" in names or "my_orders" in names)
            and ("check" in names or cues.WHERE.search(words))
        ) or cues.WANT_DETAILS_CUES.search(words):
            out.append(WANT_DETAILS)
        if (
            "next" in names
            or cues.WANT_NEXT_CUES.search(words)
            or (STATUS_UNPAID not in slots and cues.JUST_PAID.search(words))
        ):
            out.append(WANT_NEXT)
        return out

    # The need decides between articles sharing the facts: it weighs more.
    # Without a clause that asks, the whole message; but a story that mentions details
    # or a status is not asking to see them.
    read = wants(need, wanted) or [
        w for w in wants(lowered, found) if w not in (WANT_DETAILS, WANT_STATUS)
    ]
    if REFUNDING in slots and REFUND_OPEN not in slots and not cues.MONEY_BACK.search(lowered):
        # "status says Refunding": the word names a status, it does not ask for a refund.
        read = [w for w in read if w != WANT_REFUND]
    if (
        WANT_CANCEL in read
        and cues.PAYMENT_NOT_THROUGH.search(lowered)
        and not cues.CANCEL_SAID.search(lowered)
        and not cues.WANT_CANCEL_CUES.search(cues.PAYMENT_NOT_THROUGH.sub(" ", lowered))
    ):
        # "payment keep tak jadi": the payment did not go through; nobody asked to cancel.
        read.remove(WANT_CANCEL)
    if cues.BUYER_MISTAKE.search(lowered) and not (
        {RECEIVED, MARKED_DELIVERED, CONFIRMED, SELLER} & slots.keys()
        or (PARTIAL in slots and NOT_RECEIVED not in slots)
    ):
        # "paid for the wrong denomination, 50 instead of 100, seller hasn't sent yet": the
        # buyer's slip, before the goods came, is a wish to cancel, not goods unlike the
        # listing, nor part of them.
        slots.pop(WRONG, None)
        if NOT_RECEIVED in slots:
            slots.pop(PARTIAL, None)
        if WANT_CANCEL not in read:
            read.append(WANT_CANCEL)
    if (
        (UNPAID in slots or (PAID in slots and not {NOT_RECEIVED, LATE} & slots.keys()))
        and cues.DUPLICATE_ORDER.search(lowered)
        and WANT_CANCEL not in read
    ):
        # An order placed twice by mistake: the extra one, paid or not, is to be cancelled
        # (not one still awaited, bought again elsewhere meanwhile: its money is asked back).
        read.append(WANT_CANCEL)
    if PAID in slots and cues.WONT_WAIT_LONG.search(lowered) and WANT_CANCEL not in read:
        read.append(WANT_CANCEL)
    if cues.REFUND_NOW.search(lowered) and WANT_REFUND_STEPS not in read:
        # Not willing to wait for the automatic refund: asking for one now, by hand.
        read.append(WANT_REFUND_STEPS)
    if (
        {"confirm", "confirm_received"} & found
        and cues.PRESS_IT_ASKED.search(lowered)
        and WANT_CONFIRM not in read
    ):
        # The confirm button named, then "click it, should I?": whether to confirm.
        read.append(WANT_CONFIRM)
    if (
        not read
        and MARKED_DELIVERED in slots
        and not (_PROBLEMS - {MARKED_DELIVERED}) & slots.keys()
        and cues.NOT_YET_CHECKED.search(lowered)
    ):
        # "sent the login, status jumped to waiting confirmation, havent logged in to check
        # it yet": what to do before confirming (check first), which the confirm article
        # tells.
        read.append(WANT_CONFIRM)
    if SELLER in slots and cues.BUYER_WANTS_CANCEL.search(lowered):
        # "a buyer wants to cancel, what should I do": the buyer's wish is the seller's topic.
        read.append(WANT_CANCEL)
    if (
        not read
        and RECEIVED in slots
        and "?" not in text
        and not cues.NEED_CLAUSE.search(lowered)
        and len(text.split()) >= _TOLD_WORDS
    ):
        # "I redeemed it and the balance is in my wallet": telling that all went well,
        # with nothing asked, is asking what is left to do.
        read.append(WANT_NEXT)
    if (
        cues.AUTO_CANCEL_ASKED.search(lowered)
        and NOT_RECEIVED in slots
        and not cues.WISH_TO_CANCEL.search(lowered)
        and not (SELLER in slots and cues.BUYER_WANTS_CANCEL.search(lowered))
    ):
        # Whether an order nobody delivers cancels by itself, and where the money goes:
        # what happens to it, not a wish to cancel it.
        read = [slot for slot in read if slot != WANT_CANCEL] + [WANT_OUTCOME]
    for slot in read:
        put(slot, _WANT_WEIGHT)
    # A need no article answers counts when it is what is asked, and when the words do
    # not tell the asker's own order going wrong ("delivered 2 days ago, never got the
    # login details" is about the order, whatever else it names; "report a fake listing"
    # is not).
    problems = _PROBLEMS & slots.keys()
    if CONFIRMED in slots:
        # A confirmed order has no delivery to be late: "confirmed 3 days ago, my sales
        # money still not in" tells the wait, not a problem with the order.
        problems -= {LATE}
    # Asking whether to confirm received is asking about an order of one's own too.
    own_order = (
        len(problems) >= 2
        or bool({PAID, RECEIVED, CONFIRMED} & slots.keys())
        or WANT_CONFIRM in read
    )
    for name, cue in cues.UNCOVERED_CUES:
        if name == "withdraw" and REFUNDING in slots:
            # "Refunding, but nothing has come into my bank account": where a refund goes,
            # which the status article tells (the KALEOZ balance), not a withdrawal asked.
            counts = False
        elif name in cues.UNLESS_PROBLEM:
            counts = (not problems and REFUND_OPEN not in slots) or bool(
                cues.NOT_MY_ORDER.search(lowered)
            )
        elif (
            name in ("other_service", "edit_order")
            and WANT_CANCEL in read
            and cues.ASKS_CANCEL.search(need)
        ):
            # "cancel bulk order not yet paid": a pre-order or a bulk order is cancelled
            # like any other; "to change the quantity, must I cancel first?" asks that.
            counts = False
        elif name == "other_site" and UNPAID in slots and cues.BOUGHT_ELSEWHERE.search(lowered):
            # "not going to pay for that one anymore, I bought it elsewhere": why the unpaid
            # order here is dropped, not a purchase elsewhere asked about.
            counts = False
        elif name == "other_service" and WANT_STATUS in read:
            # "Check status of our bulk orders": the orders' status, whatever they are.
            counts = False
        elif (
            name == "listing"
            and WANT_PRICE in read
            and ({EXPIRED, UNPAID} & slots.keys() or cues.ORDERS_PLACED.search(lowered))
        ):
            # "his order expired; if I change my listing price, does his new order follow
            # it", "do buyers who already ordered pay the new price": which price an order
            # pays, which an article answers.
            counts = False
        elif name == "account" and PAY_FAILED in slots:
            # "payment keeps failing ... never verified my phone number": an unverified
            # number is one of the reasons the payment article gives.
            counts = False
        elif name == "edit_order":
            # Changing one's own order ("edit the player ID on the order I paid for") is
            # asked of an order of one's own; no article answers it, unless something went
            # wrong with the order (an order that expired unpaid is no problem to tidy away).
            counts = not problems - {EXPIRED}
        else:
            counts = name in cues.NEVER_ORDERS or name in cues.WHATEVER_HAPPENED or not own_order
        # "The seller said I can claim compensation. How do I claim it?": the need asked
        # for is named in the sentence before.
        referred = (name in cues.WHATEVER_HAPPENED and bool(cues.ASKS_FOR_IT.search(need))) or (
            name == "voucher" and bool(cues.USES_IT.search(need))
        )
        anywhere = (
            (referred and cue.search(lowered))
            or (name == "chargeback" and bool(cue.search(lowered)))
            or (name == "other_site" and _told_as_own(cues.OTHER_SITE_PARCEL, lowered))
            or (name == "off_platform" and bool(cues.PAID_OUTSIDE.search(lowered)))
        )
        if counts and (cue.search(need) or anywhere):
            put(UNCOVERED + name)

    # Goods told as come ("not as described", "received it", "I confirmed") cannot be of an
    # order never paid: the asker means another order, whose facts this one would hide.
    # ("Partial" is not among them: it is as often the refund asked for as the goods.)
    set_aside = (
        order is not None
        and order.status in (Status.WAITING_PAYMENT, Status.EXPIRED)
        and any(slots.get(told, 0.0) >= 1.0 for told in _GOODS_CAME)
    )
    from_words = frozenset(slots)
    if order is not None and not set_aside:
        # The words say it was paid and the asker's own order still waits for payment (or
        # expired unpaid): that is a payment not showing on the order, whatever else they
        # tell ("paid yesterday, the seller has sent nothing").
        if (
            slots.get(PAID, 0.0) >= 1.0
            and order.role is not Role.SELLER
            and order.status in (Status.WAITING_PAYMENT, Status.EXPIRED)
        ):
            put(STATUS_UNPAID)
        _order_facts(order, put)
        # The order says the seller has not marked it delivered; unless the words say
        # otherwise, an article about goods marked delivered is not this asker's.
        if order.status is Status.WAITING_DELIVERY and MARKED_DELIVERED not in slots:
            put(AWAITING_DELIVERY, 0.8)
    if STATUS_UNPAID in slots:
        put(PAID)
    if PAID in slots and not (_PROBLEMS | {RECEIVED, CONFIRMED}) & slots.keys():
        put(NO_PROBLEM)
    return Situation(slots, order_set_aside=set_aside, told=from_words)


# Facts of goods that came: only an order paid and delivered has them.
_GOODS_CAME = frozenset({WRONG, RECEIVED, MARKED_DELIVERED, CONFIRMED})


# How far before a match a comparison word ("like", "macam") makes it one.
_ANALOGY_REACH = 24


def _told_as_own(pattern: re.Pattern[str], text: str) -> bool:
    """Whether pattern matches text other than in a comparison ("macam parcel Poslaju kata
    dah sampai": like a parcel, not one)."""
    return any(
        not cues.ANALOGY.search(text[max(0, m.start() - _ANALOGY_REACH) : m.start()])
        for m in pattern.finditer(text)
    )


_UNITS = {
    word: n
    for n, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")
    )
}  # fmt: skip
_TENS = {
    word: 10 * n
    for n, word in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), 2
    )
}
_SPOKEN_NUMBER = re.compile(
    r"\b(?:(?:" + "|".join([*_UNITS, *_TENS]) + r"|hundred|thousand)\b(?: and(?= \w))? ?)+"
)
# "5,000 V-Bucks": a thousands comma, which the amount patterns would read as two numbers.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def _spoken_value(words: str) -> str:
    """A number told in words as digits ("sixty four" -> "64", "two thousand" -> "2000")."""
    total = current = 0
    for word in words.split():
        if word in _UNITS or word in _TENS:
            current += _UNITS.get(word, 0) + _TENS.get(word, 0)
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
    return str(total + current)


def with_digits(text: str) -> str:
    """Numbers told in words or with thousands commas, written as plain digits: voice
    typing writes "twenty ringgit", a pasted screen "5,000"."""
    text = _THOUSANDS.sub("", text)
    # "One" alone is as often a pronoun ("the one I bought") as a number.
    return _SPOKEN_NUMBER.sub(
        lambda m: m.group() if m.group().strip() == "one" else _spoken_value(m.group()) + " ",
        text,
    )


def _less_than_bought(text: str) -> bool:
    """Whether an amount is told in place of a larger one ("RM40 instead of RM50", "bought
    RM50, got RM20", "paid for fifty ringgit, he gave twenty")."""
    text = with_digits(text)
    return any(
        float(m["came"]) < float(m["ordered"]) and _same_unit(m)
        for pattern in cues.CAME_AND_ORDERED
        for m in pattern.finditer(text)
    )


def _same_unit(match: re.Match[str]) -> bool:
    """Whether the two amounts count the same thing, where the pattern reads their currency
    ("USD 50" and "USD 20") or the words after them ("1000 valorant points" and "475 points
    only")."""
    units = match.groupdict()
    if "ordered_cur" in units:
        return units["ordered_cur"] == units["came_cur"]
    if "ordered_unit" in units:
        return bool(set(units["ordered_unit"].split()) & set(units["came_unit"].split()))
    return True


def _order_facts(order: OrderContext, put: Callable[[str, float], None]) -> None:
    """What the asker's order says, weaker than the words (it may be another order)."""
    weight = 0.8
    if order.role is Role.SELLER:
        put(SELLER, weight)
    if order.status is Status.WAITING_PAYMENT:
        put(UNPAID, weight)
        if order.overdue:
            put(EXPIRED, weight)
    elif order.status is Status.WAITING_DELIVERY:
        put(PAID, weight)
        if order.role is not Role.SELLER:
            put(NOT_RECEIVED, weight)
        if order.overdue:
            put(LATE, weight)
    elif order.status is Status.WAITING_CONFIRMATION:
        put(PAID, weight)
        put(MARKED_DELIVERED, weight)
        if order.overdue:
            put(LATE, weight)
    elif order.status is Status.COMPLETED:
        put(PAID, weight)
        put(CONFIRMED, weight)
    elif order.status is Status.REFUNDING:
        # Refunding is the money already on its way back (to the KALEOZ balance), not a
        # request still waiting: that one is `refund_requested`.
        put(PAID, weight)
        put(REFUNDING, weight)
    elif order.status is Status.EXPIRED:
        put(EXPIRED, weight)
    if order.refund_requested:
        put(REFUND_OPEN, weight)


def check_slots(values: Iterable[str], *, source: str) -> tuple[tuple[str, ...], ...]:
    """Parse ``a+b`` declarations into tuples of known slots; ValueError on an unknown one."""
    out = []
    for value in values:
        parts = tuple(p.strip() for p in value.split("+"))
        for part in parts:
            if part not in SLOTS:
                raise ValueError(f"{source}: unknown situation {part!r}")
        out.append(parts)
    return tuple(out)


@dataclass(frozen=True)
class Fit:
    """How an article's declared situations meet a read one."""

    # Weight of the slots the matched declarations explain (a slot the words say counts
    # 1, a want 1.5, one only the order says less).
    best: float
    # One of them was read from the words, not only from the order.
    said: bool
    # Weight of the strongest slot the article is declared not for (0 when none).
    against: float
    # The needs the article declares it answers.
    wants: frozenset[str] = frozenset()
    # The slots its matched declarations explain.
    held: frozenset[str] = frozenset()


def fit(situation: Situation, answers: Iterable[tuple[str, ...]], not_for: Iterable[str]) -> Fit:
    """How well an article's declared situations fit the situation read."""
    slots = situation.slots
    # Every slot some matched declaration explains: an article that accounts for more of
    # the situation (paid, not received, three days late) fits it better.
    held = {p for parts in answers if all(p in slots for p in parts) for p in parts}
    best = sum(slots[p] for p in held)
    said = any(slots[p] >= 1.0 for p in held)
    # An article may be not for sellers in general yet answer a seller's refund request:
    # a slot its matched declaration names does not count against it.
    against = max((slots.get(s, 0.0) for s in not_for if s not in held), default=0.0)
    wants = frozenset(p for parts in answers for p in parts if p.startswith(_WANT))
    return Fit(best, said, against, wants, frozenset(held))
