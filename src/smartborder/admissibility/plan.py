"""Plans as data: a named, ordered set of phases per destination country (and region), each with
effective dates and admitted categories, written in YAML and compiled to Cedar.

A plan file looks like::

    id: covid-us-land-2020
    title: {en: ..., es: ...}
    notes: [{en: ..., es: ...}]
    sources: ["85 FR 16547 (2020-03-24) ..."]
    blocks:
      - country: USA              # the country being entered (ISO 3166-1 alpha-3)
        phases:
          - id: phase-1
            title: {en: ..., es: ...}
            effective_from: 2020-03-21T03:59:00Z
            effective_until: 2021-11-08T05:00:00Z
            admit: [citizen-or-national, permanent-resident, essential-purpose]
            deny_reason: {en: "...", es: "..."}

A block may also hold ``requirements``: document rules as data. Each names who is ``exempt``
and the alternatives that satisfy it (``satisfied_by``: a list of alternatives, each a list of
categories that must all hold), the denial reason, what to ``bring`` and the ``sources`` (at
least one citation per rule); optional ``effective_from``/``effective_until``, ``regions``,
``ports``, ``except_regions`` and ``except_ports`` scope it::

    requirements:
      - id: visa-or-bcc
        title: {en: ..., es: ...}
        exempt: [citizen-or-national, permanent-resident]
        satisfied_by:
          - [document:us_visa]
          - [document:border_crossing_card, within-miles:25, stay-up-to-days:30]
        deny_reason: {en: ..., es: ...}
        bring: {en: ..., es: ...}
        sources: ["8 CFR 212.1(c)(1) ..."]

Composing plans (see docs/admissibility-rules.md):

* ``layers_over: P`` — this plan is a layer over plan ``P``: the policy set is P's policies
  together with this plan's (a union). Cedar admits only when some permit applies and *no*
  forbid applies, so every restriction and requirement of either plan holds: a layer can add
  restrictions but never lift one of ``P``'s.
* ``base: P`` — ``P``'s *phases* apply wherever and whenever this plan's own phases do not
  (``regions`` scope this plan's phases); ``P``'s requirements (and those of the plans ``P``
  layers over) always apply.

``policies`` holds raw Cedar policies (one per item, each with an ``@id``) for rules the
category vocabulary cannot express.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from smartborder.admissibility.errors import PlanInvalid, PlanNotFound
from smartborder.errors import Problem
from smartborder.i18n import Text

_SLUG = r"^[a-z0-9][a-z0-9-]{0,79}$"
BUILTIN_PLANS: tuple[str, ...] = ("baseline-us-mx", "covid-us-land-2020", "sentri-first-sd-tj")
# The document rules of both countries, in force wherever no other plan version is.
BASELINE_PLAN = "baseline-us-mx"
DEFAULT_PLAN = BASELINE_PLAN


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def text(self) -> Text:
        return Text(self.en, self.es)


def _utc(v: datetime | None) -> datetime | None:
    if v is None:
        return None
    if v.tzinfo is None:
        raise ValueError("give a time zone offset (e.g. 2022-01-22T00:00:00-05:00 or Z)")
    return v.astimezone(UTC)


class Phase(BaseModel):
    """One period of a block: who is admitted from ``effective_from`` until ``effective_until``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_SLUG)
    title: Bilingual
    effective_from: datetime | None = None
    effective_until: datetime | None = None
    admit: list[str] = Field(min_length=1)
    deny_reason: Bilingual | None = None
    admit_reason: Bilingual | None = None
    note: str | None = None

    @field_validator("effective_from", "effective_until")
    @classmethod
    def _aware_utc(cls, v: datetime | None) -> datetime | None:
        return _utc(v)


class Requirement(BaseModel):
    """A document rule: a traveler not ``exempt`` must meet one of the ``satisfied_by``
    alternatives (every category of it), else entry is denied with ``deny_reason``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_SLUG)
    title: Bilingual
    exempt: list[str] = []
    satisfied_by: list[list[str]] = Field(min_length=1)
    deny_reason: Bilingual
    bring: Bilingual
    sources: list[str] = Field(min_length=1)
    effective_from: datetime | None = None
    effective_until: datetime | None = None
    regions: list[str] | None = None
    ports: list[str] | None = None
    except_regions: list[str] = []
    except_ports: list[str] = []
    note: str | None = None

    @field_validator("effective_from", "effective_until")
    @classmethod
    def _aware_utc(cls, v: datetime | None) -> datetime | None:
        return _utc(v)

    @field_validator("satisfied_by")
    @classmethod
    def _non_empty(cls, v: list[list[str]]) -> list[list[str]]:
        if any(not alt for alt in v):
            raise ValueError("each alternative lists at least one category")
        return v

    @model_validator(mode="after")
    def _one_scope(self) -> Requirement:
        if self.regions is not None and self.ports is not None:
            raise ValueError("give regions or ports, not both")
        return self


class Block(BaseModel):
    """The phases and document requirements for one destination country, optionally only in
    some regions. A block holds phases, requirements or both."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    country: str = Field(pattern=r"^[A-Z]{3}$")
    regions: list[str] | None = None
    phases: list[Phase] = []
    requirements: list[Requirement] = []

    @model_validator(mode="after")
    def _decides_something(self) -> Block:
        if not self.phases and not self.requirements:
            raise ValueError("a block needs phases or requirements")
        return self


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_SLUG)
    title: Bilingual
    notes: list[Bilingual] = []
    sources: list[str] = []
    base: str | None = None
    layers_over: str | None = None
    blocks: list[Block] = []
    policies: list[str] = []  # raw Cedar, one policy per item


def _problems(exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        pointer = "/" + "/".join(str(p) for p in err["loc"])
        msg = err["msg"]
        out.append(
            Problem(
                pointer,
                "admissibility.plan_field",
                Text(f"{msg}.", f"{msg} (corrija este campo del plan)."),
            )
        )
    return out


def parse_plan(text: str, *, source: str = "<plan>") -> Plan:
    """Parse and validate a plan's YAML text; :class:`PlanInvalid` lists every problem."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PlanInvalid(
            Text(
                f"{source} is not valid YAML{where}: {exc}",
                f"{source} no es YAML válido{where}: {exc}",
            )
        ) from None
    if not isinstance(data, dict):
        raise PlanInvalid(
            Text(
                f"{source} must be a YAML mapping with id, title and blocks.",
                f"{source} debe ser un mapeo YAML con id, title y blocks.",
            )
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanInvalid(problems=_problems(exc)) from None


def plan_text(name_or_path: str | Path) -> tuple[str, str]:
    """The YAML text of a built-in plan (by id) or of a plan file; returns (text, source)."""
    name = str(name_or_path)
    if name in BUILTIN_PLANS:
        ref = (
            resources.files("smartborder.admissibility").joinpath("plans").joinpath(f"{name}.yaml")
        )
        return ref.read_text(encoding="utf-8"), name
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path.read_text(encoding="utf-8"), str(path)
    raise PlanNotFound(
        Text(
            f"No plan {name!r}: give a built-in plan ({', '.join(BUILTIN_PLANS)}) or a .yaml file.",
            f"No existe el plan {name!r}: indique un plan incluido ({', '.join(BUILTIN_PLANS)}) o un archivo .yaml.",
        )
    )


def load_plan(name_or_path: str | Path) -> Plan:
    """Load a built-in plan by id or a plan YAML file."""
    text, source = plan_text(name_or_path)
    return parse_plan(text, source=source)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cedar_instant(at: datetime) -> str:
    """An aware datetime as a Cedar ``datetime`` literal argument (UTC, second precision)."""
    if at.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_INSTANT = re.compile(r'datetime\("([^"]+)"\)')


def instants_in(cedar: str) -> list[datetime]:
    """Every datetime literal in Cedar text (used to find the instants where rules change)."""
    out = []
    for lit in _INSTANT.findall(cedar):
        try:
            out.append(datetime.fromisoformat(lit.replace("Z", "+00:00")).astimezone(UTC))
        except ValueError:
            continue
    return sorted(set(out))
