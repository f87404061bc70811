"""The KPI engine: DuckDB (embedded, in memory) over the store's observations.

DuckDB's ``sqlite`` scanner is an extension that DuckDB downloads on first use; this machine
(and many deployments) cannot download it, and it would not serve PostgreSQL anyway. So the
engine *copies* the store into DuckDB as Arrow tables: readings incrementally (by their
increasing ``id``), events, BTS counts and crossings when their counts change. Queries then
run on DuckDB's columnar tables; :meth:`KpiEngine.export_parquet` writes them out for others.

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
  (:mod:`smartborder.ports.emissions`, which the twin uses too). From BWT readings, vehicle-minutes in the hour a
  reading stands for are estimated as lanes open x vehicles per lane-hour at primary
  (3600 / primary seconds) x wait — columns with ``_est`` are such estimates.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from smartborder import ports
from smartborder.i18n import Text
from smartborder.kpi._sql import events_sql, waits_sql
from smartborder.kpi.errors import QueryInvalid
from smartborder.store import kpi as kpi_store
from smartborder.store import session_factory

GROUPS: dict[str, str] = {
    "border": "border",
    "port": "port_code",
    "crossing": "port_number",
    "mode": "mode",
    "lane_type": "lane_type",
}
EVENT_GROUPS: dict[str, str] = {
    "port": "port_code",
    "crossing": "crossing",
    "mode": "mode",
    "lane_type": "lane_type",
    "direction": "direction",
    "traveler_class": "traveler_class",
}
GRAINS: dict[str, str] = {
    "hour": "date_trunc('hour', local_ts)",
    "day": "date_trunc('day', local_ts)::DATE",
    "week": "date_trunc('week', local_ts)::DATE",
    "month": "date_trunc('month', local_ts)::DATE",
    "hour_of_day": "hour(local_ts)",
    "weekday": "isodow(local_ts)",
}
BTS_GROUPS: dict[str, str] = {
    "port": "port_code",
    "measure": "measure",
    "border": "border",
    "state": "state",
}
BTS_GRAINS: dict[str, str] = {"month": "month", "year": "year(month)"}
WAIT_METRICS = (
    "readings", "wait_mean_min", "wait_median_min", "wait_p95_min", "wait_max_min",
    "lanes_open_mean", "buffer_index", "planning_time_index", "idling_vehicle_min_est",
    "idling_co2_kg_est", "idling_nox_g_est", "idling_pm25_g_est",
)  # fmt: skip
EVENT_METRICS = (
    "volume", "waits_measured", "wait_mean_min", "wait_median_min", "wait_p95_min",
    "trusted_traveler_share", "precleared_share", "referred_secondary", "inspection_rate",
    "secondary_mean_min", "throughput_per_lane_h", "idling_vehicle_min", "idling_co2_kg",
    "idling_nox_g", "idling_pm25_g",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Filters:
    """What to include. Dates are the ports' local dates, ``end`` inclusive."""

    start: date | None = None
    end: date | None = None
    border: str | None = None
    port: str | None = None
    crossing: str | None = None
    mode: str | None = None
    lane_type: str | None = None


def _invalid(en: str, es: str) -> QueryInvalid:
    return QueryInvalid(Text(en, es))


BORDERS = ("mexico", "canada")


def check_filter_values(*, border: str | None = None, port: str | None = None) -> None:
    """Raise :class:`QueryInvalid` for a ``border`` or ``port`` no data could ever match
    (a typo would otherwise answer with an empty table)."""
    if border is not None and border not in BORDERS:
        raise _invalid(
            f"Unknown border {border!r}; use mexico or canada.",
            f"Frontera desconocida {border!r}; use mexico o canada.",
        )
    if port is not None and not (len(port) == 4 and port.isascii() and port.isdigit()):
        raise _invalid(
            f"Port {port!r} is not a 4-digit port code (e.g. 2504).",
            f"El puerto {port!r} no es un código de puerto de 4 dígitos (p. ej. 2504).",
        )


def _group_cols(by: Sequence[str], allowed: dict[str, str]) -> list[str]:
    cols = []
    for name in by:
        if name not in allowed:
            raise _invalid(
                f"Unknown grouping {name!r}; use any of {sorted(allowed)}.",
                f"Agrupación desconocida {name!r}; use alguna de {sorted(allowed)}.",
            )
        cols.append(allowed[name])
    return cols


def _grain(grain: str | None, allowed: dict[str, str]) -> str | None:
    if grain is None:
        return None
    if grain not in allowed:
        raise _invalid(
            f"Unknown grain {grain!r}; use one of {sorted(allowed)}.",
            f"Periodo desconocido {grain!r}; use uno de {sorted(allowed)}.",
        )
    return allowed[grain]


class KpiEngine:
    """KPIs over the store at ``engine``; thread-safe; refreshes itself when the store changes.

    ``refresh_interval_s`` bounds how often a query checks the store for new rows.
    """

    def __init__(self, engine: Engine, *, refresh_interval_s: float = 1.0) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self.refresh_interval_s = refresh_interval_s
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET TimeZone = 'UTC'")
        self._lock = threading.Lock()
        self._last_id = 0
        self._events_n = -1
        self._bts_n = -1
        self._crossings_n = -1
        self._checked = 0.0
        self._synced = False
        self._refreshing = threading.Event()
        self._create()

    # --- loading ------------------------------------------------------------------------

    def _create(self) -> None:
        con = self._con
        con.execute(
            "CREATE TABLE readings (id BIGINT, port_number VARCHAR, mode VARCHAR, lane_type VARCHAR,"
            " updated_at TIMESTAMP, border VARCHAR, status VARCHAR, delay_min INTEGER,"
            " lanes_open INTEGER, max_lanes INTEGER, local_ts TIMESTAMP)"
        )
        # Dashboard queries ask for one crossing at a time: an ART index lets them skip the
        # other crossings' rows. The newest reading per lane is kept up to date at refresh.
        con.execute("CREATE INDEX readings_crossing ON readings (port_number)")
        con.execute(
            "CREATE TABLE latest_readings (port_number VARCHAR, mode VARCHAR, lane_type VARCHAR,"
            " updated_at TIMESTAMP, border VARCHAR, status VARCHAR, delay_min INTEGER,"
            " lanes_open INTEGER, max_lanes INTEGER,"
            " PRIMARY KEY (port_number, mode, lane_type))"
        )
        con.execute(
            "CREATE TABLE events (event_id VARCHAR, kind VARCHAR, occurred_at TIMESTAMP,"
            " port_code VARCHAR, crossing VARCHAR, mode VARCHAR, lane_type VARCHAR,"
            " direction VARCHAR, traveler_class VARCHAR, precleared BOOLEAN, subject_ref VARCHAR,"
            " source VARCHAR)"
        )
        con.execute(
            "CREATE TABLE bts (port_code VARCHAR, month DATE, measure VARCHAR, port_name VARCHAR,"
            " state VARCHAR, border VARCHAR, value BIGINT)"
        )
        con.execute(
            "CREATE TABLE crossings (port_number VARCHAR, port_code VARCHAR, tz VARCHAR,"
            " crossing_name VARCHAR, port_name VARCHAR, in_registry BOOLEAN)"
        )
        con.execute("CREATE TABLE port_zones (port_code VARCHAR, tz VARCHAR)")
        con.executemany(
            "INSERT INTO port_zones VALUES (?, ?)",
            [(p.code, p.time_zone) for p in ports.all_ports()],
        )
        modes = []
        for mode in ports.Mode:
            f = ports.factors_for(mode.value)
            primary_min = ports.PRIMARY_INSPECTION_S[mode.value] / 60.0
            modes.append(
                (mode.value, primary_min, f.co2_g_per_min, f.nox_g_per_min, f.pm25_g_per_min)
            )
        con.execute(
            "CREATE TABLE modes (mode VARCHAR, primary_min DOUBLE, co2_g_per_min DOUBLE,"
            " nox_g_per_min DOUBLE, pm25_g_per_min DOUBLE)"
        )
        con.executemany("INSERT INTO modes VALUES (?, ?, ?, ?, ?)", modes)
        self._load_crossings([])

    def _load_crossings(self, seen: Sequence[Any]) -> None:
        rows: dict[str, tuple[str, str, str, str, str, bool]] = {}
        for row in seen:  # crossings the feed listed (both borders)
            rows[row.port_number] = (
                row.port_number, row.port_number[:4], "UTC", row.crossing_name, row.port_name, False,
            )  # fmt: skip
        for c in ports.all_crossings():
            port = ports.get_port(c.port_code)
            rows[c.bwt_number] = (c.bwt_number, c.port_code, c.time_zone, c.name, port.name, True)
        self._con.execute("DELETE FROM crossings")
        self._con.executemany(
            "INSERT INTO crossings VALUES (?, ?, ?, ?, ?, ?)", list(rows.values())
        )

    def refresh(self, *, force: bool = False) -> dict[str, int]:
        """Copy what is new in the store into DuckDB; return the rows added per table."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._checked < self.refresh_interval_s:
                return {}
            self._checked = now
            added: dict[str, int] = {}
            table = kpi_store.scan_readings_arrow(self.engine, after_id=self._last_id)
            if table is None:
                with self.engine.connect() as conn:
                    rows = kpi_store.scan_readings(conn, after_id=self._last_id)
                cols = list(zip(*rows, strict=True)) if rows else []
                table = pa.table(
                    {
                        name: pa.array(col)
                        for name, col in zip(kpi_store.READING_COLUMNS, cols, strict=True)
                    }
                ) if rows else None  # fmt: skip
            if table is not None and table.num_rows:
                self._con.register("new_readings", table)
                # Local time is computed once here (ICU per row), not in every query.
                self._con.execute(
                    "INSERT INTO readings SELECT n.id, n.port_number, n.mode, n.lane_type,"
                    " CAST(n.updated_at AS TIMESTAMP), n.border, n.status, n.delay_min,"
                    " n.lanes_open, n.max_lanes,"
                    " timezone(coalesce(c.tz, 'UTC'), CAST(n.updated_at AS TIMESTAMP)::TIMESTAMPTZ)"
                    " FROM new_readings n LEFT JOIN crossings c USING (port_number)"
                )
                self._con.execute(
                    "INSERT OR REPLACE INTO latest_readings"
                    " SELECT n.port_number, n.mode, n.lane_type, n.updated_at, n.border, n.status,"
                    " n.delay_min, n.lanes_open, n.max_lanes FROM ("
                    "  SELECT * FROM readings WHERE id > ? QUALIFY row_number() OVER ("
                    "   PARTITION BY port_number, mode, lane_type ORDER BY updated_at DESC) = 1) n"
                    " LEFT JOIN latest_readings l USING (port_number, mode, lane_type)"
                    " WHERE l.updated_at IS NULL OR n.updated_at > l.updated_at",
                    [self._last_id],
                )
                self._con.unregister("new_readings")
                self._last_id = int(table.column("id")[-1].as_py())
                added["readings"] = table.num_rows
            with self.sessions() as session:
                n_events = kpi_store.count_events(session)
                if n_events != self._events_n:
                    self._replace("events", kpi_store.EVENT_COLUMNS, kpi_store.scan_events(session))
                    added["events"] = n_events
                    self._events_n = n_events
                n_bts = kpi_store.count_bts(session)
                if n_bts != self._bts_n:
                    self._replace("bts", kpi_store.BTS_COLUMNS, kpi_store.scan_bts(session))
                    added["bts"] = n_bts
                    self._bts_n = n_bts
                seen = kpi_store.list_bwt_crossings(session)
                if len(seen) != self._crossings_n:
                    self._load_crossings(seen)
                    self._crossings_n = len(seen)
            return added

    def _replace(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        self._con.execute(f"DELETE FROM {table}")
        if not rows:
            return
        cols = list(zip(*rows, strict=True))
        arrow = pa.table({n: pa.array(c) for n, c in zip(columns, cols, strict=True)})
        self._con.register("incoming", arrow)
        casts = ", ".join(
            f"CAST({c} AS TIMESTAMP)" if c in ("occurred_at",) else c for c in columns
        )
        self._con.execute(f"INSERT INTO {table} SELECT {casts} FROM incoming")
        self._con.unregister("incoming")

    # --- querying -----------------------------------------------------------------------

    def _maybe_refresh(self) -> None:
        """Sync before the first query (and always when ``refresh_interval_s`` is 0); after
        that, a due refresh runs in the background so no query waits on the store."""
        if not self._synced or self.refresh_interval_s <= 0:
            self.refresh()
            self._synced = True
            return
        due = time.monotonic() - self._checked >= self.refresh_interval_s
        if due and not self._refreshing.is_set():
            self._refreshing.set()
            threading.Thread(target=self._background_refresh, daemon=True).start()

    def _background_refresh(self) -> None:
        try:
            self.refresh()
        except Exception:  # the store may be briefly unavailable; the next query retries
            self._checked = time.monotonic()
        finally:
            self._refreshing.clear()

    def sql(self, query: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run ``query`` on the engine's DuckDB tables and return Arrow (data at most
        ``refresh_interval_s`` plus one refresh behind the store)."""
        self._maybe_refresh()
        cur = self._con.cursor()
        try:
            return cur.sql(query, params=list(params)).to_arrow_table()
        finally:
            cur.close()

    @staticmethod
    def _where(f: Filters, *, crossing_col: str, params: list[Any]) -> str:
        check_filter_values(border=f.border, port=f.port)
        clauses = []
        if f.start is not None:
            clauses.append("local_ts >= ?")
            params.append(datetime(f.start.year, f.start.month, f.start.day))
        if f.end is not None:
            clauses.append("local_ts < ? + INTERVAL 1 DAY")
            params.append(datetime(f.end.year, f.end.month, f.end.day))
        for value, col in (
            (f.border, "border"),
            (f.port, "port_code"),
            (f.crossing, crossing_col),
            (f.mode, "mode"),
            (f.lane_type, "lane_type"),
        ):
            if value is not None:
                clauses.append(f"{col} = ?")
                params.append(value)
        return " AND ".join(clauses) if clauses else "TRUE"

    def waits(
        self, *, by: Sequence[str] = ("crossing", "mode", "lane_type"), grain: str | None = "day",
        filters: Filters | None = None,
    ) -> pa.Table:  # fmt: skip
        """Wait KPIs from the BWT readings, grouped by ``by`` and period ``grain``."""
        f = filters or Filters(border="mexico")
        cols = _group_cols(by, GROUPS)
        period = _grain(grain, GRAINS)
        keys = cols + ([f"{period} AS period"] if period else [])
        key_names = cols + (["period"] if period else [])
        # Within one mode the primary time is a constant, so the p95 travel time is the p95
        # wait plus it: one sort per group instead of two.
        same_mode = "mode" in cols
        params: list[Any] = []
        where = self._where(f, crossing_col="port_number", params=params)
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
        cols = _group_cols(by, EVENT_GROUPS)
        period = _grain(grain, GRAINS)
        keys = cols + ([f"{period} AS period"] if period else [])
        key_names = cols + (["period"] if period else [])
        params: list[Any] = []
        where = self._where(
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

    def volumes(
        self, *, by: Sequence[str] = ("port", "measure"), grain: str | None = "year",
        filters: Filters | None = None,
    ) -> pa.Table:  # fmt: skip
        """BTS inbound crossings summed by ``by`` and ``grain`` (month or year)."""
        f = filters or Filters()
        check_filter_values(border=f.border, port=f.port)
        cols = _group_cols(by, BTS_GROUPS)
        period = _grain(grain, BTS_GRAINS)
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
            FROM bts WHERE {" AND ".join(clauses)}
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
            if newest is None or _naive_utc(as_of) >= newest:
                as_of = None  # nothing newer than as_of exists: the live table is the answer
        clauses: list[str] = ["TRUE"]
        params: list[Any] = [] if as_of is None else [_naive_utc(as_of)]
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
        return self.sql(query, [_naive_utc(since), _naive_utc(until)])

    def heatmap(
        self, *, crossing: str, mode: str, lane_type: str, filters: Filters | None = None
    ) -> pa.Table:
        """Mean and p95 wait by ISO weekday (1 = Monday) and local hour at one crossing lane."""
        f = filters or Filters()
        params: list[Any] = []
        where = self._where(
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
            raise _invalid(
                f"Unknown metric {metric!r}; use one of {list(WAIT_METRICS)}.",
                f"Métrica desconocida {metric!r}; use una de {list(WAIT_METRICS)}.",
            )
        f = filters or Filters(border="mexico")
        a = self.waits(by=by, grain=None, filters=_with_dates(f, period_a))
        b = self.waits(by=by, grain=None, filters=_with_dates(f, period_b))
        keys = [GROUPS[k] for k in by]
        con = duckdb.connect()
        try:
            con.register("a", a)
            con.register("b", b)
            on = " AND ".join(f"a.{k} = b.{k}" for k in keys) or "TRUE"
            sel = ", ".join(f"coalesce(a.{k}, b.{k}) AS {k}" for k in keys)
            return con.sql(
                f"""SELECT {sel + "," if sel else ""} a.{metric} AS value_a, b.{metric} AS value_b,
                       b.{metric} - a.{metric} AS change,
                       CASE WHEN a.{metric} <> 0 THEN (b.{metric} - a.{metric}) / a.{metric} END AS change_ratio
                    FROM a FULL JOIN b ON {on} ORDER BY ALL"""
            ).to_arrow_table()
        finally:
            con.close()

    def export_parquet(self, folder: Path) -> list[Path]:
        """Write every engine table as Parquet under ``folder`` (for DuckDB, pandas, R...)."""
        self.refresh(force=True)
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for table in ("readings", "events", "bts", "crossings"):
            path = folder / f"{table}.parquet"
            pq.write_table(self.sql(f"SELECT * FROM {table}"), path)
            out.append(path)
        return out

    def close(self) -> None:
        self._con.close()


def _naive_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return dt.astimezone(UTC).replace(tzinfo=None)


def _with_dates(f: Filters, period: tuple[date, date]) -> Filters:
    return Filters(period[0], period[1], f.border, f.port, f.crossing, f.mode, f.lane_type)


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


__all__ = [
    "BORDERS",
    "EVENT_GROUPS",
    "EVENT_METRICS",
    "GRAINS",
    "GROUPS",
    "WAIT_METRICS",
    "Filters",
    "check_filter_values",
    "KpiEngine",
    "engine_for",
]
