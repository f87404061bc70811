"""``smartborder clients``: API clients of organizations (OAuth2 client credentials)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from smartborder.clients import Role, create_client, parse_role
from smartborder.commands.store_access import store_sessions
from smartborder.store import transaction
from smartborder.store.clients import list_clients

app = typer.Typer(help="API clients: create them and list them.", no_args_is_help=True)
console = Console(emoji=False)


@app.command("create")
def create(
    org: str = typer.Option(..., "--org", help="Organization name (tenant)."),
    role: str = typer.Option(..., "--role", help="carrier, broker, cbp, anam, public or admin."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Create a client; its secret is printed once and stored only as a hash."""
    parsed: Role = parse_role(role)
    with store_sessions() as sessions, transaction(sessions) as session:
        new = create_client(session, org=org, role=parsed)
    if as_json:
        print(json.dumps({**new.to_dict(), "scopes": sorted(new.scopes)}))
        return
    console.print(f"client_id:     [bold]{new.client_id}[/]")
    console.print(f"client_secret: [bold]{new.client_secret}[/]")
    console.print(
        "[yellow]Store the secret now: it is not shown again. / "
        "Guarde el secreto ahora: no se vuelve a mostrar.[/]"
    )


@app.command("list")
def list_cmd() -> None:
    """List clients (ids, organizations, roles; never secrets)."""
    with store_sessions() as sessions, transaction(sessions) as session:
        rows = list_clients(session)
        table = Table("client_id", "org", "role", "active", "created (UTC)")
        for r in rows:
            table.add_row(
                r.client_id, r.org, r.role, str(r.active), f"{r.created_at:%Y-%m-%d %H:%M}"
            )
    console.print(table)
