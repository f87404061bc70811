"""The report's store reads: current decisions only (an amended record counts once, as its
latest version), the agency's, in the period; examinations from concluded inspections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from smartborder.store import risk as repo
from smartborder.store import transaction
from smartborder.store.tables.declarations import DecisionRow, DeclarationRow
from smartborder.store.tables.inspections import InspectionEventRow, InspectionRow

T0 = datetime(2026, 3, 1, tzinfo=UTC)
PERIOD = {"since": T0 - timedelta(days=1), "until": T0 + timedelta(days=30)}


def _record(
    session: Session, rid: str, versions: list[dict[str, Any]], *, port: str = "2304"
) -> None:
    session.add(
        DeclarationRow(
            id=rid,
            kind="truck",
            submitter_org="o",
            submitter_client="c",
            dedupe_key=f"key:{rid}",
            port_code=port,
            direction="northbound",
            expected_arrival=T0,
            state="decided",
            current_version=len(versions),
            created_at=T0,
            updated_at=T0,
        )
    )
    session.flush()  # the record before its decisions (no ORM relationship orders them)
    for n, v in enumerate(versions, 1):
        session.add(
            DecisionRow(
                declaration_id=rid,
                version=n,
                kind="truck",
                port_code=port,
                direction="northbound",
                lane=None,
                risk_score=0.0,
                body="{}",
                decided_at=v.get("at", T0 + timedelta(hours=n)),
                agencies=v.get("agency", "cbp"),
                outcome=v["outcome"],
                random_selection=v.get("random", False),
                risk_version="1.2",
                risk_rules=v.get("rules"),
            )
        )


def _inspected(
    session: Session, rid: str, code: str, *, agency: str = "cbp", state: str = "concluded"
) -> None:
    iid = f"i-{rid}"
    session.add(
        InspectionRow(
            id=iid,
            declaration_id=rid,
            joint=False,
            requested_by=agency,
            facility=None,
            scheduled_for=None,
            state=state,
            version=4,
            created_at=T0 + timedelta(hours=5),
            updated_at=T0 + timedelta(hours=6),
            body="{}",
        )
    )
    session.flush()
    session.add(
        InspectionEventRow(
            id=f"e-{rid}",
            inspection_id=iid,
            seq=3,
            declaration_id=rid,
            kind="findings_recorded",
            agency=agency,
            actor="officer",
            at=T0 + timedelta(hours=6),
            body=orjson.dumps({"findings": [{"code": code, "value_usd": 10.0}]}).decode(),
            applied_at=T0 + timedelta(hours=6),
        )
    )


def test_flows_count_each_record_once_as_its_latest_version(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as s:
        _record(s, "a", [{"outcome": "release"}])
        # amended: inspect, then release (the release is current)
        _record(s, "b", [{"outcome": "inspect", "rules": "truck.x"}, {"outcome": "release"}])
        _record(s, "c", [{"outcome": "inspect", "random": True}])
        _record(s, "d", [{"outcome": "release", "agency": "anam"}])  # another agency's
        _record(s, "e", [{"outcome": "release", "at": T0 - timedelta(days=40)}])  # before
        _record(s, "f", [{"outcome": "release"}], port="2506")
    with sessions() as s:
        flows, _ = repo.report_rows(s, agency="cbp", **PERIOD)
        by_port, _ = repo.report_rows(s, agency="cbp", port_code="2506", **PERIOD)
    assert sorted(flows) == [(False, "release", None, None, 3), (True, "inspect", "1.2", None, 1)]
    assert by_port == [(False, "release", None, None, 1)]


def test_examinations_come_from_concluded_inspections_of_the_agency_on_targeted_or_drawn(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as s:
        _record(s, "a", [{"outcome": "inspect", "rules": "truck.x"}])
        _record(s, "b", [{"outcome": "inspect", "random": True}])
        _record(s, "c", [{"outcome": "inspect"}])
        _record(s, "d", [{"outcome": "inspect"}])
        _record(s, "e", [{"outcome": "release"}])  # released, not drawn: an officer's choice
        _record(s, "f", [{"outcome": "inspect", "rules": "truck.x"}, {"outcome": "release"}])
        _inspected(s, "a", "misdeclared_value")
        _inspected(s, "b", "no_discrepancy")
        _inspected(s, "c", "undeclared_goods", state="in_progress")  # not concluded yet
        _inspected(s, "d", "undeclared_goods", agency="anam")  # the other agency's findings
        _inspected(s, "e", "undeclared_goods")  # neither targeting nor the sample
        _inspected(s, "f", "undeclared_goods")  # its current decision is a release
    with sessions() as s:
        _, rows = repo.report_rows(s, agency="cbp", **PERIOD)
        _, other_port = repo.report_rows(s, agency="cbp", port_code="2506", **PERIOD)
    assert sorted((r[0], r[1], r[4]) for r in rows) == [("a", False, "truck.x"), ("b", True, None)]
    assert other_port == []


def test_the_reports_reads_of_picked_decisions_walk_only_the_partial_index(
    sessions: sessionmaker[Session],
) -> None:
    # a year holds ~6 % targeted, drawn or amended decisions: read through the partial index,
    # never the whole period's (the WHERE term must be the index's own predicate)
    with sessions() as s:
        conn = s.connection()
        if conn.dialect.name != "sqlite":
            return
        picked = (
            select(DecisionRow.declaration_id)
            .where(DecisionRow.agencies == "cbp", DecisionRow.decided_at >= T0)
            .where(repo.picked_or_amended())
        )
        sql = str(picked.compile(conn, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_decisions_risk_picked" in plan, plan
