"""Times at a port: stored in UTC, shown in the IANA zone of the port's U.S. side."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from smartborder.errors import InvalidInput
from smartborder.i18n import Text
from smartborder.ports._model import Port
from smartborder.ports._registry import get_port
from smartborder.ports.errors import InvalidLocalTime

_NAIVE_UTC = Text(
    "A UTC time must carry its offset (e.g. 2025-03-09T10:00:00Z); this one has none.",
    "Una hora UTC debe indicar su desfase (p. ej. 2025-03-09T10:00:00Z); esta no lo indica.",
)


@cache
def zone_of(port: Port | str) -> ZoneInfo:
    """The port's time zone (a port or its 4-digit code)."""
    p = port if isinstance(port, Port) else get_port(port)
    return ZoneInfo(p.time_zone)


def to_local(dt: datetime, port: Port | str) -> datetime:
    """An aware instant as the port's local wall-clock time (aware, in the port's zone).

    A naive ``dt`` is refused: SmartBorder stores UTC with its offset, so a missing offset
    is a bug upstream, not something to guess.
    """
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise InvalidInput(_NAIVE_UTC, code="ports.naive_datetime")
    return dt.astimezone(zone_of(port))


def to_utc(local: datetime, port: Port | str) -> datetime:
    """A wall-clock time at the port as an aware UTC instant.

    A naive ``local`` is read in the port's zone. In the repeated hour when DST ends,
    ``fold=0`` (the default) is the first occurrence and ``fold=1`` the second; a time in the
    skipped hour when DST begins raises :class:`InvalidLocalTime`. An aware ``local`` is simply
    converted.
    """
    if local.tzinfo is not None and local.utcoffset() is not None:
        return local.astimezone(UTC)
    zone = zone_of(port)
    placed = local.replace(tzinfo=zone)
    instant = placed.astimezone(UTC)
    # A skipped wall time does not survive the round trip through UTC.
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(fold=0):
        raise InvalidLocalTime(extra={"local_time": local.isoformat(), "zone": zone.key})
    return instant
