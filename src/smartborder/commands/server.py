"""``smartborder serve`` and ``smartborder demo``: the main job."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from smartborder.commands import UsageError
from smartborder.config import Settings

if TYPE_CHECKING:
    from smartborder.demo import DemoReport

console = Console(emoji=False)


_LIMITS = "Limits (per worker)"
_TLS = "TLS (HTTPS)"


def serve(
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Create demo clients, load a day of demo traffic and run it through the twin while serving.",
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (stateless)."),
    demo_scale: float = typer.Option(
        1.0, "--demo-scale", min=0.001, max=2.0, help="With --demo: share of a real day's volume."
    ),
    max_connections: int = typer.Option(
        4096,
        "--max-connections",
        min=1,
        help="Open connections; beyond them a request is answered 503.",
        rich_help_panel=_LIMITS,
    ),
    max_in_flight: int = typer.Option(
        64,
        "--max-in-flight",
        min=1,
        help="Requests processed at once; the next wait in line.",
        rich_help_panel=_LIMITS,
    ),
    queue_wait: float = typer.Option(
        0.5,
        "--queue-wait",
        min=0.0,
        help="Seconds a request may wait in line before it is answered 503 with Retry-After.",
        rich_help_panel=_LIMITS,
    ),
    keep_alive: int = typer.Option(
        5,
        "--keep-alive",
        min=1,
        help="Seconds an idle connection stays open.",
        rich_help_panel=_LIMITS,
    ),
    header_timeout: float = typer.Option(
        10.0,
        "--header-timeout",
        min=0.1,
        help="Seconds a client has to send a request's headers.",
        rich_help_panel=_LIMITS,
    ),
    body_timeout: float = typer.Option(
        30.0,
        "--body-timeout",
        min=0.1,
        help="Seconds a client has to send a request's body (408 after).",
        rich_help_panel=_LIMITS,
    ),
    max_header_bytes: int = typer.Option(
        32 * 1024,
        "--max-header-bytes",
        min=1024,
        help="Size of a request's headers (431 beyond).",
        rich_help_panel=_LIMITS,
    ),
    ssl_certfile: Path | None = typer.Option(
        None,
        "--ssl-certfile",
        help="PEM certificate (chain) to serve HTTPS with; the key too if --ssl-keyfile is not given.",
        rich_help_panel=_TLS,
    ),
    ssl_keyfile: Path | None = typer.Option(
        None,
        "--ssl-keyfile",
        help="PEM private key of --ssl-certfile (unencrypted).",
        rich_help_panel=_TLS,
    ),
) -> None:
    """Serve the API, the landing page and the dashboard."""
    from smartborder.api.serving import ServeLimits, TlsFiles, TlsUnusable
    from smartborder.api.serving import serve as run_server

    tls: TlsFiles | None = None
    if ssl_certfile is not None or ssl_keyfile is not None:
        try:
            tls = TlsFiles.checked(ssl_certfile, ssl_keyfile)
        except TlsUnusable as exc:
            raise UsageError(exc.message, code="usage.tls") from None
    settings = Settings()
    settings.ensure_home()
    if demo:
        from smartborder.demo import ensure_demo_clients

        clients = ensure_demo_clients(settings)
        # Plain lines, never wrapped or cut: the secrets must be copyable whole.
        print("demo clients (role, client_id, client_secret, org):")
        for c in clients:
            print(f"  {c['role']:<8} {c['client_id']:<22} {c['client_secret']}  {c['org']}")
        console.print(f"(also in {settings.home / 'demo-clients.json'})")
        # The day of traffic loads while the server already answers (SQLite WAL: readers
        # never wait for the loader); the landing page fills as decisions are stored.
        threading.Thread(
            target=_load_demo_traffic, args=(settings, demo_scale), daemon=True
        ).start()
    scheme = "https" if tls is not None else "http"
    console.print(
        f"[bold]SmartBorder[/] on {scheme}://{host}:{port}  "
        f"(API docs: {scheme}://{host}:{port}/docs)"
    )
    limits = ServeLimits(
        max_connections=max_connections,
        max_in_flight=max_in_flight,
        queue_wait_s=queue_wait,
        keep_alive_s=keep_alive,
        header_timeout_s=header_timeout,
        body_timeout_s=body_timeout,
        max_header_bytes=max_header_bytes,
    )
    run_server(host=host, port=port, workers=workers, limits=limits, log_level="warning", tls=tls)


def _load_demo_traffic(settings: Settings, scale: float) -> None:
    from smartborder.demo import import_demo_data, run_demo

    for line in import_demo_data(settings):
        console.print(f"[green]dashboard data[/]: {line}")

    console.print(f"loading a day of demo pre-arrival traffic (scale {scale:g})…")
    now = datetime.now(UTC)
    report = run_demo(settings, scale=scale, console=console, progress=False, now=now)
    console.print(
        f"[green]demo traffic loaded[/]: {report.declarations:,} declarations "
        f"({report.created:,} new, {report.rejected:,} rejected) in {report.seconds:.0f} s"
    )
    _print_credentials(report)
    _close_the_loop(settings, scale=scale, now=now)


def _close_the_loop(settings: Settings, *, scale: float, now: datetime) -> None:
    """The demo day through the twin, crossing events, KPIs, the feed and the forecaster."""
    from smartborder.demo import close_the_loop

    console.print("running the demo day through the twin (events, KPIs, feed, forecaster)…")
    loop = close_the_loop(
        settings, now=now, scale=scale, progress=lambda line: console.print(f"  {line}")
    )
    console.print(
        f"[green]demo day closed the loop[/]: {loop.vehicles:,} vehicles crossed "
        f"({loop.precleared:,} pre-cleared, {loop.referred:,} to secondary; "
        f"{loop.southbound_left_out:,} southbound not simulated), {loop.events_stored:,} new events, "
        f"{loop.readings:,} feed readings; forecaster: {loop.forecaster} "
        f"({sum(loop.cpu_s.values()):.0f} CPU s)"
    )


def demo(
    scale: float = typer.Option(
        1.0, "--scale", min=0.001, max=2.0, help="Share of a real day's volume to generate."
    ),
) -> None:
    """Create demo clients, file a day of traffic and run it through twin, KPIs, feed, forecaster.

    The day's northbound declarations cross the ports' twins as crossing events; the node
    publishes its BWT-format feed from them and warm-starts a wait forecaster; then it exits."""
    from smartborder.demo import run_demo

    settings = Settings()
    now = datetime.now(UTC)
    report = run_demo(settings, scale=scale, console=console, now=now)
    console.print(
        f"[green]demo ready[/]: {report.declarations:,} declarations "
        f"({report.created:,} new, {report.rejected:,} rejected) in {report.seconds:.1f} s; "
        f"clients in {report.clients_file}"
    )
    _print_credentials(report)
    _close_the_loop(settings, scale=scale, now=now)


def _print_credentials(report: DemoReport) -> None:
    if not report.credentialed:
        return
    bad = ", ".join(f"{k} {v}" for k, v in sorted(report.bad_credentials.items())) or "none"
    console.print(
        f"credentials: {report.credentials_issued:,} issued on {report.credentialed:,} "
        f"declarations; deliberately bad (what verification must catch): {bad}"
    )
