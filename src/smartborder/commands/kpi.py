"""``smartborder kpi``: import BTS counts and the BWT feed, ingest crossing events, query KPIs."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import typer
from rich.console import Console
from rich.table import Table

from smartborder.commands.store_access import store_sessions
from smartborder.i18n import Text
from smartborder.kpi import Filters, KpiEngine
from smartborder.kpi.errors import QueryInvalid
from smartborder.kpi.importers import ImportReport, import_bts, import_bwt
from smartborder.kpi.ingest import ingest_batch
from smartborder.store import kpi as kpi_store

app = typer.Typer(
    help="Border KPIs and open data: import BTS and BWT data, ingest crossing events, query KPIs.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True, emoji=False)  # report lines carry paths: never wrap them mid-word


def print_import_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        print(report.model_dump_json(indent=2))
        return
    console.print(f"[bold]{report.kind.upper()} import[/] from {', '.join(report.sources)}")
    if report.kind == "bwt":
        console.print(
            f"  snapshots: {report.snapshots_seen} seen, {report.snapshots_imported} imported, "
            f"{report.snapshots_already_imported} already imported, "
            f"{report.snapshots_unsupported} unsupported, {report.snapshots_unreadable} unreadable, "
            f"{report.snapshots_incomplete} incomplete"
        )
        if report.lanes_without_reading:
            parts = ", ".join(f"{k} {v}" for k, v in sorted(report.lanes_without_reading.items()))
            console.print(f"  lanes without a reading: {parts}")
    else:
        console.print(f"  layout: {report.layout}")
    console.print(
        f"  rows: {report.rows_read} read, {report.rows_imported} imported, "
        f"{report.rows_duplicate} duplicate  ({report.seconds:.1f} s)"
    )
    if report.skipped_by_reason:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(report.skipped_by_reason.items()))
        console.print(f"  skipped: {parts}")
        shown: dict[str, int] = {}
        for item in report.skipped:  # up to three examples of each reason
            shown[item.reason] = shown.get(item.reason, 0) + 1
            if shown[item.reason] > 3:
                continue
            where = item.source + (f":{item.line}" if item.line is not None else "")
            port = f" port {item.port}" if item.port else ""
            console.print(f"    {where}{port}: {item.reason}: {item.detail}", markup=False)
        console.print("    (--json lists the first 20 of each reason)")


@app.command("import-bts")
def import_bts_cmd(
    file: Path = typer.Argument(
        ..., help="BTS Border Crossing Entry Data: a CSV, or a zip with one."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import BTS monthly crossing counts (both published layouts); re-importing replaces counts."""
    with store_sessions() as sessions:
        report = import_bts(sessions, file)
    print_import_report(report, as_json)


@app.command("import-bwt")
def import_bwt_cmd(
    paths: list[Path] = typer.Argument(
        ..., help="bwt.xml or JSON files, folders or tars of .xml/.xml.gz snapshots."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import CBP Border Wait Times snapshots; resumable (snapshots already imported are skipped)."""
    with store_sessions() as sessions:
        report = import_bwt(sessions, paths)
    print_import_report(report, as_json)


@app.command("ingest")
def ingest_cmd(
    file: Path = typer.Argument(
        ..., help="Crossing events: a JSON array or NDJSON; '-' for stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Ingest crossing events (idempotent by event_id; the whole file in one transaction)."""
    body = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    ndjson = None if str(file) == "-" else file.suffix != ".json"
    with store_sessions() as sessions:
        report = ingest_batch(sessions, body, ndjson=ndjson)
    if as_json:
        print(report.model_dump_json(indent=2))
        return
    console.print(
        f"events: {report.received} received, {report.stored} stored, "
        f"{report.duplicates} duplicate(s) skipped"
    )
    if report.duplicate_ids:
        console.print("  duplicates: " + ", ".join(report.duplicate_ids[:20]), markup=False)


# Wait-time forecasts (forecast-eval, forecast-train) live in their own module.
from smartborder.commands.kpi_forecast import register as _register_forecast  # noqa: E402

_register_forecast(app)


def _table_bytes(table: pa.Table, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "csv":
        pacsv.write_csv(table, buf)
    elif fmt == "parquet":
        pq.write_table(table, buf)
    else:
        rows = table.to_pylist()
        return orjson.dumps(rows, default=str, option=orjson.OPT_INDENT_2) + b"\n"
    return buf.getvalue()


@app.command("query")
def query_cmd(
    dataset: str = typer.Argument(..., help="waits, events, volumes, latest or heatmap."),
    by: str | None = typer.Option(
        None, "--by", help="Comma-separated groupings (see docs/kpi.md)."
    ),
    grain: str | None = typer.Option(
        None, "--grain", help="hour, day, week, month, hour_of_day, weekday, year, none."
    ),
    start: str | None = typer.Option(None, "--start", help="First local date (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--end", help="Last local date (YYYY-MM-DD)."),
    border: str | None = typer.Option(None, "--border", help="mexico or canada."),
    port: str | None = typer.Option(None, "--port", help="4-digit port code."),
    crossing: str | None = typer.Option(None, "--crossing", help="BWT crossing number."),
    mode: str | None = typer.Option(
        None, "--mode", help="passenger_vehicle, commercial, pedestrian."
    ),
    lane_type: str | None = typer.Option(None, "--lane-type", help="general, ready, sentri, fast."),
    fmt: str = typer.Option("table", "--format", help="table, json, csv or parquet."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file instead of stdout."),
) -> None:
    """Compute a KPI dataset (the same as GET /kpi/DATASET) on the local store with DuckDB."""
    try:
        f = Filters(
            date.fromisoformat(start) if start else None,
            date.fromisoformat(end) if end else None,
            border, port, crossing, mode, lane_type,
        )  # fmt: skip
    except ValueError as exc:
        raise QueryInvalid(Text(f"Bad date: {exc}.", f"Fecha no válida: {exc}.")) from None
    groups = tuple(g for g in (by or "").split(",") if g) if by is not None else None
    g = None if grain in ("none", "") else grain
    with store_sessions() as sessions:
        kpi = KpiEngine(sessions.kw["bind"])
        try:
            if dataset == "waits":
                table = kpi.waits(
                    by=groups if groups is not None else ("crossing", "mode", "lane_type"),
                    grain=g if grain else "day",
                    filters=f if border else _mexico(f),
                )
            elif dataset == "events":
                table = kpi.events(
                    by=groups if groups is not None else ("port", "mode", "lane_type"),
                    grain=g if grain else "day",
                    filters=f,
                )
            elif dataset == "volumes":
                table = kpi.volumes(
                    by=groups if groups is not None else ("port", "measure"),
                    grain=g if grain else "year",
                    filters=f,
                )
            elif dataset == "latest":
                table = kpi.latest(
                    border=border or "mexico",
                    crossing=crossing,
                    port=port,
                    mode=mode,
                    lane_type=lane_type,
                )
            elif dataset == "heatmap" and crossing and mode and lane_type:
                table = kpi.heatmap(crossing=crossing, mode=mode, lane_type=lane_type, filters=f)
            else:
                raise QueryInvalid(
                    Text(
                        f"Unknown dataset {dataset!r} (or heatmap without --crossing, --mode, --lane-type).",
                        f"Conjunto desconocido {dataset!r} (o heatmap sin --crossing, --mode, --lane-type).",
                    )
                )
        finally:
            kpi.close()
    if fmt == "table":
        shown = Table(*table.column_names)
        for row in table.to_pylist()[:200]:
            shown.add_row(*(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()))
        console.print(shown)
        if table.num_rows > 200:
            console.print(f"... {table.num_rows - 200} more rows (use --format csv)")
        return
    if fmt not in ("json", "csv", "parquet"):
        raise QueryInvalid(Text(f"Unknown format {fmt!r}.", f"Formato desconocido {fmt!r}."))
    data = _table_bytes(table, fmt)
    if out is not None:
        out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def _mexico(f: Filters) -> Filters:
    return Filters(f.start, f.end, "mexico", f.port, f.crossing, f.mode, f.lane_type)


@app.command("show")
def show_cmd() -> None:
    """What the store holds for KPIs: events, BWT readings and snapshots, BTS counts."""
    with store_sessions() as sessions, sessions() as s:
        lo, hi = kpi_store.bts_months(s)
        console.print(f"crossing events:   {kpi_store.count_events(s)}")
        console.print(f"BWT readings:      {kpi_store.count_readings(s)}")
        console.print(f"BWT crossings:     {len(kpi_store.list_bwt_crossings(s))}")
        console.print(f"BTS counts:        {kpi_store.count_bts(s)}  ({lo} .. {hi})")
