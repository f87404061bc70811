"""The KPI warehouse: DuckDB (embedded, in memory) holding a copy of the store's observations.

DuckDB's ``sqlite`` scanner is an extension that DuckDB downloads on first use; this machine
(and many deployments) cannot download it, and it would not serve PostgreSQL anyway. So the
warehouse *copies* the store into DuckDB as Arrow tables: readings incrementally (by their
increasing ``id``), events, BTS counts and crossings when their counts change, each reading's
local time at its port computed once at copy time. Queries then run on DuckDB's columnar tables
(:class:`smartborder.kpi.queries.KpiEngine` asks them); :meth:`Warehouse.export_parquet` writes
them out for others.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from smartborder import ports
from smartborder.store import kpi as kpi_store
from smartborder.store import session_factory


class Warehouse:
    """DuckDB tables copied from the store at ``engine``; thread-safe; refreshes itself when
    the store changes. ``refresh_interval_s`` bounds how often a query checks the store."""

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
        con.execute("CREATE TABLE port_zones (port_code VARCHAR, tz VARCHAR, state VARCHAR)")
        con.executemany(
            "INSERT INTO port_zones VALUES (?, ?, ?)",
            [(p.code, p.time_zone, p.state) for p in ports.all_ports()],
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


__all__ = ["Warehouse"]
