"""Outcomes from this node's store: truck decisions of a period and what their concluded
inspections found (``inspections``), in the same records :func:`read_outcomes` gives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from smartborder.declarations import HSNomenclature, TruckShipment, parse_declaration
from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.risk.model.errors import OutcomesInvalid
from smartborder.risk.model.outcomes import FindingCodes, LabelledDeclaration
from smartborder.store import risk as repo


def stored_lookup(session: Session) -> Any:
    """What :func:`read_outcomes` calls for lines that name a stored declaration by id."""

    def lookup(ids: list[str]) -> Mapping[str, tuple[Mapping[str, Any], datetime]]:
        found = repo.stored_payloads(session, ids)
        return {did: (orjson.loads(payload), at) for did, (payload, at) in found.items()}

    return lookup


def outcomes_from_store(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    finding_codes: FindingCodes,
    hs: HSNomenclature | None = None,
) -> list[LabelledDeclaration]:
    """The trucks decided from ``since`` to ``until``, each with the findings of its
    concluded inspections (none: not inspected), in decision order. A naive time is
    taken as UTC."""
    since = since.replace(tzinfo=UTC) if since.tzinfo is None else since
    until = until.replace(tzinfo=UTC) if until.tzinfo is None else until
    decided = repo.decided_trucks(session, since, until)
    bodies = repo.concluded_inspections(session, [d[0] for d in decided])
    out: list[LabelledDeclaration] = []
    problems: list[Problem] = []
    for did, at, payload, decision in decided:
        declaration = parse_declaration(orjson.loads(payload), now=at, hs=hs)
        if not isinstance(declaration, TruckShipment):
            continue
        codes, value = _findings(bodies.get(did, []))
        unknown = [c for c in codes if c not in finding_codes]
        if unknown:
            problems.append(
                Problem(
                    f"/declarations/{did}",
                    "risk.outcomes.unknown_finding",
                    Text(
                        f"Stored finding code(s) {unknown} are unknown to this version.",
                        f"Los códigos de hallazgo guardados {unknown} son desconocidos en esta versión.",
                    ),
                )
            )
            continue
        violation = any(finding_codes[c] for c in codes)
        out.append(
            LabelledDeclaration(
                declaration_id=did,
                declaration=declaration,
                filed_at=at,
                inspected=bool(codes),
                findings=tuple(codes),
                violation=violation,
                value_usd=value if violation else 0.0,
                random_selection=bool(orjson.loads(decision).get("random_selection")),
            )
        )
    if problems:
        raise OutcomesInvalid("the store", problems)
    return out


def _findings(bodies: Sequence[str]) -> tuple[list[str], float]:
    codes: list[str] = []
    value = 0.0
    for body in bodies:
        state = orjson.loads(body)
        for part in (state.get("parts") or {}).values():
            for finding in part.get("findings") or []:
                codes.append(str(finding.get("code")))
                value += float(finding.get("value_usd") or 0.0)
        if not codes:  # concluded with nothing recorded: nothing was found
            codes.append("no_discrepancy")
    return list(dict.fromkeys(codes)), value


__all__ = ["outcomes_from_store", "stored_lookup"]
