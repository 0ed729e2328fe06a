"""Order cards, commands and buttons: parse, call one service, show the result."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.domain.actions import Action, check_action
from bot.domain.ids import find_order_ids
from bot.domain.input_modes import InputMode
from bot.domain.model import Order, Status
from bot.domain.money import parse_amount
from bot.services.orders import OPEN_STATUSES
from handlers.delivery.cards import edit
from handlers.inbound.common import guarded, tell
from handlers.views.amounts import money
from handlers.views.callback_data import Act, ListPage, OrderTap, button
from handlers.views.i18n import N_, _
from handlers.views.render import cancel_prompt, confirm_prompt, force_reply, refund_prompt
from handlers.views.telegram_text import clip
from handlers.wiring import Ctx, cards, services

PAGE = 5
TAB_ROW_CHARS = 28  # the most letters five filter tabs show uncut in one row on a phone
FILTERS: dict[str, tuple[str, list[Status]]] = {
    "active": (N_("Active"), list(OPEN_STATUSES)),
    "completed": (N_("Completed"), [Status.COMPLETED]),
    "refunding": (N_("Refunding"), [Status.REFUNDING]),
    "expired": (N_("Expired"), [Status.EXPIRED]),
    "all": (N_("All"), []),
}


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def show_card(update: Update, ctx: Ctx, order: Order, prefix: str = "") -> None:
    """Send the user's card for `order` as a new live card."""
    await cards(ctx).send(ctx.bot, _user_id(update), order, prefix)


# --- /orders ---------------------------------------------------------------------------


async def _order_list(
    ctx: Ctx, user_id: int, key: str, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    label, statuses = FILTERS.get(key, FILTERS["active"])
    found = await services(ctx).orders.orders_of(user_id, statuses, PAGE + 1, page * PAGE)
    rows = [
        [button(f"{o.id} · {o.status.label} · {clip(o.title, 24)}", OrderTap(Act.OPEN, o.id))]
        for o in found[:PAGE]
    ]
    nav = []
    if page > 0:
        nav.append(button(_("‹ Newer"), ListPage(key, page - 1)))
    if len(found) > PAGE:
        nav.append(button(_("Older ›"), ListPage(key, page + 1)))
    if nav:
        rows.append(nav)
    tabs = [button(("• " if k == key else "") + _(v[0]), ListPage(k)) for k, v in FILTERS.items()]
    # Five tabs fit one row on a phone only while their words are short; longer ones
    # ("Completed", Malay's "Bayaran balik") take two rows rather than being cut.
    if sum(len(t.text) for t in tabs) > TAB_ROW_CHARS:
        rows += [tabs[:3], tabs[3:]]
    else:
        rows.append(tabs)
    text = _("<b>Your orders — {filter}</b>").format(filter=_(label))
    if not found:
        text += "\n\n" + _("Nothing here yet.")
    return text, InlineKeyboardMarkup(rows)


@guarded
async def cmd_orders(update: Update, ctx: Ctx) -> None:
    """/orders [active|completed|refunding|expired|all]: your orders, by status, paginated."""
    key = ctx.args[0].lower() if ctx.args else "active"
    text, kb = await _order_list(ctx, _user_id(update), key if key in FILTERS else "active", 0)
    await tell(update, text, reply_markup=kb)


@guarded
async def cmd_order(update: Update, ctx: Ctx) -> None:
    """/order K1234567: the order's card."""
    ids = find_order_ids(" ".join(ctx.args or []))
    if not ids:
        await tell(
            update, _("Send the order id, like <code>/order K1234567</code>, or use /orders.")
        )
        return
    order = await services(ctx).orders.get_for(ids[0], _user_id(update))
    await show_card(update, ctx, order)


async def show_order_by_id(update: Update, ctx: Ctx, order_id: str) -> None:
    """An order id typed in chat: its card (or the same reply as for an unknown id)."""
    order = await services(ctx).orders.get_for(order_id, _user_id(update))
    await show_card(update, ctx, order)


@guarded
async def cmd_balance(update: Update, ctx: Ctx) -> None:
    """/balance: your KALEOZ balance."""
    balances = await services(ctx).orders.balances(_user_id(update))
    if not balances:
        await tell(update, _("💰 Your KALEOZ balance is empty."))
        return
    lines = [f"• {money(v, cur)}" for cur, v in balances.items()]
    await tell(update, _("💰 <b>Your KALEOZ balance</b>") + "\n" + "\n".join(lines))


# --- commands that act on "the" order ----------------------------------------------------


async def acting_on(ctx: Ctx, order_id: str, user_id: int, action: Action) -> Order:
    """The user's order, refused in the core's own words unless `action` is possible now."""
    s = services(ctx)
    order = await s.orders.get_for(order_id, user_id)
    check_action(order, user_id, s.clock.now(), s.policy, action)
    return order


# Commands that act on one order, the question that asks which, and the button that picks
# an order for them when the command did not say which.
PICKABLE: dict[Action, tuple[str, Act]] = {
    Action.CONFIRM: (N_("Which order do you want to confirm as received?"), Act.PICK_CONFIRM),
    Action.REQUEST_REFUND: (
        N_("Which order do you want to request a refund for?"),
        Act.PICK_REFUND,
    ),
    Action.DELIVER: (N_("Which order do you want to deliver?"), Act.PICK_DELIVER),
    Action.CANCEL: (N_("Which order do you want to cancel?"), Act.PICK_CANCEL),
}
# When there is no order to pick.
NONE_TO_PICK = {
    Action.CONFIRM: N_("You have no order you can confirm as received right now. See /orders."),
    Action.REQUEST_REFUND: N_(
        "You have no order you can request a refund for right now. See /orders."
    ),
    Action.DELIVER: N_("You have no order you can deliver right now. See /orders."),
    Action.CANCEL: N_("You have no order you can cancel right now. See /orders."),
}
PICKED: dict[Act, Action] = {act: action for action, (_q, act) in PICKABLE.items()}


async def _pick(update: Update, ctx: Ctx, action: Action) -> Order | None:
    """The order named in the command, or the only one where `action` is possible now;
    otherwise the user is asked which (a tap on one takes the command's next step)."""
    question, act = PICKABLE[action]
    ids = find_order_ids(" ".join(ctx.args or []))
    pick = await services(ctx).orders.pick(_user_id(update), action, ids[0] if ids else None)
    if pick.order is not None:
        return pick.order
    if not pick.choices:
        await tell(update, _(NONE_TO_PICK[action]))
        return None
    kb = InlineKeyboardMarkup(
        [[button(f"{o.id} · {clip(o.title, 30)}", OrderTap(act, o.id))] for o in pick.choices]
    )
    await tell(update, _(question), reply_markup=kb)
    return None


async def next_step(update: Update, ctx: Ctx, action: Action, order: Order) -> None:
    """What a command does once it knows the order: ask once more, or ask for the input."""
    if action is Action.CONFIRM:
        await offer_choice(update, ctx, order, confirm_prompt(order))
    elif action is Action.REQUEST_REFUND:
        await offer_choice(update, ctx, order, refund_prompt(order))
    elif action is Action.DELIVER:
        await ask_delivery(update, ctx, order)
    elif action is Action.CANCEL:
        await offer_choice(update, ctx, order, cancel_prompt(order, _user_id(update)))
    else:  # pragma: no cover - PICKABLE lists the actions above
        raise ValueError(f"no next step for {action}")


def _amount_arg(ctx: Ctx) -> str | None:
    # Everything but the order id: "RM 5", "5 MYR" and "5.00" are each one amount.
    rest = [a for a in (ctx.args or []) if not find_order_ids(a)]
    return " ".join(rest) if rest else None


@guarded
async def cmd_confirm(update: Update, ctx: Ctx) -> None:
    """/confirm [id]: confirm received (asks once more: it is irreversible)."""
    order = await _pick(update, ctx, Action.CONFIRM)
    if order is not None:
        await next_step(update, ctx, Action.CONFIRM, order)


@guarded
async def cmd_refund(update: Update, ctx: Ctx) -> None:
    """/refund [id] [amount]: request a full or partial refund."""
    order = await _pick(update, ctx, Action.REQUEST_REFUND)
    if order is None:
        return
    amount = _amount_arg(ctx)
    if amount is None:
        await next_step(update, ctx, Action.REQUEST_REFUND, order)
        return
    minor = parse_amount(amount, order.currency)
    await show_card(
        update, ctx, await services(ctx).orders.request_refund(order.id, _user_id(update), minor)
    )


@guarded
async def cmd_deliver(update: Update, ctx: Ctx) -> None:
    """/deliver [id] [note]: deliver now, or be asked for the delivery."""
    order = await _pick(update, ctx, Action.DELIVER)
    if order is None:
        return
    note = " ".join(a for a in (ctx.args or []) if not find_order_ids(a)).strip()
    if note:
        await show_card(
            update, ctx, await services(ctx).orders.deliver(order.id, _user_id(update), note)
        )
        return
    await next_step(update, ctx, Action.DELIVER, order)


@guarded
async def cmd_cancel(update: Update, ctx: Ctx) -> None:
    """/cancel [id]: stop what the bot is asking for, or cancel an order."""
    s = services(ctx)
    uid = _user_id(update)
    mode = await s.chat.mode(uid)
    if mode is not None and not ctx.args and mode.mode is not InputMode.CHAT:
        await s.chat.clear_mode(uid)
        if mode.order_id is None:
            await tell(update, _("OK, cancelled."))
            return
        # The question's Cancel must not stay live: the card comes back as the live message.
        asked_about = await s.orders.get_for(mode.order_id, uid)
        await show_card(update, ctx, asked_about, _("OK, cancelled."))
        return
    order = await _pick(update, ctx, Action.CANCEL)
    if order is not None:
        await next_step(update, ctx, Action.CANCEL, order)


async def ask_delivery(update: Update, ctx: Ctx, order: Order) -> None:
    """Wait for the seller's delivery (text or a file)."""
    await ask_for(
        update,
        ctx,
        order,
        InputMode.DELIVER,
        _(
            "📤 Send the delivery for order <b>{order}</b> now: type the code or details, or "
            "send a file or photo. The buyer gets it at once. Send /cancel to stop."
        ).format(order=order.id),
        placeholder=_("The code or details, or attach a file"),
    )


async def ask_for(
    update: Update, ctx: Ctx, order: Order, mode: InputMode, text: str, *, placeholder: str
) -> None:
    """Ask for typed input about the order: the question opens a reply with a hint, and
    becomes the live message about it, so the card above loses its buttons and the
    answer's card retires the question."""
    uid = _user_id(update)
    msg = await cards(ctx).live.send(ctx.bot, uid, order.id, text, force_reply(placeholder))
    await services(ctx).chat.set_mode(uid, mode, order.id, prompt=msg.message_id)


async def offer_choice(
    update: Update, ctx: Ctx, order: Order, screen: tuple[str, InlineKeyboardMarkup]
) -> None:
    """A typed command's second step (confirm, refund, cancel) as the live message."""
    text, kb = screen
    await cards(ctx).live.send(ctx.bot, _user_id(update), order.id, text, kb)


# --- buttons -----------------------------------------------------------------------------


async def edit_here(update: Update, text: str, kb: InlineKeyboardMarkup | None) -> None:
    """Replace the tapped message's text and buttons: a list's next page, a choice made.
    A message about one order goes through `show_here`, which keeps its copies in step."""
    query = update.callback_query
    assert query is not None
    msg = query.message
    if msg is None or not await edit(query.get_bot(), msg.chat.id, msg.message_id, text, kb):
        await tell(update, text, reply_markup=kb)


async def show_here(
    update: Update, ctx: Ctx, order_id: str, text: str, kb: InlineKeyboardMarkup | None
) -> None:
    """Replace the tapped message about the order: a prompt in place of its card, or the
    card back. If its buttons now differ from the live card's, it is the live message and
    every other copy loses its buttons (see handlers.delivery.live)."""
    query = update.callback_query
    assert query is not None
    msg = query.message
    live = cards(ctx).live
    if msg is not None:
        async with live.lock(msg.chat.id):
            if await edit(query.get_bot(), msg.chat.id, msg.message_id, text, kb):
                ref = await live.current(msg.chat.id, order_id)
                if ref is not None:
                    await live.shown(query.get_bot(), ref, msg.message_id, kb)
                return
    await tell(update, text, reply_markup=kb)
