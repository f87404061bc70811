"""The ``smartborder`` command: a thin Typer layer over the library, one group per domain.

Exit codes: 0 success, 1 rejected input (a :class:`SmartBorderError`), 2 usage error (click's
own, or a :class:`~smartborder.commands.UsageError`).
"""

from __future__ import annotations

from typing import Any

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from smartborder.commands import UsageError
from smartborder.commands import clients as clients_cmd
from smartborder.commands import credentials as credentials_cmd
from smartborder.commands import db as db_cmd
from smartborder.commands import kpi as kpi_cmd
from smartborder.commands import policy as policy_cmd
from smartborder.commands import ports as ports_cmd
from smartborder.commands import reference as reference_cmd
from smartborder.commands import server as server_cmd
from smartborder.commands import submit as submit_cmd
from smartborder.commands import twin as twin_cmd
from smartborder.commands.output import report_error
from smartborder.config import Settings
from smartborder.errors import InvalidInput, Problem, SmartBorderError
from smartborder.i18n import Text


class _RootGroup(TyperGroup):
    """The root group: a domain error becomes a bilingual message on stderr and exit code 1;
    a :class:`UsageError` or a setting that does not validate (an ``SMARTBORDER_*`` variable)
    is a usage error, 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            report_error(exc)
            ctx.exit(2)
        except SmartBorderError as exc:
            report_error(exc)
            ctx.exit(1)
        except ValidationError as exc:
            if exc.title != Settings.__name__:
                raise
            report_error(_settings_invalid(exc))
            ctx.exit(2)


def _settings_invalid(exc: ValidationError) -> InvalidInput:
    problems = [
        Problem(
            f"SMARTBORDER_{'_'.join(str(p) for p in err['loc']).upper()}",
            "config.invalid",
            Text(str(err["msg"]), f"Valor no válido: {err['msg']}"),
        )
        for err in exc.errors()
    ]
    return InvalidInput(
        Text(
            "A setting is not valid; fix the environment variable named below.",
            "Una configuración no es válida; corrija la variable de entorno indicada abajo.",
        ),
        code="config.invalid",
        problems=problems,
    )


app = typer.Typer(
    name="smartborder",
    cls=_RootGroup,
    help="SmartBorder: pre-clearance, credentials, admissibility, KPIs and the port twin.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# Commands and groups: import the domain's module above, register it here (one line each).
app.command("serve")(server_cmd.serve)
app.command("demo")(server_cmd.demo)
app.command("submit")(submit_cmd.submit)
app.add_typer(clients_cmd.app, name="clients")
app.add_typer(db_cmd.app, name="db")
app.add_typer(reference_cmd.app, name="reference")
app.add_typer(ports_cmd.app, name="ports")
app.add_typer(kpi_cmd.app, name="kpi")
app.add_typer(twin_cmd.app, name="twin")
app.add_typer(policy_cmd.app, name="policy")
app.add_typer(credentials_cmd.app, name="creds")
app.add_typer(credentials_cmd.app, name="credentials", hidden=True)  # the first name, kept


def main() -> None:
    """Entry point: run the app, turning domain errors into a bilingual message and exit 1."""
    app(standalone_mode=True)
