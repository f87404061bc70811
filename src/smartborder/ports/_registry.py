"""The port registry: builds the typed records from :mod:`._data` once, and looks them up."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from smartborder.ports import _data
from smartborder.ports._model import Aduana, Crossing, LaneType, Mode, Port, Region
from smartborder.ports.errors import UnknownCrossing, UnknownPort, UnknownRegion


class _Registry:
    __slots__ = ("aduanas", "crossings", "ports", "regions", "region_of_port")

    def __init__(self) -> None:
        self.aduanas: dict[str, Aduana] = {
            code: Aduana(code, name) for code, name in _data.ADUANAS.items()
        }
        port_rows = {row[0]: row for row in _data.PORTS}
        by_port: dict[str, list[Crossing]] = {code: [] for code in port_rows}
        self.crossings: dict[str, Crossing] = {}
        for number, name, port_code, aduana, hours, txdot, lane_facts in _data.CROSSINGS:
            lanes: dict[tuple[Mode, LaneType], int] = {}
            peaks: dict[tuple[Mode, LaneType], int] = {}
            for mode_name, (maximum, types) in lane_facts.items():
                mode = Mode(mode_name)
                for type_name, peak in types.items():
                    key = (mode, LaneType(type_name))
                    lanes[key] = maximum
                    peaks[key] = peak
            if txdot is not None:
                lat, lon = _data.TXDOT_COORDINATES[txdot]
                source = f"txdot:{txdot}"
            else:
                lat, lon = port_rows[port_code][4], port_rows[port_code][5]
                source = "bts-port"
            crossing = Crossing(
                bwt_number=number,
                name=name,
                port_code=port_code,
                lanes=MappingProxyType(lanes),
                latitude=lat,
                longitude=lon,
                aduana=self.aduanas[aduana] if aduana is not None else None,
                hours=hours,
                peak_open_lanes=MappingProxyType(peaks),
                coordinates_source=source,
                time_zone=port_rows[port_code][3],
            )
            self.crossings[number] = crossing
            by_port[port_code].append(crossing)
        self.ports: dict[str, Port] = {}
        for code, name, state, tz, lat, lon, region in sorted(_data.PORTS):
            self.ports[code] = Port(
                code=code,
                name=name,
                state=state,
                time_zone=tz,
                latitude=lat,
                longitude=lon,
                crossings=tuple(sorted(by_port[code], key=lambda c: c.bwt_number)),
                region=region,
            )
        self.region_of_port: dict[str, str] = {p.code: p.region for p in self.ports.values()}
        self.regions: dict[str, Region] = {
            rid: Region(
                rid,
                en,
                es,
                tuple(p.code for p in self.ports.values() if p.region == rid),
            )
            for rid, en, es in _data.REGIONS
        }


@cache
def _registry() -> _Registry:
    return _Registry()


def all_ports() -> tuple[Port, ...]:
    """Every U.S.–Mexico land port of entry, ordered by port code."""
    return tuple(_registry().ports.values())


def get_port(code: str) -> Port:
    """The port with this 4-digit CBP port code; raises :class:`UnknownPort` otherwise."""
    port = _registry().ports.get(str(code).strip()) if isinstance(code, str | int) else None
    if port is None:
        raise UnknownPort.for_code(code)
    return port


def all_crossings() -> tuple[Crossing, ...]:
    """Every crossing of every port, ordered by port code then crossing number."""
    return tuple(c for p in all_ports() for c in p.crossings)


def get_crossing(bwt_number: str) -> Crossing:
    """The crossing with this Border Wait Times number; raises :class:`UnknownCrossing`."""
    crossing = (
        _registry().crossings.get(str(bwt_number).strip())
        if isinstance(bwt_number, str | int)
        else None
    )
    if crossing is None:
        raise UnknownCrossing.for_number(bwt_number)
    return crossing


def port_of_crossing(bwt_number: str) -> Port:
    """The port a crossing belongs to (the port whose BTS counts include it)."""
    return get_port(get_crossing(bwt_number).port_code)


def regions() -> tuple[Region, ...]:
    """The binational border regions, west to east."""
    return tuple(_registry().regions.values())


def get_region(region_id: str) -> Region:
    """The region with this id (e.g. ``"san-diego-tijuana"``); raises :class:`UnknownRegion`."""
    region = _registry().regions.get(region_id) if isinstance(region_id, str) else None
    if region is None:
        raise UnknownRegion.for_id(region_id, list(_registry().regions))
    return region


def region_of(port_code: str) -> Region:
    """The region a port belongs to; raises :class:`UnknownPort` for an unknown code."""
    return get_region(get_port(port_code).region)


def get_aduana(code: str) -> Aduana | None:
    """The border aduana with this SAT c_Aduana code, or None if none faces a U.S. port."""
    return _registry().aduanas.get(code)


def excluded_feed_numbers() -> Mapping[str, str]:
    """Mexican-border numbers of the BWT feed that are deliberately not crossings (duplicate
    or placeholder listings), each with the reason — so an importer can skip them knowingly."""
    return MappingProxyType(_data.FEED_EXCLUDED)
