"""Reference data of the U.S.–Mexico land ports of entry, written in the package as facts.

Every port (4-digit CBP/BTS code, name, state, time zone, coordinates), its crossings (the
CBP Border Wait Times numbers, e.g. ``250401`` San Ysidro, ``230404`` World Trade Bridge) with
their modes, lane types and maximum lanes, the Mexican aduana facing each crossing, and the
binational regions. Look-ups of unknown codes raise :class:`UnknownPort` /
:class:`UnknownCrossing` (``InvalidInput``). Times are stored in UTC; :func:`to_local` and
:func:`to_utc` convert at a port. Sources are noted in ``_data.py`` and docs/ports.md.
"""

from __future__ import annotations

from smartborder.ports._inspection import PRIMARY_INSPECTION_S
from smartborder.ports._model import Aduana, Crossing, Direction, LaneType, Mode, Port, Region
from smartborder.ports._registry import (
    all_crossings,
    all_ports,
    excluded_feed_numbers,
    get_aduana,
    get_crossing,
    get_port,
    get_region,
    port_of_crossing,
    region_of,
    regions,
)
from smartborder.ports._time import to_local, to_utc, zone_of
from smartborder.ports.emissions import Emissions, IdlingFactors, factors_for, idling_emissions
from smartborder.ports.errors import InvalidLocalTime, UnknownCrossing, UnknownPort, UnknownRegion

__all__ = [
    "Aduana",
    "Crossing",
    "Direction",
    "Emissions",
    "IdlingFactors",
    "InvalidLocalTime",
    "LaneType",
    "Mode",
    "PRIMARY_INSPECTION_S",
    "Port",
    "Region",
    "UnknownCrossing",
    "UnknownPort",
    "UnknownRegion",
    "all_crossings",
    "all_ports",
    "excluded_feed_numbers",
    "factors_for",
    "get_aduana",
    "get_crossing",
    "get_port",
    "get_region",
    "idling_emissions",
    "port_of_crossing",
    "region_of",
    "regions",
    "to_local",
    "to_utc",
    "zone_of",
]
