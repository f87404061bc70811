"""``smartborder serve`` and ``smartborder demo``: the main job."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

import typer
import uvicorn
from rich.console import Console

from smartborder.config import Settings

if TYPE_CHECKING:
    from smartborder.demo import DemoReport

console = Console(emoji=False)


def serve(
    demo: bool = typer.Option(
        False, "--demo", help="Create demo clients and load a day of demo traffic while serving."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (stateless)."),
    demo_scale: float = typer.Option(
        1.0, "--demo-scale", min=0.001, max=2.0, help="With --demo: share of a real day's volume."
    ),
) -> None:
    """Serve the API, the landing page and the dashboard."""
    settings = Settings()
    settings.ensure_home()
    os.environ["SMARTBORDER_HOME"] = str(settings.home)
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
    console.print(
        f"[bold]SmartBorder[/] on http://{host}:{port}  (API docs: http://{host}:{port}/docs)"
    )
    uvicorn.run(
        "smartborder.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


def _load_demo_traffic(settings: Settings, scale: float) -> None:
    from smartborder.demo import import_demo_data, run_demo

    for line in import_demo_data(settings):
        console.print(f"[green]dashboard data[/]: {line}")

    console.print(f"loading a day of demo pre-arrival traffic (scale {scale:g})…")
    report = run_demo(settings, scale=scale, console=console, progress=False)
    console.print(
        f"[green]demo traffic loaded[/]: {report.declarations:,} declarations "
        f"({report.created:,} new, {report.rejected:,} rejected) in {report.seconds:.0f} s"
    )
    _print_credentials(report)


def demo(
    scale: float = typer.Option(
        1.0, "--scale", min=0.001, max=2.0, help="Share of a real day's volume to generate."
    ),
) -> None:
    """Create demo clients and load a realistic day of pre-arrival traffic, then exit."""
    from smartborder.demo import run_demo

    report = run_demo(Settings(), scale=scale, console=console)
    console.print(
        f"[green]demo ready[/]: {report.declarations:,} declarations "
        f"({report.created:,} new, {report.rejected:,} rejected) in {report.seconds:.1f} s; "
        f"clients in {report.clients_file}"
    )
    _print_credentials(report)


def _print_credentials(report: DemoReport) -> None:
    if not report.credentialed:
        return
    bad = ", ".join(f"{k} {v}" for k, v in sorted(report.bad_credentials.items())) or "none"
    console.print(
        f"credentials: {report.credentials_issued:,} issued on {report.credentialed:,} "
        f"declarations; deliberately bad (what verification must catch): {bad}"
    )
