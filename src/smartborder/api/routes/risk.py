"""Measured risk management: the targeting effectiveness report of an agency.

Thin HTTP over :mod:`smartborder.risk`: an agency (CBP, ANAM) reads its own decisions'
figures, an admin names the agency, anyone else gets a 403 problem; a bad period, port or
direction is a 400 (422 for a parameter of the wrong type). A period without enough
examinations answers 200 with ``status: "not_enough_data"`` and the counts, never a 0 %.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from smartborder.api.deps import DbSession, require_scopes
from smartborder.api.limits import Instant
from smartborder.clients import Principal
from smartborder.clients.roles import DECISIONS_READ
from smartborder.risk import MIN_COUNT, effectiveness_report, reader_agency, report_query

router = APIRouter(tags=["risk"])

Reader = Annotated[Principal, Depends(require_scopes(DECISIONS_READ))]

_FIGURE = {
    "status": "ok",
    "value": 0.31,
    "low": 0.27,
    "high": 0.35,
    "hits": 155,
    "count": 500,
    "needed": 20,
}
_EXAMPLE: dict[str, Any] = {
    "agency": "cbp",
    "period": {"from": "2026-01-01T00:00:00+00:00", "to": "2026-04-01T00:00:00+00:00"},
    "port_code": "2304",
    "direction": "northbound",
    "confidence": 0.95,
    "min_count": 20,
    "status": "ok",
    "streams": {
        "targeted": {
            "decisions": 520,
            "examined": 500,
            "violations": 155,
            "revenue_recovered_usd": 412000.0,
        },
        "random": {
            "decisions": 310,
            "examined": 300,
            "violations": 9,
            "revenue_recovered_usd": 8100.0,
        },
        "released": {
            "decisions": 20150,
            "examined": 0,
            "violations": 0,
            "revenue_recovered_usd": 0.0,
        },
    },
    "targeted_hit_rate": _FIGURE,
    "random_hit_rate": {
        "status": "ok",
        "value": 0.03,
        "low": 0.016,
        "high": 0.056,
        "hits": 9,
        "count": 300,
        "needed": 20,
    },
    "non_compliance_untargeted": {
        "status": "ok",
        "value": 0.03,
        "low": 0.016,
        "high": 0.056,
        "hits": 9,
        "count": 300,
        "needed": 20,
    },
    "non_compliance_overall": {
        "status": "ok",
        "value": 0.037,
        "low": 0.02,
        "high": 0.066,
        "basis": {"targeted_examined": 500, "random_examined": 300, "decisions": 20980},
    },
    "missed_share": {
        "status": "ok",
        "value": 0.80,
        "low": 0.66,
        "high": 0.89,
        "basis": {"targeted_examined": 500, "random_examined": 300, "decisions": 20980},
    },
    "by_rule": {
        "truck.first_time_shipper": {
            "decisions": 800,
            "examined": 260,
            "violations": 70,
            "precision": _FIGURE,
            "lift": {
                "status": "ok",
                "value": 7.3,
                "low": 4.0,
                "high": 14.1,
                "basis": {"examined": 260},
            },
            "revenue_recovered_usd": 150000.0,
            "valued_findings": 60,
        }
    },
    "by_weight_set": {
        "1.2": {
            "decisions": 520,
            "examined": 500,
            "violations": 155,
            "precision": _FIGURE,
            "lift": {
                "status": "ok",
                "value": 8.4,
                "low": 4.6,
                "high": 15.6,
                "basis": {"examined": 500},
            },
            "revenue_recovered_usd": 412000.0,
            "valued_findings": 140,
        }
    },
    "revenue_recovered_usd": {"targeted": 412000.0, "random": 8100.0, "released": 0.0},
}
_NOT_ENOUGH = {
    "status": "not_enough_data",
    "random_hit_rate": {
        "status": "not_enough_data",
        "value": None,
        "low": None,
        "high": None,
        "hits": 0,
        "count": 2,
        "needed": 20,
    },
}


@router.get(
    "/risk/effectiveness",
    responses={
        200: {
            "description": "The report; figures from too few examinations say `not_enough_data`.",
            "content": {
                "application/json": {
                    "examples": {
                        "report": {"summary": "A quarter at Laredo, northbound", "value": _EXAMPLE},
                        "not_enough_data": {
                            "summary": "A period with too few labelled examinations (excerpt)",
                            "value": _NOT_ENOUGH,
                        },
                    }
                }
            },
        }
    },
)
def effectiveness(
    session: DbSession,
    caller: Reader,
    since: Annotated[
        Instant | None,
        Query(
            alias="from", description="Start of the period (ISO 8601); default 90 days before `to`."
        ),
    ] = None,
    until: Annotated[
        Instant | None,
        Query(alias="to", description="End of the period, exclusive (ISO 8601); default now."),
    ] = None,
    port: Annotated[
        str | None, Query(pattern=r"^\d{4}$", description="4-digit CBP port code, e.g. 2304.")
    ] = None,
    direction: Annotated[
        str | None,
        Query(pattern="^(northbound|southbound)$", description="northbound or southbound."),
    ] = None,
    agency: Annotated[
        str | None, Query(description="cbp or anam: an admin names it; an agency reads its own.")
    ] = None,
    min_count: Annotated[
        int, Query(ge=1, le=100_000, description="Fewest examinations a figure is computed from.")
    ] = MIN_COUNT,
) -> dict[str, Any]:
    """Targeting effectiveness of the caller's agency over a period, port and direction:
    hit rate of targeted and random examinations, the non-compliance the random control
    sample estimates, the share of violations targeting misses, and per rule and weight-set
    version precision, lift and revenue recovered, each with its counts and interval."""
    chosen = reader_agency(caller, agency)
    end = _utc(until) or datetime.now(UTC)
    start = _utc(since) or end - timedelta(days=90)
    query = report_query(
        agency=chosen,
        since=start,
        until=end,
        port_code=port,
        direction=direction,
        min_count=min_count,
    )
    return effectiveness_report(session, query).to_dict()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
