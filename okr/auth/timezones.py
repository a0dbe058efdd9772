"""The timezones a person can choose: common ones first, grouped by region, named in the
reader's language with today's UTC offset, and searchable; the stored value is the IANA name."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from babel.dates import get_timezone, get_timezone_location
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from okr.config import LANGUAGES

# Where the people of a company in China usually are, and their partners: shown first.
COMMON = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Macau",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Bangkok",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "UTC",
)
REGIONS = {
    "Asia": _l("Asia"),
    "Europe": _l("Europe"),
    "America": _l("Americas"),
    "Africa": _l("Africa"),
    "Australia": _l("Australia"),
    "Pacific": _l("Pacific"),
    "Indian": _l("Indian Ocean"),
    "Atlantic": _l("Atlantic"),
    "Antarctica": _l("Antarctica"),
    "Arctic": _l("Arctic"),
}


def _zone_tab() -> Path | None:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def zone_ids() -> tuple[str, ...]:
    """The canonical IANA zones (one per place, from the system's zone.tab), plus UTC."""
    path = _zone_tab()
    known = zoneinfo.available_timezones()
    if path is not None:
        zones = {
            line.split("\t")[2]
            for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        }
    else:  # no zone.tab: the region/city names, without legacy aliases such as US/Eastern
        zones = {z for z in known if z.split("/", 1)[0] in REGIONS and "/" in z}
    return tuple(sorted((zones & known) | {"UTC"}))


def _language() -> str:
    locale = get_locale()
    return locale.language if locale and locale.language in LANGUAGES else LANGUAGES[0]


@lru_cache(maxsize=len(LANGUAGES))
def _places(language: str) -> dict[str, tuple[str, str]]:
    """Each zone's place and city in one language: Europe/London -> (英国时间, 伦敦)."""
    names = {}
    for zone in zone_ids():
        try:
            tz = get_timezone(zone)
            names[zone] = (
                get_timezone_location(tz, locale=language),
                get_timezone_location(tz, locale=language, return_city=True),
            )
        except LookupError:
            names[zone] = (zone, "")
    return names


def _place(zone: str) -> str:
    """Where a zone is, in the reader's language, naming its city when the place does not."""
    if zone == "UTC":
        return _("Coordinated Universal Time")
    place, city = _places(_language()).get(zone, (zone, ""))
    if city and city not in place:
        return _("%(place)s (%(city)s)", place=place, city=city)
    return place


def _offset(zone: str, now: datetime) -> str:
    minutes = _minutes(zone, now)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def label(zone: str, now: datetime | None = None) -> str:
    """A zone as people read it: today's offset and its place, e.g. (UTC+08:00) 中国（上海）时间."""
    now = now or datetime.now(UTC)
    return (
        _labels(_language(), now.replace(minute=0, second=0, microsecond=0)).get(zone)
        or f"({_offset(zone, now)}) {_place(zone)}"
    )


@lru_cache(maxsize=8)
def _labels(language: str, hour: datetime) -> dict[str, str]:
    """Every zone's label in one language, for one hour (offsets change on the hour at most)."""
    del language  # part of the cache key: _place reads the current language
    return {zone: f"({_offset(zone, hour)}) {_place(zone)}" for zone in zone_ids()}


@lru_cache(maxsize=2)
def _offsets(hour: datetime) -> dict[str, int]:
    """Every zone's offset from UTC in minutes, for one hour."""
    return {zone: _zone_minutes(zone, hour) for zone in zone_ids()}


_OFFSET_WORD = re.compile(r"^(?:utc|gmt)?([+\-−])(\d{1,2})(?::?(\d{2}))?$")


def _zone_minutes(zone: str, now: datetime) -> int:
    delta = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    return int(delta.total_seconds() // 60) if delta else 0


def _minutes(zone: str, now: datetime) -> int:
    found = _offsets(now.replace(minute=0, second=0, microsecond=0)).get(zone)
    return found if found is not None else _zone_minutes(zone, now)


def _search_text(zone: str) -> str:
    parts = [zone, zone.replace("_", " ").replace("/", " ")]
    parts += [name for language in LANGUAGES for name in _places(language).get(zone, ())]
    if zone == "UTC":
        parts += ["gmt", str(_("Coordinated Universal Time"))]
    return " ".join(parts).lower()


def matches(zone: str, query: str, now: datetime) -> bool:
    """Whether every word of the query names the zone (its IANA name, place or city in either
    language) or is its offset (+8, UTC+08:00, -3:30)."""
    text = None
    for word in query.lower().split():
        offset = _OFFSET_WORD.match(word)
        if offset:
            sign = -1 if offset[1] in "-−" else 1
            wanted = sign * (int(offset[2]) * 60 + int(offset[3] or 0))
            if _minutes(zone, now) != wanted:
                return False
            continue
        text = text if text is not None else _search_text(zone)
        if word not in text:
            return False
    return True


def match_count(query: str) -> int:
    """How many zones a search finds."""
    now = datetime.now(UTC)
    return sum(1 for zone in zone_ids() if matches(zone, query.strip(), now))


def _sorted(zones: Iterable[str], now: datetime) -> list[tuple[str, str]]:
    def key(zone: str) -> tuple[int, str]:
        return (_minutes(zone, now), label(zone, now))

    return [(zone, label(zone, now)) for zone in sorted(zones, key=key)]


def choices(query: str = "", current: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """The zones to offer, grouped (common first, then by region, each by offset), filtered by
    `query`; the person's current zone is always among them so the select keeps showing it."""
    now = datetime.now(UTC)
    zones = list(zone_ids())
    if current and current not in zones and current in zoneinfo.available_timezones():
        zones.append(current)  # an older name saved before, still valid
    query = query.strip()
    shown = [z for z in zones if not query or matches(z, query, now) or z == current]
    groups: dict[str, list[tuple[str, str]]] = {}
    common = [z for z in COMMON if z in shown]
    if common:
        groups[str(_("Common"))] = [(z, label(z, now)) for z in common]
    names = {key: str(name) for key, name in REGIONS.items()}
    other = _("Other")
    by_region: dict[str, list[str]] = {}
    for zone in shown:
        if zone not in COMMON:
            by_region.setdefault(names.get(zone.split("/", 1)[0], other), []).append(zone)
    order = list(names.values())
    for name in sorted(by_region, key=lambda n: order.index(n) if n in order else len(order)):
        groups[name] = _sorted(by_region[name], now)
    return groups


def count(groups: dict[str, list[tuple[str, str]]]) -> int:
    return sum(len(items) for items in groups.values())
