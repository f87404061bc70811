"""Records crossing the admissibility boundary: the traveler facts a decision reads, and the
decision itself with the policy version, the deciding policies and a bilingual explanation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from smartborder.admissibility.categories import PURPOSES, normalize_purpose
from smartborder.admissibility.errors import TravelerInvalid
from smartborder.errors import Problem
from smartborder.i18n import Lang, Text

# Attributes a traveler may lack; a rule that needs one of them sends the traveler to review.
OPTIONAL_ATTRIBUTES: tuple[str, ...] = (
    "nationality",
    "age",
    "purpose",
    "fully_vaccinated",
    "vaccination_proof",
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
    trusted_traveler: tuple[str, ...] = ()
    document_expires_on: date | None = None

    @field_validator("nationality", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.strip().upper() if isinstance(v, str) else v

    @field_validator("lawful_resident_of", "trusted_traveler", mode="before")
    @classmethod
    def _upper_set(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        return tuple(sorted({str(x).strip().upper() for x in v})) if v is not None else ()

    @field_validator("purpose", mode="before")
    @classmethod
    def _purpose(cls, v: Any) -> Any:
        if v is None:
            return None
        value = normalize_purpose(str(getattr(v, "value", v)))
        if value not in PURPOSES:
            raise ValueError(f"unknown purpose {v!r}; one of {', '.join(PURPOSES)}")
        return value

    def with_claims(self, claims: Mapping[str, Any]) -> Traveler:
        """This traveler with verified credential claims applied (they override declared values)."""
        allowed = {
            "fully_vaccinated",
            "vaccination_proof",
            "trusted_traveler",
            "lawful_resident_of",
        }
        return self.model_validate(
            {**self.model_dump(), **{k: v for k, v in claims.items() if k in allowed}}
        )

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
        }
        age = self.age_at(at)
        for key, value in (
            ("nationality", self.nationality),
            ("age", age),
            ("purpose", self.purpose),
            ("fully_vaccinated", self.fully_vaccinated),
            ("vaccination_proof", self.vaccination_proof),
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
    trusted-traveler PASSID counts as membership. Verified ``claims`` override all three.
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
        trusted_traveler=tuple(programs),
        document_expires_on=getattr(document, "expires_on", None) if document is not None else None,
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
