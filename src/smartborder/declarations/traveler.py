"""The traveler declaration: who crosses, with which document, why, and when.

Purposes follow the March 2020 DHS notices that limited travel across the land borders to
"essential travel" (85 FR 16547, U.S.–Mexico, 24 March 2020; renewed monthly until
8 November 2021), so admissibility policies can express those plans by purpose.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from smartborder.declarations._types import (
    RFID_DOCUMENTS,
    BirthDate,
    Country,
    ExpectedArrival,
    IdempotencyKey,
    Name,
    PassId,
    Plate,
    PortCode,
    Presentations,
    Record,
    TravelDocument,
    fail,
    now_of,
)
from smartborder.ports import Direction


class Purpose(StrEnum):
    """Purpose of travel. The first ten are the notices' categories; the rest are not essential."""

    # "U.S. citizens and lawful permanent residents returning to the United States"
    CITIZEN_OR_RESIDENT_RETURNING = "citizen_or_resident_returning"
    WORK = "work"  # "individuals traveling to work in the United States"
    STUDY = "study"  # "to attend educational institutions"
    MEDICAL = "medical"  # "for medical purposes (e.g., to receive medical treatment)"
    LAWFUL_TRADE = "lawful_trade"  # "engaged in lawful cross-border trade (e.g., truck drivers)"
    EMERGENCY_RESPONSE_PUBLIC_HEALTH = "emergency_response_public_health"
    OFFICIAL_DIPLOMATIC = "official_diplomatic"  # "official government travel or diplomatic travel"
    ARMED_FORCES_AND_FAMILIES = "armed_forces_and_families"  # U.S. forces, spouses and children
    MILITARY_OPERATIONS = "military_operations"  # "military-related travel or operations"
    # Not in the notices' list: visiting family was non-essential at the U.S. land border, unlike
    # Canada's June 2020 immediate-family exemption. Kept apart so a plan can decide it.
    FAMILY_OF_CITIZENS_RESIDENTS = "family_of_citizens_residents"
    TOURISM = "tourism"
    VISITING_FRIENDS = "visiting_friends"
    SHOPPING = "shopping"
    RECREATION = "recreation"
    ENTERTAINMENT = "entertainment"
    OTHER = "other"

    @property
    def essential(self) -> bool:
        """Whether the 2020 DHS notices listed this purpose as essential travel."""
        return self in _ESSENTIAL


_ESSENTIAL = frozenset(
    {
        Purpose.CITIZEN_OR_RESIDENT_RETURNING,
        Purpose.WORK,
        Purpose.STUDY,
        Purpose.MEDICAL,
        Purpose.LAWFUL_TRADE,
        Purpose.EMERGENCY_RESPONSE_PUBLIC_HEALTH,
        Purpose.OFFICIAL_DIPLOMATIC,
        Purpose.ARMED_FORCES_AND_FAMILIES,
        Purpose.MILITARY_OPERATIONS,
    }
)


class TrustedTravelerProgram(StrEnum):
    SENTRI = "sentri"
    NEXUS = "nexus"
    GLOBAL_ENTRY = "global_entry"
    FAST = "fast"


class TrustedTraveler(Record):
    program: TrustedTravelerProgram
    number: PassId = Field(description="The 9-digit PASSID on the card.")


# Documents carried beside the travel document (the admissibility rules read them).
OtherDocument = Literal[
    "passport",
    "passport_card",
    "enhanced_drivers_license",
    "trusted_traveler_card",
    "permanent_resident_card",
    "border_crossing_card",
    "military_id",
    "merchant_mariner_document",
    "mx_voter_id",
    "us_visa",
    "i94",
    "mx_visa",
    "fmm",
]

VaccinationStatus = Literal["full", "partial", "none"]
# Vaccines the WHO listed for emergency use, accepted by CDC for the 2021–2023 entry rules.
Vaccine = Literal[
    "pfizer_biontech",
    "moderna",
    "janssen",
    "astrazeneca",
    "covishield",
    "sinopharm_bibp",
    "sinovac",
    "covaxin",
    "novavax",
    "covovax",
    "convidecia",
    "other",
]


class Vaccination(Record):
    status: VaccinationStatus
    vaccine: Vaccine | None = None
    last_dose_on: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Vaccination:
        has_detail = self.vaccine is not None and self.last_dose_on is not None
        has_any = self.vaccine is not None or self.last_dose_on is not None
        if (self.status == "none" and has_any) or (self.status != "none" and not has_detail):
            raise fail("declaration.vaccination.inconsistent", {"value": self.status})
        return self

    @field_validator("last_dose_on", mode="after")
    @classmethod
    def _not_future(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is not None and value > now_of(info).date():
            raise fail("declaration.vaccination.future_dose", {"value": value.isoformat()})
        return value


class TravelerDeclaration(Record):
    """A traveler's pre-arrival declaration (one person; a vehicle's occupants file one each)."""

    kind: Literal["traveler"] = "traveler"
    port_code: PortCode = Field(description="CBP 4-digit port code, e.g. 2504 San Ysidro.")
    direction: Direction
    expected_arrival: ExpectedArrival = Field(
        description="Expected time at the port, ISO 8601 with offset; stored in UTC."
    )
    idempotency_key: IdempotencyKey | None = None
    family_name: Name
    given_names: Name
    date_of_birth: BirthDate
    nationality: Country = Field(description="ISO 3166-1 alpha-3.")
    document: TravelDocument
    trusted_traveler: TrustedTraveler | None = None
    purpose: Purpose
    vehicle_plate: Plate | None = Field(default=None, description="Absent for pedestrians.")
    vaccination: Vaccination | None = None
    presentations: Presentations
    # Optional trip facts for the document rules (absent in older declarations: then the rules
    # cannot tell and send the traveler to documentary review instead of guessing).
    other_documents: list[OtherDocument] | None = Field(
        default=None,
        max_length=13,
        description="Every other document carried (e.g. us_visa, i94, fmm); [] for none.",
    )
    destination_distance_km: float | None = Field(
        default=None, ge=0, le=20_000, description="Farthest point of the trip from the border."
    )
    destination_distance_miles: float | None = Field(
        default=None, ge=0, le=12_500, description="The same in miles (give one of the two)."
    )
    stay_days: int | None = Field(
        default=None, ge=0, le=3650, description="Intended length of stay, days."
    )

    # A field validator, not a model one: it runs only when miles are given, so declarations
    # without them pay nothing (a model validator cost 4 % of traveler validation, measured
    # with bench_pipeline_regression.py).
    @field_validator("destination_distance_miles", mode="after")
    @classmethod
    def _one_distance(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("destination_distance_km") is not None:
            raise fail("declaration.destination_distance.both", {"value": "km and miles"})
        return value

    @property
    def pedestrian(self) -> bool:
        return self.vehicle_plate is None

    @property
    def rfid_document(self) -> bool:
        """Whether the document can be read at a Ready Lane."""
        return self.document.type in RFID_DOCUMENTS


__all__ = [
    "Purpose",
    "TravelerDeclaration",
    "TrustedTraveler",
    "TrustedTravelerProgram",
    "Vaccination",
]
