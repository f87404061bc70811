"""Records crossing the admissibility boundary: the traveler facts a decision reads, and the
decision itself with the policy version, the deciding policies and a bilingual explanation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from smartborder.admissibility.categories import (
    DOCUMENT_TYPES,
    PROGRAMS,
    PURPOSES,
    meters,
    normalize_purpose,
)
from smartborder.admissibility.errors import TravelerInvalid
from smartborder.declarations import COUNTRY_CODES
from smartborder.errors import Problem
from smartborder.i18n import Lang, Text

# Attributes a traveler may lack; a rule that needs one of them sends the traveler to review.
OPTIONAL_ATTRIBUTES: tuple[str, ...] = (
    "nationality",
    "age",
    "purpose",
    "fully_vaccinated",
    "vaccination_proof",
    "documents_complete",
    "destination_distance_m",
    "stay_days",
)


def _unknown(what: str, que: str, value: Any, allowed: tuple[str, ...] | frozenset[str]) -> Any:
    listed = ", ".join(sorted(allowed))
    return PydanticCustomError(
        "admissibility.unknown_value",
        "{en}",
        {
            "en": f"Unknown {what} {value!r}; allowed values: {listed}",
            "es": f"{que} desconocido {value!r}; valores permitidos: {listed}",
        },
    )


class Outcome(StrEnum):
    ADMIT = "admit"
    DENY = "deny"
    REVIEW = "review"  # documentary review by an officer: data a rule needs is missing

    @property
    def label(self) -> Text:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.ADMIT: Text("Admitted", "Admitido"),
    Outcome.DENY: Text("Denied", "Denegado"),
    Outcome.REVIEW: Text("Review", "Revisión documental"),
}


class Traveler(BaseModel):
    """What the rules may read about one traveler. ``None`` means unknown, never "no".

    Countries are ISO 3166-1 alpha-3 (as in travel documents). ``trusted_traveler`` and the
    vaccination fields may come from verified credential claims (see :meth:`with_claims`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(default="traveler", min_length=1, max_length=200)
    nationality: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    lawful_resident_of: tuple[str, ...] = ()
    date_of_birth: date | None = None
    age: int | None = Field(default=None, ge=0, le=130)
    purpose: str | None = None
    fully_vaccinated: bool | None = None
    vaccination_proof: bool | None = None
    trusted_traveler: tuple[str, ...] = Field(
        default=(), description="Verified memberships (from a verified credential)."
    )
    trusted_traveler_declared: tuple[str, ...] = Field(
        default=(), description="Memberships only declared by the traveler."
    )
    document_expires_on: date | None = None
    documents: tuple[str, ...] = Field(
        default=(), description="Documents carried (passport, us_visa, border_crossing_card, ...)."
    )
    documents_complete: bool | None = Field(
        default=None,
        description="Whether `documents` lists every document carried (default: yes if any is listed).",
    )
    destination_distance_km: float | None = Field(default=None, ge=0, le=20_000)
    destination_distance_miles: float | None = Field(default=None, ge=0, le=12_500)
    stay_days: int | None = Field(default=None, ge=0, le=3650)

    @field_validator("nationality", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        value = v.strip().upper()
        if value not in COUNTRY_CODES:
            raise _unknown("nationality (ISO 3166-1 alpha-3)", "Nacionalidad", v, COUNTRY_CODES)
        return value

    @field_validator("lawful_resident_of", mode="before")
    @classmethod
    def _upper_set(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        out = tuple(sorted({str(x).strip().upper() for x in v})) if v is not None else ()
        for c in out:
            if c not in COUNTRY_CODES:
                raise _unknown("country (ISO 3166-1 alpha-3)", "País", c, COUNTRY_CODES)
        return out

    @field_validator("trusted_traveler", "trusted_traveler_declared", mode="before")
    @classmethod
    def _programs(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        out = tuple(sorted({str(x).strip().upper() for x in v})) if v is not None else ()
        for p in out:
            if p not in PROGRAMS:
                raise _unknown(
                    "trusted-traveler program", "Programa de viajero confiable", p, PROGRAMS
                )
        return out

    @field_validator("documents", mode="before")
    @classmethod
    def _documents(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        out = tuple(sorted({str(x).strip().lower() for x in v})) if v is not None else ()
        for d in out:
            if d not in DOCUMENT_TYPES:
                raise _unknown("document", "Documento", d, DOCUMENT_TYPES)
        return out

    @field_validator("purpose", mode="before")
    @classmethod
    def _purpose(cls, v: Any) -> Any:
        if v is None:
            return None
        value = normalize_purpose(str(getattr(v, "value", v)))
        if value not in PURPOSES:
            raise _unknown("purpose", "Motivo", v, PURPOSES)
        return value

    @model_validator(mode="after")
    def _one_distance(self) -> Traveler:
        km, mi = self.destination_distance_km, self.destination_distance_miles
        if km is not None and mi is not None:
            raise PydanticCustomError(
                "admissibility.two_distances",
                "{en}",
                {
                    "en": "Give destination_distance_km or destination_distance_miles, not both",
                    "es": "Indique destination_distance_km o destination_distance_miles, no ambos",
                },
            )
        return self

    @property
    def destination_distance_m(self) -> int | None:
        if self.destination_distance_km is not None:
            return meters(self.destination_distance_km, "km")
        if self.destination_distance_miles is not None:
            return meters(self.destination_distance_miles, "mi")
        return None

    @property
    def lists_every_document(self) -> bool:
        if self.documents_complete is None:
            return bool(self.documents)
        return self.documents_complete

    def with_claims(self, claims: Mapping[str, Any]) -> Traveler:
        """This traveler with credential claims applied (they override declared values).

        ``trusted_traveler_verified`` (memberships a verified credential proves) becomes the
        verified ``trusted_traveler``; the claim ``trusted_traveler`` (declared memberships not
        withdrawn by an inactive credential) replaces ``trusted_traveler_declared``.
        """
        allowed = {"fully_vaccinated", "vaccination_proof", "lawful_resident_of"}
        update = {k: v for k, v in claims.items() if k in allowed}
        if "trusted_traveler_verified" in claims:
            update["trusted_traveler"] = claims["trusted_traveler_verified"]
        if "trusted_traveler" in claims:
            update["trusted_traveler_declared"] = claims["trusted_traveler"]
        return self.model_validate({**self.model_dump(), **update})

    def age_at(self, at: datetime) -> int | None:
        if self.date_of_birth is None:
            return self.age
        day = at.astimezone(UTC).date()
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def check_at(self, at: datetime) -> None:
        """Raise :class:`TravelerInvalid` for values impossible at the arrival instant ``at``."""
        problems = []
        day = at.astimezone(UTC).date()
        if self.date_of_birth is not None and self.date_of_birth > day:
            problems.append(
                Problem(
                    "/date_of_birth",
                    "admissibility.born_in_future",
                    Text(
                        f"Date of birth {self.date_of_birth} is after the arrival date {day}.",
                        f"La fecha de nacimiento {self.date_of_birth} es posterior a la de llegada {day}.",
                    ),
                )
            )
        if self.document_expires_on is not None and self.document_expires_on < day:
            problems.append(
                Problem(
                    "/document_expires_on",
                    "admissibility.document_expired",
                    Text(
                        f"The travel document expired on {self.document_expires_on}, before arrival on {day}; renew it.",
                        f"El documento de viaje venció el {self.document_expires_on}, antes de la llegada el {day}; renuévelo.",
                    ),
                )
            )
        if problems:
            raise TravelerInvalid(problems=problems)

    def facts(self, at: datetime) -> dict[str, Any]:
        """Cedar attributes (and ``purpose``) at ``at``; unknown values are absent keys."""
        out: dict[str, Any] = {
            "lawful_resident_of": list(self.lawful_resident_of),
            "trusted_traveler": list(self.trusted_traveler),
            "trusted_traveler_declared": list(self.trusted_traveler_declared),
            "documents": list(self.documents),
        }
        age = self.age_at(at)
        for key, value in (
            ("nationality", self.nationality),
            ("age", age),
            ("purpose", self.purpose),
            ("fully_vaccinated", self.fully_vaccinated),
            ("vaccination_proof", self.vaccination_proof),
            ("documents_complete", True if self.lists_every_document else None),
            ("destination_distance_m", self.destination_distance_m),
            ("stay_days", self.stay_days),
        ):
            if value is not None:
                out[key] = value
        return out


def traveler_from_declaration(
    declaration: Any, *, claims: Mapping[str, Any] | None = None
) -> Traveler:
    """The admissibility facts of a ``declarations.TravelerDeclaration`` (read by attribute).

    A permanent resident card makes its issuing country a country of residence; a declared
    full vaccination with vaccine and last-dose date counts as carrying proof; a declared
    trusted-traveler PASSID is a *declared* membership (only a verified credential, through
    ``claims``, makes a verified one). The travel document and ``other_documents`` are the
    documents carried; they are the complete list only when ``other_documents`` was given (an
    older declaration without it may carry a visa it did not mention). Verified ``claims``
    override vaccination, residence and memberships.
    """
    document = getattr(declaration, "document", None)
    residences: list[str] = []
    if document is not None and getattr(document, "type", None) == "permanent_resident_card":
        residences.append(document.issuing_country)
    vax = getattr(declaration, "vaccination", None)
    fully: bool | None = None
    proof: bool | None = None
    if vax is not None:
        fully = vax.status == "full"
        proof = bool(fully and vax.vaccine is not None and vax.last_dose_on is not None)
    tt = getattr(declaration, "trusted_traveler", None)
    programs = [str(getattr(tt.program, "value", tt.program)).upper()] if tt is not None else []
    purpose = getattr(declaration, "purpose", None)
    documents = [document.type] if document is not None else []
    others = getattr(declaration, "other_documents", None)
    traveler = Traveler(
        id=str(
            getattr(declaration, "idempotency_key", None)
            or getattr(declaration, "id", None)
            or id(declaration)
        ),
        nationality=getattr(declaration, "nationality", None),
        lawful_resident_of=tuple(residences),
        date_of_birth=getattr(declaration, "date_of_birth", None),
        purpose=getattr(purpose, "value", purpose),
        fully_vaccinated=fully,
        vaccination_proof=proof,
        trusted_traveler_declared=tuple(programs),
        document_expires_on=getattr(document, "expires_on", None) if document is not None else None,
        documents=tuple(documents + [str(d) for d in (others or ())]),
        documents_complete=others is not None,
        destination_distance_km=getattr(declaration, "destination_distance_km", None),
        destination_distance_miles=getattr(declaration, "destination_distance_miles", None),
        stay_days=getattr(declaration, "stay_days", None),
    )
    return traveler.with_claims(claims) if claims else traveler


class Reason(BaseModel):
    """Why: the policy that decided and its explanation in both languages."""

    policy: str
    en: str
    es: str


class AdmissibilityResult(BaseModel):
    """A decision: outcome, the deciding policy ids, reasons, missing attributes, and the
    policy version it was made under."""

    decision: Outcome
    policies: list[str]
    reasons: list[Reason]
    missing: list[str] = []
    bring: list[Reason] = Field(
        default=[],
        description="What to bring: each document requirement in force that applies, per policy.",
    )
    version: str
    plan: str
    port: str
    at: datetime
    destination: str

    def explanation(self, lang: Lang | str = Lang.EN) -> str:
        """E.g. "Denied: from 2022-01-22 non-U.S. travelers must show proof of full
        vaccination (policy covid-us-land-2020/phase-3)"."""
        lang = Lang(lang)
        if lang is Lang.ES:
            parts = [f"{r.es} (política {r.policy})" for r in self.reasons]
        else:
            parts = [f"{r.en} (policy {r.policy})" for r in self.reasons]
        return f"{self.decision.label.get(lang)}: " + "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        out = self.model_dump(mode="json")
        out["explanation"] = {"en": self.explanation(Lang.EN), "es": self.explanation(Lang.ES)}
        return out
