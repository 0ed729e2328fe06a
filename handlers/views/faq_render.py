"""A help-center answer as a phone shows it: the document's own paragraphs and steps, and
the bot's own buttons named next to the website's, the document's words kept as written."""

from __future__ import annotations

import re
from datetime import datetime
from gettext import NullTranslations
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton

from bot.domain.actions import Action
from bot.domain.asker_order import AskerOrder
from bot.domain.deadlines import DeadlineKind
from bot.domain.faq import FaqDocument
from bot.domain.model import Role
from handlers.views.callback_data import Act, OrderTap, button
from handlers.views.i18n import N_, _
from handlers.views.render import ACTION_BUTTON, fmt_time
from handlers.views.telegram_text import fits, utf16_len

# Past this many UTF-16 units an answer is long on a phone (and the longest are cut short in
# the help center's export): the full article on the website is offered under it.
LONG_ANSWER = 700
READ_FULL_ARTICLE = N_("📖 Read the full article")
# Where KCHAT_HELP_CENTER_URL puts the article: its title as the website writes it in an
# address ("How do I …?" -> "how-do-i-…").
SLUG = "{slug}"

_CARD = "on the order's card"
# The website's buttons and pages the documents name, and the same thing in this chat. Each
# is noted once, at its first mention, right after the document's own words.
IN_THIS_CHAT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\"“]?My Orders[\"”]?(?: page)?"), "/orders, then the order's card"),
    (
        re.compile(r"[\"“]Request Refund[\"”](?: button)?", re.IGNORECASE),
        f"<b>{ACTION_BUTTON[Action.REQUEST_REFUND][0]}</b> {_CARD}",
    ),
    (
        re.compile(r"[\"“]Confirmed received[\"”]", re.IGNORECASE),
        f"<b>{ACTION_BUTTON[Action.CONFIRM][0]}</b> {_CARD}",
    ),
    (re.compile(r"\bchatbox\b", re.IGNORECASE), f"<b>Message seller</b> {_CARD}"),
    (re.compile(r"\bLiveChat\b", re.IGNORECASE), f"<b>I already paid</b> {_CARD}"),
    (re.compile(r"\bdialogue box\b", re.IGNORECASE), f"🔵 online or ⚪ offline {_CARD}"),
)
# A link's words whose address the export lost ("[click here to access … quickly]", in any
# language): there is nothing to tap in a chat, so they are left out.
_DEAD_LINK = re.compile(r" ?\[[^\[\]\n]*\](?!\()")
# A line that opens with a step or a short label: "Step 2:", "Notes:", "REMINDER:".
_LABEL = re.compile(r"^(Step \d+:|[A-Z][^.:!?()\[\]\n]{0,40}:)(?= )", re.MULTILINE)
_LABEL_WORDS = 5
_SLUG_DROP = re.compile(r"['’]")
_SLUG_WORDS = re.compile(r"[a-z0-9]+")


def _bold_label(match: re.Match[str]) -> str:
    label = match.group(1)
    return f"<b>{label}</b>" if len(label.split()) <= _LABEL_WORDS else label


def _with_hints(body: str) -> str:
    """Name this chat's button after the first mention of each website button or page."""
    for pattern, hint in IN_THIS_CHAT:
        body = pattern.sub(rf"\g<0> (in this chat: {hint})", body, count=1)
    return body


def answer_html(doc: FaqDocument, *, in_chat: bool = True, hints: bool = True) -> str:
    """The answer's paragraphs and steps as HTML; `in_chat` adds this chat's buttons (when
    `hints`: they are English, so a translated answer goes without them)."""
    body = _LABEL.sub(_bold_label, escape(doc.answer, quote=False))
    if not in_chat:
        return body
    body = _DEAD_LINK.sub("", body)
    return _with_hints(body) if hints else body


def article(
    doc: FaqDocument,
    *,
    in_chat: bool = True,
    header: str = "",
    footer: str = "",
    hints: bool = True,
) -> str:
    """An FAQ entry as one message: its title, then its answer as laid out in the document
    (`header`, already HTML, goes above the title)."""
    head = f"{header}❓ <b>{escape(doc.title)}</b>\n\n"
    text = head + answer_html(doc, in_chat=in_chat, hints=hints) + footer
    if in_chat and not fits(text):  # the hints pushed a long answer past one message
        text = head + answer_html(doc, in_chat=False) + footer
    return text


def article_url(template: str, doc: FaqDocument) -> str:
    """The full article's address: the setting, with the title's slug where it says {slug}."""
    words = _SLUG_WORDS.findall(_SLUG_DROP.sub("", doc.title.lower()))
    return template.replace(SLUG, "-".join(words))


def full_article_button(
    template: str, doc: FaqDocument, t: NullTranslations
) -> InlineKeyboardButton | None:
    """A link to the whole article on the website, for an answer too long for a phone."""
    if utf16_len(doc.answer) < LONG_ANSWER:
        return None
    return InlineKeyboardButton(t.gettext(READ_FULL_ARTICLE), url=article_url(template, doc))


# The first line of an answer about the asker's order: which order, its status, and who has
# until when to do what (the next automatic resolution, said to this side of the order).
ABOUT_ORDER = N_("📋 About your order <b>{order}</b> ({status})")
ABOUT_ORDER_WITH_SUPPORT = N_(
    "📋 About your order <b>{order}</b> ({status}, KALEOZ Support is handling it)"
)
ABOUT_ORDER_PAST_DUE = N_(
    "📋 About your order <b>{order}</b> ({status}, its deadline passed on {when})"
)
ABOUT_ORDER_UNTIL: dict[tuple[DeadlineKind, Role], str] = {
    (DeadlineKind.EXPIRE_UNPAID, Role.BUYER): N_(
        "📋 About your order <b>{order}</b> ({status}, you have until {when} to pay)"
    ),
    (DeadlineKind.EXPIRE_UNPAID, Role.SELLER): N_(
        "📋 About your order <b>{order}</b> ({status}, the buyer has until {when} to pay)"
    ),
    (DeadlineKind.AUTO_CANCEL, Role.BUYER): N_(
        "📋 About your order <b>{order}</b> ({status}, the seller has until {when} to deliver)"
    ),
    (DeadlineKind.AUTO_CANCEL, Role.SELLER): N_(
        "📋 About your order <b>{order}</b> ({status}, you have until {when} to deliver)"
    ),
    (DeadlineKind.AUTO_CONFIRM, Role.BUYER): N_(
        "📋 About your order <b>{order}</b> ({status}, you have until {when} to check it and "
        "confirm received)"
    ),
    (DeadlineKind.AUTO_CONFIRM, Role.SELLER): N_(
        "📋 About your order <b>{order}</b> ({status}, the buyer has until {when} to confirm "
        "received)"
    ),
    (DeadlineKind.AUTO_REFUND, Role.BUYER): N_(
        "📋 About your order <b>{order}</b> ({status}, the seller has until {when} to answer "
        "your refund request)"
    ),
    (DeadlineKind.AUTO_REFUND, Role.SELLER): N_(
        "📋 About your order <b>{order}</b> ({status}, you have until {when} to answer the "
        "refund request)"
    ),
}
OPEN_ORDER = N_("📋 Open order {order}")


def about_order_line(about: AskerOrder, tz: ZoneInfo, now: datetime) -> str:
    """Which of the asker's orders an answer is about, in the reader's language (HTML)."""
    order = about.order
    due = about.next_deadline
    fields = {"order": order.id, "status": order.status.label}
    if order.dispute_open:
        return _(ABOUT_ORDER_WITH_SUPPORT).format(**fields)
    if due is None:
        return _(ABOUT_ORDER).format(**fields)
    when = fmt_time(due.due_at, tz)
    if due.due_at <= now:  # the scheduler has not got to it yet
        return _(ABOUT_ORDER_PAST_DUE).format(when=when, **fields)
    return _(ABOUT_ORDER_UNTIL[due.kind, about.context.role]).format(when=when, **fields)


def open_order_button(about: AskerOrder) -> InlineKeyboardButton:
    """Opens the card of the order an answer is about."""
    return button(_(OPEN_ORDER).format(order=about.order.id), OrderTap(Act.OPEN, about.order.id))
