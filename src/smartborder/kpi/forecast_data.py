"""Observations for the forecaster, from the KPI importer's BWT parser or from the store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from smartborder.kpi.bwt import BwtReading, parse_bwt
from smartborder.kpi.forecast_features import LANE_TYPES, WaitObservation
from smartborder.kpi.importers import iter_snapshot_sources
from smartborder.kpi.queries import KpiEngine


class ReadingLike(Protocol):
    """What a stored or parsed BWT reading offers (``BwtReading`` and the store's row)."""

    port_number: str
    border: str
    mode: str
    lane_type: str
    updated_at: datetime
    delay_min: int | None
    lanes_open: int | None


# SmartBorder's vocabulary (smartborder.ports Mode / LaneType values, used by the store and the
# KPI engine) -> the feed's, which the forecaster's lane keys are built from.
_FEED_MODE = {
    "passenger_vehicle": "passenger",
    "commercial": "commercial",
    "pedestrian": "pedestrian",
}
_FEED_LANE = {"general": "standard", "fast": "fast", "sentri": "sentri", "ready": "ready"}
_PLATFORM_MODE = {v: k for k, v in _FEED_MODE.items()}
_PLATFORM_LANE = {v: k for k, v in _FEED_LANE.items()}


def lane_key(mode: str, lane_type: str) -> str:
    """The forecaster's lane key, ``passenger_sentri``, for a mode and lane type in either the
    feed's names (``passenger``, ``sentri``) or SmartBorder's (``passenger_vehicle``, ``sentri``)."""
    return f"{_FEED_MODE.get(mode, mode)}_{_FEED_LANE.get(lane_type, lane_type)}"


def platform_lane(key: str) -> tuple[str, str]:
    """A lane key back to SmartBorder's (mode, lane type): ``passenger_standard`` ->
    (``passenger_vehicle``, ``general``). Raises ``ValueError`` for an unknown key."""
    if key not in LANE_TYPES:
        raise ValueError(key)
    mode, _, lane = key.partition("_")
    return _PLATFORM_MODE[mode], _PLATFORM_LANE[lane]


def observations_from_readings(
    readings: Iterable[ReadingLike], *, border: str | None = "mexico"
) -> Iterator[WaitObservation]:
    """The readings that carry a wait (``delay_min``), as observations; others are skipped."""
    for r in readings:
        if r.delay_min is None or (border is not None and r.border != border):
            continue
        lane = lane_key(r.mode, r.lane_type)
        if lane not in LANE_TYPES:
            continue
        yield WaitObservation(r.port_number, lane, r.updated_at, float(r.delay_min), r.lanes_open)


@dataclass
class ArchiveLoad:
    """Observations read from feed archives, and how many snapshots could not be read."""

    observations: list[WaitObservation] = field(default_factory=list)
    snapshots: int = 0
    unreadable: int = 0
    first: datetime | None = None
    last: datetime | None = None


def load_archives(paths: Sequence[Path | str], *, border: str | None = "mexico") -> ArchiveLoad:
    """Read every snapshot under ``paths`` (files, folders, tars) with the BWT parser."""
    out = ArchiveLoad()
    readings: list[BwtReading] = []
    for src in iter_snapshot_sources(paths):
        if src.data is None:
            out.unreadable += 1
            continue
        snap = parse_bwt(src.data, source=src.name)
        if not snap.supported:
            out.unreadable += 1
            continue
        out.snapshots += 1
        readings.extend(snap.readings)
    out.observations = list(observations_from_readings(readings, border=border))
    if out.observations:
        out.first = min(o.at_utc for o in out.observations)
        out.last = max(o.at_utc for o in out.observations)
    return out


# The ports the issue sets the 60-minute target at (BTS port codes).
TARGET_PORTS: dict[str, str] = {
    "2504": "San Ysidro",
    "2506": "Otay Mesa",
    "2304": "Laredo",
    "2402": "El Paso",
}


def recent_observations(
    kpi: KpiEngine, *, crossing: str, lane: str, since: datetime, last_only: bool = False
) -> list[WaitObservation]:
    """The published waits of one crossing and lane key since ``since`` (aware), oldest
    first, from the KPI engine's copy of the store (DuckDB); ``last_only``: just the newest."""
    mode, lane_type = platform_lane(lane)
    order = "ORDER BY updated_at DESC LIMIT 1" if last_only else "ORDER BY updated_at"
    table = kpi.sql(
        f"""
        SELECT port_number, mode, lane_type, updated_at, delay_min, lanes_open FROM readings
        WHERE port_number = ? AND mode = ? AND lane_type = ? AND delay_min IS NOT NULL
          AND updated_at >= ?
        {order}
        """,
        [crossing, mode, lane_type, _naive_utc(since)],
    )
    return list(_table_observations(table))


def stored_observations(kpi: KpiEngine, *, last_days: int | None = None) -> list[WaitObservation]:
    """Every published U.S.–Mexico wait in the store, oldest first (with ``last_days``, those
    of the last days before the newest): the training set of ``smartborder kpi
    forecast-train --from-store``."""
    where = "border = 'mexico' AND delay_min IS NOT NULL"
    since, params = "", []
    if last_days is not None:
        since = (
            f" AND updated_at >= (SELECT max(updated_at) FROM readings WHERE {where})"
            " - to_days(CAST(? AS INTEGER))"
        )
        params.append(last_days)
    table = kpi.sql(
        f"""
        SELECT port_number, mode, lane_type, updated_at, delay_min, lanes_open FROM readings
        WHERE {where}{since}
        ORDER BY updated_at, id
        """,
        params,
    )
    return list(_table_observations(table))


def _naive_utc(at: datetime) -> datetime:
    """DuckDB's TIMESTAMP columns hold naive UTC."""
    return at.astimezone(UTC).replace(tzinfo=None)


def _table_observations(table: Any) -> Iterator[WaitObservation]:
    """Rows of a readings query (SmartBorder's mode and lane names) as observations; rows of a
    lane type the forecaster does not model are left out."""
    cols = [
        table.column(name).to_pylist()
        for name in ("port_number", "mode", "lane_type", "updated_at", "delay_min", "lanes_open")
    ]
    for crossing, mode, lane_type, at, wait, lanes in zip(*cols, strict=True):
        lane = lane_key(mode, lane_type)
        if lane not in LANE_TYPES:
            continue
        at_utc = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        yield WaitObservation(crossing, lane, at_utc, float(wait), lanes)
