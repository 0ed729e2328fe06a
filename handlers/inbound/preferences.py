"""A user's own settings: the time zone their deadlines and timelines are shown in."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import InvalidInput
from bot.domain.timezones import catalogue, offset_text, parse_zone, zone_label
from handlers.inbound.common import guarded, tell
from handlers.views.callback_data import Act, PlainTap, ZoneConfirm, ZoneTap, button
from handlers.views.i18n import N_, _
from handlers.views.render import fmt_time
from handlers.wiring import Ctx, cards, services

# The marketplace's region first; buttons carry an index, never a free-form name.
ZONES: tuple[tuple[str, str], ...] = (
    ("Kuala Lumpur", "Asia/Kuala_Lumpur"),
    ("Singapore", "Asia/Singapore"),
    ("Jakarta", "Asia/Jakarta"),
    ("Bangkok", "Asia/Bangkok"),
    ("Ho Chi Minh City", "Asia/Ho_Chi_Minh"),
    ("Manila", "Asia/Manila"),
    ("Hong Kong", "Asia/Hong_Kong"),
    ("Tokyo", "Asia/Tokyo"),
    ("Kolkata", "Asia/Kolkata"),
    ("Dubai", "Asia/Dubai"),
    ("London", "Europe/London"),
    ("UTC", "UTC"),
)
RESET = ("reset", "default")
NOW_SHOWN = N_("🕐 Times are now shown in <b>{zone}</b>: it is {now} there.")


def _check(name: str) -> str:
    """A short checksum of the zone name: a button drawn from another catalogue is refused."""
    return f"{zlib.crc32(name.encode()):08x}"


def _zone_of(tap: ZoneConfirm) -> str:
    """The zone a "Yes, use …" button was drawn for."""
    zones = catalogue()
    if tap.index < len(zones) and _check(zones[tap.index]) == tap.check:
        return zones[tap.index]
    raise InvalidInput(_("This button is no longer valid. Send /timezone again."))


def _keyboard() -> InlineKeyboardMarkup:
    buttons = [button(city, ZoneTap(i)) for i, (city, _zone) in enumerate(ZONES)]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def _say_zone(update: Update, ctx: Ctx, said: str) -> None:
    """`said`, with {zone} and {now}: the zone the user reads dates in, and its clock now."""
    assert update.effective_user is not None
    tz = await cards(ctx).tz_for(update.effective_user.id)
    now = fmt_time(services(ctx).clock.now(), tz)
    await tell(update, said.format(zone=zone_label(tz.key), now=now))


@guarded
async def cmd_timezone(update: Update, ctx: Ctx) -> None:
    """/timezone [Area/City | city | reset]: show or choose where dates are shown."""
    assert update.effective_user is not None
    uid = update.effective_user.id
    arg = " ".join(ctx.args or []).strip()
    if not arg:
        tz = await cards(ctx).tz_for(uid)
        await tell(
            update,
            _(
                "🕐 Your deadlines and timelines are shown in <b>{zone}</b>. Pick "
                "your time zone, or send your city or UTC offset (like <code>/timezone "
                "Jakarta</code> or <code>/timezone UTC+8</code>); <code>/timezone reset</code> "
                "goes back to the marketplace's."
            ).format(zone=zone_label(tz.key)),
            reply_markup=_keyboard(),
        )
        return
    if arg.lower() in RESET:
        await services(ctx).chat.set_timezone(uid, None)
        await _say_zone(
            update,
            ctx,
            _("🕐 Back to the marketplace's time zone, <b>{zone}</b>: it is {now} there."),
        )
        return
    name = parse_zone(arg)
    text, kb = _confirm(name, services(ctx).clock.now())
    await tell(update, text, reply_markup=kb)


def _confirm(name: str, now: datetime) -> tuple[str, InlineKeyboardMarkup]:
    """Ask before saving: the zone, its UTC offset and its clock now, as they would read."""
    local = now.astimezone(ZoneInfo(name))
    offset = offset_text(local.utcoffset() or timedelta(0))
    shown = zone_label(name)
    if shown == offset:
        label = _("Yes, use {zone} (now {time})").format(zone=shown, time=f"{local:%H:%M}")
    else:
        label = _("Yes, use {zone} ({offset}, now {time})").format(
            zone=shown, offset=offset, time=f"{local:%H:%M}"
        )
    kb = InlineKeyboardMarkup(
        [
            [button(label, ZoneConfirm(catalogue().index(name), _check(name)))],
            [button(_("No"), PlainTap(Act.TZ_NO))],
        ]
    )
    text = _("🕐 Show your deadlines in <b>{zone}</b> ({offset})? It is {now} there now.").format(
        zone=shown, offset=offset, now=fmt_time(now, ZoneInfo(name))
    )
    return text, kb


async def on_timezone_confirmed(update: Update, ctx: Ctx, tap: ZoneConfirm) -> bool:
    """ "Yes, use …": save the zone that was shown."""
    assert update.effective_user is not None and update.callback_query is not None
    name = _zone_of(tap)
    await services(ctx).chat.set_timezone(update.effective_user.id, name)
    await update.callback_query.answer(
        _("Times are now shown in {zone}.").format(zone=zone_label(name))
    )
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    await _say_zone(update, ctx, _(NOW_SHOWN))
    return True


async def on_timezone_declined(update: Update, ctx: Ctx, tap: PlainTap) -> bool:
    """ "No": nothing changes."""
    assert update.callback_query is not None
    await update.callback_query.answer(_("Nothing changed."))
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    await _say_zone(update, ctx, _("🕐 Times are still shown in <b>{zone}</b>: it is {now} there."))
    return True


async def on_timezone_button(update: Update, ctx: Ctx, tap: ZoneTap) -> bool:
    """A zone picked from the /timezone keyboard (the index must be one we offered)."""
    assert update.effective_user is not None and update.callback_query is not None
    if tap.index >= len(ZONES):
        raise InvalidInput(_("This button is no longer valid. Send /timezone again."))
    city, name = ZONES[tap.index]
    await services(ctx).chat.set_timezone(update.effective_user.id, name)
    await update.callback_query.answer(_("Times are now shown in {city} time.").format(city=city))
    await _say_zone(update, ctx, _(NOW_SHOWN))
    return True
