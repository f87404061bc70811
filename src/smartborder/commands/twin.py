"""``smartborder twin``: run, compare, calibrate, optimize and sweep port scenarios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from smartborder.commands import twin_system as _system
from smartborder.commands._twin_io import progress_bar, resolve_scenario
from smartborder.twin import RunResult, Scenario, load_scenario, shipped_scenarios

app = typer.Typer(
    help="The port digital twin: simulate staffing, lanes, pre-clearance, new ports.",
    no_args_is_help=True,
)
console = Console(emoji=False)
if not console.is_terminal:  # pipes and CI logs: wide enough for the tables
    console = Console(width=150, emoji=False)

ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario YAML file or a shipped name (see `twin scenarios`).")
]
Reps = Annotated[int, typer.Option("--replications", "-r", min=1, help="Independent replications.")]
Seed = Annotated[
    int | None, typer.Option("--seed", help="Seed; the same seed gives the same results.")
]
Sched = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on this Dask scheduler (tcp://HOST:PORT)."),
]
UseDask = Annotated[
    bool, typer.Option("--dask", help="Spread replications over a local Dask cluster.")
]


def _fmt(x: float | None, nd: int = 1) -> str:
    return "-" if x is None else f"{x:,.{nd}f}"


def _summary_table(res: RunResult) -> Table:
    t = Table(title=f"{res.scenario}: {res.days} days x {res.replications} replications")
    for col in (
        "lane",
        "type",
        "per day",
        "mean wait min",
        "95% CI",
        "max hourly p95",
        "booth-h/day",
        "util.",
        "CO2 kg/day",
    ):
        t.add_column(col, justify="left" if col in ("lane", "type") else "right")
    for s in res.summary:
        ci = (
            f"{s.wait_mean_ci_min[0]:.1f} – {s.wait_mean_ci_min[1]:.1f}"
            if s.wait_mean_ci_min
            else "-"
        )
        t.add_row(
            s.lane,
            f"{s.mode}/{s.lane_type}",
            _fmt(s.served_per_day, 0),
            _fmt(s.wait_mean_min),
            ci,
            _fmt(s.wait_p95_min),
            _fmt(s.booth_hours_per_day, 0),
            _fmt(s.utilization, 2),
            _fmt(s.co2_kg_per_day, 0),
        )
    return t


def _scheduler(given: str | None) -> str | None:
    """The scheduler to use: the option, else SMARTBORDER_DASK_SCHEDULER, else a local cluster."""
    from smartborder.config import Settings

    return given or Settings().dask_scheduler


def _run(
    scenario: Scenario,
    replications: int,
    seed: int | None,
    scheduler: str | None,
    dask: bool,
    show: bool,
) -> RunResult:
    scheduler = _scheduler(scheduler)
    with progress_bar(f"simulating {scenario.name}", enabled=show) as update:
        if scheduler or dask:
            from smartborder.twin.sweep import simulate_on_dask

            return simulate_on_dask(
                scenario, replications=replications, seed=seed, scheduler=scheduler, progress=update
            )
        from smartborder.twin import simulate  # numba: only the commands that simulate

        return simulate(scenario, replications=replications, seed=seed, progress=update)


def _write_outputs(res: RunResult, out: Path) -> None:
    from smartborder.twin.charts import plot_run

    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").write_text(res.model_dump_json(indent=1), encoding="utf-8")
    (out / "hourly.csv").write_text(res.to_csv(), encoding="utf-8")
    plot_run(res, out / "waits.png")


@app.command("scenarios")
def list_scenarios() -> None:
    """List the shipped scenarios (examples and calibrated baselines) and systems of ports."""
    from smartborder.twin import load_system, shipped_systems

    for name, path in shipped_scenarios().items():
        s = load_scenario(path)
        console.print(f"[bold]{name}[/]  {s.name} — {s.description}")
    for name, path in shipped_systems().items():
        system = load_system(path).system
        console.print(f"[bold]{name}[/] (system: `twin system {name}`)  {system.name}")


@app.command()
def run(
    scenario: ScenarioArg,
    replications: Reps = 5,
    seed: Seed = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write result.json, hourly.csv and waits.png here.")
    ] = None,
    scheduler: Sched = None,
    dask: UseDask = False,
) -> None:
    """Simulate a scenario: per lane and hour waits, queues, utilization, secondary, emissions."""
    s = resolve_scenario(scenario)
    res = _run(s, replications, seed, scheduler, dask, show=not as_json)
    if out is not None:
        _write_outputs(res, out)
    if as_json:
        typer.echo(res.model_dump_json(indent=1))
        return
    console.print(_summary_table(res))
    for sec in res.secondary:
        console.print(
            f"secondary {sec.mode}: {sec.referred_per_day:,.0f}/day, mean wait {_fmt(sec.wait_mean_min)} min, utilization {sec.utilization:.2f}"
        )
    console.print(
        f"[dim]{res.vehicles:,} vehicles in {res.elapsed_s:.2f} s ({res.vehicles_per_s:,.0f} vehicles/s)[/]"
    )


@app.command()
def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Scenario files or shipped names: two or more side by side (one runs alone)."
        ),
    ],
    replications: Reps = 5,
    seed: Seed = 0,
    chart: Annotated[
        Path, typer.Option("--chart", help="Where to write the comparison chart (PNG/SVG).")
    ] = Path("twin-compare.png"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the summaries as JSON.")] = False,
) -> None:
    """Side by side: waits, throughput, booth-hours (officer-hours) and emissions."""
    from smartborder.twin.charts import plot_compare

    results = []
    for ref in scenarios:
        s = resolve_scenario(ref)
        results.append(_run(s, replications, seed, None, False, show=not as_json))
    plot_compare(results, chart)
    if as_json:
        typer.echo(json.dumps([_compare_row(r) for r in results], indent=1))
        return
    t = Table(title=f"Comparison ({replications} replications, seed {seed})")
    for col in (
        "#",
        "scenario",
        "vehicles/day",
        "mean wait min",
        "worst hourly p95",
        "booth-h/day",
        "CO2 t/day",
        "NOx kg/day",
        "time in system min",
    ):
        t.add_column(col, justify="left" if col == "scenario" else "right")
    for k, r in enumerate(results, start=1):
        row = _compare_row(r)
        t.add_row(
            str(k),
            r.scenario,
            _fmt(row["served_per_day"], 0),
            _fmt(row["wait_mean_min"]),
            _fmt(row["worst_p95_min"]),
            _fmt(row["booth_hours_per_day"], 0),
            _fmt(row["co2_kg_per_day"] / 1000.0, 2),
            _fmt(row["nox_g_per_day"] / 1000.0, 2),
            _fmt(row["time_in_system_min"]),
        )
    console.print(t)
    console.print(f"chart: {chart}")


def _compare_row(r: RunResult) -> dict[str, Any]:
    served = sum(s.served_per_day for s in r.summary)
    waited = sum((s.wait_mean_min or 0.0) * s.served_per_day for s in r.summary)
    p95s = [s.wait_p95_min for s in r.summary if s.wait_p95_min is not None]
    return {
        "scenario": r.scenario,
        "served_per_day": served,
        "wait_mean_min": waited / served if served else None,
        "worst_p95_min": max(p95s) if p95s else None,
        "booth_hours_per_day": r.booth_hours_per_day,
        "co2_kg_per_day": sum(s.co2_kg_per_day for s in r.summary),
        "nox_g_per_day": sum(s.nox_g_per_day for s in r.summary),
        "pm25_g_per_day": sum(s.pm25_g_per_day for s in r.summary),
        "time_in_system_min": r.chain.time_in_system_mean_min if r.chain else None,
        "lanes": [s.model_dump() for s in r.summary],
    }


@app.command()
def optimize(
    scenario: ScenarioArg,
    p95_max_min: Annotated[
        float,
        typer.Option("--p95-max-min", help="Target: p95 wait at most this, every hour and lane."),
    ] = 20.0,
    replications: Reps = 4,
    seed: Seed = 0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the optimized scenario YAML here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Fewest booth-hours meeting a p95 wait target, within the lanes that exist."""
    import yaml

    from smartborder.twin.optimize import optimize_staffing

    s = resolve_scenario(scenario)
    with progress_bar("optimizing", enabled=not as_json) as update:
        plan = optimize_staffing(
            s, target_p95_min=p95_max_min, replications=replications, seed=seed, progress=update
        )
    if out is not None:
        data = s.model_dump(mode="json")
        for lane in data["lanes"]:
            lane["booths"] = plan.booths[lane["id"]]
        data["name"] = f"{s.name} (optimized, p95 <= {p95_max_min:g} min)"
        out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if as_json:
        typer.echo(plan.model_dump_json(indent=1))
        return
    state = (
        "[green]meets the target[/]"
        if plan.feasible
        else "[red]cannot meet the target within the lanes that exist[/]"
    )
    console.print(f"{s.name}: {state} (p95 <= {p95_max_min:g} min)")
    console.print(
        f"booth-hours per day: current {plan.booth_hours_per_day_current:,.0f}, optimized {plan.booth_hours_per_day_optimized:,.0f}; "
        f"worst hourly p95: current {_fmt(plan.worst_p95_current_min)} min, optimized {_fmt(plan.worst_p95_optimized_min)} min"
    )
    t = Table(title="booths open by hour (optimized)")
    t.add_column("lane")
    t.add_column("schedule")
    for lane_id, booths in plan.booths.items():
        t.add_row(lane_id, " ".join(str(b) for b in booths))
    console.print(t)


@app.command()
def sweep(
    scenario: ScenarioArg,
    grid: Annotated[
        list[str],
        typer.Option("--grid", help="PATH=V1,V2,... e.g. demand_scale=0.9,1.0,1.1 (repeatable)."),
    ],
    replications: Reps = 10,
    seed: Seed = 0,
    scheduler: Sched = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Run a grid of scenario variants with replications on Dask (local cluster by default)."""
    from smartborder.twin.sweep import sweep as run_sweep

    s = resolve_scenario(scenario)
    parsed: dict[str, list[Any]] = {}
    for item in grid:
        path, _, values = item.partition("=")
        if not values:
            raise typer.BadParameter(f"--grid {item!r}: use PATH=V1,V2")
        parsed[path] = [
            json.loads(v) if v.strip()[:1] in "[{" or _num(v) else v for v in values.split(",")
        ]
    with progress_bar("sweeping", enabled=not as_json) as update:
        results = run_sweep(
            s,
            parsed,
            replications=replications,
            seed=seed,
            scheduler=_scheduler(scheduler),
            progress=update,
        )
    if as_json:
        typer.echo(json.dumps([{"point": p, **_compare_row(r)} for p, r in results], indent=1))
        return
    t = Table(title=f"Sweep of {s.name} ({replications} replications each)")
    t.add_column("point")
    for col in ("mean wait min", "worst hourly p95", "booth-h/day", "CO2 t/day"):
        t.add_column(col, justify="right")
    for p, r in results:
        row = _compare_row(r)
        t.add_row(
            ", ".join(f"{k}={v}" for k, v in p.items()),
            _fmt(row["wait_mean_min"]),
            _fmt(row["worst_p95_min"]),
            _fmt(row["booth_hours_per_day"], 0),
            _fmt(row["co2_kg_per_day"] / 1000.0, 2),
        )
    console.print(t)


def _num(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


@app.command()
def calibrate(
    port: Annotated[str, typer.Option("--port", help="CBP 4-digit port code, e.g. 2504.")],
    bts: Annotated[
        Path, typer.Option("--bts", help="BTS Border_Crossing_Entry_Data.zip (or .csv).")
    ],
    bwt: Annotated[
        list[Path],
        typer.Option(
            "--bwt", help="Border Wait Times archives (bwt-feed-YYYY-MM.tar), repeatable."
        ),
    ],
    crossing: Annotated[
        str | None,
        typer.Option("--crossing", help="BWT crossing number; default: the port's busiest."),
    ] = None,
    mode: Annotated[
        str, typer.Option("--mode", help="passenger_vehicle, pedestrian or commercial.")
    ] = "passenger_vehicle",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the calibrated scenario YAML here.")
    ] = None,
    replications: Reps = 3,
    seed: Seed = 0,
) -> None:
    """Build a scenario from BTS volumes and the BWT archive; print the fit per lane type."""
    import yaml

    from smartborder.twin.calibrate import calibrate as run_calibration

    with progress_bar("calibrating") as update:
        cal = run_calibration(
            port=port,
            bts_path=bts,
            bwt_paths=bwt,
            crossing=crossing,
            mode=mode,
            replications=replications,
            seed=seed,
            progress=update,
        )
    if out is not None:
        out.write_text(
            yaml.safe_dump(cal.scenario.model_dump(mode="json"), sort_keys=False), encoding="utf-8"
        )
        console.print(f"scenario written to {out}")
    t = Table(title=f"Calibration of {cal.scenario.name}: simulated vs reported hourly mean waits")
    for col in (
        "lane type",
        "BWT snapshots",
        "service factor",
        "MAE min",
        "reported mean min",
        "simulated mean min",
    ):
        t.add_column(col, justify="left" if col == "lane type" else "right")
    for f in cal.fit:
        t.add_row(
            f.lane_type,
            str(f.snapshots),
            f"{f.service_factor:.2f}",
            _fmt(f.mae_min),
            _fmt(f.reported_mean_min),
            _fmt(f.simulated_mean_min),
        )
    console.print(t)


app.command("baselines")(_system.baselines)
app.command("system")(_system.system)
app.command("joint")(_system.joint)
