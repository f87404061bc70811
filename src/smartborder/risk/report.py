"""The targeting effectiveness report of an agency, read from the store.

:func:`reader_agency` says whose report a caller reads (an agency its own decisions; an
admin names the agency); :func:`report_query` validates the period, port and direction with
problems that say how to fix them; :func:`effectiveness_report` reads the decisions and the findings of the
inspections and computes the figures (:mod:`smartborder.risk.effectiveness`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.orm import Session

from smartborder.clients import Principal, Role
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text
from smartborder.ports import get_port
from smartborder.risk.effectiveness import MIN_COUNT, EffectivenessReport, Flow, Label, compute
from smartborder.risk.errors import ReportForbidden, ReportQueryInvalid
from smartborder.store import risk as repo

AGENCIES = ("cbp", "anam")
DIRECTIONS = ("northbound", "southbound")
#: The longest period one report reads (three years of decisions).
MAX_PERIOD = timedelta(days=1100)
#: The inspections' stable code for a clean finding (``inspections.FindingCode``; every other
#: code is a violation). Named here because inspections build on risk, not the reverse.
NO_DISCREPANCY = "no_discrepancy"


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """A validated request for a report: whose decisions, when, where."""

    agency: str
    since: datetime
    until: datetime
    port_code: str | None = None
    direction: str | None = None
    min_count: int = MIN_COUNT


def reader_agency(principal: Principal, agency: str | None = None) -> str:
    """The agency whose report ``principal`` reads: its own (a CBP or ANAM client; naming the
    other one is 403), the one an admin names; anyone else is 403."""
    if principal.role is Role.ADMIN:
        if agency is None:
            raise ReportQueryInvalid(
                "/agency",
                Text(
                    "An admin names the agency whose report it reads (agency=cbp or agency=anam).",
                    "Un administrador indica la agencia cuyo informe consulta (agency=cbp o agency=anam).",
                ),
            )
        return _agency(agency)
    if not principal.role.is_agency:
        raise ReportForbidden()
    own = principal.role.value
    if agency is not None and agency != own:
        raise ReportForbidden(
            Text(
                f"{own} reads its own targeting only, not {agency}'s.",
                f"{own} consulta solo su propia selección, no la de {agency}.",
            )
        )
    return own


def _agency(value: str) -> str:
    if value not in AGENCIES:
        raise ReportQueryInvalid(
            "/agency",
            Text(
                f"Unknown agency {value!r}; use cbp or anam.",
                f"Agencia desconocida {value!r}; use cbp o anam.",
            ),
        )
    return value


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def report_query(
    *,
    agency: str,
    since: datetime,
    until: datetime,
    port_code: str | None = None,
    direction: str | None = None,
    min_count: int = MIN_COUNT,
) -> ReportQuery:
    """Check the query (naive times are UTC; the caller's agency comes from
    :func:`reader_agency`); raises a 400 problem naming what to fix."""
    chosen = _agency(agency)
    since, until = _utc(since), _utc(until)
    if until <= since:
        raise ReportQueryInvalid(
            "/to",
            Text(
                f"The period ends ({until.isoformat()}) before it starts ({since.isoformat()}); give from < to.",
                f"El periodo termina ({until.isoformat()}) antes de empezar ({since.isoformat()}); indique from < to.",
            ),
        )
    if until - since > MAX_PERIOD:
        raise ReportQueryInvalid(
            "/to",
            Text(
                f"A report covers at most {MAX_PERIOD.days} days; split the period.",
                f"Un informe abarca como máximo {MAX_PERIOD.days} días; divida el periodo.",
            ),
        )
    if port_code is not None:
        try:
            port_code = get_port(port_code).code
        except SmartBorderError as exc:
            raise ReportQueryInvalid("/port", exc.message) from None
    if direction is not None and direction not in DIRECTIONS:
        raise ReportQueryInvalid(
            "/direction",
            Text(
                f"Unknown direction {direction!r}; use northbound or southbound.",
                f"Dirección desconocida {direction!r}; use northbound (hacia el norte) o southbound (hacia el sur).",
            ),
        )
    if not 1 <= min_count <= 100_000:
        raise ReportQueryInvalid(
            "/min_count",
            Text(
                "min_count is between 1 and 100000 examinations.",
                "min_count está entre 1 y 100000 exámenes.",
            ),
        )
    return ReportQuery(chosen, since, until, port_code, direction, min_count)


def labels_of(rows: list[tuple[str, bool, str, str | None, str | None, str]]) -> list[Label]:
    """One :class:`Label` per examined declaration from its findings events: a violation if any
    finding is not ``no_discrepancy``; revenue, the values of its violation findings."""
    seen: dict[str, Label] = {}
    for declaration_id, random, outcome, version, rules, body in rows:
        violation, value, valued = False, 0.0, False
        for finding in orjson.loads(body).get("findings") or ():
            if finding.get("code") != NO_DISCREPANCY:
                violation = True
                amount = finding.get("value_usd")
                if amount is not None:
                    value += float(amount)
                    valued = True
        before = seen.get(declaration_id)
        if before is not None:  # a second findings event of the same declaration
            violation, value = violation or before.violation, value + before.value_usd
            valued = valued or before.valued
        seen[declaration_id] = Label(random, outcome, version, rules, violation, value, valued)
    return list(seen.values())


def effectiveness_report(session: Session, query: ReportQuery) -> EffectivenessReport:
    """Read the agency's decisions and examinations in the query's period and compute the
    report (figures under ``query.min_count`` examinations say "not enough data")."""
    where: dict[str, Any] = {
        "agency": query.agency,
        "since": query.since,
        "until": query.until,
        "port_code": query.port_code,
        "direction": query.direction,
    }
    flow_rows, findings = repo.report_rows(session, **where)
    flows = [Flow(*row) for row in flow_rows]
    labels = labels_of(findings)
    return compute(
        flows,
        labels,
        agency=query.agency,
        since=query.since,
        until=query.until,
        port_code=query.port_code,
        direction=query.direction,
        min_count=query.min_count,
    )


__all__ = [
    "MAX_PERIOD",
    "ReportQuery",
    "effectiveness_report",
    "labels_of",
    "reader_agency",
    "report_query",
]
