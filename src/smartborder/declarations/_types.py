"""Annotated field types and the small records both declaration kinds share.

Every identifier type normalises (strip, upper-case) and then checks its official pattern and
check digit, raising a ``PydanticCustomError`` whose *type* is the stable problem code; the
parse functions translate those into bilingual :class:`~smartborder.errors.Problem` s.
Checks that need the clock or the HS nomenclature read them from the validation context
(``{"now": datetime, "hs": HSNomenclature | None}``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from smartborder.declarations import checks
from smartborder.declarations.messages import CATALOG
from smartborder.ports import UnknownPort, get_port

# A pre-arrival declaration further ahead than this is almost surely a typo in the year.
MAX_DAYS_AHEAD = 30


def fail(code: str, ctx: dict[str, Any]) -> PydanticCustomError:
    """The error a validator raises for catalog problem ``code``."""
    return PydanticCustomError(code, CATALOG[code].en, ctx)


class Record(BaseModel):
    """Base of every declaration record: unknown fields are refused, strings stripped."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, frozen=True, allow_inf_nan=False
    )


_Upper = StringConstraints(strip_whitespace=True, to_upper=True)


def _checked(check: Any) -> Any:
    def validate(value: str) -> str:
        problem = check(value)
        if problem is not None:
            raise fail(*problem)
        return value

    return AfterValidator(validate)


def _pattern(regex: Any, code: str) -> Any:
    def validate(value: str) -> str:
        if not regex.match(value):
            raise fail(code, {"value": value})
        return value

    return AfterValidator(validate)


def _hs(value: str, info: ValidationInfo) -> str:
    problem = checks.hs_problem(value)
    if problem is not None:
        raise fail(*problem)
    hs = info.context.get("hs") if info.context else None
    if hs is not None and value not in hs:
        raise fail("declaration.hs_code.unknown_subheading", {"value": value})
    return value


def _country(value: str) -> str:
    if value not in checks.ALPHA3:
        raise fail("declaration.country.unknown", {"value": value})
    return value


def _port(value: str) -> str:
    if len(value) != 4 or not value.isdigit():
        raise fail("declaration.port.format", {"value": value})
    try:
        get_port(value)
    except UnknownPort as exc:
        raise PydanticCustomError(
            exc.code,
            "Port {value} is not a U.S.-Mexico land port of entry.",
            {"value": value, "en": exc.message.en, "es": exc.message.es},
        ) from None
    return value


def _pedimento(value: str) -> str:
    problem = checks.pedimento_problem(value)
    if problem is not None:
        raise fail(*problem)
    norm = checks.normalize_pedimento(value)
    assert norm is not None  # pedimento_problem accepted it
    return norm


def now_of(info: ValidationInfo) -> datetime:
    """The reference time of this validation (UTC; a naive ``now`` is taken as UTC)."""
    ctx = info.context
    now = ctx.get("now") if ctx else None
    if not isinstance(now, datetime):
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now


def _arrival(value: datetime, info: ValidationInfo) -> datetime:
    value = value.astimezone(UTC)
    now = now_of(info)
    if value < now:
        raise fail(
            "declaration.arrival.past",
            {"value": value.isoformat(), "now": now.isoformat(timespec="seconds")},
        )
    if value > now + timedelta(days=MAX_DAYS_AHEAD):
        raise fail(
            "declaration.arrival.too_far", {"value": value.isoformat(), "days": MAX_DAYS_AHEAD}
        )
    return value


def _birth_date(value: date, info: ValidationInfo) -> date:
    today = now_of(info).date()
    if value > today or value.year < today.year - 130:
        raise fail("declaration.birth_date.range", {"value": value.isoformat()})
    return value


Vin = Annotated[str, _Upper, _checked(checks.vin_problem)]
Scac = Annotated[str, _Upper, _pattern(checks.SCAC_RE, "declaration.scac.format")]
ShipmentControlNumber = Annotated[str, _Upper, _pattern(checks.SCN_RE, "declaration.scn.format")]
TripNumber = Annotated[str, _Upper, _pattern(checks.TRIP_RE, "declaration.trip_number.format")]
Rfc = Annotated[str, _Upper, _checked(checks.rfc_problem)]
Pedimento = Annotated[str, AfterValidator(_pedimento)]
IdCCP = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    _pattern(checks.IDCCP_RE, "declaration.id_ccp.format"),
]
HSCode = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_hs)]
Country = Annotated[str, _Upper, AfterValidator(_country)]
PortCode = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_port)]
PassId = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    _pattern(checks.PASSID_RE, "declaration.trusted_traveler.number"),
]


def _text_only(kind: str) -> BeforeValidator:
    """Refuse a number where a date or time is due: pydantic would read it as seconds since
    1970 (``12345`` -> 1970-01-01T03:25:45Z), which no sender means; ISO 8601 text only."""

    def check(value: Any) -> Any:
        if isinstance(value, int | float):
            raise PydanticCustomError(f"{kind}_type", "Input should be ISO 8601 text")
        return value

    return BeforeValidator(check)


ExpectedArrival = Annotated[AwareDatetime, _text_only("datetime"), AfterValidator(_arrival)]
BirthDate = Annotated[date, _text_only("date"), AfterValidator(_birth_date)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
IdempotencyKey = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
DocumentNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9]{5,20}$")
]
SealNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9-]{1,20}$")
]
# U.S. states, Mexican states (SAT c_Estado) and Canadian provinces are 2–3 letter codes.
Region = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]{2,3}$")
]
PlateNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9 -]{2,12}$")
]


class Address(Record):
    street: Name
    city: Name
    region: Region | None = Field(default=None, description="State or province code.")
    postal_code: Annotated[str, StringConstraints(max_length=12)] | None = None
    country: Country = Field(description="ISO 3166-1 alpha-3, e.g. USA, MEX.")


class Party(Record):
    """A shipper, consignee, exporter, producer, importer or certifier."""

    name: Name
    address: Address
    tax_id: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        default=None, description="U.S. EIN/IRS number or other tax id (Mexican parties: RFC)."
    )
    rfc: Rfc | None = Field(default=None, description="Mexican RFC, if the party has one.")
    phone: Annotated[str, StringConstraints(max_length=30)] | None = None
    email: (
        Annotated[str, StringConstraints(max_length=120, pattern=r"^[^@\s]+@[^@\s]+$")] | None
    ) = None


class Plate(Record):
    number: PlateNumber
    region: Region = Field(description="Issuing state or province code, e.g. CA, TX, BC, NL.")
    country: Country


TravelDocumentType = Literal[
    "passport",
    "passport_card",
    "enhanced_drivers_license",
    "trusted_traveler_card",
    "permanent_resident_card",
    "border_crossing_card",
    "military_id",
    "merchant_mariner_document",
    "mx_voter_id",
]
# Documents read by RFID at the booth; their holders may use Ready Lanes (CBP, WHTI).
RFID_DOCUMENTS: frozenset[str] = frozenset(
    {
        "passport_card",
        "enhanced_drivers_license",
        "trusted_traveler_card",
        "permanent_resident_card",
        "border_crossing_card",
    }
)


class TravelDocument(Record):
    type: TravelDocumentType
    number: DocumentNumber
    issuing_country: Country = Field(description="ISO 3166-1 alpha-3 (as in the MRZ, ICAO 9303).")
    expires_on: date


# The largest attached credential or presentation, JSON-serialised characters (a VC-JOSE or
# SD-JWT compact form, or a JSON-LD document with its proof).
MAX_ATTACHED_CHARS = 65_536


def _attached(value: Any) -> Any:
    if isinstance(value, str) and 10 <= len(value) <= MAX_ATTACHED_CHARS:
        return value
    if isinstance(value, dict) and value:
        return value
    raise fail("declaration.presentation.type", {"max": MAX_ATTACHED_CHARS})


# A verifiable credential or presentation, carried as received for the credentials stage:
# a JSON-LD object (Data Integrity proof, or an enveloped VC/VP) or a compact JWT / SD-JWT.
Attached = Annotated[
    Any,
    AfterValidator(_attached),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 10, "maxLength": MAX_ATTACHED_CHARS},
                {"type": "object"},
            ]
        }
    ),
]


# A verifiable presentation or credential attached to a declaration: a JSON-LD object secured
# with a Data Integrity proof, or a compact VC-JOSE / SD-JWT VC / vp+jwt string. Verified by
# the pipeline's credentials stage, not here (see docs/credentials-preclearance.md).
# One validator rather than a str | dict union, so a problem points at the item itself.
Presentation = Attached
Presentations = Annotated[
    list[Presentation],
    Field(
        default_factory=list,
        max_length=8,
        description=(
            "Verifiable presentations or credentials about this declaration (JSON-LD with a "
            "Data Integrity proof, or VC-JOSE / SD-JWT VC compact strings)."
        ),
    ),
]
