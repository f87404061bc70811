"""The records of the BWT feed parser and the feed's clock: lane groups and statuses, the
readings and crossings it yields, and how ``At 10:00 pm EDT`` becomes an instant (see
:mod:`smartborder.kpi.bwt`, which re-exports the public names)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from smartborder import ports

# Group element -> mode; lane element -> lane type (the feed's own names, see module doc).
MODE_GROUPS: dict[str, str] = {
    "commercial_vehicle_lanes": "commercial",
    "passenger_vehicle_lanes": "passenger",
    "pedestrian_lanes": "pedestrian",
}
LANE_ELEMENTS: dict[str, str] = {
    "standard_lanes": "standard",
    "FAST_lanes": "fast",
    "NEXUS_SENTRI_lanes": "sentri",
    "ready_lanes": "ready",
}
# The feed's names -> SmartBorder's vocabulary (smartborder.ports.Mode / LaneType values),
# which the store, the KPIs and the crossing events use.
PLATFORM_MODE: dict[str, str] = {
    "commercial": ports.Mode.COMMERCIAL.value,
    "passenger": ports.Mode.PASSENGER_VEHICLE.value,
    "pedestrian": ports.Mode.PEDESTRIAN.value,
}
PLATFORM_LANE: dict[str, str] = {
    "standard": ports.LaneType.GENERAL.value,
    "fast": ports.LaneType.FAST.value,
    "sentri": ports.LaneType.SENTRI.value,
    "ready": ports.LaneType.READY.value,
}
BORDERS: dict[str, str] = {"Mexican Border": "mexico", "Canadian Border": "canada"}
# Feed status -> stored status.
STATUSES: dict[str, str] = {
    "no delay": "no_delay",
    "delay": "delay",
    "lanes closed": "closed",
    "update pending": "pending",
    "n/a": "n_a",
    "": "empty",
}
# The fixed offsets the feed's abbreviations stand for; used only for a crossing the ports
# registry does not know (an abbreviation names an offset, not a zone with DST rules).
ABBREVIATION_OFFSETS_H: dict[str, int] = {
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3,
    "UTC": 0, "GMT": 0,  # what SmartBorder's own feed prints for a crossing without a zone
}  # fmt: skip
# CBP stamps ``last_updated_date``/``last_updated_time`` in U.S. Eastern time (checked against
# the archive's UTC file names, e.g. 2025-6-30 20:19:45 in rss-2025-07-01_00-23-16).
FEED_CLOCK = ZoneInfo("America/New_York")

_TIME_RE = re.compile(
    r"^\s*at\s+(?:(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<ampm>[ap]\.?m\.?)|(?P<word>noon|midnight))"
    r"\s*(?P<abbr>[A-Za-z]{2,4})?\s*$",
    re.IGNORECASE,
)
_PORT_NUMBER_RE = re.compile(r"^\d{6}$")
_EXCLUDED: Mapping[str, str] = ports.excluded_feed_numbers()

ZoneLookup = Callable[[str], tzinfo | None]


@dataclass(slots=True)
class BwtReading:
    """One lane's reading: the wait CBP published for a crossing, mode and lane type at a time.

    ``mode`` and ``lane_type`` are the feed's own names (``passenger``, ``standard``);
    :data:`PLATFORM_MODE` / :data:`PLATFORM_LANE` map them to SmartBorder's (``passenger_vehicle``,
    ``general``), which the store and the KPIs use.
    """

    port_number: str
    border: str
    mode: str
    lane_type: str
    updated_at: datetime  # UTC
    status: str
    delay_min: int | None
    lanes_open: int | None
    max_lanes: int | None


@dataclass(slots=True)
class BwtPort:
    """What the feed says about a crossing besides its readings (names, hours, automation)."""

    port_number: str
    border: str
    port_name: str
    crossing_name: str
    hours: str
    port_status: str
    construction_notice: str
    automation: dict[str, str]
    max_lanes: dict[str, int | None]
    lane_status: dict[str, str]  # "mode/lane" -> stored status, including lanes with no reading


@dataclass(frozen=True, slots=True)
class BwtProblem:
    """Something skipped: where (source, line, port) and why (stable ``reason`` plus detail)."""

    source: str
    reason: str
    detail: str
    line: int | None = None
    port_number: str | None = None


@dataclass(slots=True)
class BwtSnapshot:
    """One feed document parsed: its time, crossings, readings, and what was skipped."""

    source: str
    taken_at: datetime | None
    ports: list[BwtPort] = field(default_factory=list)
    readings: list[BwtReading] = field(default_factory=list)
    problems: list[BwtProblem] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    complete: bool = True
    supported: bool = True


def default_zone_lookup() -> ZoneLookup:
    """The ports registry's IANA zone for a BWT crossing number, ``None`` where it has none."""
    cache: dict[str, tzinfo | None] = {}

    def lookup(number: str) -> tzinfo | None:
        if number not in cache:
            try:
                zone: tzinfo | None = ZoneInfo(ports.get_crossing(number).time_zone)
            except (ports.UnknownCrossing, KeyError, ValueError):
                zone = None  # not a U.S.-Mexico crossing the registry knows
            cache[number] = zone
        return cache[number]

    return lookup


def parse_update_time(
    text: str,
    *,
    local_date: date,
    zone: tzinfo | None,
    not_after: datetime | None = None,
) -> datetime:
    """``At 10:00 pm EDT`` on ``local_date`` in ``zone`` (or the abbreviation's offset), in UTC.

    ``not_after`` (the snapshot time) moves a reading that would lie more than an hour after
    it back one day. Raises ``ValueError`` for text that is not an update time.
    """
    m = _TIME_RE.match(text)
    if m is None:
        raise ValueError(f"not an update time: {text!r}")
    word = (m.group("word") or "").lower()
    if word == "noon":
        hour, minute = 12, 0
    elif word == "midnight":
        hour, minute = 0, 0
    else:
        hour, minute = int(m.group("h")), int(m.group("m"))
        # The feed writes "At 0:08 am" for 12:08 am at some ports: accept hour 0.
        if not (0 <= hour <= 12 and 0 <= minute <= 59):
            raise ValueError(f"clock time out of range: {text!r}")
        pm = m.group("ampm").lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    abbr = (m.group("abbr") or "").upper()
    tz = zone
    if tz is None:
        if abbr not in ABBREVIATION_OFFSETS_H:
            raise ValueError(f"no time zone for the crossing and none in {text!r}")
        tz = timezone(timedelta(hours=ABBREVIATION_OFFSETS_H[abbr]), abbr)
    local = datetime(local_date.year, local_date.month, local_date.day, hour, minute, tzinfo=tz)
    if zone is not None and abbr in ABBREVIATION_OFFSETS_H:
        # In the repeated hour of a DST fall-back the abbreviation says which one was meant.
        other = local.replace(fold=1)
        offset = other.utcoffset()
        if (
            offset is not None
            and offset != local.utcoffset()
            and offset == timedelta(hours=ABBREVIATION_OFFSETS_H[abbr])
        ):
            local = other
    out = local.astimezone(UTC)
    if not_after is not None and out > not_after + timedelta(hours=1):
        out = (local - timedelta(days=1)).astimezone(UTC)
    return out


def _parse_us_date(text: str) -> date | None:
    parts = text.strip().split("/")
    if len(parts) != 3:
        return None
    try:
        month, day, year = (int(p) for p in parts)
        return date(year, month, day)
    except ValueError:
        return None


def _int_or_none(text: str | None) -> int | None:
    """A count from the feed; ``None`` for empty or ``N/A``; ``ValueError`` for anything else."""
    value = (text or "").strip()
    if value == "" or value.upper() == "N/A":
        return None
    n = int(value)
    if n < 0:
        raise ValueError(f"negative count {value!r}")
    return n


def _local_stamp(day: date, clock: str, zone: tzinfo | None) -> datetime | None:
    try:
        h, m, s = (int(x) for x in clock.strip().split(":"))
        return datetime(
            day.year, day.month, day.day, h, m, s, tzinfo=zone or FEED_CLOCK
        ).astimezone(UTC)
    except ValueError:
        return None


def _feed_time(day: str | None, clock: str | None) -> datetime | None:
    if not day or not clock:
        return None
    try:
        y, mo, d = (int(x) for x in day.strip().split("-"))
        h, mi, s = (int(x) for x in clock.strip().split(":"))
        return datetime(y, mo, d, h, mi, s, tzinfo=FEED_CLOCK).astimezone(UTC)
    except ValueError:
        return None
