"""Questions in plain words: the help-center answer, tied to the asker's own order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from gettext import NullTranslations
from uuid import uuid4

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
    User,
)
from telegram.constants import ParseMode

from bot.domain.asker_order import AskerOrder
from bot.domain.faq import Alternative, FaqAnswer, FaqDocument, FaqIndex
from bot.domain.faq_cues import RELAY
from bot.domain.ids import find_order_ids
from bot.domain.input_modes import InputMode
from bot.domain.tickets import TicketKind
from handlers.inbound.common import guarded, reading, tell
from handlers.inbound.orders import show_card
from handlers.inbound.support import desk_language
from handlers.views.callback_data import Act, FaqReply, FaqTap, PlainTap, button
from handlers.views.faq_render import (
    about_order_line,
    article,
    full_article_button,
    open_order_button,
)
from handlers.views.i18n import N_, _, language_of, speaking, texts
from handlers.views.telegram_text import clip, cut
from handlers.wiring import Ctx, cards, services, settings

log = logging.getLogger(__name__)

GREETING = N_(
    "👋 Hi! I'm KChat, the order chat of KALEOZ. Ask me anything about orders, "
    "payments, delivery or refunds, or see /orders."
)
YOURE_WELCOME = N_("😊 You're welcome! Ask me here whenever something comes up, or see /orders.")
DID_THIS_HELP = N_("Did this help?")
HELP_TOPICS = N_("Help topics")
YOUR_ORDER_NOW = N_("📋 <b>Your order right now:</b>")
TALK_TO_SUPPORT = N_("Talk to support")
NOT_FOR_THIS_ORDER = N_(
    "🤔 I'm not sure a help article answers that for this order. If you meant one of "
    "these, tap it, or talk to a person."
)
NOT_SURE = N_(
    "🤔 I'm not sure I can answer that from the KALEOZ help center. I know about "
    "orders, payments, delivery, refunds and cancellations. Try asking another way, "
    "pick a topic, or talk to a person."
)

# The bot asked to message the seller: it cannot, but the asker can, from the order's card.
WRITE_TO_SELLER = N_(
    "💬 I can't pass messages to the seller, but you can write to them yourself: open the "
    "order and tap <b>Message seller</b> (your orders: /orders). If the seller doesn't "
    "answer, talk to support."
)

# An answer to part of a message: what else it asked, no article answers.
ALSO_UNCOVERED = N_(
    "ℹ️ You also asked something no help article covers. For that, tap <b>Talk to support</b>."
)
ALSO_RELAY = N_(
    "💬 You also asked me to pass a message to the seller. I can't, but you can: open the "
    "order and tap <b>Message seller</b> (your orders: /orders)."
)


def faq_index(ctx: Ctx) -> FaqIndex:
    """The index loaded at start."""
    index = ctx.bot_data.faq
    return index


async def _texts(ctx: Ctx, user: User | None) -> NullTranslations:
    """The bot's own texts in this user's language."""
    return texts(language_of(await reading(ctx, user)))


def _topics_title(t: NullTranslations) -> str:
    return f"📚 <b>{t.gettext(HELP_TOPICS)}</b>"


async def _language(ctx: Ctx, user: User | None) -> str | None:
    """The help-center language this user reads (None: English)."""
    return ctx.bot_data.shelf.language_for(await reading(ctx, user))


def _shown(ctx: Ctx, doc: FaqDocument, language: str | None) -> FaqDocument:
    """The document as this reader sees it: in their language when it is translated."""
    return ctx.bot_data.shelf.shown(doc, language)


def _doc(index: FaqIndex, doc_id: str) -> FaqDocument | None:
    return next((d for d in index.documents if d.id == doc_id), None)


def _full_article(
    ctx: Ctx, doc: FaqDocument, t: NullTranslations
) -> list[list[InlineKeyboardButton]]:
    """A row linking to the whole article on the website when the answer is long."""
    link = full_article_button(settings(ctx).help_center_url, doc, t)
    return [[link]] if link else []


def _answer_keyboard(
    ctx: Ctx,
    ans: FaqAnswer,
    question_id: int,
    language: str | None,
    t: NullTranslations,
    about: AskerOrder | None = None,
) -> InlineKeyboardMarkup:
    assert ans.document is not None
    doc = ans.document.id
    rows = [
        [
            button(t.gettext("👍 Yes"), FaqReply(Act.FAQ_YES, doc, question_id)),
            button(t.gettext("👎 No"), FaqReply(Act.FAQ_NO, doc, question_id)),
        ],
        *([[open_order_button(about)]] if about else []),
        *_full_article(ctx, ans.document, t),
        [button(t.gettext(TALK_TO_SUPPORT), FaqReply(Act.SUPPORT, doc, question_id))],
    ]
    if ans.needs_confirmation:
        rows = _did_you_mean(ctx, ans.alternatives, language, t) + rows
    return InlineKeyboardMarkup(rows)


def _did_you_mean(
    ctx: Ctx, choices: Iterable[Alternative], language: str | None, t: NullTranslations
) -> list[list[InlineKeyboardButton]]:
    """A button for each of the first two choices, opening its article."""
    return [
        [
            button(
                t.gettext("Did you mean: {title}").format(
                    title=clip(_shown(ctx, a.document, language).title, 50)
                ),
                FaqTap(a.document.id),
            )
        ]
        for a in list(choices)[:2]
    ]


async def _about_line(ctx: Ctx, user_id: int, about: AskerOrder | None) -> str:
    """The answer's first line naming the asker's order it is about (empty without one)."""
    if about is None:
        return ""
    tz = await cards(ctx).tz_for(user_id)
    return about_order_line(about, tz, services(ctx).clock.now()) + "\n\n"


async def answer_question(update: Update, ctx: Ctx, text: str, order_ids: list[str]) -> None:
    """Answer from the documents, weighing the asker's own order the question most likely
    means, and say which order that is; when unsure, say so and offer a person."""
    assert update.effective_user is not None
    asker = update.effective_user.id
    language = await _language(ctx, update.effective_user)
    t = await _texts(ctx, update.effective_user)
    # What the words tell ("payment failed", "the code doesn't work") picks among the
    # asker's orders the one it fits; the words alone, without the model, are enough.
    told = await asyncio.to_thread(lambda: faq_index(ctx).situation(text).told)
    about = await services(ctx).orders.asked_about(asker, order_ids, words=text, told=told)
    # The sentence model takes milliseconds of CPU: in a worker thread (numpy lets go of
    # the interpreter in its products), so other chats' updates go on meanwhile.
    ans = await asyncio.to_thread(faq_index(ctx).ask, text, order=about.context if about else None)
    if ans.thanks:
        await tell(update, t.gettext(YOURE_WELCOME))
        return
    if ans.small_talk:
        topics = InlineKeyboardMarkup([[button(t.gettext(HELP_TOPICS), FaqTap(None))]])
        await tell(update, t.gettext(GREETING), reply_markup=topics)
        return
    doc_id = ans.document.id if ans.answered and ans.document else None
    asked = await services(ctx).help_log.asked(asker, text, doc_id, ans.score)
    if not ans.answered or ans.document is None:
        relay = RELAY in ans.uncovered
        kb = InlineKeyboardMarkup(
            [
                # What the words alone would answer, had the order not argued against it.
                *_did_you_mean(ctx, ans.suggested, language, t),
                # Asked to message the seller: the order's card, where the asker can.
                *([[open_order_button(about)]] if relay and about is not None else []),
                [button(t.gettext(TALK_TO_SUPPORT), FaqReply(Act.SUPPORT, None, asked))],
                [button(t.gettext(HELP_TOPICS), FaqTap(None))],
            ]
        )
        if relay:
            text = t.gettext(WRITE_TO_SELLER)
        elif ans.suggested and about is not None:
            text = await _about_line(ctx, asker, about) + t.gettext(NOT_FOR_THIS_ORDER)
        else:
            text = t.gettext(NOT_SURE)
        await tell(update, text, reply_markup=kb)
        return
    if ans.order_set_aside:
        about = None  # the message tells of another order than the one the chat picked
    # An article about the order itself is followed by the order's card; any other answer
    # about an order carries a button that opens the card.
    card_follows = about is not None and ans.document.about_order
    # The message asked more than the article answers: say what is left, and who can help.
    also = ""
    if ans.uncovered:
        also = "\n\n" + t.gettext(ALSO_RELAY if RELAY in ans.uncovered else ALSO_UNCOVERED)
    await tell(
        update,
        article(
            _shown(ctx, ans.document, language),
            header=await _about_line(ctx, asker, about),
            footer=f"{also}\n\n<i>{t.gettext(DID_THIS_HELP)}</i>",
            hints=language is None,
        ),
        reply_markup=_answer_keyboard(
            ctx, ans, asked, language, t, None if card_follows else about
        ),
    )
    if card_follows and about is not None:
        await show_card(update, ctx, about.order, prefix=t.gettext(YOUR_ORDER_NOW))


def topics_keyboard(docs: Iterable[FaqDocument]) -> InlineKeyboardMarkup:
    """Every help-center entry as a button."""
    return InlineKeyboardMarkup([[button(clip(d.title, 60), FaqTap(d.id))] for d in docs])


def _topics(ctx: Ctx, language: str | None) -> InlineKeyboardMarkup:
    """The topics, titled in the reader's language."""
    return topics_keyboard(_shown(ctx, d, language) for d in faq_index(ctx).documents)


@guarded
async def cmd_faq(update: Update, ctx: Ctx) -> None:
    """/faq [question]: answer it, or list the help-center topics."""
    if ctx.args:
        q = " ".join(ctx.args)
        await answer_question(update, ctx, q, find_order_ids(q))
        return
    topics = _topics(ctx, await _language(ctx, update.effective_user))
    await tell(update, _topics_title(await _texts(ctx, update.effective_user)), reply_markup=topics)


async def on_faq_topic(update: Update, ctx: Ctx, tap: FaqTap) -> bool:
    """A topic or "Did you mean" button: the article (or the list of topics)."""
    query = update.callback_query
    assert query is not None
    language = await _language(ctx, update.effective_user)
    t = await _texts(ctx, update.effective_user)
    await query.answer()
    if tap.doc_id is None:
        topics = _topics(ctx, language)
        await tell(update, _topics_title(t), reply_markup=topics)
        return True
    doc = _doc(faq_index(ctx), tap.doc_id)
    if doc is None:
        await tell(update, t.gettext("That help article is no longer available. See /faq."))
        return True
    link = _full_article(ctx, doc, t)
    await tell(
        update,
        article(_shown(ctx, doc, language), hints=language is None),
        reply_markup=InlineKeyboardMarkup(link) if link else None,
    )
    return True


async def on_faq_reply(update: Update, ctx: Ctx, tap: FaqReply) -> bool:
    """Feedback on an answer, and "Talk to support"."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    user_id = update.effective_user.id
    asked = tap.question_id  # older answers carry no question id
    help_log = services(ctx).help_log
    t = await _texts(ctx, update.effective_user)
    if tap.act is Act.FAQ_YES:
        if asked is not None:
            await help_log.feedback(asked, user_id, helpful=True)
        await query.answer(t.gettext("Glad it helped!"))
        return True
    if tap.act is Act.FAQ_NO:
        if asked is not None:
            await help_log.feedback(asked, user_id, helpful=False)
        await query.answer()
        kb = InlineKeyboardMarkup(
            [[button(t.gettext(TALK_TO_SUPPORT), FaqReply(Act.SUPPORT, tap.doc_id, asked))]]
        )
        sorry = t.gettext("Sorry about that. A person from KALEOZ Support can help.")
        await tell(update, sorry, reply_markup=kb)
        return True
    question = await help_log.wanted_person(asked, user_id) if asked is not None else None
    await query.answer()
    await request_support(update, ctx, tap.doc_id, question.question if question else None)
    return True


async def request_support(
    update: Update, ctx: Ctx, topic: str | None, question: str | None = None
) -> None:
    """Hand the user to KALEOZ Support: a help ticket showing what they asked and what the
    help center answered, and their next messages go to it."""
    user = update.effective_user
    assert user is not None
    s = services(ctx)
    t = await _texts(ctx, user)
    if settings(ctx).support_chat_id is None:
        await tell(
            update,
            t.gettext(
                "KALEOZ Support can be reached through LiveChat on the KALEOZ "
                "website. If your question is about an order, open it (/orders) and tap "
                "<b>Escalate to support</b>."
            ),
        )
        return
    doc = _doc(faq_index(ctx), topic) if topic else None
    # What the article left unanswered, named for the agent ("also can I pay in instalments?").
    left = (await asyncio.to_thread(faq_index(ctx).ask, question)).left if question and doc else ()
    with speaking(desk_language(ctx)):  # the ticket's subject is for the agents
        if question and doc:
            subject = _("Asked: “{question}”; the help center answered “{title}”.")
            if left:
                subject += " " + _("Left for support: “{left}”.")
        elif question:
            subject = _("Asked: “{question}”; no help article matched.")
        elif doc:
            subject = _("Asked for a person after: {title}")
        else:
            subject = _("Asked for a person")
    subject = subject.format(
        question=cut(question or "", 400),
        title=doc.title if doc else "",
        left=cut(" ".join(left), 200),
    )
    ticket, _opened = await s.support.raise_ticket(
        TicketKind.HELP, order_id=None, user_id=user.id, subject=subject
    )
    await s.chat.set_mode(user.id, InputMode.SUPPORT, None, ticket_id=ticket.id)
    kb = InlineKeyboardMarkup(
        [[button(t.gettext("Leave support chat"), PlainTap(Act.LEAVE_SUPPORT))]]
    )
    await tell(
        update,
        t.gettext(
            "🛟 KALEOZ Support has your request (#{ticket}). Write what you need here; an "
            "agent will reply in this chat."
        ).format(ticket=ticket.id),
        reply_markup=kb,
    )


async def on_inline_query(update: Update, ctx: Ctx) -> None:
    """`@bot question` anywhere: help-center articles to share."""
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()
    index = faq_index(ctx)
    language = await _language(ctx, query.from_user)
    if text:
        ans = await asyncio.to_thread(index.ask, text)
        docs = [ans.document] if ans.document else []
        docs += [a.document for a in ans.alternatives]
    else:
        docs = list(index.documents)
    results = [
        InlineQueryResultArticle(
            id=uuid4().hex,
            title=clip(d.title, 100),
            description=d.answer[:120],
            # Shared into any chat: the document alone, without this chat's buttons.
            input_message_content=InputTextMessageContent(
                article(d, in_chat=False), parse_mode=ParseMode.HTML
            ),
        )
        for d in (_shown(ctx, doc, language) for doc in docs[:10])
    ]
    # Personal: the results are in the asker's language.
    await query.answer(results, cache_time=60, is_personal=True)
