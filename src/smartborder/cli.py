"""The ``smartborder`` command: a thin Typer layer over the library, one group per domain.

Exit codes: 0 success, 1 rejected input (a :class:`SmartBorderError`), 2 usage error (click's
own, or a :class:`~smartborder.commands.UsageError`).

Start-up is a feature: each command's module (and the domain behind it: the twin's numba, the
forecaster's scikit-learn, the KPI stack's DuckDB) is imported only when that command runs.
``smartborder --help`` lists the commands from :data:`COMMANDS` without importing any of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

from smartborder.commands import UsageError
from smartborder.commands.output import report_error
from smartborder.errors import InvalidInput, Problem, SmartBorderError
from smartborder.i18n import Text


class Entry(NamedTuple):
    """A command of the root group: where it lives and the line ``--help`` shows for it (a
    test checks that line is the first line of the command's own help)."""

    module: str
    attribute: str  # a typer.Typer (a group) or a function (a command)
    summary: str
    hidden: bool = False


# Commands and groups: one line each, in the order `smartborder --help` lists them.
COMMANDS: dict[str, Entry] = {
    "serve": Entry(
        "smartborder.commands.server",
        "serve",
        "Serve the API, the landing page and the dashboard.",
    ),
    "demo": Entry(
        "smartborder.commands.server",
        "demo",
        "Create demo clients, file a day of traffic and run it through twin, KPIs, feed, forecaster.",
    ),
    "submit": Entry(
        "smartborder.commands.submit",
        "submit",
        "Validate, decide and store declarations in the local store; print each decision.",
    ),
    "clients": Entry(
        "smartborder.commands.clients",
        "app",
        "API clients: create, list, disable, enable and delete them.",
    ),
    "db": Entry("smartborder.commands.db", "app", "The database: create or migrate it."),
    "reference": Entry(
        "smartborder.commands.reference",
        "app",
        "Regenerate the CLI and settings reference.",
        hidden=True,
    ),
    "ports": Entry(
        "smartborder.commands.ports",
        "app",
        "U.S.–Mexico ports of entry: crossings, lanes, aduanas, time zones.",
    ),
    "kpi": Entry(
        "smartborder.commands.kpi",
        "app",
        "Border KPIs and open data: import BTS and BWT data, ingest crossing events, query KPIs.",
    ),
    "data": Entry(
        "smartborder.commands.data",
        "app",
        "Public data: fetch BTS crossing counts and CBP Border Wait Times, and import them.",
    ),
    "twin": Entry(
        "smartborder.commands.twin",
        "app",
        "The port digital twin: simulate staffing, lanes, pre-clearance, new ports.",
    ),
    "policy": Entry(
        "smartborder.commands.policy",
        "app",
        "Admissibility plans: list, show, check, publish, evaluate a traveler, analyze impact.",
    ),
    "plan": Entry(
        "smartborder.commands.plan",
        "app",
        "Plan lifecycle: propose, approve, activate, withdraw; which version is in force.",
    ),
    "risk": Entry(
        "smartborder.commands.risk",
        "app",
        "Measured risk management: targeting effectiveness and the learned model.",
    ),
    "creds": Entry(
        "smartborder.commands.credentials",
        "app",
        "Verifiable credentials: keygen, issue, verify, present, status.",
    ),
    "consular": Entry(
        "smartborder.commands.consular",
        "app",
        "Consular notices: list the outbox, queue expiry reminders, send what is due.",
    ),
    # The first name of `creds`, kept.
    "credentials": Entry(
        "smartborder.commands.credentials",
        "app",
        "Verifiable credentials: keygen, issue, verify, present, status.",
        hidden=True,
    ),
}


def load_command(name: str) -> Any:
    """The click command or group named ``name`` in :data:`COMMANDS`, its module imported now."""
    entry = COMMANDS[name]
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(target, typer.Typer):
        command: Any = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    command.hidden = entry.hidden
    return command


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: every name known at once, each loaded on first lookup."""

    def __init__(self) -> None:
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self._loaded[name] = load_command(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(COMMANDS), **self._loaded})

    def __len__(self) -> int:
        return len({*COMMANDS, *self._loaded})


class _RootGroup(TyperGroup):
    """The root group: commands load lazily (see :data:`COMMANDS`); a domain error becomes a
    bilingual message on stderr and exit code 1; a :class:`UsageError` or a setting that does
    not validate (an ``SMARTBORDER_*`` variable) is a usage error, 2."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands()
        self._summaries = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._summaries and cmd_name in COMMANDS:  # --help: a line each, nothing imported
            entry = COMMANDS[cmd_name]
            return TyperCommand(name=cmd_name, help=entry.summary, hidden=entry.hidden)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._summaries = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._summaries = False

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            report_error(exc)
            ctx.exit(2)
        except SmartBorderError as exc:
            report_error(exc)
            ctx.exit(1)
        except Exception as exc:
            from pydantic import ValidationError  # loaded already if that is what was raised

            if not isinstance(exc, ValidationError) or exc.title != "Settings":
                raise
            report_error(_settings_invalid(exc))
            ctx.exit(2)


def _settings_invalid(exc: Any) -> InvalidInput:
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


@app.callback()
def _root() -> None:
    # A callback makes the root a group even though its commands are not registered on it.
    pass


def main() -> None:
    """Entry point: run the app, turning domain errors into a bilingual message and exit 1."""
    app(standalone_mode=True)


if __name__ == "__main__":
    main()
