"""What people type for a time zone, read as an IANA zone name, or refused with examples.

People write "GMT+8", "UTC+8", "+8", "+08:00", "+0530", "MYT", "WIB", "Malaysia", "KL",
"Jakarta" or "asia/jakarta". What is unambiguous becomes a zone; what is not ("IST" is
India, Israel or Ireland; "Indonesia" has three zones) is refused with what to write
instead. Pure: the zone names the system knows are passed in.

The sign trap: IANA's "Etc/GMT+7" is UTC-7 (POSIX counts west as positive), so UTC+7
is "Etc/GMT-7". Offsets that are not whole hours map to a real place that keeps them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.domain.errors import InvalidInput

EXAMPLES = "like Asia/Jakarta, Jakarta, UTC+7, GMT+8, +08:00 or MYT"

# Abbreviations and places people use here, each meaning exactly one zone.
ALIASES: dict[str, str] = {
    "myt": "Asia/Kuala_Lumpur",
    "malaysia": "Asia/Kuala_Lumpur",
    "kl": "Asia/Kuala_Lumpur",
    "kuala lumpur": "Asia/Kuala_Lumpur",
    "sgt": "Asia/Singapore",
    "singapore": "Asia/Singapore",
    "wib": "Asia/Jakarta",
    "wita": "Asia/Makassar",
    "wit": "Asia/Jayapura",
    "ict": "Asia/Bangkok",
    "thailand": "Asia/Bangkok",
    "vietnam": "Asia/Ho_Chi_Minh",
    "philippines": "Asia/Manila",
    "pht": "Asia/Manila",
    "brunei": "Asia/Brunei",
    "bnt": "Asia/Brunei",
    "hkt": "Asia/Hong_Kong",
    "hong kong": "Asia/Hong_Kong",
    "jst": "Asia/Tokyo",
    "japan": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "korea": "Asia/Seoul",
    "india": "Asia/Kolkata",
    "uk": "Europe/London",
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
}
# Said often, but meaning more than one zone: refused with the choices.
AMBIGUOUS: dict[str, str] = {
    "ist": "India (Asia/Kolkata), Israel (Asia/Jerusalem) or Ireland (Europe/Dublin)",
    "indonesia": "Jakarta (WIB), Makassar (WITA) or Jayapura (WIT)",
    "cst": "China (Asia/Shanghai) or US Central (America/Chicago)",
    "pst": "Philippines (Asia/Manila) or US Pacific (America/Los_Angeles)",
    "bst": "Bangladesh (Asia/Dhaka) or British Summer Time (Europe/London)",
    "australia": "Australia/Perth, Australia/Darwin, Australia/Brisbane or Australia/Sydney",
    "usa": "America/New_York, America/Chicago, America/Denver or America/Los_Angeles",
}
# Offsets that are not whole hours, kept by one place each (without daylight saving where
# one exists): UTC+5:30 is India's time.
PART_HOURS: dict[tuple[int, int], str] = {
    (3, 30): "Asia/Tehran",
    (4, 30): "Asia/Kabul",
    (5, 30): "Asia/Kolkata",
    (5, 45): "Asia/Kathmandu",
    (6, 30): "Asia/Yangon",
    (8, 45): "Australia/Eucla",
    (9, 30): "Australia/Darwin",
    (-9, 30): "Pacific/Marquesas",
    (-3, 30): "America/St_Johns",
}
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?:\s*[:.h]?\s*(\d{2}))?")


def offset_zone(sign: str, hours: int, minutes: int) -> str | None:
    """The zone for a fixed UTC offset (-12..+14 h), or None if no zone keeps it."""
    if minutes == 0:
        if not -12 <= (hours if sign == "+" else -hours) <= 14:
            return None
        if hours == 0:
            return "UTC"
        # POSIX sign: the Etc zone for UTC+7 is Etc/GMT-7.
        return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    return PART_HOURS.get((hours if sign == "+" else -hours, minutes))


def parse_zone(text: str, known: Mapping[str, str]) -> str:
    """The IANA name for what a person typed; InvalidInput (with examples) otherwise.

    `known` maps lower-case names and city names ("asia/jakarta", "jakarta") to the
    system's zone names.
    """
    key = " ".join(text.replace("_", " ").split()).lower()[:64]
    if not key:
        raise InvalidInput(f"Send a time zone, {EXAMPLES}.")
    if key in AMBIGUOUS:
        raise InvalidInput(f"“{text.strip()}” could mean {AMBIGUOUS[key]}: send one of those.")
    if key in ALIASES:
        return ALIASES[key]
    m = _OFFSET.fullmatch(key)
    if m is not None:
        sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
        zone = offset_zone(sign, hours, minutes) if minutes < 60 else None
        if zone is None:
            raise InvalidInput(
                f"No time zone keeps UTC{sign}{hours}:{minutes:02d}. Send one {EXAMPLES}."
            )
        return zone
    found = known.get(key) or known.get(key.replace(" ", "_"))
    if found is None:
        raise InvalidInput(
            f"I don't know that time zone: “{text.strip()[:40]}”. Send one {EXAMPLES}."
        )
    return found


def offset_label(total_minutes: int) -> str:
    """UTC+7, UTC-3:30, UTC."""
    if total_minutes == 0:
        return "UTC"
    sign = "+" if total_minutes > 0 else "-"
    hours, minutes = divmod(abs(total_minutes), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
