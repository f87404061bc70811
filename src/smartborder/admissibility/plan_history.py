"""A plan version's lifecycle as recorded — state, approvals, activations, transitions — and
which version was in force at a port and instant (the port's own activation, else its
region's; where none, the default plan decides)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from smartborder import ports
from smartborder.admissibility.errors import ScopeInvalid
from smartborder.admissibility.graph import COUNTRIES, DESTINATION, port_graph
from smartborder.admissibility.service import _direction
from smartborder.admissibility.versions import version_policies
from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.store import admissibility as q
from smartborder.store.tables.admissibility import PlanActivationRow

DRAFT, PROPOSED, APPROVED, IN_FORCE = "draft", "proposed", "approved", "in_force"
SUPERSEDED, WITHDRAWN = "superseded", "withdrawn"
#: The steps each state allows next (a 409 names them).
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    DRAFT: ("propose", "withdraw"),
    PROPOSED: ("approve", "withdraw"),
    APPROVED: ("activate", "withdraw"),
    IN_FORCE: ("activate", "withdraw"),
    SUPERSEDED: (),
    WITHDRAWN: (),
}
#: Which country each agency governs (the country it admits travelers into).
AGENCY_COUNTRY: dict[str, str] = {"cbp": "USA", "anam": "MEX"}
COUNTRY_AGENCY: dict[str, str] = {c: a for a, c in AGENCY_COUNTRY.items()}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who takes a step: ``who`` is recorded; ``agency`` (cbp, anam or None for an
    administrator or the node's operator) is what the authority checks read."""

    who: str
    agency: str | None = None


class Activation(BaseModel):
    id: int
    version: str
    country: str
    scope: str  # "region" | "port"
    scope_id: str
    effective_from: datetime
    effective_until: datetime | None
    activated_by: str
    activated_at: datetime
    ended_by: str | None = None


class Transition(BaseModel):
    seq: int
    action: str
    from_state: str
    to_state: str
    country: str | None
    agency: str | None
    actor: str
    at: datetime
    detail: dict[str, Any]


class Approval(BaseModel):
    country: str
    agency: str
    approved_by: str
    approved_at: datetime


class PlanStatus(BaseModel):
    """A version's lifecycle: state, whose approval it needs and has, where it is or was in
    force, every transition, the impact analysis attached when proposed, and the next steps."""

    version: str
    state: str
    countries: list[str]
    approvals: list[Approval]
    activations: list[Activation]
    transitions: list[Transition]
    impact: dict[str, Any] | None
    next_steps: list[str]


def activation_of(row: PlanActivationRow) -> Activation:
    return Activation(
        id=row.id,
        version=row.version_id,
        country=row.country,
        scope=row.scope_kind,
        scope_id=row.scope_id,
        effective_from=row.effective_from,
        effective_until=row.effective_until,
        activated_by=row.activated_by,
        activated_at=row.activated_at,
        ended_by=row.ended_by,
    )


def countries_of(session: Session, version_id: str) -> list[str]:
    """The destination countries a version has rules for (both, if a hand-written policy
    names no country: it may apply to either)."""
    policies = version_policies(session, version_id)
    named = {m.country for m in policies.by_id.values()}
    if None in named or not named:
        return sorted(COUNTRIES)
    return sorted(c for c in named if c)


def plan_status(session: Session, version_id: str) -> PlanStatus:
    """The lifecycle of ``version_id`` (``VersionNotFound`` if never published)."""
    countries = countries_of(session, version_id)
    row = q.get_state(session, version_id)
    state = row.state if row else DRAFT
    return PlanStatus(
        version=version_id,
        state=state,
        countries=row.countries.split(",") if row else countries,
        approvals=[
            Approval(
                country=a.country,
                agency=a.agency,
                approved_by=a.approved_by,
                approved_at=a.approved_at,
            )
            for a in q.approvals(session, version_id)
        ],
        activations=[activation_of(a) for a in q.activations(session, version_id)],
        transitions=[
            Transition(
                seq=t.seq,
                action=t.action,
                from_state=t.from_state,
                to_state=t.to_state,
                country=t.country,
                agency=t.agency,
                actor=t.actor,
                at=t.at,
                detail=json.loads(t.detail),
            )
            for t in q.transitions(session, version_id)
        ],
        impact=json.loads(row.impact) if row and row.impact else None,
        next_steps=list(NEXT_STEPS[state]),
    )


def aware(at: datetime, pointer: str) -> datetime:
    if at.tzinfo is None:
        raise ScopeInvalid(
            problems=[
                Problem(
                    pointer,
                    "admissibility.naive_instant",
                    Text(
                        "Give the instant with a UTC offset (e.g. 2026-12-24T00:00:00-08:00).",
                        "Indique el instante con desfase UTC (p. ej. 2026-12-24T00:00:00-08:00).",
                    ),
                )
            ]
        )
    return at.astimezone(UTC)


# --- which version was in force ------------------------------------------------------------------


def port_and_region(port: str) -> tuple[str, str]:
    """(port code, region id) of a port code or crossing number; raises ``UnknownPort``."""
    _, region_of, crossing_port = port_graph()
    code = crossing_port.get(port, port)
    if code not in region_of:
        ports.get_port(code)  # raises the ports domain's bilingual UnknownPort
    return code, region_of[code]


def pick(
    windows: Mapping[tuple[str, str, str], Sequence[Activation]],
    *,
    country: str,
    port: str,
    region: str,
    at: datetime,
) -> Activation | None:
    """The activation in force at ``at``: the port's own, else its region's (no two windows of
    one scope overlap, so at most one of each matches)."""
    for key in ((country, "port", port), (country, "region", region)):
        for a in windows.get(key, ()):
            if a.effective_from <= at and (a.effective_until is None or at < a.effective_until):
                return a
    return None


def index(rows: Iterable[Activation]) -> dict[tuple[str, str, str], list[Activation]]:
    out: dict[tuple[str, str, str], list[Activation]] = {}
    for a in rows:
        if a.effective_until is not None and a.effective_until <= a.effective_from:
            continue  # superseded before it began: never in force
        out.setdefault((a.country, a.scope, a.scope_id), []).append(a)
    return out


def version_in_force(
    session: Session, *, port: str, at: datetime, direction: str = "northbound"
) -> Activation | None:
    """Which activation (version, scope, window) was in force at ``port`` at instant ``at``
    for travelers going ``direction``, read from the store; None: the default plan."""
    code, region = port_and_region(port)
    country = DESTINATION[_direction(direction)]
    rows = [
        activation_of(r)
        for kind, ident in (("port", code), ("region", region))
        for r in q.activations_at_scope(session, country, kind, ident)
    ]
    return pick(index(rows), country=country, port=code, region=region, at=aware(at, "/at"))


def activations(session: Session) -> list[Activation]:
    """Every activation this node holds, oldest first (the in-force history)."""
    return [activation_of(r) for r in q.activations(session)]
