"""``smartborder ports``: the U.S.–Mexico ports of entry, their crossings, lanes and aduanas."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from smartborder.commands.output import report_error
from smartborder.errors import SmartBorderError
from smartborder.ports import Crossing, Mode, Port, all_ports, get_region

app = typer.Typer(
    help="U.S.–Mexico ports of entry: crossings, lanes, aduanas, time zones.",
    invoke_without_command=True,
)

_MODE_LABEL = {Mode.PASSENGER_VEHICLE: "cars", Mode.PEDESTRIAN: "walk", Mode.COMMERCIAL: "trucks"}
_STATE = {"California": "CA", "Arizona": "AZ", "New Mexico": "NM", "Texas": "TX"}


def _lanes_cell(crossing: Crossing) -> str:
    parts = []
    for mode in crossing.modes:
        types = " ".join(lt.value for lt in crossing.lane_types(mode))
        parts.append(f"{_MODE_LABEL[mode]} {crossing.max_lanes(mode)} ({types})")
    return "\n".join(parts)


def _select(region: str | None) -> list[Port]:
    ports = list(all_ports())
    if region is None:
        return ports
    wanted = set(get_region(region).port_codes)
    return [p for p in ports if p.code in wanted]


@app.callback()
def ports(
    region: str | None = typer.Option(
        None, "--region", help="Only this region, e.g. san-diego-tijuana."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List every U.S.–Mexico land port of entry with its crossings (CBP Border Wait Times
    numbers), modes, lane types and maximum lanes, the Mexican aduana facing it, and its
    time zone."""
    try:
        selected = _select(region)
    except SmartBorderError as exc:
        report_error(exc)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps([p.to_dict() for p in selected], ensure_ascii=False, indent=2))
        return
    table = Table(title="U.S.–Mexico ports of entry / Puertos de entrada EE. UU.–México")
    table.add_column("port · time zone · region")
    table.add_column("crossing (BWT number)")
    table.add_column("lanes: maximum (lane types)")
    table.add_column("aduana")
    for port in selected:
        head = f"[bold]{port.code} {port.name}[/], {_STATE[port.state]}\n{port.time_zone}\n{port.region}"
        if not port.crossings:
            table.add_row(head, "— (not in the BWT feed)", "", "", end_section=True)
            continue
        for i, c in enumerate(port.crossings):
            aduana = f"{c.aduana.code} {c.aduana.name}" if c.aduana else "—"
            last = i == len(port.crossings) - 1
            table.add_row(
                head if i == 0 else "",
                f"{c.bwt_number} {c.name}",
                _lanes_cell(c),
                aduana,
                end_section=last,
            )
    Console(emoji=False).print(table)
