"""``smartborder clients``: API clients of organizations (OAuth2 client credentials)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from smartborder.clients import (
    Role,
    create_client,
    delete_client,
    list_clients,
    parse_role,
    set_enabled,
)
from smartborder.commands.store_access import store_sessions
from smartborder.store import transaction

app = typer.Typer(
    help="API clients: create, list, disable, enable and delete them.", no_args_is_help=True
)
# Running API workers see a change within about a second (their client view reloads).
_SEEN = (
    "Running API nodes refuse its tokens within about a second. / "
    "Los nodos de la API rechazan sus tokens en alrededor de un segundo."
)
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
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List clients (ids, organizations, roles, whether enabled; never secrets)."""
    with store_sessions() as sessions, transaction(sessions) as session:
        rows = [
            {
                "client_id": r.client_id,
                "org": r.org,
                "role": r.role,
                "enabled": r.active,
                "created_at": r.created_at.isoformat(),
            }
            for r in list_clients(session)
        ]
    if as_json:
        print(json.dumps(rows))
        return
    table = Table("client_id", "org", "role", "enabled", "created (UTC)")
    for r in rows:
        table.add_row(
            str(r["client_id"]),
            str(r["org"]),
            str(r["role"]),
            str(r["enabled"]),
            str(r["created_at"])[:16].replace("T", " "),
        )
    console.print(table)


@app.command("disable")
def disable(client_id: str = typer.Argument(..., help="The client's id.")) -> None:
    """Disable a client: it gets no new token and its tokens stop working."""
    with store_sessions() as sessions, transaction(sessions) as session:
        set_enabled(session, client_id, enabled=False)
    console.print(f"Disabled / deshabilitado: {client_id}. {_SEEN}")


@app.command("enable")
def enable(client_id: str = typer.Argument(..., help="The client's id.")) -> None:
    """Re-enable a disabled client."""
    with store_sessions() as sessions, transaction(sessions) as session:
        set_enabled(session, client_id, enabled=True)
    console.print(f"Enabled / habilitado: {client_id}.")


@app.command("delete")
def delete(
    client_id: str = typer.Argument(..., help="The client's id."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a client for good (its records keep its id); its tokens stop working.
    ``disable`` can be undone; this cannot."""
    if not yes:
        typer.confirm(
            f"Delete client {client_id} for good? / ¿Eliminar el cliente {client_id} "
            "definitivamente?",
            abort=True,
        )
    with store_sessions() as sessions, transaction(sessions) as session:
        delete_client(session, client_id)
    console.print(f"Deleted / eliminado: {client_id}. {_SEEN}")
