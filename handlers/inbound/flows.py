"""What each button does, and what the bot does with typed input it asked for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update

from bot.domain.actions import Action, check_action
from bot.domain.errors import (
    AlreadyPlaced,
    DomainError,
    InvalidAmount,
    InvalidInput,
)
from bot.domain.input_modes import ORDER_ANSWERS, InputMode, asks_about_an_order
from bot.domain.money import parse_amount
from bot.domain.transitions import check_payment_report
from handlers.inbound.accounts import on_unlink_confirmed, on_unlink_declined
from handlers.inbound.common import guarded
from handlers.inbound.faq_chat import on_faq_reply, on_faq_topic
from handlers.inbound.language import on_language_button
from handlers.inbound.orders import (
    FILTERS,
    PICKABLE,
    PICKED,
    _order_list,
    acting_on,
    ask_delivery,
    ask_for,
    edit_here,
    next_step,
    show_card,
    show_here,
)
from handlers.inbound.preferences import (
    on_timezone_button,
    on_timezone_confirmed,
    on_timezone_declined,
)
from handlers.views.amounts import money
from handlers.views.callback_data import (
    Act,
    Callback,
    CancelConfirm,
    FaqReply,
    FaqTap,
    InvalidCallback,
    LanguageTap,
    ListPage,
    MoneyConfirm,
    OfferTap,
    OrderTap,
    PartyCallback,
    PlainTap,
    TicketCallback,
    ZoneConfirm,
    ZoneTap,
    unpack,
)
from handlers.views.i18n import N_, _, language_of, speaking
from handlers.views.refusals import refusal_text
from handlers.views.render import (
    approve_prompt,
    cancel_prompt,
    confirm_prompt,
    pay_prompt,
    refund_prompt,
)
from handlers.wiring import Ctx, cards, notifier, services

# What a button does, given its typed data; True if it already answered the callback query.
Step = Callable[[Update, Ctx, PartyCallback], Awaitable[bool]]
T = TypeVar("T", bound=PartyCallback)


def _uid(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _answer(update: Update, text: str = "") -> bool:
    assert update.callback_query is not None
    await update.callback_query.answer(text)
    return True


async def _open(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await services(ctx).orders.get_for(tap.order_id, _uid(update))
    await _answer(update)
    await show_card(update, ctx, order)
    return True


async def _picked(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    """An order picked from "Which order do you want to …?": the list keeps the choice as
    plain text, and the command goes on with that order (re-checked now)."""
    action = PICKED[tap.act]
    order = await acting_on(ctx, tap.order_id, _uid(update), action)
    await _answer(update)
    question, _unused = PICKABLE[action]
    await edit_here(update, f"{_(question)} <b>{order.id}</b>", None)
    await next_step(update, ctx, action, order)
    return True


async def _back(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await services(ctx).orders.get_for(tap.order_id, _uid(update))
    text, kb = await cards(ctx).build(order, _uid(update))
    await show_here(update, ctx, order.id, text, kb)
    return False


async def _pay(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await acting_on(ctx, tap.order_id, _uid(update), Action.PAY)
    text, kb = pay_prompt(order)
    await show_here(update, ctx, order.id, text, kb)
    return False


async def _pay_yes(update: Update, ctx: Ctx, tap: MoneyConfirm) -> bool:
    # The price is locked when the order is placed, so the amount shown is the amount paid.
    await services(ctx).orders.pay_from_balance(tap.order_id, _uid(update))
    return await _answer(update, _("Paid from your KALEOZ balance."))


async def _deliver(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await acting_on(ctx, tap.order_id, _uid(update), Action.DELIVER)
    await _answer(update)
    await ask_delivery(update, ctx, order)
    return True


async def _confirm(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await acting_on(ctx, tap.order_id, _uid(update), Action.CONFIRM)
    text, kb = confirm_prompt(order)
    await show_here(update, ctx, order.id, text, kb)
    return False


async def _confirm_yes(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    await services(ctx).orders.confirm_received(tap.order_id, _uid(update))
    return await _answer(update, _("Confirmed. Thank you!"))


async def _refund(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await acting_on(ctx, tap.order_id, _uid(update), Action.REQUEST_REFUND)
    text, kb = refund_prompt(order)
    await show_here(update, ctx, order.id, text, kb)
    return False


async def _refund_full(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    await services(ctx).orders.request_refund(tap.order_id, _uid(update), None)
    return await _answer(update, _("Refund requested."))


async def _refund_part(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await acting_on(ctx, tap.order_id, _uid(update), Action.REQUEST_REFUND)
    await _answer(update)
    await ask_for(
        update,
        ctx,
        order,
        InputMode.REFUND_AMOUNT,
        _(
            "Type the amount you want back for order <b>{order}</b> (more than 0, at most "
            "{amount}), like <code>5.00</code>. Send /cancel to stop."
        ).format(order=order.id, amount=money(order.amount_minor, order.currency)),
        placeholder=_("Amount to get back, like 5.00"),
    )
    return True


async def _withdraw(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    await services(ctx).orders.withdraw_refund(tap.order_id, _uid(update))
    return await _answer(update, _("Refund request withdrawn."))


async def _approve(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await acting_on(ctx, tap.order_id, _uid(update), Action.APPROVE_REFUND)
    text, kb = approve_prompt(order)
    await show_here(update, ctx, order.id, text, kb)
    return False


async def _approve_yes(update: Update, ctx: Ctx, tap: MoneyConfirm) -> bool:
    await services(ctx).orders.approve_refund(tap.order_id, _uid(update), tap.amount_minor)
    return await _answer(update, _("Refund approved."))


async def _reject(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    order = await acting_on(ctx, tap.order_id, _uid(update), Action.REJECT_REFUND)
    await _answer(update)
    await ask_for(
        update,
        ctx,
        order,
        InputMode.REJECT_REASON,
        _(
            "Tell the buyer why you reject the refund on <b>{order}</b> (one message). "
            "They may escalate to KALEOZ Support. Send /cancel to stop."
        ).format(order=order.id),
        placeholder=_("Why you reject the refund"),
    )
    return True


async def _cancel(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    s = services(ctx)
    order = await s.orders.get_for(tap.order_id, _uid(update))
    check_action(order, _uid(update), s.clock.now(), s.policy, Action.CANCEL)
    text, kb = cancel_prompt(order, _uid(update))
    await show_here(update, ctx, order.id, text, kb)
    return False


async def _cancel_yes(update: Update, ctx: Ctx, tap: CancelConfirm) -> bool:
    order = await services(ctx).orders.cancel(tap.order_id, _uid(update), tap.reason)
    return await _answer(
        update,
        _("Order cancelled and refunded.") if order.refunded_minor else _("Order cancelled."),
    )


async def _escalate(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    s = services(ctx)
    uid = _uid(update)
    order, ticket = await s.support.escalate(tap.order_id, uid)
    await s.chat.set_mode(uid, InputMode.SUPPORT, order.id, ticket_id=ticket.id)
    await _answer(update, _("Sent to KALEOZ Support."))
    await notifier(ctx).drain_for(uid)  # the news first, then the tapped card says what to do
    await cards(ctx).refresh(
        ctx.bot,
        uid,
        await s.orders.get_for(order.id, uid),
        _(
            "🛟 Order <b>{order}</b> is now with KALEOZ Support (ticket #{ticket}); its "
            "clocks are paused. Tell them what happened: what you send now goes to support, "
            "photos and files too."
        ).format(order=order.id, ticket=ticket.id),
    )
    return True


async def _paid_already(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    s = services(ctx)
    order = await s.orders.get_for(tap.order_id, _uid(update))
    check_payment_report(order, _uid(update))
    await _answer(update)
    await ask_for(
        update,
        ctx,
        order,
        InputMode.RECEIPT,
        _(
            "🧾 Send a photo or file of your payment receipt for order <b>{order}</b> (for a "
            "bank transfer, the transfer slip). KALEOZ Support will check it. Online payments "
            "can take 1–2 hours to show. Send /cancel to stop."
        ).format(order=order.id),
        placeholder=_("Attach a photo or file of the receipt"),
    )
    return True


async def _leave_support(update: Update, ctx: Ctx, tap: PlainTap) -> bool:
    s = services(ctx)
    uid = _uid(update)
    mode = await s.chat.mode(uid)
    await s.chat.clear_mode(uid)
    await _answer(update, _("OK"))
    left = _("You left the support chat. Support can still reach you here.")
    if mode is not None and mode.mode is InputMode.SUPPORT and mode.order_id:
        order = await s.orders.get_for(mode.order_id, uid)
        await cards(ctx).refresh(ctx.bot, uid, order, left)
        return True
    await edit_here(update, left, None)
    return True


async def _message(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    s = services(ctx)
    uid = _uid(update)
    order = await s.orders.get_for(tap.order_id, uid)
    if order.buyer_id == uid:
        now_in = _(
            "💬 You're now in the chat of order <b>{order}</b>. Everything you send here goes "
            "to the seller (your Telegram account stays private) and is kept as the order's "
            "record. Tap <b>Leave chat</b> or send /leave to stop."
        )
    else:
        now_in = _(
            "💬 You're now in the chat of order <b>{order}</b>. Everything you send here goes "
            "to the buyer (your Telegram account stays private) and is kept as the order's "
            "record. Tap <b>Leave chat</b> or send /leave to stop."
        )
    await s.chat.set_mode(uid, InputMode.CHAT, order.id)
    await _answer(update)
    await cards(ctx).send(
        ctx.bot,
        uid,
        order,
        now_in.format(order=order.id),
    )
    return True


async def _leave(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    s = services(ctx)
    uid = _uid(update)
    order = await s.orders.get_for(tap.order_id, uid)
    await s.chat.clear_mode(uid)
    await _answer(update, _("You left the order chat."))
    await cards(ctx).refresh(ctx.bot, uid, order, _(LEFT_CHAT))
    return True


LEFT_CHAT = N_("You left the order chat. Messages you type now are questions for me.")


async def _abort(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    """Cancel on a question: only while that question is still open, else say what happened."""
    s = services(ctx)
    uid = _uid(update)
    order = await s.orders.get_for(tap.order_id, uid)
    mode = await s.chat.mode(uid)
    if mode is None or not asks_about_an_order(mode.mode) or mode.order_id != order.id:
        assert update.callback_query is not None
        await update.callback_query.answer(
            _(
                "Nothing to cancel: that question was already answered. Order {order} is "
                "{status} now."
            ).format(order=order.id, status=order.status.in_words),
            show_alert=True,
        )
        if (msg := update.callback_query.message) is not None:
            await cards(ctx).live.retire(ctx.bot, msg.chat.id, msg.message_id)
        return True
    await s.chat.clear_mode(uid)
    await _answer(update, _("Cancelled."))
    await cards(ctx).refresh(ctx.bot, uid, order, _("OK, cancelled."))
    return True


async def _delete(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    await services(ctx).orders.hide(tap.order_id, _uid(update))
    deleted = _("🗑 Order {order} was deleted from your list.").format(order=tap.order_id)
    await show_here(update, ctx, tap.order_id, deleted, None)
    return False


async def _reorder(update: Update, ctx: Ctx, tap: OrderTap) -> bool:
    s = services(ctx)
    old = await s.orders.get_for(tap.order_id, _uid(update))
    try:
        new = await s.orders.reorder(old.id, _uid(update))
    except AlreadyPlaced as exc:
        return await _show_placed(update, ctx, exc)
    changed = new.amount_minor != old.amount_minor
    note = (
        " "
        + _("The price changed from {old} to {new}.").format(
            old=money(old.amount_minor, old.currency), new=money(new.amount_minor, new.currency)
        )
        if changed
        else ""
    )
    return await _answer(
        update, _("New order {order} placed.{note}").format(order=new.id, note=note)
    )


async def _list(update: Update, ctx: Ctx, tap: ListPage) -> bool:
    if tap.filter not in FILTERS:
        raise InvalidInput(_("This button is no longer valid."))
    text, kb = await _order_list(ctx, _uid(update), tap.filter, tap.page)
    await edit_here(update, text, kb)
    return False


async def _buy(update: Update, ctx: Ctx, tap: OfferTap) -> bool:
    s = services(ctx)
    try:
        order = await s.orders.buy_offer(tap.offer_id, _uid(update))
    except AlreadyPlaced as exc:
        return await _show_placed(update, ctx, exc)
    return await _answer(update, _("Order {order} placed.").format(order=order.id))


async def _show_placed(update: Update, ctx: Ctx, exc: AlreadyPlaced) -> bool:
    """A double tap (or an old message) that would place an order again: show that order."""
    await _answer(update, refusal_text(exc))
    await show_card(update, ctx, await services(ctx).orders.get_for(exc.order_id, _uid(update)))
    return True


def _taking(
    kind: type[T], steps: dict[Act, Callable[[Update, Ctx, T], Awaitable[bool]]]
) -> dict[Act, Step]:
    """The steps of the buttons of one kind, each given that kind's typed data."""
    if stray := set(steps) - kind.ACTS:
        raise TypeError(f"{sorted(stray)} are not {kind.__name__} buttons")

    def typed(step: Callable[[Update, Ctx, T], Awaitable[bool]]) -> Step:
        async def run(update: Update, ctx: Ctx, tap: PartyCallback) -> bool:
            assert isinstance(tap, kind)  # unpack gives each act exactly one kind
            return await step(update, ctx, tap)

        return run

    return {act: typed(step) for act, step in steps.items()}


BUTTONS: dict[Act, Step] = {
    **_taking(
        OrderTap,
        {
            Act.OPEN: _open,
            Act.BACK: _back,
            Act.PAY: _pay,
            Act.DELIVER: _deliver,
            Act.CONFIRM: _confirm,
            Act.CONFIRM_YES: _confirm_yes,
            Act.REFUND: _refund,
            Act.REFUND_FULL: _refund_full,
            Act.REFUND_PART: _refund_part,
            Act.WITHDRAW: _withdraw,
            Act.APPROVE: _approve,
            Act.REJECT: _reject,
            Act.CANCEL: _cancel,
            Act.ESCALATE: _escalate,
            Act.MESSAGE: _message,
            Act.LEAVE_CHAT: _leave,
            Act.ABORT: _abort,
            Act.DELETE: _delete,
            Act.REORDER: _reorder,
            Act.PAID_ALREADY: _paid_already,
            **dict.fromkeys(PICKED, _picked),
        },
    ),
    **_taking(MoneyConfirm, {Act.PAY_YES: _pay_yes, Act.APPROVE_YES: _approve_yes}),
    **_taking(CancelConfirm, {Act.CANCEL_YES: _cancel_yes}),
    **_taking(ListPage, {Act.LIST: _list}),
    **_taking(OfferTap, {Act.BUY: _buy}),
    **_taking(FaqTap, {Act.FAQ: on_faq_topic}),
    **_taking(
        FaqReply, {Act.FAQ_YES: on_faq_reply, Act.FAQ_NO: on_faq_reply, Act.SUPPORT: on_faq_reply}
    ),
    **_taking(
        PlainTap,
        {
            Act.LEAVE_SUPPORT: _leave_support,
            Act.TZ_NO: on_timezone_declined,
            Act.UNLINK_YES: on_unlink_confirmed,
            Act.UNLINK_NO: on_unlink_declined,
        },
    ),
    **_taking(ZoneTap, {Act.TZ: on_timezone_button}),
    **_taking(ZoneConfirm, {Act.TZ_YES: on_timezone_confirmed}),
    **_taking(LanguageTap, {Act.LANG: on_language_button}),
}

STALE = N_("This button is no longer valid. Open the order again with /orders.")


async def on_stale_button(update: Update, ctx: Ctx) -> None:
    """A button no handler claims: forged, or drawn by a bot that had other buttons."""
    query = update.callback_query
    if query is not None:
        with speaking(language_of(query.from_user.language_code)):
            await query.answer(_(STALE), show_alert=True)


@guarded
async def on_button(update: Update, ctx: Ctx) -> None:
    """Every inline button: unpack, re-check who and what state, act."""
    query = update.callback_query
    assert query is not None
    try:
        tap = unpack(query.data)
    except InvalidCallback:
        await query.answer(_(STALE), show_alert=True)
        return
    handled = await _dispatch(update, ctx, tap)
    if not handled:
        await query.answer()


async def _dispatch(update: Update, ctx: Ctx, tap: Callback) -> bool:
    """Run the button's action; True if it already answered the callback query."""
    step = BUTTONS.get(tap.act)
    if step is None or isinstance(tap, TicketCallback):  # the support group's, not a party's
        raise InvalidInput(_("This button is no longer valid."))
    return await step(update, ctx, tap)


# --- typed input the bot asked for ------------------------------------------------------


async def on_mode_text(
    update: Update, ctx: Ctx, mode: InputMode, order_id: str | None, text: str
) -> bool:
    """Handle typed input for a pending question; False if the mode is not an input mode."""
    s = services(ctx)
    uid = _uid(update)
    if order_id is None or mode not in ORDER_ANSWERS:
        return False
    try:
        if mode is InputMode.DELIVER:
            order = await s.orders.deliver(order_id, uid, text)
        elif mode is InputMode.REJECT_REASON:
            order = await s.orders.reject_refund(order_id, uid, text)
        else:
            current = await s.orders.get_for(order_id, uid)
            amount = parse_amount(text, current.currency)
            order = await s.orders.request_refund(order_id, uid, amount)
    except (InvalidAmount, InvalidInput):
        raise  # a typo: keep the question open for another try
    except DomainError:
        await s.chat.clear_mode(uid)  # the order moved on: the question no longer applies
        raise
    await s.chat.clear_mode(uid)
    await show_card(update, ctx, order)  # typed, so the answer goes at the bottom
    return True
