"""``smartborder db``: the store's migrations."""

from __future__ import annotations

import typer
from rich.console import Console

from smartborder.config import Settings
from smartborder.store import make_engine, upgrade

app = typer.Typer(help="The database: create or migrate it.", no_args_is_help=True)
console = Console(emoji=False)


@app.command("upgrade")
def upgrade_cmd() -> None:
    """Create the database or bring it to the latest schema (every domain's migrations)."""
    settings = Settings()
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    console.print(f"[green]database at head[/]: {engine.url.render_as_string(hide_password=True)}")
