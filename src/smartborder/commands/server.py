"""``smartborder serve`` and ``smartborder demo``: the main job."""

from __future__ import annotations

import os

import typer
import uvicorn
from rich.console import Console

from smartborder.config import Settings

console = Console()


def serve(
    demo: bool = typer.Option(
        False, "--demo", help="Create demo clients and load a day of demo traffic first."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (stateless)."),
) -> None:
    """Serve the API, the landing page and the dashboard."""
    settings = Settings()
    settings.ensure_home()
    if demo:
        load_demo(settings)
    console.print(
        f"[bold]SmartBorder[/] on http://{host}:{port}  (docs: http://{host}:{port}/docs)"
    )
    os.environ.setdefault("SMARTBORDER_HOME", str(settings.home))
    uvicorn.run(
        "smartborder.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


def demo(
    scale: float = typer.Option(
        1.0, "--scale", min=0.001, max=2.0, help="Share of a real day's volume to generate."
    ),
) -> None:
    """Create demo clients and load a realistic day of pre-arrival traffic, then exit."""
    load_demo(Settings(), scale=scale)


def load_demo(settings: Settings, *, scale: float = 1.0) -> None:
    from smartborder.demo import run_demo

    report = run_demo(settings, scale=scale, console=console)
    console.print(
        f"[green]demo ready[/]: {report.declarations:,} declarations "
        f"({report.created:,} new) in {report.seconds:.1f} s; clients in {report.clients_file}"
    )
