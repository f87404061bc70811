"""The facts rules may test: named values computed from a declaration and its context.

Rules never reach into the declaration directly; they name facts from these catalogs, so a
rules file can be validated (an unknown fact is an error at load time) and the facts are
computed once per declaration in plain Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from smartborder.declarations import GENERIC_RFCS, TravelerDeclaration, TruckShipment
from smartborder.ports import Direction

FactType = Literal["bool", "number", "string", "set"]

# fact name → (type, description). Descriptions appear in docs/preclearance.md.
TRUCK_FACTS: dict[str, tuple[FactType, str]] = {
    "direction": ("string", "northbound or southbound"),
    "port_code": ("string", "CBP 4-digit port code"),
    "fast": ("bool", "FAST-card driver with a C-TPAT carrier"),
    "ctpat": ("bool", "carrier is a C-TPAT partner"),
    "driver_fast_card": ("bool", "driver holds a FAST card"),
    "hs_chapters": ("set", "2-digit HS chapters of all lines"),
    "hs_headings": ("set", "4-digit HS headings of all lines"),
    "hs_codes": ("set", "6-digit HS codes of all lines"),
    "shipment_count": ("number", "shipments on the trip"),
    "line_count": ("number", "commodity lines on the trip"),
    "total_weight_kg": ("number", "sum of the shipments' gross weights"),
    "max_kg_per_piece": ("number", "heaviest line's weight per piece"),
    "min_lines_weight_ratio": (
        "number",
        "lowest ratio of lines' weight to a shipment's gross weight",
    ),
    "minutes_before_arrival": ("number", "minutes between filing and expected arrival"),
    "seal_missing": ("bool", "loaded equipment without a seal"),
    "container": ("bool", "the trip carries a container"),
    "in_bond": ("bool", "a shipment moves in bond"),
    "usmca_claimed": ("bool", "a shipment carries a USMCA certification"),
    "usmca_goods_mismatch": ("bool", "a certified good's HS code is not on the shipment's lines"),
    "pedimento_missing": ("bool", "a shipment has no pedimento"),
    "origin_countries": ("set", "declared countries of origin of the lines"),
    "lading_countries": ("set", "countries of the foreign places of lading"),
    "first_time_shipper": ("bool", "a shipper not seen before (needs a party history)"),
    "first_time_consignee": ("bool", "a consignee not seen before (needs a party history)"),
    "carta_porte_party_mismatch": (
        "bool",
        "the Carta Porte's Mexican RFC (sender northbound, recipient southbound) is none of the shipments' parties",
    ),
    "ctpat_verified": (
        "bool",
        "a verified C-TPAT certificate names the carrier's SCAC (then `ctpat` is true too)",
    ),
    "usmca_verified": ("bool", "a verified USMCA certification of origin is attached"),
    "carta_porte_verified": ("bool", "a verified Carta Porte credential is attached"),
    "recent_violation_shipper": (
        "bool",
        "an inspection found a violation on a trip of a shipper of this trip, within the weight set's violation window (needs a violation history)",
    ),
    "recent_violation_consignee": (
        "bool",
        "as recent_violation_shipper, for a consignee of this trip",
    ),
    "recent_violation_carrier": (
        "bool",
        "as recent_violation_shipper, for the carrier (by SCAC)",
    ),
}

TRAVELER_FACTS: dict[str, tuple[FactType, str]] = {
    "direction": ("string", "northbound or southbound"),
    "port_code": ("string", "CBP 4-digit port code"),
    "purpose": ("string", "purpose of travel (Purpose value)"),
    "essential": ("bool", "purpose is essential travel under the 2020 DHS notices"),
    "trusted_traveler": ("bool", "member of SENTRI, NEXUS, Global Entry or FAST"),
    "program": ("string", "trusted-traveler program, or 'none'"),
    "pedestrian": ("bool", "crossing on foot"),
    "nationality": ("string", "ISO 3166-1 alpha-3"),
    "document_type": ("string", "travel document type"),
    "document_issuer": ("string", "issuing country of the document"),
    "rfid_document": ("bool", "document readable at a Ready Lane"),
    "document_days_left": ("number", "days from arrival to document expiry"),
    "age_years": ("number", "age at arrival"),
    "vaccination_status": ("string", "full, partial, none or unknown"),
    "minutes_before_arrival": ("number", "minutes between filing and expected arrival"),
    "foreign_plate": ("bool", "vehicle plate from a country other than the document issuer's"),
    "passport_foreign_issuer": ("bool", "a passport not issued by the traveler's nationality"),
    "trusted_traveler_verified": (
        "bool",
        "a verified credential proves an active SENTRI, NEXUS or FAST membership",
    ),
    "vaccination_verified": ("bool", "a verified vaccination credential says fully vaccinated"),
}

FACTS: dict[str, dict[str, tuple[FactType, str]]] = {
    "truck": TRUCK_FACTS,
    "traveler": TRAVELER_FACTS,
}


class PartyHistory(Protocol):
    """Which shippers and consignees were seen before (the store can supply one)."""

    def seen(self, key: str) -> bool: ...

    def remember(self, key: str) -> None: ...


@dataclass
class InMemoryPartyHistory:
    """A process-local :class:`PartyHistory` (demo, benchmarks, tests)."""

    keys: set[str] = field(default_factory=set)

    def seen(self, key: str) -> bool:
        return key in self.keys

    def remember(self, key: str) -> None:
        self.keys.add(key)


def party_key(party: Any) -> str:
    """A stable key of a party: its RFC if it has one, else name and country."""
    rfc = getattr(party, "rfc", None)
    return f"rfc:{rfc}" if rfc else f"name:{party.name.upper()}|{party.address.country}"


def parties_of(declaration: Any) -> list[str]:
    """The party keys of a declaration's shippers and consignees, shipment by shipment
    (shipper, consignee, shipper, …); none for a traveler."""
    if not isinstance(declaration, TruckShipment):
        return []
    return [party_key(p) for s in declaration.shipments for p in (s.shipper, s.consignee)]


def truck_facts(
    t: TruckShipment, *, now: datetime, history: PartyHistory | None = None
) -> dict[str, Any]:
    chapters: set[str] = set()
    headings: set[str] = set()
    codes: set[str] = set()
    origins: set[str] = set()
    lading: set[str] = set()
    lines = 0
    weight = 0.0
    max_kg_piece = 0.0
    min_ratio = 1.0
    usmca = mismatch = pedimento_missing = in_bond = False
    first_shipper = first_consignee = False
    new_parties: list[str] = []
    party_keys: list[str] | None = None
    for s in t.shipments:
        lines_kg = 0.0
        line_codes: set[str] = set()
        for line in s.lines:
            code = line.hs_code
            codes.add(code)
            line_codes.add(code)
            chapters.add(code[:2])
            headings.add(code[:4])
            lines_kg += line.weight_kg
            per_piece = line.weight_kg / line.piece_count
            if per_piece > max_kg_piece:
                max_kg_piece = per_piece
            if line.origin_country:
                origins.add(line.origin_country)
        lines += len(s.lines)
        weight += s.weight_kg
        ratio = lines_kg / s.weight_kg
        if ratio < min_ratio:
            min_ratio = ratio
        lading.add(s.foreign_place_of_lading.country)
        in_bond = in_bond or s.in_bond
        if s.pedimento is None:
            pedimento_missing = True
        if s.usmca is not None:
            usmca = True
            if any(g.hs_code not in line_codes for g in s.usmca.goods):
                mismatch = True
    if history is not None:
        party_keys = parties_of(t)  # shipper, consignee of each shipment in turn
        unseen = [not history.seen(k) for k in party_keys]
        first_shipper = any(unseen[0::2])
        first_consignee = any(unseen[1::2])
        new_parties = list(dict.fromkeys(k for k, u in zip(party_keys, unseen, strict=True) if u))
    seal_missing = any(not e.empty and not e.seals for e in t.equipment)
    cp_mismatch = False
    if t.mexico is not None:
        north = t.direction is Direction.NORTHBOUND
        rfc = t.mexico.rfc_sender if north else t.mexico.rfc_recipient
        if rfc not in GENERIC_RFCS:
            parties = [s.shipper if north else s.consignee for s in t.shipments]
            cp_mismatch = all(p.rfc != rfc for p in parties)
    return {
        "direction": t.direction,  # a StrEnum: equal to and hashed as its value
        "port_code": t.port_code,
        "fast": t.fast,
        "ctpat": t.carrier.ctpat,
        "driver_fast_card": t.driver.fast_card is not None,
        "hs_chapters": chapters,
        "hs_headings": headings,
        "hs_codes": codes,
        "shipment_count": len(t.shipments),
        "line_count": lines,
        "total_weight_kg": weight,
        "max_kg_per_piece": max_kg_piece,
        "min_lines_weight_ratio": min_ratio,
        "minutes_before_arrival": (t.expected_arrival - now).total_seconds() / 60.0,
        "seal_missing": seal_missing,
        "container": any(e.type == "container" for e in t.equipment),
        "in_bond": in_bond,
        "usmca_claimed": usmca,
        "usmca_goods_mismatch": mismatch,
        "pedimento_missing": pedimento_missing,
        "origin_countries": origins,
        "lading_countries": lading,
        "first_time_shipper": first_shipper,
        "first_time_consignee": first_consignee,
        "carta_porte_party_mismatch": cp_mismatch,
        "ctpat_verified": False,  # set from credentials by apply_verified_claims
        "usmca_verified": False,
        "carta_porte_verified": False,
        "recent_violation_shipper": False,  # set from inspections by apply_violations
        "recent_violation_consignee": False,
        "recent_violation_carrier": False,
        PARTY_KEYS: new_parties,
        ALL_PARTY_KEYS: party_keys,
    }


def traveler_facts(
    t: TravelerDeclaration, *, now: datetime, history: PartyHistory | None = None
) -> dict[str, Any]:
    arrival_day = t.expected_arrival.date()
    born = t.date_of_birth
    age = (
        arrival_day.year
        - born.year
        - ((arrival_day.month, arrival_day.day) < (born.month, born.day))
    )
    tt = t.trusted_traveler
    plate = t.vehicle_plate
    return {
        "direction": t.direction,  # a StrEnum: equal to and hashed as its value
        "port_code": t.port_code,
        "purpose": t.purpose,
        "essential": t.purpose.essential,
        "trusted_traveler": tt is not None,
        "program": tt.program if tt is not None else "none",
        "pedestrian": plate is None,
        "nationality": t.nationality,
        "document_type": t.document.type,
        "document_issuer": t.document.issuing_country,
        "rfid_document": t.rfid_document,
        "document_days_left": (t.document.expires_on - arrival_day).days,
        "age_years": age,
        "vaccination_status": t.vaccination.status if t.vaccination is not None else "unknown",
        "minutes_before_arrival": (t.expected_arrival - now).total_seconds() / 60.0,
        "passport_foreign_issuer": t.document.type == "passport"
        and t.document.issuing_country != t.nationality,
        "foreign_plate": plate is not None
        and plate.country not in (t.document.issuing_country, t.nationality),
        "trusted_traveler_verified": False,  # set from credentials by apply_verified_claims
        "vaccination_verified": False,
    }


def apply_verified_claims(kind: str, facts: dict[str, Any], claims: Mapping[str, Any]) -> None:
    """Update ``facts`` with what verified credentials prove (claims as made by the
    credentials stage): proven facts set their ``*_verified`` fact and override the declared
    one — a verified C-TPAT certificate makes ``ctpat`` true; a verified credential saying a
    trusted-traveler membership is suspended or revoked makes ``trusted_traveler`` false."""
    if kind == "truck":
        if claims.get("ctpat") is True:
            facts["ctpat"] = facts["ctpat_verified"] = True
        facts["usmca_verified"] = claims.get("usmca_certified") is True
        facts["carta_porte_verified"] = claims.get("carta_porte") is True
        return
    if "trusted_traveler" in claims:
        facts["trusted_traveler"] = bool(tuple(claims["trusted_traveler"]))
    facts["trusted_traveler_verified"] = bool(tuple(claims.get("trusted_traveler_verified", ())))
    facts["vaccination_verified"] = claims.get("fully_vaccinated") is True


FactFunction = Callable[..., dict[str, Any]]
FACT_FUNCTIONS: dict[str, FactFunction] = {"truck": truck_facts, "traveler": traveler_facts}


def remember_parties(t: TruckShipment, history: PartyHistory) -> None:
    """Record a truck's shippers and consignees as seen (after it is decided)."""
    for s in t.shipments:
        history.remember(party_key(s.shipper))
        history.remember(party_key(s.consignee))


# Not a fact rules can name: the party keys truck_facts found new to the history (each once),
# for the risk stage to remember and hand on to be stored.
PARTY_KEYS = "_party_keys"
# Not a fact either: every party key of the trip (shipper, consignee, … as parties_of gives
# them) when truck_facts computed them for a history, so the violation check need not again.
ALL_PARTY_KEYS = "_all_party_keys"
