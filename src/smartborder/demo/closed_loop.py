"""The demo day closes the loop: filed declarations -> the twin's queues -> crossing events ->
KPIs -> the node's BWT-format feed -> a forecaster.

1. The northbound declarations the demo filed for its day are read back with their latest
   decisions and arrive at their port's twin at their expected arrival: the lane class comes
   from the decision (a release names its lane: SENTRI, FAST, Ready, general), else from the
   declaration's programs; a release is *pre-cleared*; anything else (documentary review,
   inspection, hold, deny) is referred to secondary.
2. The twin serves them (:func:`smartborder.twin.serve_arrivals`) and each vehicle's path
   becomes crossing events (``queue_joined``, ``primary_reached``, ``released`` or
   ``referred_secondary`` and ``secondary_left``), ingested as ``POST /events`` does.
3. The node's BWT-format feed is published as of the end of every hour of the day (the mean
   measured wait of the last hour, lanes open from the twin's booth schedule), archived under
   ``<home>/feed/`` and imported by the BWT importer: ``/kpi/latest``, ``/kpi/waits`` and the
   heatmap read it like CBP's own feed.
4. A forecaster is warm-started (unless one trained elsewhere exists, or real readings are
   stored): four weeks of hourly waits simulated by the twin before the day, then the day's
   own feed; its 80 % ranges and the per-lane check against persistence come from the last
   week held out.

Southbound traffic is left out: the twin models the U.S. side of the line.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import orjson

from smartborder.config import Settings
from smartborder.demo.day import DAY_PLAN, demo_day
from smartborder.ports import Direction, get_port
from smartborder.store import make_engine, session_factory, transaction, upgrade
from smartborder.store.declarations import ArrivalRow, arrivals_between
from smartborder.twin import Scenario, load_scenario, shipped_scenarios

# Which twin runs each (port, kind) of the demo's traffic: a shipped scenario, and for Otay
# Mesa's passenger crossing (none shipped) San Ysidro's lanes scaled to its lanes
# (13 passenger-vehicle and 6 pedestrian lanes against San Ysidro's 34 and 22: the
# ports registry). (port, kind) -> (scenario stem, crossing, scale of booths by mode).
TWINS: dict[tuple[str, str], tuple[str, str, dict[str, float]]] = {
    ("2504", "traveler"): ("san_ysidro", "250401", {}),
    ("2506", "traveler"): (
        "san_ysidro",
        "250601",
        {"passenger_vehicle": 13 / 34, "pedestrian": 6 / 22},
    ),
    ("2506", "truck"): ("otay_mesa_commercial", "250602", {}),
    ("2304", "truck"): ("laredo_world_trade_bridge", "230404", {}),
    ("2402", "traveler"): ("el_paso_bota", "240201", {}),
    ("2402", "truck"): ("el_paso_bota", "240201", {}),
}
HISTORY_DAYS = 28  # the forecaster's warm start: four weeks of twin-simulated waits
WARM_START_ITER = 120  # boosting rounds per horizon in the warm start (a minute's budget)
EVENTS_PER_BATCH = 50_000
# Documents read by RFID at a Ready lane (CBP: passport card, border crossing card, permanent
# resident card are RFID-enabled).
RFID_DOCUMENTS = frozenset({"passport_card", "border_crossing_card", "permanent_resident_card"})
TRAVELER_CLASS = {
    "sentri": "trusted_traveler",
    "ready": "ready",
    "other": "general",
    "fast": "commercial_trusted",
}
Progress = Callable[[str], None]


@dataclass
class LoopReport:
    """What closing the loop did, with the CPU seconds of each step (one process)."""

    day: dict[str, str] = field(default_factory=dict)  # port code -> local date
    vehicles: int = 0
    precleared: int = 0
    referred: int = 0
    southbound_left_out: int = 0
    unserved: int = 0  # still queued when the twin's drain period ended
    events: int = 0
    events_stored: int = 0
    snapshots: int = 0
    readings: int = 0
    forecaster: str = "not trained"
    cpu_s: dict[str, float] = field(default_factory=dict)


@dataclass
class _PortRun:
    """The vehicles of one twin (a port's crossing) on the demo day."""

    port_code: str
    crossing: str
    scenario: Scenario
    day: date
    zone: ZoneInfo
    rows: list[tuple[ArrivalRow, str, str]] = field(default_factory=list)  # row, mode, class

    @property
    def day_start(self) -> datetime:
        return datetime.combine(self.day, datetime.min.time(), tzinfo=self.zone)


def twin_for(port_code: str, kind: str, *, booths_scale: float = 1.0) -> Scenario:
    """The twin scenario that serves the demo's ``kind`` traffic at ``port_code`` for one day
    (booths scaled down with a smaller demo, never below one where a lane is open)."""
    stem, crossing, by_mode = TWINS[(port_code, kind)]
    spec = load_scenario(shipped_scenarios()[stem]).model_dump(mode="json")
    for lane in spec["lanes"]:
        factor = by_mode.get(lane["mode"], 1.0) * booths_scale
        if factor != 1.0:
            lane["booths"] = _scaled(lane["booths"], factor)
            lane["max_booths"] = max(
                1, math.ceil(lane["max_booths"] * by_mode.get(lane["mode"], 1.0))
            )
    spec.update(days=1, warmup_days=0, demand_scale=1.0, crossing=crossing, port=port_code)
    spec["name"] = f"{spec['name']} (demo day, crossing {crossing})"
    return load_scenario(spec)


def _scaled(booths: float | list[float], factor: float) -> float | list[float]:
    def one(b: float) -> float:
        return float(max(1, round(b * factor))) if b > 0 else 0.0

    return [one(b) for b in booths] if isinstance(booths, list) else one(booths)


def _mode_and_class(row: ArrivalRow, payload: dict[str, Any]) -> tuple[str, list[str]]:
    """The mode of a declaration and its twin classes, preferred first."""
    if row.kind == "truck":
        driver, carrier = payload.get("driver") or {}, payload.get("carrier") or {}
        prefer = ["fast"] if driver.get("fast_card") and carrier.get("ctpat") else []
        mode = "commercial"
    else:
        mode = "passenger_vehicle" if payload.get("vehicle_plate") else "pedestrian"
        prefer = ["sentri"] if payload.get("trusted_traveler") else []
        if (payload.get("document") or {}).get("type") in RFID_DOCUMENTS:
            prefer.append("ready")
    if row.outcome == "release" and row.lane in ("sentri", "fast", "ready", "general"):
        prefer.insert(0, "other" if row.lane == "general" else row.lane)  # the decision's lane
    return mode, [*prefer, "other"]


def _gather(
    rows: Iterable[ArrivalRow], now: datetime, booths_scale: float, report: LoopReport
) -> list[_PortRun]:
    runs: dict[tuple[str, str], _PortRun] = {}
    days = {code: demo_day(code, now) for code, *_ in DAY_PLAN}
    for row in rows:
        if row.port_code not in days:
            continue
        if row.direction != Direction.NORTHBOUND.value:
            report.southbound_left_out += 1
            continue
        key = (row.port_code, row.kind)
        if key not in TWINS:
            continue
        zone = ZoneInfo(get_port(row.port_code).time_zone)
        arrival = row.expected_arrival
        if arrival.tzinfo is None:
            arrival = arrival.replace(tzinfo=UTC)
        if arrival.astimezone(zone).date() != days[row.port_code]:
            continue
        run = runs.get(key)
        if run is None:
            scenario = twin_for(row.port_code, row.kind, booths_scale=booths_scale)
            run = runs[key] = _PortRun(
                row.port_code, TWINS[key][1], scenario, days[row.port_code], zone
            )
        mode, classes = _mode_and_class(row, orjson.loads(row.payload))
        names = {c.name for c in run.scenario.classes if c.mode.value == mode}
        run.rows.append((row, mode, next(c for c in classes if c in names)))
    return list(runs.values())


def _subject(declaration_id: str) -> str:
    """A pseudonymous subject for a declaration's crossing (never the declaration id)."""
    return hashlib.blake2b(declaration_id.encode(), digest_size=10).hexdigest()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def _events(run: _PortRun, rng: np.random.Generator, report: LoopReport) -> list[bytes]:
    """Serve ``run``'s vehicles on its twin; their crossing events as NDJSON lines."""
    scenario = run.scenario
    class_ix = {(c.mode.value, c.name): i for i, c in enumerate(scenario.classes)}
    start = run.day_start
    t = np.array([(r.expected_arrival.replace(tzinfo=r.expected_arrival.tzinfo or UTC) - start).total_seconds() for r, _, _ in run.rows])  # fmt: skip
    keep = (t >= 0) & (t < 86_400.0)  # a 23-hour DST day keeps what fits in 24 h of booths
    order = np.argsort(np.where(keep, t, np.inf), kind="stable")[: int(keep.sum())]
    rows = [run.rows[int(j)] for j in order]
    t = t[order]
    cls = np.array([class_ix[(mode, name)] for _, mode, name in rows], dtype=np.int32)
    released = np.array([r.outcome == "release" for r, _, _ in rows], dtype=np.bool_)
    from smartborder.twin import serve_arrivals  # numba: loaded when a day is run

    paths = serve_arrivals(scenario, t, cls, rng=rng, referred=~released)
    lines: list[bytes] = []
    day = run.day.isoformat()
    for i, (row, mode, name) in enumerate(rows):
        subject = _subject(row.declaration_id)
        lane = scenario.lanes[int(paths.lane[i])]
        base = {
            "port_code": run.port_code,
            "crossing": run.crossing,
            "mode": mode,
            "lane_type": lane.lane_type.value,
            "direction": "northbound",
            "traveler_class": _traveler_class(row.kind, name),
            "precleared": bool(released[i]),
            "subject_ref": subject,
            "source": "twin",
        }
        steps = [("queue_joined", float(t[i]))]
        if math.isfinite(paths.primary_start_s[i]):
            steps.append(("primary_reached", float(paths.primary_start_s[i])))
            if paths.referred[i]:
                steps.append(("referred_secondary", float(paths.primary_end_s[i])))
                if math.isfinite(paths.secondary_end_s[i]):
                    steps.append(("secondary_left", float(paths.secondary_end_s[i])))
            else:
                steps.append(("released", float(paths.primary_end_s[i])))
        else:
            report.unserved += 1
        for kind, at_s in steps:
            event = {
                "event_id": f"twin-{day}-{subject}-{kind}",
                "kind": kind,
                "occurred_at": _iso(start + timedelta(seconds=at_s)),
                **base,
            }
            lines.append(orjson.dumps(event))
        report.vehicles += 1
        report.precleared += int(released[i])
        report.referred += int(bool(paths.referred[i]))
    return lines


def _traveler_class(kind: str, name: str) -> str:
    if kind == "truck":
        return "commercial_trusted" if name == "fast" else "commercial"
    return TRAVELER_CLASS.get(name, "general")


def _lanes_open(runs: Sequence[_PortRun], at: datetime) -> dict[tuple[str, str, str], int]:
    """Booths open in the hour before ``at`` at each simulated crossing lane."""
    out: dict[tuple[str, str, str], int] = {}
    for run in runs:
        hour = int((at - run.day_start).total_seconds() // 3600) - 1
        if not 0 <= hour < 24:
            continue
        for lane in run.scenario.lanes:
            b = lane.booths
            n = int(b[hour % len(b)] if isinstance(b, list) else b)
            key = (run.crossing, lane.mode.value, lane.lane_type.value)
            out[key] = out.get(key, 0) + n
    return out


def _publish_feed(
    settings: Settings, kpi: Any, runs: Sequence[_PortRun], sessions: Any
) -> tuple[int, int]:
    """The node's BWT-format feed as of the end of every hour of the day at the simulated
    crossings, archived under ``<home>/feed/`` and imported; (snapshots, readings)."""
    from smartborder.kpi import bwt_ports, bwt_xml, import_bwt

    crossings = {run.crossing for run in runs}
    first = min(run.day_start for run in runs).astimezone(UTC)
    last = max(run.day_start + timedelta(days=1) for run in runs).astimezone(UTC)
    folder = settings.home / "feed" / f"demo-{min(run.day for run in runs).isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    at = first + timedelta(hours=1)
    written: list[Path] = []
    while at <= last:
        records = [
            r
            for r in bwt_ports(kpi, now=at, border="mexico", lanes_open=_lanes_open(runs, at))
            if r["port_number"] in crossings
        ]
        path = folder / f"bwt-{at:%Y%m%dT%H%M}Z.xml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(bwt_xml(records, now=at))
        tmp.replace(path)
        written.append(path)
        at += timedelta(hours=1)
    report = import_bwt(sessions, [folder])
    return len(written), report.rows_imported


def _history(runs: Sequence[_PortRun], *, seed: int, days: int) -> list[Any]:
    """Hourly waits the twin simulates for each lane on the ``days`` days before the
    demo day (Poisson arrivals at the scenario's rates), stamped like the feed: at the end of
    the hour, in whole minutes."""
    from smartborder.kpi.forecast_data import lane_key
    from smartborder.kpi.forecast_features import LANE_TYPES, WaitObservation
    from smartborder.twin import simulate

    out: list[WaitObservation] = []
    seen: set[tuple[str, str]] = set()
    for r, run in enumerate(runs):
        if (run.crossing, run.scenario.name) in seen:
            continue
        seen.add((run.crossing, run.scenario.name))
        for d in range(days, 0, -1):
            day_start = run.day_start - timedelta(days=d)
            result = simulate(run.scenario, replications=1, seed=seed * 1_000 + r * 100 + d)
            for h in result.hourly:
                lane = lane_key(h.mode, h.lane_type)
                if h.wait_mean_min is None or lane not in LANE_TYPES:
                    continue
                at = (day_start + timedelta(hours=h.hour + 1)).astimezone(UTC)
                out.append(
                    WaitObservation(
                        run.crossing, lane, at, float(round(h.wait_mean_min)), int(h.booths_open)
                    )
                )
    return out


def _warm_start(
    settings: Settings,
    kpi: Any,
    runs: Sequence[_PortRun],
    *,
    seed: int,
    history_days: int,
    boosting_rounds: int,
) -> str:
    """Train the demo's forecaster on twin history and the day's feed (see the module)."""
    from smartborder.kpi import WaitForecaster, fit_with_bands
    from smartborder.kpi.forecast import model_path
    from smartborder.kpi.forecast_data import stored_observations

    path = model_path(settings.home)
    if path.exists():
        try:
            existing = WaitForecaster.load(path)
        except (OSError, ValueError, EOFError, AttributeError):
            existing = None
        history = getattr(existing, "history", None)
        if existing is not None and (history is None or history.source != "twin_and_feed"):
            return f"kept the trained model at {path} (not a demo warm start)"
    crossings = {run.crossing for run in runs}
    # Real readings of other crossings (SMARTBORDER_DEMO_DATA_DIR): forecasts stay as they
    # are without the demo (the stored history's hour-of-week mean) until a model is trained
    # on them; a twin-trained model is not laid over real data.
    placeholders = ", ".join("?" for _ in crossings)
    others = (
        kpi.sql(
            f"SELECT count(*) AS n FROM readings WHERE port_number NOT IN ({placeholders})",
            sorted(crossings),
        )
        .column("n")[0]
        .as_py()
    )
    if others:
        return (
            f"not warm-started: {others:,} real wait readings are stored; train on them with "
            "smartborder kpi forecast-train --from-store"
        )
    obs = _history(runs, seed=seed, days=history_days) + [
        o for o in stored_observations(kpi, last_days=2) if o.crossing in crossings
    ]
    model = fit_with_bands(
        obs,
        rng=np.random.default_rng(seed),
        max_iter=boosting_rounds,
        holdout=timedelta(days=7),
        min_train_span=timedelta(days=14),
    )
    if model.history is not None:
        model.history = model.history.model_copy(update={"source": "twin_and_feed"})
    model.save(path)
    fallback = sum(len(v) for v in model.fallbacks.values())
    return (
        f"warm-started on {model.trained_rows:,} rows ({len(obs):,} hourly waits); "
        f"{fallback} lane-horizons use a baseline (the model scored worse on validation)"
    )


def close_the_loop(
    settings: Settings,
    *,
    now: datetime,
    scale: float = 1.0,
    seed: int = 0,
    forecaster: bool = True,
    history_days: int = HISTORY_DAYS,
    boosting_rounds: int = WARM_START_ITER,
    progress: Progress | None = None,
) -> LoopReport:
    """Run the demo day filed by :func:`smartborder.demo.run_demo` (same ``now``) through the
    twin, the KPI engine, the feed and the forecaster; idempotent for the same ``now``.

    ``history_days`` and ``boosting_rounds`` size the forecaster's warm start (at least 21
    days: two weeks to train the probe and the held-out week it is validated on)."""
    from smartborder.kpi import KpiEngine, ingest_batch

    say = progress or (lambda _line: None)
    report = LoopReport()
    engine = make_engine(settings.db_url)
    kpi = None
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        clock = time.process_time()

        def lap(step: str) -> None:
            nonlocal clock
            now_cpu = time.process_time()
            report.cpu_s[step] = round(now_cpu - clock, 3)
            clock = now_cpu

        days = [demo_day(code, now) for code, *_ in DAY_PLAN]
        since = datetime.combine(min(days), datetime.min.time(), tzinfo=UTC) - timedelta(hours=14)
        until = datetime.combine(max(days), datetime.min.time(), tzinfo=UTC) + timedelta(hours=38)
        with transaction(sessions) as session:
            rows = arrivals_between(session, since=since, until=until)
        runs = _gather(rows, now, min(1.0, scale), report)
        report.day = {run.port_code: run.day.isoformat() for run in runs}
        lap("read_declarations")
        if not runs:
            return report
        lines: list[bytes] = []
        for i, run in enumerate(runs):
            rng = np.random.default_rng([seed, run.day.toordinal(), i])
            lines += _events(run, rng, report)
        lap("twin")
        say(f"twin: {report.vehicles:,} vehicles, {len(lines):,} crossing events")
        for start in range(0, len(lines), EVENTS_PER_BATCH):
            body = b"\n".join(lines[start : start + EVENTS_PER_BATCH])
            ingest = ingest_batch(sessions, body, ndjson=True)
            report.events += ingest.received
            report.events_stored += ingest.stored
        lap("events")
        kpi = KpiEngine(engine, refresh_interval_s=0)
        kpi.refresh(force=True)
        report.snapshots, report.readings = _publish_feed(settings, kpi, runs, sessions)
        kpi.refresh(force=True)
        lap("kpis_and_feed")
        say(f"feed: {report.snapshots} hourly snapshots, {report.readings:,} readings")
        if forecaster:
            report.forecaster = _warm_start(
                settings,
                kpi,
                runs,
                seed=seed,
                history_days=history_days,
                boosting_rounds=boosting_rounds,
            )
            lap("forecaster")
        return report
    finally:
        if kpi is not None:
            kpi.close()
        engine.dispose()


__all__ = ["HISTORY_DAYS", "TWINS", "LoopReport", "close_the_loop", "twin_for"]
