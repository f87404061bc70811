"""Where an inspection takes place: an inspection dock at one of the trip's port's crossings,
or a named joint facility of that port.

Docks are named ``dock:<crossing>`` by the crossing's CBP Border Wait Times number (e.g.
``dock:260402``, the Nogales Mariposa commercial dock). Joint facilities are written here as
facts, each with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartborder.i18n import Text
from smartborder.inspections.errors import FacilityUnknown
from smartborder.ports import UnknownPort, get_port


@dataclass(frozen=True, slots=True)
class JointFacility:
    id: str
    port_code: str
    name: Text


JOINT_FACILITIES: tuple[JointFacility, ...] = (
    # CBP and Mexico's SAT (today ANAM) examine northbound trucks together at Nogales' Mariposa
    # port under Unified Cargo Processing (the figure quoted in issue 12: truck processing
    # ≈ 4 h → ≈ 20 min, CBP–SAT UCP pilot).
    JointFacility(
        "ucp:nogales-mariposa",
        "2604",
        Text(
            "Unified Cargo Processing facility, Nogales Mariposa",
            "Instalación de Despacho Conjunto de Carga (UCP), Nogales Mariposa",
        ),
    ),
)


def facilities_of(port_code: str) -> list[str]:
    """The facility ids an inspection at ``port_code`` may use (docks first, then joint ones)."""
    try:
        port = get_port(port_code)
    except UnknownPort:
        return []
    docks = [f"dock:{c.bwt_number}" for c in port.crossings]
    return docks + [f.id for f in JOINT_FACILITIES if f.port_code == port_code]


def check_facility(facility: str, port_code: str) -> None:
    """Raise :class:`FacilityUnknown` (422, listing the port's facilities) unless ``facility``
    is one of the port's."""
    allowed = facilities_of(port_code)
    if facility not in allowed:
        raise FacilityUnknown(facility, port_code, allowed)
