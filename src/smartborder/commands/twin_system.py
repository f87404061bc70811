"""``smartborder twin baselines``, ``twin system`` and ``twin joint``: calibrated baselines of the
busiest ports, systems of ports with a new port and a demand split, and what joint inspection
(UCP) saves on a chained crossing. Registered on the ``twin`` group by :mod:`.twin`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from smartborder.twin.system import Resolved

console = Console(emoji=False)
if not console.is_terminal:
    console = Console(width=150, emoji=False)


def baselines(
    bts: Annotated[
        Path, typer.Option("--bts", help="BTS Border_Crossing_Entry_Data.zip (or .csv).")
    ],
    bwt: Annotated[
        list[Path],
        typer.Option(
            "--bwt", help="Border Wait Times archives (bwt-feed-YYYY-MM.tar), repeatable."
        ),
    ],
    port: Annotated[
        list[str] | None,
        typer.Option(
            "--port", help="Only these baselines (san_ysidro, otay_mesa, laredo, el_paso)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to write to; default: the package's twin/baselines."),
    ] = None,
    replications: Annotated[int, typer.Option("--replications", "-r", min=1)] = 2,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Calibrate the four busiest ports' baselines from BTS and BWT and write them, each with its
    calibration error against both."""
    from smartborder.commands._twin_io import progress_bar
    from smartborder.twin.baselines import (
        BASELINE_DIR,
        BUSIEST_PORTS,
        calibrate_baseline,
        write_baseline,
    )

    names = port or list(BUSIEST_PORTS)
    unknown = [n for n in names if n not in BUSIEST_PORTS]
    if unknown:
        raise typer.BadParameter(f"--port {unknown[0]!r}: use one of {', '.join(BUSIEST_PORTS)}")
    for name in names:
        with progress_bar(f"calibrating {name}") as update:
            s = calibrate_baseline(
                name,
                bts_path=bts,
                bwt_paths=bwt,
                replications=replications,
                seed=seed,
                progress=update,
            )
        path = write_baseline(name, s, out or BASELINE_DIR)
        rec = s.calibration
        assert rec is not None
        maes = ", ".join(f"{k} {v:.1f}" for k, v in rec.bwt_mae_min.items() if v is not None)
        console.print(
            f"{name}: {path} — BTS {rec.bts_error_pct:+.1f} % "
            f"({rec.simulated_daily_volume:,.0f} vs {rec.bts_daily_volume:,.0f}/day); "
            f"BWT MAE min: {maes}"
        )


def _fmt(x: float | None, nd: int = 1) -> str:
    return "-" if x is None else f"{x:,.{nd}f}"


def _resolve_system(ref: str) -> Resolved:
    from smartborder.errors import Problem
    from smartborder.i18n import Text
    from smartborder.twin import load_system, shipped_systems
    from smartborder.twin.errors import ScenarioInvalid

    path = Path(ref)
    if path.exists():
        return load_system(path)
    shipped = shipped_systems()
    if ref in shipped:
        return load_system(shipped[ref])
    names = ", ".join(shipped)
    raise ScenarioInvalid(
        problems=[
            Problem(
                "",
                "twin.no_system",
                Text(
                    f"No file {ref!r} and no shipped system of that name; shipped: {names}.",
                    f"No existe el archivo {ref!r} ni un sistema incluido con ese nombre; incluidos: {names}.",
                ),
            )
        ]
    )


def system(
    ref: Annotated[
        str, typer.Argument(help="A system YAML file or a shipped name (see `twin scenarios`).")
    ],
    replications: Annotated[int, typer.Option("--replications", "-r", min=1)] = 2,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Ports as one system: every port before and after a new port and a demand split,
    with the system-wide waits and emissions."""
    from rich.table import Table

    from smartborder.twin import compare_system

    resolved = _resolve_system(ref)
    cmp = compare_system(resolved, replications=replications, seed=seed)
    if as_json:
        typer.echo(cmp.model_dump_json(indent=1))
        return
    t = Table(title=f"{cmp.system}: {cmp.days} days x {replications} replications, seed {seed}")
    for col in (
        "port",
        "share of split",
        "vehicles/day",
        "mean wait min",
        "worst hourly p95",
        "booth-h/day",
        "CO2 t/day",
    ):
        t.add_column(col, justify="left" if col == "port" else "right")

    def pair(a: float | None, b: float | None, nd: int = 1, scale: float = 1.0) -> str:
        fa = None if a is None else a / scale
        fb = None if b is None else b / scale
        return f"{_fmt(fa, nd)} → {_fmt(fb, nd)}"

    for r in cmp.ports:
        t.add_row(
            r.port + (" (new)" if r.new else ""),
            pair(
                None if r.share_before is None else 100 * r.share_before,
                None if r.share_after is None else 100 * r.share_after,
                0,
            ),
            pair(r.vehicles_per_day_before, r.vehicles_per_day_after, 0),
            pair(r.wait_mean_min_before, r.wait_mean_min_after),
            pair(r.worst_p95_min_before, r.worst_p95_min_after),
            pair(r.booth_hours_per_day_before, r.booth_hours_per_day_after, 0),
            pair(r.co2_kg_per_day_before, r.co2_kg_per_day_after, 2, 1000.0),
        )
    b, a = cmp.before, cmp.after
    t.add_row(
        "[bold]system[/]",
        "",
        pair(b.vehicles_per_day, a.vehicles_per_day, 0),
        pair(b.wait_mean_min, a.wait_mean_min),
        "",
        pair(b.booth_hours_per_day, a.booth_hours_per_day, 0),
        pair(b.co2_kg_per_day, a.co2_kg_per_day, 2, 1000.0),
    )
    console.print(t)
    console.print(
        f"vehicle-hours waiting per day: {b.vehicle_hours_waiting_per_day:,.0f} → "
        f"{a.vehicle_hours_waiting_per_day:,.0f}; NOx kg/day {b.nox_g_per_day / 1000:,.1f} → "
        f"{a.nox_g_per_day / 1000:,.1f} [dim]({cmp.elapsed_s:.1f} s)[/]"
    )


def joint(
    scenario: Annotated[
        str,
        typer.Argument(help="A chained scenario file or shipped name, e.g. otay_mesa_both_sides."),
    ],
    replications: Annotated[int, typer.Option("--replications", "-r", min=1)] = 5,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """What joint inspection (UCP) saves: the crossing with two inspections in series and with
    one joint inspection, on the same seeds."""
    from rich.table import Table

    from smartborder.commands._twin_io import resolve_scenario
    from smartborder.twin import compare_joint

    s = resolve_scenario(scenario)
    res = compare_joint(s, replications=replications, seed=seed)
    if as_json:
        typer.echo(res.model_dump_json(indent=1))
        return
    t = Table(title=f"{res.scenario}: {replications} replications, seed {seed}")
    for col in ("", "two inspections in series", "joint inspection (UCP)", "saved"):
        t.add_column(col, justify="left" if not col else "right")
    se, jo = res.serial, res.joint
    rows = [
        (
            "time in system, mean min",
            se.time_in_system_mean_min,
            jo.time_in_system_mean_min,
            res.time_in_system_mean_min_saved,
            1,
        ),
        (
            "time in system, p95 min",
            se.time_in_system_p95_min,
            jo.time_in_system_p95_min,
            res.time_in_system_p95_min_saved,
            1,
        ),
        (
            "queued per vehicle, min",
            se.wait_min_per_vehicle,
            jo.wait_min_per_vehicle,
            res.wait_min_per_vehicle_saved,
            2,
        ),
        (
            "exit inspection wait, min",
            se.exit_inspection_wait_mean_min,
            jo.exit_inspection_wait_mean_min,
            None,
            1,
        ),
        (
            "entry/joint inspection wait, min",
            se.inspection_wait_mean_min,
            jo.inspection_wait_mean_min,
            None,
            1,
        ),
        ("inspections per day", se.exams_per_day, jo.exams_per_day, res.exams_per_day_saved, 0),
        ("CO2 kg/day", se.co2_kg_per_day, jo.co2_kg_per_day, res.co2_kg_per_day_saved, 0),
        ("NOx g/day", se.nox_g_per_day, jo.nox_g_per_day, res.nox_g_per_day_saved, 0),
    ]
    for label, a, b, saved, nd in rows:
        t.add_row(label, _fmt(a, nd), _fmt(b, nd), _fmt(saved, nd))
    console.print(t)
