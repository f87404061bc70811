"""Impact analysis: decide the same traveler pre-arrivals under a new plan and a baseline, and
count how outcomes change (admit→deny and back, to and from review) by port, category and day.

Both plans are evaluated with Cedar's batch authorization, in chunks, so a year of generated
pre-arrivals at every port takes seconds (figures in docs/admissibility.md).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from smartborder import ports
from smartborder.admissibility.cedar import Request, decide_batch
from smartborder.admissibility.errors import TravelerInvalid
from smartborder.admissibility.graph import DESTINATION, region_of_port
from smartborder.admissibility.model import Traveler
from smartborder.admissibility.service import PlanRef, as_traveler, policies_for, request_for
from smartborder.errors import Problem
from smartborder.i18n import Text


@dataclass(frozen=True, slots=True)
class Trip:
    """One pre-arrival to decide: the traveler, the port, the instant and the direction."""

    traveler: Traveler
    port: str
    at: datetime
    direction: str = "northbound"


def category_of(traveler: Traveler, destination: str) -> str:
    """``status/purpose``: status is citizen (national of the destination), resident, or visitor."""
    if traveler.nationality == destination:
        status = "citizen"
    elif destination in traveler.lawful_resident_of:
        status = "resident"
    else:
        status = "visitor"
    return f"{status}/{traveler.purpose or 'unknown'}"


def trip_from_record(record: Mapping[str, Any]) -> Trip:
    """A trip from a traveler declaration (``kind: traveler``, as recorded or generated) or from
    ``{"traveler": {...Traveler fields}, "port": ..., "at": ..., "direction": ...}``."""
    if record.get("kind") == "traveler" or "port_code" in record:
        # imported here: deciding a traveler given as facts (``policy eval``) never needs it
        from smartborder.declarations import parse_traveler

        at = datetime.fromisoformat(str(record["expected_arrival"]))
        # A recorded pre-arrival is judged as of its filing, not as of today.
        decl = parse_traveler(record, now=at - timedelta(hours=1))
        return Trip(as_traveler(decl), decl.port_code, decl.expected_arrival, decl.direction.value)
    try:
        at = datetime.fromisoformat(str(record["at"]))
        return Trip(
            as_traveler(record["traveler"]),
            str(record["port"]),
            at,
            str(record.get("direction", "northbound")),
        )
    except (KeyError, ValueError) as exc:
        raise TravelerInvalid(
            problems=[
                Problem(
                    "/",
                    "admissibility.trip_record",
                    Text(
                        f"A trip needs traveler, port and at (ISO 8601 with offset): {exc}",
                        f"Un viaje necesita traveler, port y at (ISO 8601 con desfase): {exc}",
                    ),
                )
            ]
        ) from None


def load_trips(path: Path) -> list[Trip]:
    """Trips from a JSON array or JSON-lines file of records (see :func:`trip_from_record`)."""
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    records = (
        json.loads(text)
        if stripped.startswith("[")
        else [json.loads(ln) for ln in text.splitlines() if ln.strip()]
    )
    return [trip_from_record(r) for r in records]


class ImpactReport(BaseModel):
    plan: str
    baseline: str
    start: date | None
    end: date | None
    total: int
    changed: int
    outcomes_plan: dict[str, int]
    outcomes_baseline: dict[str, int]
    transitions: dict[str, int]  # "deny→admit": n (changed outcomes only)
    by_port: dict[str, dict[str, int]]
    by_category: dict[str, dict[str, int]]
    by_day: dict[str, dict[str, int]]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _local_day(trip: Trip) -> date:
    code = trip.port if len(trip.port) == 4 else ports.port_of_crossing(trip.port).code
    return ports.to_local(trip.at, code).date()


def impact(
    plan: PlanRef,
    baseline: PlanRef,
    trips: Iterable[Trip],
    *,
    start: date | None = None,
    end: date | None = None,
    chunk: int = 5000,
) -> ImpactReport:
    """Decide ``trips`` (those whose local arrival day is within ``start``..``end``) under both
    plans and count changed outcomes. Travelers with impossible values are refused up front."""
    new = policies_for(plan)
    old = policies_for(baseline)
    selected: list[tuple[Trip, Request, str, str]] = []
    for trip in trips:
        day = _local_day(trip)
        if (start and day < start) or (end and day > end):
            continue
        req = request_for(trip.traveler, port=trip.port, at=trip.at, direction=trip.direction)
        region_of_port(trip.port)
        selected.append(
            (trip, req, day.isoformat(), category_of(trip.traveler, DESTINATION[req.direction]))
        )
    out_new: Counter[str] = Counter()
    out_old: Counter[str] = Counter()
    transitions: Counter[str] = Counter()
    by_port: dict[str, Counter[str]] = defaultdict(Counter)
    by_cat: dict[str, Counter[str]] = defaultdict(Counter)
    by_day: dict[str, Counter[str]] = defaultdict(Counter)
    for i in range(0, len(selected), chunk):
        part = selected[i : i + chunk]
        reqs = [r for _, r, _, _ in part]
        for (trip, _, day_key, cat), v_new, v_old in zip(
            part, decide_batch(new, reqs), decide_batch(old, reqs), strict=True
        ):
            out_new[v_new.decision] += 1
            out_old[v_old.decision] += 1
            if v_new.decision == v_old.decision:
                continue
            key = f"{v_old.decision}→{v_new.decision}"
            transitions[key] += 1
            by_port[trip.port][key] += 1
            by_cat[cat][key] += 1
            by_day[day_key][key] += 1
    return ImpactReport(
        plan=new.version,
        baseline=old.version,
        start=start,
        end=end,
        total=len(selected),
        changed=sum(transitions.values()),
        outcomes_plan=dict(out_new),
        outcomes_baseline=dict(out_old),
        transitions=dict(transitions),
        by_port={k: dict(v) for k, v in sorted(by_port.items())},
        by_category={k: dict(v) for k, v in sorted(by_cat.items())},
        by_day={k: dict(v) for k, v in sorted(by_day.items())},
    )


def chart(report: ImpactReport, path: Path) -> Path:
    """A stacked bar chart of changed outcomes per day: ``.png``, or ``.html`` (the PNG inline
    plus the tables), drawn with matplotlib's Agg backend (no display, no network)."""
    import base64
    import html
    import io

    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = list(report.by_day)
    kinds = sorted(report.transitions)
    fig, ax = plt.subplots(figsize=(max(6.0, min(18.0, 0.25 * len(days) + 4)), 4))
    bottom = np.zeros(len(days))
    for kind in kinds:
        values = np.array([report.by_day[d].get(kind, 0) for d in days], dtype=float)
        ax.bar(range(len(days)), values, bottom=bottom, label=kind)
        bottom += values
    step = max(1, len(days) // 12)
    ax.set_xticks(
        range(0, len(days), step),
        [days[i] for i in range(0, len(days), step)],
        rotation=45,
        ha="right",
    )
    ax.set_ylabel("changed outcomes / resultados que cambian")
    ax.set_title(f"{report.plan} vs {report.baseline}")
    if kinds:
        ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    if path.suffix.lower() == ".html":
        rows = "".join(
            f"<tr><td>{html.escape(p)}</td><td>{html.escape(json.dumps(c, ensure_ascii=False))}</td></tr>"
            for p, c in report.by_port.items()
        )
        img = base64.b64encode(buf.getvalue()).decode()
        path.write_text(
            "<!doctype html><meta charset=utf-8><title>Impact / Impacto</title>"
            f"<h1>{html.escape(report.plan)} vs {html.escape(report.baseline)}</h1>"
            f"<p>{report.changed} of {report.total} outcomes change / {report.changed} de {report.total} resultados cambian</p>"
            f'<img alt="changed outcomes per day" src="data:image/png;base64,{img}">'
            f"<table><tr><th>port</th><th>changes</th></tr>{rows}</table>",
            encoding="utf-8",
        )
    else:
        path.write_bytes(buf.getvalue())
    return path
