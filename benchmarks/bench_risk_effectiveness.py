"""The targeting effectiveness report over a year of decisions (target ≤ 2 s).

Generates one node-year of CBP truck decisions into a SQLite store (default 1,000,000: about
2,740 a day over four ports) with their inspections, then times ``risk.effectiveness_report``
over the whole year (every port: the largest report there is) and over one port, beside a
baseline measured in the same run on the same rows: a plain ``count(*)`` of the agency's
decisions in the year.

The decisions are real: a few thousand synthetic shipments decided by the default pipeline
(weight set, reasons, bodies of their real size) are the templates the year is drawn from,
and the random control sample draws 1.5 % of the released and reviewed ones (the default
rate). 2 % of records are amended (two decision rows, one current). Inspections follow a
hidden truth: 3 % of decisions are targeted (drawn from the templates the pipeline sent to
examination); every random draw and 90 % of targeted decisions are examined and concluded
with a findings event (and the other five events of an inspection); a violation's chance is
1 %, plus 10 % per matched rule on goods, seals or parties' history, plus 15 % if targeted;
its value log-normal.

    .venv/bin/python benchmarks/bench_risk_effectiveness.py [--decisions 1000000] [--runs 5]
        [--db /tmp/bench-risk-effectiveness.db] [--keep]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import numpy as np
import orjson
from sqlalchemy import Table, func, select

from smartborder.demo.synthetic import generate_trucks
from smartborder.preclearance import Outcome, Pipeline
from smartborder.risk import RandomSample, effectiveness_report, report_query
from smartborder.store import make_engine, session_factory, upgrade
from smartborder.store.bulk import BulkInsert
from smartborder.store.tables.declarations import DecisionRow, DeclarationRow
from smartborder.store.tables.inspections import InspectionEventRow, InspectionRow

PORTS = ("2504", "2506", "2304", "2402")  # San Ysidro, Otay Mesa, Laredo, El Paso
YEAR = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK = 20_000
# The hidden truth: rules on goods and seals point at real violations, others barely.
SUSPECT = ("truck.hs.", "truck.seal", "truck.first_time", "truck.recent_violation")
TARGETED_SHARE = 0.03  # of decisions sent to examination by the pipeline (an assumption)
EVENT_KINDS = (
    "requested",
    "scheduled",
    "started",
    "findings_recorded",
    "concluded",
    "report_issued",
)


def _bulk(row: type) -> BulkInsert:
    table = cast(Table, row.__table__)  # type: ignore[attr-defined]
    cols = [c.name for c in table.columns if not (c.primary_key and c.autoincrement is True)]
    return BulkInsert(table, cols)


def templates(n: int = 4000) -> list[dict[str, Any]]:
    """Real decisions of the default pipeline (with the 1.5 % sample), as stored columns."""
    pipeline = Pipeline.default(random_sample=RandomSample(0.015))
    out = []
    rng = np.random.default_rng(2026)
    for port in PORTS:
        for record in generate_trucks(port, date(2026, 12, 1), n // len(PORTS), rng=rng):
            d = pipeline.decide(record, now=datetime(2026, 11, 30, tzinfo=UTC))
            body = d.model_dump(mode="json")
            rules = sorted({r.rule_id for r in d.reasons if r.stage == "risk"})
            out.append(
                {
                    "port_code": port,
                    "outcome": d.outcome.value,
                    "lane": d.lane,
                    "risk_score": d.risk_score,
                    "body": orjson.dumps(body).decode(),
                    "random_selection": d.random_selection,
                    "risk_rules": ",".join(rules) or None,
                    "suspect": sum(r.startswith(SUSPECT) for r in rules),
                    "targeted": d.outcome in (Outcome.INSPECT, Outcome.HOLD)
                    and not d.random_selection,
                }
            )
    return out


def generate(db: Path, n: int) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    tpl = templates()
    pools = {
        flag: np.array([i for i, t in enumerate(tpl) if t["targeted"] == flag])
        for flag in (True, False)
    }
    rng = np.random.default_rng(7)
    bulk = {t: _bulk(t) for t in (DeclarationRow, DecisionRow, InspectionRow, InspectionEventRow)}
    counts = {"decisions": 0, "examined": 0, "violations": 0}
    filler = "x" * 1200  # an inspection's state with its signed report is ~1.5 KB
    with engine.begin() as conn:
        for start in range(0, n, CHUNK):
            size = min(CHUNK, n - start)
            targeted = rng.random(size) < TARGETED_SHARE
            picks = np.where(
                targeted,
                rng.choice(pools[True], size),
                rng.choice(pools[False], size),
            )
            seconds = np.sort(rng.uniform(0, 365 * 86400, size))
            amended = rng.random(size) < 0.02
            records, decisions, inspections, events = [], [], [], []
            for i in range(size):
                t = tpl[picks[i]]
                at = YEAR + timedelta(seconds=float(seconds[i]))
                rid = str(uuid.uuid4())
                version = 2 if amended[i] else 1
                records.append(
                    {
                        "id": rid,
                        "kind": "truck",
                        "submitter_org": "Carrier",
                        "submitter_client": "c1",
                        "dedupe_key": f"key:{rid}",
                        "port_code": t["port_code"],
                        "direction": "northbound",
                        "expected_arrival": at + timedelta(hours=2),
                        "state": "decided",
                        "current_version": version,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
                for v in range(1, version + 1):
                    decisions.append(
                        {
                            "declaration_id": rid,
                            "version": v,
                            "kind": "truck",
                            "port_code": t["port_code"],
                            "direction": "northbound",
                            "outcome": t["outcome"],
                            "lane": t["lane"],
                            "risk_score": t["risk_score"],
                            "agencies": "cbp",
                            "decided_at": at + timedelta(minutes=v - 1),
                            "body": t["body"],
                            "random_selection": t["random_selection"],
                            "risk_version": "1.2" if at.month > 6 else "1.1",
                            "risk_rules": t["risk_rules"],
                        }
                    )
                examined = t["random_selection"] or (t["targeted"] and rng.random() < 0.9)
                if not examined:
                    continue
                chance = 0.01 + 0.10 * t["suspect"] + (0.15 if t["targeted"] else 0.0)
                violation = rng.random() < chance
                finding: dict[str, Any] = {
                    "code": "misdeclared_value" if violation else "no_discrepancy",
                    "agency": "cbp",
                    "found_by": "officer",
                    "found_by_org": "CBP",
                    "found_at": (at + timedelta(hours=3)).isoformat(),
                    "note": None,
                    "value_usd": round(float(rng.lognormal(7, 1)), 2) if violation else None,
                    "hs_code": None,
                }
                iid = str(uuid.uuid4())
                done = at + timedelta(hours=4)
                inspections.append(
                    {
                        "id": iid,
                        "declaration_id": rid,
                        "joint": False,
                        "requested_by": "cbp",
                        "facility": "dock:1",
                        "scheduled_for": at + timedelta(hours=2),
                        "state": "concluded",
                        "version": len(EVENT_KINDS),
                        "created_at": at,
                        "updated_at": done,
                        "body": filler,
                    }
                )
                for seq, kind in enumerate(EVENT_KINDS, 1):
                    body = {"findings": [finding]} if kind == "findings_recorded" else {}
                    events.append(
                        {
                            "id": str(uuid.uuid4()),
                            "inspection_id": iid,
                            "seq": seq,
                            "declaration_id": rid,
                            "kind": kind,
                            "agency": "cbp",
                            "actor": "officer",
                            "at": done,
                            "body": orjson.dumps(body).decode(),
                            "applied_at": done,
                        }
                    )
                counts["examined"] += 1
                counts["violations"] += violation
            bulk[DeclarationRow].execute(conn, records)
            bulk[DecisionRow].execute(conn, decisions)
            bulk[InspectionRow].execute(conn, inspections)
            bulk[InspectionEventRow].execute(conn, events)
            counts["decisions"] += size
    engine.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench-risk-effectiveness.db"))
    parser.add_argument("--keep", action="store_true", help="Reuse --db if it exists.")
    args = parser.parse_args()
    if not (args.keep and args.db.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        t0 = time.perf_counter()
        made = generate(args.db, args.decisions)
        print(
            f"generated {made['decisions']:,} decisions, {made['examined']:,} examined, "
            f"{made['violations']:,} with a violation in {time.perf_counter() - t0:.0f} s"
        )
    engine = make_engine(f"sqlite:///{args.db}")
    upgrade(engine)  # a kept database gets the indexes added since it was generated
    sessions = session_factory(engine)
    year = report_query(agency="cbp", since=YEAR, until=YEAR + timedelta(days=365))
    port = report_query(
        agency="cbp", since=YEAR, until=YEAR + timedelta(days=365), port_code="2304"
    )
    timings: dict[str, list[tuple[float, float]]] = {"count": [], "year": [], "port": []}
    report: dict[str, Any] = {}

    def timed(key: str, fn: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        timings[key].append((time.perf_counter() - wall, time.process_time() - cpu))
        return out

    count = select(func.count()).where(
        DecisionRow.agencies == "cbp",
        DecisionRow.decided_at >= year.since,
        DecisionRow.decided_at < year.until,
    )
    total = 0
    for _ in range(args.runs):
        with sessions() as session:
            total = timed("count", lambda: session.execute(count).scalar_one())
            report = timed("year", lambda: effectiveness_report(session, year).to_dict())
            timed("port", lambda: effectiveness_report(session, port))
    engine.dispose()
    s = report["streams"]
    decided = sum(v["decisions"] for v in s.values())
    print(
        f"{total:,} decision rows in the year ({decided:,} current); "
        f"targeted {s['targeted']['decisions']:,}, random {s['random']['decisions']:,}, "
        f"examined {sum(v['examined'] for v in s.values()):,}"
    )
    print(f"median of {args.runs} runs, wall (CPU of this process), load {os.getloadavg()[0]:.1f}:")
    for key, label in (
        ("count", "baseline: count(*) of the year's decisions"),
        ("year", "effectiveness report, a year, every port"),
        ("port", "effectiveness report, a year, one port"),
    ):
        wall = statistics.median(w for w, _ in timings[key])
        cpu = statistics.median(c for _, c in timings[key])
        target = "  (target ≤ 2 s)" if key == "year" else ""
        print(f"  {label:44s} {wall:.3f} s ({cpu:.3f} s CPU){target}")
    t, r = report["targeted_hit_rate"], report["random_hit_rate"]
    print(
        f"  (targeted hit rate {t['value']:.3f} [{t['low']:.3f}, {t['high']:.3f}] of {t['count']:,}; "
        f"random {r['value']:.4f} [{r['low']:.4f}, {r['high']:.4f}] of {r['count']:,}; "
        f"missed share {report['missed_share']['value']:.3f})"
    )


if __name__ == "__main__":
    main()
