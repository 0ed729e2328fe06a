"""What people type for a time zone ("GMT+8", "+05:30", "WIB", "KL", "asia/jakarta"),
read as one IANA zone name, or refused with examples when it is unknown or ambiguous.

The IANA names for fixed offsets have an inverted sign: `Etc/GMT-7` is UTC+7 (POSIX
style). So a typed offset is never looked up as a name; it is turned into minutes first.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from zoneinfo import available_timezones

from bot.domain.errors import InvalidInput, Words

# Refusals are shown as plain text (escaped, or in an alert): no HTML here.
EXAMPLES = Words(
    "Send your city or your UTC offset, like /timezone Jakarta, /timezone UTC+8, "
    "/timezone +05:30 or /timezone Asia/Kuala_Lumpur."
)

# Abbreviations and place names people use in the marketplace's region, one zone each.
NAMES: dict[str, str] = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "myt": "Asia/Kuala_Lumpur",
    "malaysia": "Asia/Kuala_Lumpur",
    "kl": "Asia/Kuala_Lumpur",
    "penang": "Asia/Kuala_Lumpur",
    "johor bahru": "Asia/Kuala_Lumpur",
    "jb": "Asia/Kuala_Lumpur",
    "sabah": "Asia/Kuching",
    "sarawak": "Asia/Kuching",
    "wib": "Asia/Jakarta",
    "wita": "Asia/Makassar",
    "bali": "Asia/Makassar",
    "wit": "Asia/Jayapura",
    "sgt": "Asia/Singapore",
    "singapore": "Asia/Singapore",
    "ict": "Asia/Bangkok",
    "thailand": "Asia/Bangkok",
    "vietnam": "Asia/Ho_Chi_Minh",
    "saigon": "Asia/Ho_Chi_Minh",
    "ho chi minh city": "Asia/Ho_Chi_Minh",
    "hanoi": "Asia/Ho_Chi_Minh",
    "cambodia": "Asia/Phnom_Penh",
    "myanmar": "Asia/Yangon",
    "pht": "Asia/Manila",
    "philippines": "Asia/Manila",
    "bnt": "Asia/Brunei",
    "brunei": "Asia/Brunei",
    "hkt": "Asia/Hong_Kong",
    "taiwan": "Asia/Taipei",
    "china": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "jst": "Asia/Tokyo",
    "japan": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "korea": "Asia/Seoul",
    "south korea": "Asia/Seoul",
    "india": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "sri lanka": "Asia/Colombo",
    "bangladesh": "Asia/Dhaka",
    "pakistan": "Asia/Karachi",
    "nepal": "Asia/Kathmandu",
    "uae": "Asia/Dubai",
    "uk": "Europe/London",
    "awst": "Australia/Perth",
}

# Names that mean more than one zone: refused with what to send instead.
AMBIGUOUS: dict[str, Words] = {
    "ist": Words("IST is used in India, Ireland and Israel"),
    "cst": Words("CST is used in China, Cuba and North America"),
    "est": Words("EST is used in North America and Australia"),
    "pst": Words("PST is used in North America and the Philippines"),
    "mst": Words("MST is used in North America and Malaysia"),
    "bst": Words("BST is used in Britain and Bangladesh"),
    "ast": Words("AST is used in Arabia and the Atlantic"),
    "sst": Words("SST is used in Samoa and Singapore"),
    "gst": Words("GST is used in the Gulf and South Georgia"),
    "indonesia": Words(
        "Indonesia has three time zones: WIB (Jakarta), WITA (Bali) and WIT (Jayapura)"
    ),
    "australia": Words("Australia has several time zones"),
    "usa": Words("the USA has several time zones"),
    "us": Words("the USA has several time zones"),
    "america": Words("America has many time zones"),
    "russia": Words("Russia has many time zones"),
    "canada": Words("Canada has several time zones"),
    "brazil": Words("Brazil has several time zones"),
    "mexico": Words("Mexico has several time zones"),
}

# Offsets that are not whole hours have no Etc/ zone: a zone that keeps that offset all year.
FRACTIONAL: dict[int, str] = {
    3 * 60 + 30: "Asia/Tehran",
    4 * 60 + 30: "Asia/Kabul",
    5 * 60 + 30: "Asia/Kolkata",
    5 * 60 + 45: "Asia/Kathmandu",
    6 * 60 + 30: "Asia/Yangon",
    8 * 60 + 45: "Australia/Eucla",
    9 * 60 + 30: "Australia/Darwin",
    -(9 * 60 + 30): "Pacific/Marquesas",
}

MIN_OFFSET, MAX_OFFSET = -12 * 60, 14 * 60  # minutes; what the world's clocks use
_OFFSET = re.compile(
    r"^(?:(?:utc|gmt)\s*)?(?P<sign>[+\-\u2212\u2013])\s*(?P<h>\d{1,2})(?:[:.h]?(?P<m>\d{2}))?$"
)
_ETC_OFFSET = re.compile(r"^(etc/)?gmt[+-]\d+$")
# Not places: machine-local, placeholders, POSIX rules and the inverted-sign offset names.
_NOT_A_CHOICE = re.compile(r"^(localtime|factory|[a-z]{3}\d[a-z]{3}|(etc/)?gmt[+-]?\d+)$")


@cache
def _iana() -> dict[str, str]:
    """Every IANA name worth offering, keyed by its lower case and by its city ("jakarta")."""
    names: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if _NOT_A_CHOICE.match(name.lower()) or name.lower() in NAMES | AMBIGUOUS:
            continue  # "EST" is ambiguous; "Singapore" is Asia/Singapore by its own name
        names.setdefault(name.lower(), name)
        names.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").lower(), name)
    return names


@cache
def catalogue() -> tuple[str, ...]:
    """Every zone `parse_zone` can answer, in a fixed order (buttons refer to it by index)."""
    return tuple(
        sorted(set(_iana().values()) | set(NAMES.values()) | set(FRACTIONAL.values()))
        + [f"Etc/GMT{-h:+d}" for h in range(-12, 15) if h]
    )


def zone_for_offset(minutes: int) -> str | None:
    """A zone whose clock is always UTC+`minutes` (None when no zone keeps that offset)."""
    if not MIN_OFFSET <= minutes <= MAX_OFFSET:
        return None
    if minutes == 0:
        return "UTC"
    if minutes % 60 == 0:
        return f"Etc/GMT{-minutes // 60:+d}"  # the inverted sign: Etc/GMT-7 is UTC+7
    return FRACTIONAL.get(minutes)


def offset_text(offset: timedelta) -> str:
    """`UTC+7`, `UTC-3:30`, `UTC` for an offset from UTC."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def zone_label(name: str) -> str:
    """What a person reads for a stored zone: `UTC+7` for `Etc/GMT-7`, else the name."""
    found = re.fullmatch(r"Etc/GMT([+-]\d+)", name)
    if found is None:
        return name
    return offset_text(timedelta(hours=-int(found.group(1))))


def _offset_minutes(key: str) -> int | None:
    found = _OFFSET.match(key)
    if found is None:
        return None
    minutes = int(found.group("h")) * 60 + int(found.group("m") or 0)
    return -minutes if found.group("sign") != "+" else minutes


def parse_zone(text: str) -> str:
    """The IANA zone name for what a person typed; InvalidInput (with examples) otherwise."""
    key = " ".join(text.replace("_", " ").split()).lower()
    if not key or len(key) > 64:
        raise InvalidInput(Words("I don't know that time zone. {examples}"), examples=EXAMPLES)
    minutes = _offset_minutes(key.replace(" ", ""))
    if minutes is not None:
        zone = zone_for_offset(minutes)
        if zone is None:
            raise InvalidInput(
                Words(
                    "No time zone uses {offset}. Send your city instead, like /timezone Jakarta."
                ),
                offset=offset_text(timedelta(minutes=minutes)),
            )
        return zone
    if _ETC_OFFSET.match(key.replace(" ", "")):
        # "Etc/GMT+7" is UTC-7 in IANA's notation but UTC+7 to most people: don't guess.
        raise InvalidInput(
            Words(
                "Names like Etc/GMT+7 count the hours backwards, so I won't guess. "
                "Send /timezone UTC+7 or /timezone UTC-7."
            )
        )
    if key in AMBIGUOUS:
        raise InvalidInput(
            Words("{which}, so I can't tell which you mean. {examples}"),
            which=AMBIGUOUS[key],
            examples=EXAMPLES,
        )
    zone = NAMES.get(key) or _iana().get(key) or _iana().get(key.replace(" ", "_"))
    if zone is None:
        raise InvalidInput(Words("I don't know that time zone. {examples}"), examples=EXAMPLES)
    return zone
