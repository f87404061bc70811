"""The types of the port reference data: modes, lane types, directions, aduanas, crossings,
ports and regions. Instances are built once from the facts in :mod:`._data` and never change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Mode(StrEnum):
    """How a traveler or a load crosses: the three lane groups of CBP's Border Wait Times feed."""

    PASSENGER_VEHICLE = "passenger_vehicle"
    PEDESTRIAN = "pedestrian"
    COMMERCIAL = "commercial"


class LaneType(StrEnum):
    """A kind of primary-inspection lane.

    GENERAL, READY, SENTRI and FAST are the feed's lane kinds (``standard_lanes``,
    ``ready_lanes``, ``NEXUS_SENTRI_lanes``, ``FAST_lanes``). PRECLEARED is SmartBorder's own
    configurable lane for pre-cleared traffic; no crossing has one in the reference data.
    """

    GENERAL = "general"
    READY = "ready"
    SENTRI = "sentri"
    FAST = "fast"
    PRECLEARED = "precleared"


class Direction(StrEnum):
    """Northbound traffic is CBP's (entering the U.S.); southbound is ANAM's (entering Mexico)."""

    NORTHBOUND = "northbound"
    SOUTHBOUND = "southbound"


@dataclass(frozen=True, slots=True)
class Aduana:
    """A Mexican customs house: its two-digit SAT ``c_Aduana`` code and name."""

    code: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True, slots=True)
class Crossing:
    """One crossing as CBP's Border Wait Times feed lists it.

    ``bwt_number`` is the feed's ``port_number`` verbatim (six characters; digits for all but
    Fort Hancock, which the feed publishes as ``l24501``). ``port_code`` is the 4-digit port
    whose BTS counts include this crossing — usually the number's first four digits; see
    docs/ports.md for the exceptions.

    ``lanes`` maps each (mode, lane type) the crossing operates to the maximum lanes for it:
    the feed publishes one ``maximum_lanes`` per mode, and the lane types of a mode share
    those booths. ``peak_open_lanes`` is the most lanes of that type the feed reported open
    at once in the March–September 2025 archive (0: the type exists but was only reported
    closed). ``time_zone`` is its port's IANA zone.
    """

    bwt_number: str
    name: str
    port_code: str
    lanes: Mapping[tuple[Mode, LaneType], int]
    latitude: float
    longitude: float
    aduana: Aduana | None
    hours: str = ""
    peak_open_lanes: Mapping[tuple[Mode, LaneType], int] | None = None
    coordinates_source: str = "bts-port"
    time_zone: str = ""  # the IANA zone of its port, repeated here for feed importers

    def __hash__(self) -> int:
        return hash(self.bwt_number)

    @property
    def modes(self) -> tuple[Mode, ...]:
        """The modes this crossing serves, in :class:`Mode` order."""
        present = {mode for mode, _ in self.lanes}
        return tuple(m for m in Mode if m in present)

    def lane_types(self, mode: Mode) -> tuple[LaneType, ...]:
        """The lane types this crossing operates for ``mode`` (empty if it does not serve it)."""
        return tuple(lt for lt in LaneType if (mode, lt) in self.lanes)

    def max_lanes(self, mode: Mode) -> int:
        """The feed's ``maximum_lanes`` for ``mode``; 0 where the crossing does not serve it."""
        return max((n for (m, _), n in self.lanes.items() if m is mode), default=0)

    def to_dict(self) -> dict[str, Any]:
        peaks = self.peak_open_lanes or {}
        modes: dict[str, Any] = {}
        for mode in self.modes:
            types = self.lane_types(mode)
            modes[mode.value] = {
                "maximum_lanes": self.max_lanes(mode),
                "lane_types": [lt.value for lt in types],
                "peak_open_lanes": {lt.value: peaks.get((mode, lt), 0) for lt in types},
            }
        return {
            "bwt_number": self.bwt_number,
            "name": self.name,
            "port_code": self.port_code,
            "hours": self.hours,
            "time_zone": self.time_zone,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "coordinates_source": self.coordinates_source,
            "aduana": self.aduana.to_dict() if self.aduana else None,
            "modes": modes,
        }


@dataclass(frozen=True, slots=True)
class Port:
    """A U.S.–Mexico land port of entry: its 4-digit CBP/BTS code, where it is, the IANA time
    zone of its U.S. side, its crossings, and the binational region it belongs to."""

    code: str
    name: str
    state: str
    time_zone: str
    latitude: float
    longitude: float
    crossings: tuple[Crossing, ...]
    region: str

    @property
    def aduanas(self) -> tuple[Aduana, ...]:
        """The Mexican customs houses facing this port's crossings, without repeats."""
        seen: dict[str, Aduana] = {}
        for c in self.crossings:
            if c.aduana is not None:
                seen.setdefault(c.aduana.code, c.aduana)
        return tuple(seen.values())

    @property
    def modes(self) -> tuple[Mode, ...]:
        present = {m for c in self.crossings for m in c.modes}
        return tuple(m for m in Mode if m in present)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "state": self.state,
            "time_zone": self.time_zone,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "region": self.region,
            "crossings": [c.to_dict() for c in self.crossings],
        }


@dataclass(frozen=True, slots=True)
class Region:
    """A binational border region (the unit admissibility plans are written for)."""

    id: str
    name_en: str
    name_es: str
    port_codes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name_en": self.name_en,
            "name_es": self.name_es,
            "port_codes": list(self.port_codes),
        }
