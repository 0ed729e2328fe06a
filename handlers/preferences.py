"""A user's own settings: the time zone their deadlines and timelines are shown in."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import InvalidInput
from bot.domain.timezones import offset_label, parse_zone
from handlers.callback_data import Act, Cb, button
from handlers.common import Ctx, cards, guarded, services, tell
from handlers.orders import edit_here
from handlers.render import fmt_time

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


@cache
def _known() -> dict[str, str]:
    """Every IANA zone name, keyed by its lower case and by its city ("jakarta")."""
    names: dict[str, str] = {}
    for name in available_timezones():
        names.setdefault(name.lower(), name)
        names.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").lower(), name)
    for city, name in ZONES:
        names[city.lower()] = name
    return names


def find_zone(text: str) -> str:
    """The IANA name for what a person typed; InvalidInput with examples when unsure."""
    return parse_zone(text, _known())


def _pack(name: str) -> str | None:
    """A zone name as button data ("/" is not allowed there); None if it would not fit."""
    packed = name.replace("/", "__").replace("+", "p")
    return packed if len(packed) <= 32 and not any(c in packed for c in "./:") else None


def _unpack(ref: str) -> str | None:
    name = ref.replace("__", "/")
    if name.startswith("Etc/GMTp"):
        name = name.replace("GMTp", "GMT+")
    return name if name in _known().values() else None


def describe(name: str, now: datetime) -> str:
    """'Asia/Jakarta, UTC+7 (it is Mon 5 Jan, 16:00 there)' for a confirmation."""
    zone = ZoneInfo(name)
    local = now.astimezone(zone)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    shown = _shown(name)
    label = offset_label(minutes)
    head = shown if shown == label else f"{shown}, {label}"
    return f"{head} (it is {local:%a} {local.day} {local:%b}, {local:%H:%M} there)"


def _shown(name: str) -> str:
    """Etc/GMT-7 reads backwards (POSIX): people see UTC+7."""
    if name.startswith("Etc/GMT") and name[7:]:
        sign = "+" if name[7] == "-" else "-"
        return f"UTC{sign}{name[8:]}"
    return name


def _keyboard() -> InlineKeyboardMarkup:
    buttons = [button(city, Act.TZ, str(i)) for i, (city, _) in enumerate(ZONES)]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def _say_zone(update: Update, ctx: Ctx, prefix: str) -> None:
    assert update.effective_user is not None
    tz = await cards(ctx).tz_for(update.effective_user.id)
    now = fmt_time(services(ctx).clock.now(), tz)
    await tell(update, f"{prefix} <b>{tz.key}</b>: it is {now} there.")


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
            f"🕐 Your deadlines and timelines are shown in <b>{tz.key}</b>. Pick your time "
            "zone, or send <code>/timezone Area/City</code> (like "
            "<code>/timezone Europe/Berlin</code>); <code>/timezone reset</code> goes back "
            "to the marketplace's.",
            reply_markup=_keyboard(),
        )
        return
    if arg.lower() in RESET:
        await services(ctx).chat.set_timezone(uid, None)
        await _say_zone(update, ctx, "🕐 Back to the marketplace's time zone,")
        return
    name = find_zone(arg[:64])
    packed = _pack(name)
    exact = arg.strip().lower() == name.lower() and "/" in name
    if exact or packed is None:
        # An exact zone name says what it means (and a very long one would not fit a button).
        await services(ctx).chat.set_timezone(uid, name)
        await _say_zone(update, ctx, "🕐 Times are now shown in")
        return
    current = await cards(ctx).tz_for(uid)
    now = services(ctx).clock.now()
    await tell(
        update,
        f"🕐 Show your deadlines in <b>{describe(name, now)}</b>?",
        reply_markup=InlineKeyboardMarkup(
            [
                [button(f"Yes, use {_shown(name)}", Act.TZ, packed, "y")],
                [button(f"No, keep {_shown(current.key)}", Act.TZ, "-", "n")],
            ]
        ),
    )


async def on_timezone_button(update: Update, ctx: Ctx, cb: Cb) -> bool:
    """A zone picked from the /timezone keyboard (an index we offered), or the answer to
    "Show your deadlines in …?" after a typed zone."""
    assert update.effective_user is not None and update.callback_query is not None
    query = update.callback_query
    if cb.arg == "n":
        await query.answer("Kept as it was.")
        await edit_here(update, "🕐 Time zone unchanged.", None)
        return True
    if cb.arg == "y":
        name = _unpack(cb.ref)
        if name is None:
            raise InvalidInput("This button is no longer valid. Send /timezone again.")
        await services(ctx).chat.set_timezone(update.effective_user.id, name)
        await query.answer(f"Times are now shown in {_shown(name)}.")
        await edit_here(update, f"🕐 Times are now shown in <b>{_shown(name)}</b>.", None)
        return True
    if not cb.ref.isdigit() or int(cb.ref) >= len(ZONES):
        raise InvalidInput("This button is no longer valid. Send /timezone again.")
    city, name = ZONES[int(cb.ref)]
    await services(ctx).chat.set_timezone(update.effective_user.id, name)
    await query.answer(f"Times are now shown in {city} time.")
    await _say_zone(update, ctx, "🕐 Times are now shown in")
    return True
