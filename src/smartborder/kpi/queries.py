"""The KPIs: wait, event, volume and comparison queries over the warehouse's DuckDB tables.

Definitions (see :mod:`smartborder.kpi.dictionary` for every column):

* wait: CBP's published delay to reach the primary booth (BWT), or from events the time from
  ``queue_joined`` to ``primary_reached`` of one subject.
* travel time through the crossing = wait + the primary inspection time of the mode
  (:data:`smartborder.ports.PRIMARY_INSPECTION_S`, published figures the twin uses too).
* buffer index = (p95 travel time - mean travel time) / mean travel time, and
  planning time index = p95 travel time / free-flow travel time, as FHWA defines them
  ("Travel Time Reliability: Making It There On Time, All The Time", FHWA-HOP-06-070, 2006).
  Free flow at a border crossing is crossing with no queue: the primary inspection time alone.
* idling emissions = vehicle-minutes waiting x the idling factors per mode
  (:mod:`smartborder.ports.emissions`, which the twin uses too). From BWT readings,
  vehicle-minutes in the hour a reading stands for are estimated as lanes open x vehicles per
  lane-hour at primary (3600 / primary seconds) x wait — columns with ``_est`` are such estimates.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import Engine

from smartborder.i18n import Text
from smartborder.kpi._sql import events_sql, waits_sql
from smartborder.kpi.errors import QueryInvalid
from smartborder.kpi.filters import (
    BTS_GRAINS,
    BTS_GROUPS,
    EVENT_GROUPS,
    EVENT_METRICS,
    GRAINS,
    GROUPS,
    WAIT_METRICS,
    Filters,
    check_filter_values,
    grain_expr,
    group_cols,
    naive_utc,
    where_clause,
    with_dates,
)
from smartborder.kpi.warehouse import Warehouse

# Where /kpi/volumes counts come from: BTS, or this node's crossing events in BTS's shape
# (BTS counts inbound crossings only, so only northbound events are counted).
VOLUME_SOURCES: dict[str, str] = {
    "bts": "bts",
    "events": """(
        SELECT e.port_code,
               date_trunc('month', timezone(z.tz, e.occurred_at::TIMESTAMPTZ))::DATE AS month,
               CASE e.mode WHEN 'passenger_vehicle' THEN 'Personal Vehicles'
                           WHEN 'commercial' THEN 'Trucks' ELSE 'Pedestrians' END AS measure,
               NULL::VARCHAR AS port_name, z.state, 'mexico' AS border, 1::BIGINT AS value
        FROM events e JOIN port_zones z USING (port_code)
        WHERE e.kind = 'primary_reached' AND e.direction = 'northbound'
    ) counted""",
}


class KpiEngine(Warehouse):
    """KPIs over the store at ``engine``: each query syncs the warehouse if due, then runs on
    DuckDB. Thread-safe."""

    def waits(
        self, *, by: Sequence[str] = ("crossing", "mode", "lane_type"), grain: str | None = "day",
        filters: Filters | None = None,
    ) -> pa.Table:  # fmt: skip
        """Wait KPIs from the BWT readings, grouped by ``by`` and period ``grain``."""
        f = filters or Filters(border="mexico")
        cols = group_cols(by, GROUPS)
        period = grain_expr(grain, GRAINS)
        keys = cols + ([f"{period} AS period"] if period else [])
        key_names = cols + (["period"] if period else [])
        # Within one mode the primary time is a constant, so the p95 travel time is the p95
        # wait plus it: one sort per group instead of two.
        same_mode = "mode" in cols
        params: list[Any] = []
        where = where_clause(f, crossing_col="port_number", params=params)
        select_keys = ", ".join(keys)
        query = waits_sql(
            select_keys=select_keys, key_names=key_names, where=where, same_mode=same_mode
        )
        return self.sql(query, params)

    def events(
        self, *, by: Sequence[str] = ("port", "mode", "lane_type"), grain: str | None = "day",
        filters: Filters | None = None,
    ) -> pa.Table:  # fmt: skip
        """KPIs from crossing events: volumes, measured waits, shares, inspection rate,
        throughput per open lane (where BWT lanes-open readings exist), idling emissions."""
        f = filters or Filters()
        cols = group_cols(by, EVENT_GROUPS)
        period = grain_expr(grain, GRAINS)
        keys = cols + ([f"{period} AS period"] if period else [])
        key_names = cols + (["period"] if period else [])
        params: list[Any] = []
        where = where_clause(
            Filters(f.start, f.end, None, f.port, f.crossing, f.mode, f.lane_type),
            crossing_col="crossing",
            params=params,
        )
        select_keys = ", ".join(keys)
        join_on = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in key_names) or "TRUE"
        query = events_sql(
            select_keys=select_keys, key_names=key_names, where=where, join_on=join_on
        )
        table = self.sql(query, params)
        order = key_names + list(EVENT_METRICS)
        return table.select([c for c in order if c in table.column_names])

    def volumes_source(self) -> str:
        """``bts`` where BTS counts are stored, else ``events`` (this node's own counts)."""
        n = self.sql("SELECT count(*) AS n FROM bts").column("n")[0].as_py()
        return "bts" if n else "events"

    def volumes(
        self, *, by: Sequence[str] = ("port", "measure"), grain: str | None = "year",
        filters: Filters | None = None, source: str = "bts",
    ) -> pa.Table:  # fmt: skip
        """Inbound crossings summed by ``by`` and ``grain`` (month or year): BTS counts, or
        (``source="events"``) the northbound crossings that reached primary in this node's
        crossing events, counted per local month with BTS's measure names."""
        if source not in VOLUME_SOURCES:
            raise QueryInvalid(
                Text(
                    f"Unknown source {source!r}; use one of {list(VOLUME_SOURCES)}.",
                    f"Fuente desconocida {source!r}; use una de {list(VOLUME_SOURCES)}.",
                )
            )
        f = filters or Filters()
        check_filter_values(border=f.border, port=f.port)
        cols = group_cols(by, BTS_GROUPS)
        period = grain_expr(grain, BTS_GRAINS)
        keys = cols + ([f"{period} AS period"] if period else [])
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
        if f.start is not None:
            clauses.append("month >= ?")
            params.append(f.start.replace(day=1))
        if f.end is not None:
            clauses.append("month <= ?")
            params.append(f.end)
        if f.border is not None:
            clauses.append("border = ?")
            params.append(f.border)
        if f.port is not None:
            clauses.append("port_code = ?")
            params.append(f.port)
        select_keys = ", ".join(keys)
        query = f"""
            SELECT {select_keys + "," if select_keys else ""} sum(value)::BIGINT AS crossings,
                   count(DISTINCT month) AS months
            FROM {VOLUME_SOURCES[source]} WHERE {" AND ".join(clauses)}
            {"GROUP BY ALL ORDER BY ALL" if keys else ""}
        """
        return self.sql(query, params)

    def latest(
        self,
        *,
        border: str | None = "mexico",
        crossing: str | None = None,
        as_of: datetime | None = None,
        port: str | None = None,
        mode: str | None = None,
        lane_type: str | None = None,
    ) -> pa.Table:
        """The newest reading of every crossing, mode and lane type (what the map shows),
        optionally as it stood at ``as_of`` (aware); ``border``, ``crossing``, ``port``
        (4-digit code), ``mode`` and ``lane_type`` keep only the matching lanes."""
        check_filter_values(border=border, port=port)
        if as_of is not None:
            newest = (
                self.sql("SELECT max(updated_at) AS t FROM latest_readings").column("t")[0].as_py()
            )
            if newest is None or naive_utc(as_of) >= newest:
                as_of = None  # nothing newer than as_of exists: the live table is the answer
        clauses: list[str] = ["TRUE"]
        params: list[Any] = [] if as_of is None else [naive_utc(as_of)]
        if border is not None:
            clauses.append("r.border = ?")
            params.append(border)
        for value, col in (
            (crossing, "r.port_number"),
            (port, "c.port_code"),
            (mode, "r.mode"),
            (lane_type, "r.lane_type"),
        ):
            if value is not None:
                clauses.append(f"{col} = ?")
                params.append(value)
        # The live table answers "now"; an ``as_of`` in the past needs the full history.
        source = (
            "latest_readings r"
            if as_of is None
            else "(SELECT * FROM readings r WHERE r.updated_at <= ? QUALIFY row_number() OVER ("
            "PARTITION BY r.port_number, r.mode, r.lane_type ORDER BY r.updated_at DESC) = 1) r"
        )
        query = f"""
            SELECT r.port_number AS crossing, c.port_code, c.port_name, c.crossing_name, c.tz,
                   r.mode, r.lane_type, r.updated_at, r.status, r.delay_min, r.lanes_open,
                   r.max_lanes, r.border
            FROM {source} JOIN crossings c USING (port_number)
            WHERE {" AND ".join(clauses)}
            ORDER BY crossing, mode, lane_type
        """
        return self.sql(query, params)

    def recent_event_waits(self, *, since: datetime, until: datetime) -> pa.Table:
        """Measured waits of subjects that reached primary in [since, until], per crossing,
        mode and lane type: count, mean wait and the last event time (UTC)."""
        query = """
            WITH joined AS (
                SELECT subject_ref, port_code, min(occurred_at) AS t FROM events
                WHERE kind = 'queue_joined' AND subject_ref IS NOT NULL GROUP BY ALL
            )
            SELECT e.crossing, e.mode, e.lane_type, count(*) AS n,
                   avg(epoch(e.occurred_at - j.t) / 60.0) AS wait_mean_min,
                   max(e.occurred_at) AS last_at
            FROM events e JOIN joined j USING (subject_ref, port_code)
            WHERE e.kind = 'primary_reached' AND e.crossing IS NOT NULL
              AND e.occurred_at BETWEEN ? AND ?
            GROUP BY ALL ORDER BY ALL
        """
        return self.sql(query, [naive_utc(since), naive_utc(until)])

    def heatmap(
        self, *, crossing: str, mode: str, lane_type: str, filters: Filters | None = None
    ) -> pa.Table:
        """Mean and p95 wait by ISO weekday (1 = Monday) and local hour at one crossing lane."""
        f = filters or Filters()
        params: list[Any] = []
        where = where_clause(
            Filters(f.start, f.end, None, None, crossing, mode, lane_type),
            crossing_col="port_number",
            params=params,
        )
        query = f"""
            WITH r AS (
                SELECT r.*, c.port_code
                FROM readings r JOIN crossings c USING (port_number)
                WHERE r.delay_min IS NOT NULL
            )
            SELECT isodow(local_ts) AS weekday, hour(local_ts) AS hour, count(*) AS readings,
                   avg(delay_min) AS wait_mean_min, quantile_cont(delay_min, 0.95) AS wait_p95_min
            FROM r WHERE {where} GROUP BY ALL ORDER BY ALL
        """
        return self.sql(query, params)

    def compare(
        self,
        *,
        metric: str = "wait_mean_min",
        by: Sequence[str] = ("port",),
        period_a: tuple[date, date],
        period_b: tuple[date, date],
        filters: Filters | None = None,
    ) -> pa.Table:
        """``metric`` (a wait KPI) per group in two periods, with the change between them."""
        if metric not in WAIT_METRICS:
            raise QueryInvalid(
                Text(
                    f"Unknown metric {metric!r}; use one of {list(WAIT_METRICS)}.",
                    f"Métrica desconocida {metric!r}; use una de {list(WAIT_METRICS)}.",
                )
            )
        f = filters or Filters(border="mexico")
        a = self.waits(by=by, grain=None, filters=with_dates(f, period_a))
        b = self.waits(by=by, grain=None, filters=with_dates(f, period_b))
        keys = [GROUPS[k] for k in by]
        con = duckdb.connect()
        try:
            con.register("a", a)
            con.register("b", b)
            on = " AND ".join(f"a.{k} = b.{k}" for k in keys) or "TRUE"
            sel = ", ".join(f"coalesce(a.{k}, b.{k}) AS {k}" for k in keys)
            return con.sql(
                f"""SELECT {sel + "," if sel else ""} a.{metric} AS value_a, b.{metric} AS value_b,
                       coalesce(a.readings, 0) AS readings_a, coalesce(b.readings, 0) AS readings_b,
                       b.{metric} - a.{metric} AS change,
                       CASE WHEN a.{metric} <> 0 THEN (b.{metric} - a.{metric}) / a.{metric} END AS change_ratio
                    FROM a FULL JOIN b ON {on} ORDER BY ALL"""
            ).to_arrow_table()
        finally:
            con.close()


_ENGINES: dict[int, KpiEngine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(engine: Engine) -> KpiEngine:
    """The shared :class:`KpiEngine` of a store engine (one per process and store)."""
    with _ENGINES_LOCK:
        kpi = _ENGINES.get(id(engine))
        if kpi is None or kpi.engine is not engine:
            kpi = KpiEngine(engine)
            _ENGINES[id(engine)] = kpi
        return kpi


__all__ = ["KpiEngine", "engine_for"]
