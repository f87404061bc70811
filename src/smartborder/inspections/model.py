"""What an inspection is: its steps, the stable finding codes, outcomes, findings, each agency's
part, the inspection itself and the events it is built from."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from smartborder.i18n import Text
from smartborder.inspections.errors import FindingCodeUnknown, InspectionInvalid, OutcomeUnknown

Agency = Literal["cbp", "anam"]
AGENCIES: tuple[Agency, ...] = ("cbp", "anam")


class Step(StrEnum):
    """The state of an inspection: requested → scheduled → in_progress → concluded."""

    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    CONCLUDED = "concluded"


class FindingCode(StrEnum):
    """What an inspection found, as a stable code (labels in :data:`FINDING_LABELS`)."""

    NO_DISCREPANCY = "no_discrepancy"
    DOCUMENTARY_DISCREPANCY = "documentary_discrepancy"
    MISDECLARED_VALUE = "misdeclared_value"
    MISDECLARED_QUANTITY = "misdeclared_quantity"
    MISDECLARED_ORIGIN = "misdeclared_origin"
    MISCLASSIFIED_HS = "misclassified_hs"
    UNDECLARED_GOODS = "undeclared_goods"
    PROHIBITED_GOODS = "prohibited_goods"
    SECURITY_FINDING = "security_finding"

    @property
    def violation(self) -> bool:
        """Every finding but ``no_discrepancy`` is a violation (it feeds the risk history)."""
        return self is not FindingCode.NO_DISCREPANCY

    @property
    def label(self) -> Text:
        return FINDING_LABELS[self]


FINDING_LABELS: dict[FindingCode, Text] = {
    FindingCode.NO_DISCREPANCY: Text("No discrepancy", "Sin discrepancia"),
    FindingCode.DOCUMENTARY_DISCREPANCY: Text("Documentary discrepancy", "Discrepancia documental"),
    FindingCode.MISDECLARED_VALUE: Text("Misdeclared value", "Valor declarado incorrectamente"),
    FindingCode.MISDECLARED_QUANTITY: Text(
        "Misdeclared quantity", "Cantidad declarada incorrectamente"
    ),
    FindingCode.MISDECLARED_ORIGIN: Text("Misdeclared origin", "Origen declarado incorrectamente"),
    FindingCode.MISCLASSIFIED_HS: Text(
        "Misclassified HS code", "Fracción arancelaria (código SA) mal clasificada"
    ),
    FindingCode.UNDECLARED_GOODS: Text("Undeclared goods", "Mercancía no declarada"),
    FindingCode.PROHIBITED_GOODS: Text(
        "Prohibited goods or contraband", "Mercancía prohibida o contrabando"
    ),
    FindingCode.SECURITY_FINDING: Text("Security finding", "Hallazgo de seguridad"),
}


class InspectionOutcome(StrEnum):
    """How an agency concludes its part of an inspection."""

    RELEASED = "released"
    HELD = "held"
    SEIZED = "seized"
    RETURNED = "returned"


def finding_code(value: object, *, pointer: str = "/code") -> FindingCode:
    """The :class:`FindingCode` of ``value``; :class:`FindingCodeUnknown` lists the allowed ones."""
    try:
        return FindingCode(str(value))
    except ValueError:
        raise FindingCodeUnknown(value, [c.value for c in FindingCode], pointer=pointer) from None


def outcome_of(value: object) -> InspectionOutcome:
    try:
        return InspectionOutcome(str(value))
    except ValueError:
        raise OutcomeUnknown(value, [o.value for o in InspectionOutcome]) from None


def agency_of(value: object) -> Agency:
    if value == "cbp":
        return "cbp"
    if value == "anam":
        return "anam"
    raise InspectionInvalid(
        Text(
            f"Unknown agency {value!r}; use cbp or anam.",
            f"Agencia desconocida {value!r}; use cbp o anam.",
        )
    )


_HS = re.compile(r"^[0-9]{6}([0-9]{2}){0,2}$")
MAX_NOTE = 2000


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an agency found: a stable code, who found it and when, and what is at stake."""

    code: FindingCode
    agency: Agency
    found_by: str  # the client id of the officer's client
    found_by_org: str
    found_at: datetime
    note: str | None = None
    value_usd: float | None = None  # revenue at stake (duties and fees), for "revenue recovered"
    hs_code: str | None = None

    def __post_init__(self) -> None:
        if self.value_usd is not None and not (0 <= self.value_usd < 1e12):
            raise InspectionInvalid(
                Text(
                    "value_usd must be a non-negative amount of U.S. dollars.",
                    "value_usd debe ser un monto no negativo en dólares estadounidenses.",
                )
            )
        if self.hs_code is not None and not _HS.match(self.hs_code):
            raise InspectionInvalid(
                Text(
                    f"hs_code {self.hs_code!r} must be 6, 8 or 10 digits.",
                    f"hs_code {self.hs_code!r} debe tener 6, 8 o 10 dígitos.",
                )
            )
        if self.note is not None and len(self.note) > MAX_NOTE:
            raise InspectionInvalid(
                Text(
                    f"A finding's note has at most {MAX_NOTE} characters.",
                    f"La nota de un hallazgo tiene como máximo {MAX_NOTE} caracteres.",
                )
            )

    def to_dict(self, *, with_note: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code.value,
            "label_en": self.code.label.en,
            "label_es": self.code.label.es,
            "agency": self.agency,
            "found_by": self.found_by,
            "found_by_org": self.found_by_org,
            "found_at": self.found_at.isoformat(),
            "value_usd": self.value_usd,
            "hs_code": self.hs_code,
        }
        if with_note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            code=finding_code(d.get("code")),
            agency=agency_of(d.get("agency")),
            found_by=str(d["found_by"]),
            found_by_org=str(d["found_by_org"]),
            found_at=datetime.fromisoformat(str(d["found_at"])),
            note=d.get("note"),
            value_usd=float(d["value_usd"]) if d.get("value_usd") is not None else None,
            hs_code=d.get("hs_code"),
        )


@dataclass(frozen=True, slots=True)
class AgencyPart:
    """One agency's part of an inspection: its findings, and its conclusion once it concludes."""

    findings: tuple[Finding, ...] = ()
    outcome: InspectionOutcome | None = None
    concluded_at: datetime | None = None
    concluded_by: str | None = None
    report: dict[str, Any] | None = None  # the signed InspectionReport credential

    @property
    def concluded(self) -> bool:
        return self.outcome is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "outcome": self.outcome.value if self.outcome else None,
            "concluded_at": self.concluded_at.isoformat() if self.concluded_at else None,
            "concluded_by": self.concluded_by,
            "report": self.report,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AgencyPart:
        at = d.get("concluded_at")
        return cls(
            findings=tuple(Finding.from_dict(f) for f in d.get("findings", [])),
            outcome=outcome_of(d["outcome"]) if d.get("outcome") else None,
            concluded_at=datetime.fromisoformat(at) if at else None,
            concluded_by=d.get("concluded_by"),
            report=d.get("report"),
        )


@dataclass(frozen=True, slots=True)
class Inspection:
    """The materialized state of an inspection (built from its events by ``apply``).

    ``parts`` has an entry for each agency taking part: both in a joint inspection, the
    requesting agency alone otherwise. ``version`` counts the events applied."""

    id: str
    declaration_id: str
    joint: bool
    requested_by: Agency
    requested_at: datetime
    reason: str | None
    port_code: str
    direction: str
    step: Step
    facility: str | None = None
    scheduled_for: datetime | None = None
    started_at: datetime | None = None
    concluded_at: datetime | None = None
    parts: dict[Agency, AgencyPart] = field(default_factory=dict)
    version: int = 0
    updated_at: datetime | None = None

    @property
    def agencies(self) -> tuple[Agency, ...]:
        return tuple(a for a in AGENCIES if a in self.parts)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for a in self.agencies for f in self.parts[a].findings)

    def with_part(self, agency: Agency, part: AgencyPart) -> Inspection:
        return replace(self, parts={**self.parts, agency: part})

    def to_dict(self) -> dict[str, Any]:
        """The whole state as JSON-ready data (what the store keeps in ``inspections.body``)."""
        return {
            "id": self.id,
            "declaration_id": self.declaration_id,
            "joint": self.joint,
            "requested_by": self.requested_by,
            "requested_at": self.requested_at.isoformat(),
            "reason": self.reason,
            "port_code": self.port_code,
            "direction": self.direction,
            "state": self.step.value,
            "facility": self.facility,
            "scheduled_for": _iso(self.scheduled_for),
            "started_at": _iso(self.started_at),
            "concluded_at": _iso(self.concluded_at),
            "parts": {a: self.parts[a].to_dict() for a in self.agencies},
            "version": self.version,
            "updated_at": _iso(self.updated_at),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Inspection:
        return cls(
            id=str(d["id"]),
            declaration_id=str(d["declaration_id"]),
            joint=bool(d["joint"]),
            requested_by=agency_of(d["requested_by"]),
            requested_at=datetime.fromisoformat(d["requested_at"]),
            reason=d.get("reason"),
            port_code=str(d["port_code"]),
            direction=str(d["direction"]),
            step=Step(d["state"]),
            facility=d.get("facility"),
            scheduled_for=_dt(d.get("scheduled_for")),
            started_at=_dt(d.get("started_at")),
            concluded_at=_dt(d.get("concluded_at")),
            parts={agency_of(a): AgencyPart.from_dict(p) for a, p in d.get("parts", {}).items()},
            version=int(d.get("version", 0)),
            updated_at=_dt(d.get("updated_at")),
        )


class EventKind(StrEnum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    STARTED = "started"
    FINDINGS_RECORDED = "findings_recorded"
    CONCLUDED = "concluded"
    REPORT_ISSUED = "report_issued"


@dataclass(frozen=True, slots=True)
class InspectionEvent:
    """One immutable fact about an inspection. ``id`` is a UUID, unique across nodes, so an
    event received twice is applied once."""

    id: str
    inspection_id: str
    declaration_id: str
    kind: EventKind
    agency: Agency
    actor: str
    at: datetime
    body: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "inspection_id": self.inspection_id,
            "declaration_id": self.declaration_id,
            "kind": self.kind.value,
            "agency": self.agency,
            "actor": self.actor,
            "at": self.at.isoformat(),
            "body": self.body,
        }

    @classmethod
    def from_dict(cls, d: Any) -> InspectionEvent:
        """An event as received from elsewhere (e.g. the other node); malformed → 422. Its ids are
        UUIDs (as this node makes them)."""
        try:
            at = datetime.fromisoformat(str(d["at"]))
            if at.tzinfo is None:
                raise ValueError("naive time")
            body = d["body"]
            if not isinstance(body, dict):
                raise ValueError("body is not an object")
            actor = str(d["actor"])
            if not 0 < len(actor) <= 64:
                raise ValueError("actor has 1 to 64 characters")
            return cls(
                id=str(uuid.UUID(str(d["id"]))),
                inspection_id=str(uuid.UUID(str(d["inspection_id"]))),
                declaration_id=str(uuid.UUID(str(d["declaration_id"]))),
                kind=EventKind(d["kind"]),
                agency=agency_of(d["agency"]),
                actor=actor,
                at=at,
                body=body,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InspectionInvalid(
                Text(
                    f"Not an inspection event ({exc.__class__.__name__}: {exc}); it needs id, inspection_id, declaration_id, kind, agency, actor, at (with a time zone) and body.",
                    f"No es un evento de inspección ({exc.__class__.__name__}: {exc}); requiere id, inspection_id, declaration_id, kind, agency, actor, at (con zona horaria) y body.",
                )
            ) from None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
