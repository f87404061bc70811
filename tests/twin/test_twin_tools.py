"""The twin's tools: CLI commands, Dask sweeps, the staffing optimizer, emissions."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from smartborder.cli import app
from smartborder.ports.emissions import HEAVY_DUTY_DIESEL, factors_for, idling_emissions
from smartborder.twin import load_scenario, shipped_scenarios, simulate
from smartborder.twin.errors import ClusterUnavailable, ScenarioInvalid
from smartborder.twin.optimize import optimize_staffing
from smartborder.twin.results import mean_ci
from smartborder.twin.sweep import apply_change, simulate_on_dask, sweep

runner = CliRunner()


def small_file(tmp_path: Path, name: str = "otay_mesa_commercial", **changes: Any) -> Path:
    data = yaml.safe_load(shipped_scenarios()[name].read_text())
    data.update({"days": 1, "warmup_days": 0, **changes})
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_cli_run_prints_json_with_summary_and_ci(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "twin",
            "run",
            str(small_file(tmp_path)),
            "-r",
            "3",
            "--seed",
            "1",
            "--json",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    lane = data["summary"][0]
    assert lane["wait_mean_ci_min"] is not None and lane["wait_mean_min"] is not None
    assert {"result.json", "hourly.csv", "waits.png"} <= {p.name for p in out.iterdir()}


def test_cli_rejects_an_unknown_scenario_with_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from smartborder.cli import main

    monkeypatch.setattr("sys.argv", ["smartborder", "twin", "run", "atlantis"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 1


def test_cli_compare_writes_a_chart_and_a_table(tmp_path: Path) -> None:
    chart = tmp_path / "cmp.png"
    a = small_file(tmp_path, "otay_mesa_commercial")
    b = small_file(tmp_path, "otay_mesa_precleared")
    res = runner.invoke(
        app, ["twin", "compare", str(a), str(b), "-r", "2", "--chart", str(chart), "--json"]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["scenario"] for r in rows] == [
        "Otay Mesa commercial",
        "Otay Mesa commercial with pre-cleared truck lanes",
    ]
    assert chart.stat().st_size > 1000
    # Pre-cleared lanes shorten the general lane's wait at the same booth count.
    assert rows[1]["booth_hours_per_day"] == rows[0]["booth_hours_per_day"]


def test_dask_gives_the_same_results_as_one_process() -> None:
    s = load_scenario(shipped_scenarios()["otay_mesa_commercial"]).with_changes(days=1)
    here = simulate(s, replications=3, seed=11)
    there = simulate_on_dask(s, replications=3, seed=11)
    assert here.summary == there.summary and here.hourly == there.hourly


def test_sweep_runs_a_grid_with_common_seeds() -> None:
    s = load_scenario(shipped_scenarios()["otay_mesa_commercial"]).with_changes(days=1)
    out = sweep(s, {"demand_scale": [0.8, 1.2]}, replications=2, seed=3)
    (p1, r1), (p2, r2) = out
    assert p1 == {"demand_scale": 0.8} and p2 == {"demand_scale": 1.2}
    assert r2.lane("truck-general").wait_mean_min > r1.lane("truck-general").wait_mean_min  # type: ignore[operator]


def test_sweep_paths_and_unreachable_scheduler_are_reported() -> None:
    s = load_scenario(shipped_scenarios()["otay_mesa_commercial"])
    assert apply_change(s, "lanes.truck-fast.booths", 1).lanes[1].booths == 1
    with pytest.raises(ScenarioInvalid):
        apply_change(s, "lanes.nowhere.booths", 1)
    with pytest.raises(ClusterUnavailable):
        simulate_on_dask(
            s.with_changes(days=1), replications=1, seed=1, scheduler="tcp://127.0.0.1:9"
        )


def test_optimizer_meets_the_target_with_fewer_booth_hours() -> None:
    s = load_scenario(shipped_scenarios()["otay_mesa_commercial"]).with_changes(days=2)
    plan = optimize_staffing(s, target_p95_min=15.0, replications=2, seed=1)
    assert plan.feasible
    assert plan.worst_p95_optimized_min is not None and plan.worst_p95_optimized_min <= 15.0
    assert plan.booth_hours_per_day_optimized < plan.booth_hours_per_day_current
    for lane in s.lanes:
        assert max(plan.booths[lane.id]) <= lane.max_booths
    check = simulate(
        s.model_copy(
            update={
                "lanes": [
                    lane.model_copy(update={"booths": plan.booths[lane.id]}) for lane in s.lanes
                ]
            }
        ),
        replications=2,
        seed=1,
    )
    assert max(r.wait_p95_min or 0.0 for r in check.hourly) <= 15.0


def test_optimizer_says_when_the_lanes_that_exist_are_not_enough() -> None:
    s = load_scenario(shipped_scenarios()["otay_mesa_commercial"]).with_changes(
        days=1, demand_scale=4.0
    )
    plan = optimize_staffing(s, target_p95_min=5.0, replications=1, seed=1, max_iterations=15)
    assert not plan.feasible and plan.violations


def test_emission_factors_and_results() -> None:
    # McCormick et al. (2000): idling heavy-duty diesel NOx 1.416 g/min, PM 0.030 g/min.
    assert HEAVY_DUTY_DIESEL.nox_g_per_min == 1.416 and HEAVY_DUTY_DIESEL.pm25_g_per_min == 0.030
    # EPA: 10,180 g CO2 per gallon of diesel, 0.8 gal/h idling.
    assert HEAVY_DUTY_DIESEL.co2_g_per_min == pytest.approx(0.8 * 10180 / 60)
    e = idling_emissions(60.0, "commercial")
    assert e.nox_g == pytest.approx(84.96) and e.co2_kg == pytest.approx(8.144)
    assert factors_for("pedestrian").co2_g_per_min == 0.0
    res = simulate(
        load_scenario(shipped_scenarios()["otay_mesa_commercial"]).with_changes(days=1), seed=2
    )
    general = res.lane("truck-general")
    assert general.nox_g_per_day > 0 and general.co2_kg_per_day > 0
    assert general.nox_g_per_day / general.co2_kg_per_day == pytest.approx(
        1.416 / HEAVY_DUTY_DIESEL.co2_g_per_min * 1000
    )


def test_a_wait_interval_never_goes_below_zero() -> None:
    # Two replications of a nearly idle lane: the t-interval alone would reach below zero.
    low, high = mean_ci([0.1, 2.0], floor=0.0) or (math.nan, math.nan)
    assert low == 0.0 and high > 2.0
    unfloored = mean_ci([0.1, 2.0])
    assert unfloored is not None and unfloored[0] < 0 and unfloored[1] == high
