"""``smartborder data``: fetch public data (BTS counts, CBP Border Wait Times) and import it."""

from __future__ import annotations

import re
import time
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from smartborder.commands import UsageError
from smartborder.commands.kpi import print_import_report
from smartborder.commands.output import report_error
from smartborder.commands.store_access import store_sessions
from smartborder.config import Settings
from smartborder.i18n import Text
from smartborder.kpi import FetchFailed, fetch_bts, http_client, import_fetched_bts, poll_bwt
from smartborder.kpi.bts_fetch import PAGE_ROWS
from smartborder.kpi.bwt_poll import BwtPoll

app = typer.Typer(
    help="Public data: fetch BTS crossing counts and CBP Border Wait Times, and import them.",
    no_args_is_help=True,
)
fetch_app = typer.Typer(
    help="Download a public source (resumable, checksummed, atomic) and import it.",
    no_args_is_help=True,
)
app.add_typer(fetch_app, name="fetch")
console = Console(soft_wrap=True, emoji=False)
progress_console = Console(stderr=True, soft_wrap=True, emoji=False)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$")


def parse_every(value: str) -> float:
    """``30s``, ``5m``, ``1h`` or plain seconds -> seconds (at least 1)."""
    match = _DURATION.match(value)
    if (
        match is None
        or float(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2) or "s"] < 1
    ):
        raise UsageError(
            Text(
                f"--every takes a duration such as 30s, 5m or 1h (at least 1s), not {value!r}.",
                f"--every recibe una duración como 30s, 5m o 1h (al menos 1s), no {value!r}.",
            ),
            code="usage.bad_duration",
        )
    return float(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2) or "s"]


@fetch_app.command("bts")
def fetch_bts_cmd(
    base_url: str | None = typer.Option(
        None,
        "--base-url",
        help="Socrata site serving the dataset; default SMARTBORDER_BTS_BASE_URL.",
    ),
    folder: Path | None = typer.Option(
        None, "--dir", help="Where to keep the CSV; default SMARTBORDER_FETCH_DIR/bts."
    ),
    page_rows: int = typer.Option(PAGE_ROWS, "--page-rows", min=1, help="Rows per request."),
    no_import: bool = typer.Option(False, "--no-import", help="Download only."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Download BTS Border Crossing Entry Data (Socrata keg4-3bc2) resumably, then import it."""
    settings = Settings()
    base = base_url or settings.bts_base_url
    target = folder or settings.fetch_root / "bts"
    with (
        http_client(timeout_s=settings.fetch_timeout_s) as client,
        Progress(
            TextColumn("BTS rows"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=progress_console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("bts", total=None)

        def on_progress(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        got = fetch_bts(
            target, base_url=base, client=client, page_rows=page_rows, on_progress=on_progress
        )
    resumed = f", resumed at row {got.resumed_at_row}" if got.resumed_at_row else ""
    progress_console.print(
        f"BTS: {got.rows} rows, {got.bytes / 1e6:.1f} MB in {got.pages} page(s){resumed} -> {got.path}",
        markup=False,
    )
    progress_console.print(f"  sha256 {got.sha256}", markup=False)
    if no_import:
        return
    with store_sessions() as sessions:
        report = import_fetched_bts(sessions, got.path, url=got.url)
    print_import_report(report, as_json)


def _show_poll(poll: BwtPoll) -> None:
    at = f"{poll.fetched_at:%Y-%m-%d %H:%M:%S}Z"
    caught_up = ""
    if poll.status != "new" and poll.report is not None:
        caught_up = (
            f"; the last snapshot imported now: readings {poll.report.rows_imported} imported"
        )
    if poll.status == "unchanged":
        console.print(f"{at} BWT feed unchanged (304){caught_up}", markup=False)
    elif poll.status == "same_content":
        console.print(
            f"{at} BWT feed unchanged ({poll.bytes} bytes, same SHA-256){caught_up}", markup=False
        )
    else:
        line = f"{at} BWT snapshot {poll.bytes} bytes -> {poll.archive}!{poll.member}"
        if poll.report is not None:
            r = poll.report
            line += f"; readings {r.rows_imported} imported, {r.rows_duplicate} already stored"
        console.print(line, markup=False)


@fetch_app.command("bwt")
def fetch_bwt_cmd(
    every: str = typer.Option("5m", "--every", help="Poll period: 30s, 5m, 1h, ..."),
    once: bool = typer.Option(False, "--once", help="Poll once and exit (non-zero if it fails)."),
    polls: int | None = typer.Option(None, "--polls", min=1, help="Stop after this many polls."),
    base_url: str | None = typer.Option(
        None, "--base-url", help="Site serving /xml/bwt.xml; default SMARTBORDER_BWT_BASE_URL."
    ),
    folder: Path | None = typer.Option(
        None, "--dir", help="Where the monthly archives go; default SMARTBORDER_FETCH_DIR/bwt."
    ),
    no_import: bool = typer.Option(False, "--no-import", help="Archive only."),
    max_failures: int = typer.Option(
        12, "--max-failures", min=1, help="Exit 1 after this many failed polls in a row."
    ),
) -> None:
    """Poll CBP's Border Wait Times feed (conditional GET) into monthly tars; import new snapshots."""
    settings = Settings()
    period = parse_every(every)
    base = base_url or settings.bwt_base_url
    target = folder or settings.fetch_root / "bwt"
    limit = 1 if once else polls
    failures = done = 0
    with (
        http_client(timeout_s=settings.fetch_timeout_s) as client,
        nullcontext(None) if no_import else store_sessions() as sessions,
    ):
        next_at = time.monotonic()
        try:
            while limit is None or done < limit:
                done += 1
                try:
                    _show_poll(poll_bwt(target, base_url=base, client=client, sessions=sessions))
                    failures = 0
                except FetchFailed as exc:
                    failures += 1
                    if once or failures >= max_failures:
                        raise
                    report_error(exc)  # a scheduled poller carries on; the next poll may work
                if limit is not None and done >= limit:
                    break
                next_at += period
                time.sleep(max(0.0, next_at - time.monotonic()))
        except KeyboardInterrupt:
            console.print(f"{datetime.now():%H:%M:%S} stopped after {done} poll(s)", markup=False)
