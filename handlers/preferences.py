"""A user's own settings: the time zone their deadlines and timelines are shown in."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import InvalidInput
from handlers.callback_data import Act, Cb, button
from handlers.common import Ctx, cards, guarded, services, tell
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


def find_zone(text: str) -> str | None:
    """The IANA name for what a person typed ("asia/jakarta", "Jakarta", "ho chi minh")."""
    key = " ".join(text.replace("_", " ").split()).lower()
    return _known().get(key) or _known().get(key.replace(" ", "_"))


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
    if name is None:
        raise InvalidInput(
            "I don't know that time zone. Send a name like Asia/Jakarta or Europe/London, "
            "or just /timezone to pick one."
        )
    await services(ctx).chat.set_timezone(uid, name)
    await _say_zone(update, ctx, "🕐 Times are now shown in")


async def on_timezone_button(update: Update, ctx: Ctx, cb: Cb) -> bool:
    """A zone picked from the /timezone keyboard (the index must be one we offered)."""
    assert update.effective_user is not None and update.callback_query is not None
    if not cb.ref.isdigit() or int(cb.ref) >= len(ZONES):
        raise InvalidInput("This button is no longer valid. Send /timezone again.")
    city, name = ZONES[int(cb.ref)]
    await services(ctx).chat.set_timezone(update.effective_user.id, name)
    await update.callback_query.answer(f"Times are now shown in {city} time.")
    await _say_zone(update, ctx, "🕐 Times are now shown in")
    return True
