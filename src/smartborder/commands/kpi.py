"""``smartborder kpi``: import BTS counts and the BWT feed, ingest crossing events, query KPIs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from smartborder.config import Settings
from smartborder.kpi.events import ingest_events, parse_events
from smartborder.kpi.importers import ImportReport, import_bts, import_bwt
from smartborder.store import make_engine, session_factory, upgrade

app = typer.Typer(
    help="Border KPIs and open data: import BTS and BWT data, ingest crossing events, query KPIs.",
    no_args_is_help=True,
)
console = Console()


@contextmanager
def store_sessions() -> Iterator[sessionmaker[Session]]:
    """Sessions on the configured store, migrated to head."""
    settings = Settings()
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
        yield session_factory(engine)
    finally:
        engine.dispose()


def _print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        print(report.model_dump_json(indent=2))
        return
    console.print(f"[bold]{report.kind.upper()} import[/] from {', '.join(report.sources)}")
    if report.kind == "bwt":
        console.print(
            f"  snapshots: {report.snapshots_seen} seen, {report.snapshots_imported} imported, "
            f"{report.snapshots_already_imported} already imported, "
            f"{report.snapshots_unsupported} unsupported, {report.snapshots_incomplete} incomplete"
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
        for item in report.skipped[:20]:
            where = item.source + (f":{item.line}" if item.line is not None else "")
            port = f" port {item.port}" if item.port else ""
            console.print(f"    {where}{port}: {item.reason}: {item.detail}", markup=False)
        more = sum(report.skipped_by_reason.values()) - min(20, len(report.skipped))
        if more > 0:
            console.print(f"    ... and {more} more (use --json for the first 200)")


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
    _print_report(report, as_json)


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
    _print_report(report, as_json)


@app.command("ingest")
def ingest_cmd(
    file: Path = typer.Argument(
        ..., help="Crossing events: a JSON array or NDJSON; '-' for stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Ingest crossing events (idempotent by event_id; the whole file in one transaction)."""
    body = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    events = parse_events(body, ndjson=None if str(file) == "-" else file.suffix != ".json")
    with store_sessions() as sessions:
        report = ingest_events(sessions, events)
    if as_json:
        print(report.model_dump_json(indent=2))
        return
    console.print(
        f"events: {report.received} received, {report.stored} stored, "
        f"{report.duplicates} duplicate(s) skipped"
    )
    if report.duplicate_ids:
        console.print("  duplicates: " + ", ".join(report.duplicate_ids[:20]), markup=False)
