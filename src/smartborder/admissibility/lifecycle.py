"""The lifecycle of a published plan version and who may move it.

::

    draft ─propose (impact attached)─► proposed ─approve (each country's agency)─► approved
      │                                   │                                         │
      └──────────────── withdraw ◄────────┴─────────────────────────────────────────┤
                                                                                    ▼
    superseded ◄── a later version activated over it ── in_force ◄── activate (regions/ports, from T)
                                                          └── withdraw (from T) ─► withdrawn

Only the destination country's agency approves or activates a version for its country (CBP for
USA, ANAM for MEX); a version with blocks for both needs both approvals. A sovereign node
(``SMARTBORDER_AGENCY``) holds its own country's plans only. Every step is one transaction that
also bumps the in-force generation (workers reload within a second) and is recorded with who
and when (:mod:`~smartborder.admissibility.plan_history` reads it back and answers which version
was in force at a port and instant).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from smartborder import ports
from smartborder.admissibility.errors import (
    InForceOverlap,
    ScopeInvalid,
    TransitionOutOfOrder,
    WrongAgency,
)
from smartborder.admissibility.graph import port_graph
from smartborder.admissibility.plan_history import (
    AGENCY_COUNTRY,
    APPROVED,
    COUNTRY_AGENCY,
    DRAFT,
    IN_FORCE,
    NEXT_STEPS,
    PROPOSED,
    SUPERSEDED,
    WITHDRAWN,
    Actor,
    PlanStatus,
    aware,
    countries_of,
    plan_status,
)
from smartborder.errors import InvalidInput, Problem
from smartborder.i18n import Text
from smartborder.store import admissibility as q
from smartborder.store.tables.admissibility import (
    PlanActivationRow,
    PlanApprovalRow,
    PlanStateRow,
    PlanTransitionRow,
)

if TYPE_CHECKING:
    from smartborder.admissibility.impact import ImpactReport

# --- checks ------------------------------------------------------------------------------------


def _out_of_order(version_id: str, state: str, step: str, why: Text | None = None) -> None:
    allowed = NEXT_STEPS[state]
    nxt = ", ".join(allowed) or "none (final state)"
    sig = ", ".join(allowed) or "ninguno (estado final)"
    raise TransitionOutOfOrder(
        Text(
            f"{version_id} is {state}: cannot {step}. Allowed next: {nxt}."
            + (f" {why.en}" if why else ""),
            f"{version_id} está en {state}: no se puede {step}. Pasos permitidos: {sig}."
            + (f" {why.es}" if why else ""),
        ),
        extra={"state": state, "allowed": list(allowed)},
    )


def _country_of(actor: Actor, step: str) -> str:
    country = AGENCY_COUNTRY.get(actor.agency or "")
    if country is None:
        raise WrongAgency(
            Text(
                f"Only an agency may {step} a version for its country (CBP for USA, ANAM for MEX); "
                f"{actor.who} acts for none.",
                f"Solo una agencia puede {step} una versión para su país (CBP para USA, ANAM para MEX); "
                f"{actor.who} no actúa por ninguna.",
            ),
            extra={"agency": actor.agency},
        )
    return country


def _sovereign(countries: Iterable[str], node_agency: str | None, version_id: str) -> None:
    """A sovereign node holds its own country's plans only."""
    if node_agency is None:
        return
    own = AGENCY_COUNTRY[node_agency]
    foreign = sorted(c for c in countries if c != own)
    if foreign:
        other = COUNTRY_AGENCY[foreign[0]].upper()
        raise WrongAgency(
            Text(
                f"This node ({node_agency.upper()}) holds {own}'s plans; {version_id} has rules for "
                f"{', '.join(foreign)}, which go to {other}'s node.",
                f"Este nodo ({node_agency.upper()}) guarda los planes de {own}; {version_id} tiene reglas "
                f"para {', '.join(foreign)}, que van al nodo de {other}.",
            ),
            code="admissibility.foreign_plan",
        )


def _require_country(country: str, countries: Sequence[str], actor: Actor, version_id: str) -> None:
    if country not in countries:
        holders = " and ".join(f"{COUNTRY_AGENCY[c].upper()} ({c})" for c in countries)
        titulares = " y ".join(f"{COUNTRY_AGENCY[c].upper()} ({c})" for c in countries)
        raise WrongAgency(
            Text(
                f"{version_id} has rules for {', '.join(countries)} only: {holders} decide it, "
                f"not {(actor.agency or '').upper()} ({country}).",
                f"{version_id} solo tiene reglas para {', '.join(countries)}: deciden {titulares}, "
                f"no {(actor.agency or '').upper()} ({country}).",
            ),
            extra={"countries": list(countries), "agency": actor.agency},
        )


def _state_row(session: Session, version_id: str, now: datetime) -> PlanStateRow:
    row = q.get_state(session, version_id, for_update=True)
    if row is None:
        row = PlanStateRow(
            version_id=version_id,
            state=DRAFT,
            countries=",".join(countries_of(session, version_id)),
            impact=None,
            updated_at=now,
        )
        q.add(session, row)
    return row


def _record(
    session: Session,
    row: PlanStateRow,
    action: str,
    to_state: str,
    *,
    actor: Actor,
    now: datetime,
    country: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    q.add(
        session,
        PlanTransitionRow(
            version_id=row.version_id,
            action=action,
            from_state=row.state,
            to_state=to_state,
            country=country,
            agency=actor.agency,
            actor=actor.who[:200],
            at=now,
            detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
        ),
    )
    row.state = to_state
    row.updated_at = now
    session.flush()


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


# --- the steps ---------------------------------------------------------------------------------


def check_author(
    session: Session, version_id: str, *, actor: Actor, node_agency: str | None = None
) -> None:
    """An agency drafts plans with rules for its own country (a binational plan included); a
    sovereign node holds its own country's plans only. Raises :class:`WrongAgency`."""
    countries = countries_of(session, version_id)
    _sovereign(countries, node_agency, version_id)
    if actor.agency is not None:
        _require_country(_country_of(actor, "publish"), countries, actor, version_id)


def propose(
    session: Session,
    version_id: str,
    *,
    impact: ImpactReport,
    actor: Actor,
    node_agency: str | None = None,
    now: datetime | None = None,
) -> PlanStatus:
    """draft → proposed, with ``impact`` (this version against its baseline) attached."""
    at = _now(now)
    row = _state_row(session, version_id, at)
    if row.state != DRAFT:
        _out_of_order(version_id, row.state, "propose")
    countries = row.countries.split(",")
    _sovereign(countries, node_agency, version_id)
    if actor.agency is not None:
        _require_country(_country_of(actor, "propose"), countries, actor, version_id)
    if impact.plan != version_id:
        raise InvalidInput(
            Text(
                f"The impact analysis is of {impact.plan}, not of {version_id}.",
                f"El análisis de impacto es de {impact.plan}, no de {version_id}.",
            ),
            code="admissibility.impact_mismatch",
        )
    row.impact = json.dumps(impact.to_json(), ensure_ascii=False)
    _record(
        session,
        row,
        "propose",
        PROPOSED,
        actor=actor,
        now=at,
        detail={"baseline": impact.baseline, "total": impact.total, "changed": impact.changed},
    )
    return plan_status(session, version_id)


def approve(
    session: Session,
    version_id: str,
    *,
    actor: Actor,
    node_agency: str | None = None,
    now: datetime | None = None,
) -> PlanStatus:
    """The actor's agency approves the version for its country; once every country the
    version has rules for approved it, proposed → approved."""
    at = _now(now)
    country = _country_of(actor, "approve")
    row = _state_row(session, version_id, at)
    countries = row.countries.split(",")
    _sovereign(countries, node_agency, version_id)
    _require_country(country, countries, actor, version_id)
    if row.state != PROPOSED:
        _out_of_order(version_id, row.state, "approve")
    done = {a.country for a in q.approvals(session, version_id)}
    if country in done:
        waiting = [c for c in countries if c not in done]
        _out_of_order(
            version_id,
            row.state,
            "approve",
            Text(
                f"{country} approved it already; waiting for {', '.join(waiting)}.",
                f"{country} ya la aprobó; falta {', '.join(waiting)}.",
            ),
        )
    q.add(
        session,
        PlanApprovalRow(
            version_id=version_id,
            country=country,
            agency=actor.agency or "",
            approved_by=actor.who[:200],
            approved_at=at,
        ),
    )
    done.add(country)
    waiting = [c for c in countries if c not in done]
    _record(
        session,
        row,
        "approve",
        PROPOSED if waiting else APPROVED,
        actor=actor,
        now=at,
        country=country,
        detail={"waiting_for": waiting},
    )
    return plan_status(session, version_id)


def _scopes(regions: Sequence[str], port_codes: Sequence[str]) -> list[tuple[str, str]]:
    problems: list[Problem] = []
    known_regions = {r.id for r in ports.regions()}
    _, region_of, crossing_port = port_graph()
    out: list[tuple[str, str]] = []
    for i, region in enumerate(regions):
        if region not in known_regions:
            problems.append(
                Problem(
                    f"/regions/{i}",
                    "admissibility.unknown_region",
                    Text(
                        f"Unknown region {region!r}; use one of {', '.join(sorted(known_regions))}.",
                        f"Región desconocida {region!r}; use una de {', '.join(sorted(known_regions))}.",
                    ),
                )
            )
        out.append(("region", region))
    for i, code in enumerate(port_codes):
        port = crossing_port.get(code, code)
        if port not in region_of:
            problems.append(
                Problem(
                    f"/ports/{i}",
                    "admissibility.unknown_port",
                    Text(
                        f"Unknown port {code!r}; give a port code such as 2504 (San Ysidro).",
                        f"Puerto desconocido {code!r}; indique un código como 2504 (San Ysidro).",
                    ),
                )
            )
        out.append(("port", port))
    if not out:
        problems.append(
            Problem(
                "/regions",
                "admissibility.empty_scope",
                Text(
                    "Name the regions or ports where the version is in force.",
                    "Indique las regiones o puertos donde la versión entra en vigor.",
                ),
            )
        )
    dupes = sorted({s for s in out if out.count(s) > 1})
    for kind, ident in dupes:
        problems.append(
            Problem(
                f"/{kind}s",
                "admissibility.duplicate_scope",
                Text(f"{kind} {ident} is named twice.", f"{kind} {ident} aparece dos veces."),
            )
        )
    if problems:
        raise ScopeInvalid(problems=problems)
    return out


def _open_at(row: PlanActivationRow, start: datetime) -> bool:
    """Whether ``row``'s window is non-empty and reaches ``start`` or later."""
    until = row.effective_until
    return until is None or (until > start and until > row.effective_from)


def activate(
    session: Session,
    version_id: str,
    *,
    effective_from: datetime,
    regions: Sequence[str] = (),
    port_codes: Sequence[str] = (),
    supersedes: Sequence[str] = (),
    actor: Actor,
    node_agency: str | None = None,
    now: datetime | None = None,
) -> PlanStatus:
    """Put an approved version in force for the actor's country at ``regions`` and ports
    from ``effective_from``. A version already in force there from then on must be named in
    ``supersedes`` (its window ends at ``effective_from``), else :class:`InForceOverlap` lists
    each conflict and nothing changes."""
    at = _now(now)
    start = aware(effective_from, "/effective_from")
    country = _country_of(actor, "activate")
    scopes = _scopes(regions, port_codes)
    q.bump_generation(session)  # first: concurrent activations queue here (row lock)
    row = _state_row(session, version_id, at)
    countries = row.countries.split(",")
    _sovereign(countries, node_agency, version_id)
    _require_country(country, countries, actor, version_id)
    if row.state not in (APPROVED, IN_FORCE):
        _out_of_order(version_id, row.state, "activate")
    if country not in {a.country for a in q.approvals(session, version_id)}:
        _out_of_order(
            version_id,
            row.state,
            "activate",
            Text(f"{country} has not approved it.", f"{country} no la ha aprobado."),
        )
    conflicts: list[dict[str, Any]] = []
    ending: list[PlanActivationRow] = []
    superseded_used: set[str] = set()
    for kind, ident in scopes:
        for other in q.activations_at_scope(session, country, kind, ident):
            if not _open_at(other, start):
                continue
            if other.version_id in supersedes and other.version_id != version_id:
                ending.append(other)
                superseded_used.add(other.version_id)
            else:
                conflicts.append(
                    {
                        "version": other.version_id,
                        "country": country,
                        "scope": kind,
                        "scope_id": ident,
                        "effective_from": other.effective_from.isoformat(),
                        "effective_until": other.effective_until.isoformat()
                        if other.effective_until
                        else None,
                    }
                )
    if conflicts:
        listed = "; ".join(
            f"{c['version']} at {c['scope']} {c['scope_id']} from {c['effective_from']}"
            for c in conflicts
        )
        listado = "; ".join(
            f"{c['version']} en {c['scope']} {c['scope_id']} desde {c['effective_from']}"
            for c in conflicts
        )
        raise InForceOverlap(
            Text(
                f"{version_id} would overlap what is in force in {country}: {listed}. "
                "Name those versions in supersedes, or choose other regions, ports or instant.",
                f"{version_id} se superpondría a lo vigente en {country}: {listado}. "
                "Nombre esas versiones en supersedes, o elija otras regiones, puertos o instante.",
            ),
            extra={"conflicts": conflicts},
        )
    unused = sorted(set(supersedes) - superseded_used)
    if unused:
        raise ScopeInvalid(
            problems=[
                Problem(
                    "/supersedes",
                    "admissibility.nothing_to_supersede",
                    Text(
                        f"{v} is not in force in {country} at these regions or ports from "
                        f"{start.isoformat()}: nothing to supersede.",
                        f"{v} no está vigente en {country} en estas regiones o puertos desde "
                        f"{start.isoformat()}: nada que sustituir.",
                    ),
                )
                for v in unused
            ]
        )
    for other in ending:
        other.effective_until = max(start, other.effective_from)
        other.ended_by = f"superseded by {version_id} ({actor.who})"[:200]
    session.flush()
    for old in sorted(superseded_used):
        old_row = _state_row(session, old, at)
        still_open = any(a.effective_until is None for a in q.activations(session, old))
        if not still_open and old_row.state == IN_FORCE:
            _record(
                session,
                old_row,
                "supersede",
                SUPERSEDED,
                actor=actor,
                now=at,
                country=country,
                detail={"by": version_id, "from": start.isoformat()},
            )
    q.add(
        session,
        *[
            PlanActivationRow(
                version_id=version_id,
                country=country,
                scope_kind=kind,
                scope_id=ident,
                effective_from=start,
                effective_until=None,
                activated_by=actor.who[:200],
                activated_at=at,
                ended_by=None,
            )
            for kind, ident in scopes
        ],
    )
    _record(
        session,
        row,
        "activate",
        IN_FORCE,
        actor=actor,
        now=at,
        country=country,
        detail={
            "regions": list(regions),
            "ports": [ident for kind, ident in scopes if kind == "port"],
            "effective_from": start.isoformat(),
            "supersedes": list(supersedes),
        },
    )
    return plan_status(session, version_id)


def withdraw(
    session: Session,
    version_id: str,
    *,
    actor: Actor,
    effective_from: datetime | None = None,
    reason: str | None = None,
    node_agency: str | None = None,
    now: datetime | None = None,
) -> PlanStatus:
    """Withdraw a version: one not yet in force, by any of its countries' agencies (or an
    administrator); one in force, by a country's agency from ``effective_from`` (default now)
    at every region and port of that country — withdrawn once no country keeps it in force."""
    at = _now(now)
    start = aware(effective_from, "/effective_from") if effective_from else at
    row = _state_row(session, version_id, at)
    countries = row.countries.split(",")
    _sovereign(countries, node_agency, version_id)
    if row.state not in (DRAFT, PROPOSED, APPROVED, IN_FORCE):
        _out_of_order(version_id, row.state, "withdraw")
    country: str | None = None
    if actor.agency is not None or row.state == IN_FORCE:
        country = _country_of(actor, "withdraw")
        _require_country(country, countries, actor, version_id)
    to_state = WITHDRAWN
    if row.state == IN_FORCE:
        q.bump_generation(session)
        mine = [
            a
            for a in q.activations(session, version_id)
            if a.effective_until is None and a.country == country
        ]
        if not mine:
            _out_of_order(
                version_id,
                row.state,
                "withdraw",
                Text(
                    f"It is not in force in {country}; the other country's agency withdraws it there.",
                    f"No está vigente en {country}; la agencia del otro país la retira allí.",
                ),
            )
        for a in mine:
            a.effective_until = max(start, a.effective_from)
            a.ended_by = f"withdrawn by {actor.who}"[:200]
        session.flush()
        if any(a.effective_until is None for a in q.activations(session, version_id)):
            to_state = IN_FORCE  # the other country keeps it in force
    _record(
        session,
        row,
        "withdraw",
        to_state,
        actor=actor,
        now=at,
        country=country,
        detail={"effective_from": start.isoformat(), "reason": reason or ""},
    )
    return plan_status(session, version_id)
