"""The truck shipment declaration: CBP ACE truck e-Manifest elements plus the Mexican ones.

One declaration is one trip of one conveyance across one port (ACE's "trip"), carrying one or
more shipments, each with its shipment control number (SCN), parties, lines with HS codes,
and, where they apply, the Mexican pedimento and a USMCA certification of origin. The Carta
Porte 3.1 elements (``IdCCP``, RFC of sender and recipient) belong to the whole movement.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from smartborder.declarations._types import (
    BirthDate,
    Country,
    ExpectedArrival,
    HSCode,
    IdCCP,
    IdempotencyKey,
    Name,
    Party,
    PassId,
    Pedimento,
    Plate,
    PortCode,
    Presentations,
    Record,
    Region,
    Rfc,
    Scac,
    SealNumber,
    ShipmentControlNumber,
    TravelDocument,
    TripNumber,
    Vin,
    fail,
    now_of,
)
from smartborder.declarations.checks import container_problem, is_container_number
from smartborder.ports import Direction

Positive = Annotated[int, Field(gt=0, le=1_000_000)]
Kilograms = Annotated[float, Field(gt=0, le=100_000)]


class Carrier(Record):
    name: Name
    ctpat: bool = Field(
        default=False, description="Whether the carrier is a certified C-TPAT partner."
    )
    usdot_number: Annotated[str, Field(pattern=r"^[0-9]{1,8}$")] | None = None


class Conveyance(Record):
    """The power unit (truck tractor or straight truck)."""

    vin: Vin = Field(description="17-character VIN; its check digit is verified (49 CFR 565).")
    plate: Plate
    transponder: Annotated[str, Field(max_length=20)] | None = None


EquipmentType = Literal["container", "trailer", "chassis", "tank", "flatbed"]


class Equipment(Record):
    """A trailer, container or chassis; containers carry ISO 6346 numbers."""

    type: EquipmentType
    number: Annotated[str, Field(min_length=1, max_length=17)]
    plate: Plate | None = None
    seals: list[SealNumber] = Field(default_factory=list, max_length=10)
    empty: bool = False

    @field_validator("number", mode="after")
    @classmethod
    def _container_number(cls, value: str, info: ValidationInfo) -> str:
        value = value.upper().replace(" ", "")
        if info.data.get("type") == "container" or is_container_number(value):
            problem = container_problem(value)
            if problem is not None:
                raise fail(*problem)
        return value


class Driver(Record):
    family_name: Name
    given_names: Name
    date_of_birth: BirthDate
    nationality: Country
    travel_document: TravelDocument | None = None
    fast_card: PassId | None = Field(default=None, description="9-digit FAST card PASSID.")

    @model_validator(mode="after")
    def _has_document(self) -> Driver:
        if self.travel_document is None and self.fast_card is None:
            raise fail("declaration.driver.document", {})
        return self


class PlaceOfLading(Record):
    city: Name
    region: Region | None = None
    country: Country


class CommodityLine(Record):
    description: Annotated[str, Field(min_length=3, max_length=200)]
    hs_code: HSCode = Field(description="6-digit HS 2022 subheading, no dots.")
    piece_count: Positive
    weight_kg: Kilograms
    value_usd: Annotated[float, Field(ge=0, le=1e9)] | None = None
    origin_country: Country | None = None


OriginCriterion = Literal["A", "B", "C", "D"]
CertifierRole = Literal["importer", "exporter", "producer"]


class CertifiedGood(Record):
    """Element 6 and 7: description, HS classification and origin criterion of a good."""

    description: Annotated[str, Field(min_length=3, max_length=200)]
    hs_code: HSCode
    origin_criterion: OriginCriterion


class BlanketPeriod(Record):
    start: date
    end: date

    @model_validator(mode="after")
    def _at_most_twelve_months(self) -> BlanketPeriod:
        # USMCA Art. 5.2: a certification may cover multiple shipments over up to 12 months.
        if self.end <= self.start or self.end - self.start > timedelta(days=366):
            raise fail(
                "declaration.usmca.blanket_period",
                {"start": self.start.isoformat(), "end": self.end.isoformat()},
            )
        return self


class Signature(Record):
    """Element 9: authorized signature and date, with the certification statement made."""

    name: Name
    title: Annotated[str, Field(max_length=80)] | None = None
    signed_on: date

    @field_validator("signed_on", mode="after")
    @classmethod
    def _not_future(cls, value: date, info: ValidationInfo) -> date:
        if value > now_of(info).date() + timedelta(days=1):
            raise fail("declaration.usmca.signature_date", {"value": value.isoformat()})
        return value


class UsmcaCertification(Record):
    """The nine minimum data elements of a USMCA certification of origin (Annex 5-A)."""

    certifier_role: CertifierRole  # 1
    certifier: Party  # 2
    exporter: Party | None = None  # 3 (required if the certifier is not the exporter)
    producer: Party | None = None  # 4
    producer_note: Literal["various", "available_upon_request"] | None = None
    importer: Party | None = None  # 5 (if known)
    goods: list[CertifiedGood] = Field(min_length=1, max_length=100)  # 6 and 7
    blanket_period: BlanketPeriod | None = None  # 8
    signature: Signature  # 9

    @model_validator(mode="after")
    def _producer(self) -> UsmcaCertification:
        if (self.producer is None) == (self.producer_note is None):
            raise fail("declaration.usmca.producer", {"at": "producer"})
        return self


class Shipment(Record):
    """One bill of lading: its SCN, parties, place of lading, totals and lines."""

    shipment_control_number: ShipmentControlNumber
    shipper: Party
    consignee: Party
    foreign_place_of_lading: PlaceOfLading
    piece_count: Positive
    weight_kg: Kilograms
    lines: list[CommodityLine] = Field(min_length=1, max_length=999)
    in_bond: bool = False
    pedimento: Pedimento | None = Field(
        default=None,
        description="Mexican pedimento, 15 digits; stored as 'YY  AA  PPPP  NNNNNNN'.",
    )
    usmca: UsmcaCertification | None = None

    @model_validator(mode="after")
    def _totals(self) -> Shipment:
        lines_kg = sum(line.weight_kg for line in self.lines)
        # A shipment's gross weight includes packing: lines may weigh less, never more (1% slack).
        if lines_kg > self.weight_kg * 1.01:
            raise fail(
                "declaration.weight.lines_exceed",
                {"lines": round(lines_kg, 1), "total": self.weight_kg, "at": "weight_kg"},
            )
        pieces = sum(line.piece_count for line in self.lines)
        if pieces != self.piece_count:
            raise fail(
                "declaration.pieces.lines_mismatch",
                {"lines": pieces, "total": self.piece_count, "at": "piece_count"},
            )
        return self


class MexicanElements(Record):
    """Carta Porte 3.1 data of the movement (CFDI de traslado or ingreso with complement)."""

    id_ccp: IdCCP = Field(description="Carta Porte IdCCP: 'CCC' + 33 characters of a UUID.")
    rfc_sender: Rfc = Field(description="RFC del remitente.")
    rfc_recipient: Rfc = Field(description="RFC del destinatario.")


class TruckShipment(Record):
    """A pre-arrival truck manifest (one trip of one conveyance through one port)."""

    kind: Literal["truck"] = "truck"
    port_code: PortCode = Field(description="CBP 4-digit port code of entry, e.g. 2304 Laredo.")
    direction: Direction
    expected_arrival: ExpectedArrival = Field(
        description="Scheduled arrival at the port, ISO 8601 with offset; stored in UTC."
    )
    idempotency_key: IdempotencyKey | None = None
    scac: Scac = Field(description="Carrier's Standard Carrier Alpha Code (2–4 letters).")
    trip_number: TripNumber = Field(description="Starts with the carrier's SCAC.")
    carrier: Carrier
    conveyance: Conveyance
    equipment: list[Equipment] = Field(default_factory=list, max_length=4)
    driver: Driver
    shipments: list[Shipment] = Field(min_length=1, max_length=200)
    mexico: MexicanElements | None = Field(
        default=None,
        validate_default=True,
        description="Carta Porte elements; required southbound.",
    )
    presentations: Presentations

    @field_validator("trip_number", mode="after")
    @classmethod
    def _trip_prefix(cls, value: str, info: ValidationInfo) -> str:
        scac = info.data.get("scac")
        if scac and not value.startswith(scac):
            raise fail("declaration.trip_number.scac_prefix", {"value": value, "expected": scac})
        return value

    @field_validator("shipments", mode="after")
    @classmethod
    def _unique_scns(cls, value: list[Shipment]) -> list[Shipment]:
        seen: set[str] = set()
        for i, shipment in enumerate(value):
            scn = shipment.shipment_control_number
            if scn in seen:
                raise fail(
                    "declaration.scn.duplicate",
                    {"value": scn, "at": f"{i}/shipment_control_number"},
                )
            seen.add(scn)
        return value

    @field_validator("mexico", mode="after")
    @classmethod
    def _mexico_southbound(
        cls, value: MexicanElements | None, info: ValidationInfo
    ) -> MexicanElements | None:
        if value is None and info.data.get("direction") is Direction.SOUTHBOUND:
            raise fail("declaration.mexico.required", {})
        return value

    @property
    def shipment_control_numbers(self) -> list[str]:
        """The SCNs of the trip's shipments, in order."""
        return [s.shipment_control_number for s in self.shipments]

    @property
    def fast(self) -> bool:
        """FAST lane eligibility: a FAST-card driver with a C-TPAT carrier."""
        return self.driver.fast_card is not None and self.carrier.ctpat

    @property
    def hs_codes(self) -> list[str]:
        return [line.hs_code for s in self.shipments for line in s.lines]


__all__ = [
    "BlanketPeriod",
    "Carrier",
    "CertifiedGood",
    "CommodityLine",
    "Conveyance",
    "Driver",
    "Equipment",
    "MexicanElements",
    "PlaceOfLading",
    "Shipment",
    "Signature",
    "TruckShipment",
    "UsmcaCertification",
]
