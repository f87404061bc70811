"""Ports as one system: a new port is a port (diverted traffic queues there), demand splits
conserve traffic, calibrated baselines ship with their error, bad systems point at the problem."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from smartborder.twin import (
    ScenarioInvalid,
    compare_system,
    load_scenario,
    load_system,
    shipped_scenarios,
    shipped_systems,
)
from smartborder.twin.baselines import BUSIEST_PORTS, shipped_baselines


def lane(lid: str, booths: Any = 4, lane_type: str = "general") -> dict[str, Any]:
    return {
        "id": lid,
        "mode": "passenger_vehicle",
        "lane_type": lane_type,
        "max_booths": 8,
        "booths": booths,
        "service": {"dist": "exponential", "mean_s": 60},
    }


def port(name: str, rate: float, booths: Any = 4) -> dict[str, Any]:
    return {
        "name": name,
        "lanes": [lane("g", booths), lane("r", 2, "ready")],
        "classes": [
            {
                "name": "ready",
                "mode": "passenger_vehicle",
                "rate_per_h": rate / 3,
                "lanes": ["r", "g"],
            },
            {
                "name": "other",
                "mode": "passenger_vehicle",
                "rate_per_h": 2 * rate / 3,
                "lanes": ["g"],
            },
        ],
    }


def system(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "two ports and a new one",
        "days": 2,
        "warmup_days": 1,
        "ports": [
            {"id": "a", "scenario": port("A", 240.0)},
            {"id": "b", "scenario": port("B", 120.0)},
            {"id": "far", "scenario": port("Far", 60.0)},
            {
                "id": "new",
                "new_port": {
                    "name": "New",
                    "location": [32.5, -116.9],
                    "lanes": {"general": 4, "ready": 2},
                    "hours": [6, 22],
                    "inspection": {"spaces": 2, "duration": 600},
                },
            },
        ],
        "demand": {"mode": "passenger_vehicle", "split": {"a": 0.5, "b": 0.3, "new": 0.2}},
    }
    return {**base, **changes}


def pooled_rate(scenarios: dict[str, Any], ids: list[str]) -> np.ndarray:
    total = np.zeros(24)
    for pid in ids:
        s = scenarios[pid]
        for c in s.classes:
            r = np.resize(
                np.asarray(c.rate_per_h if isinstance(c.rate_per_h, list) else [c.rate_per_h]), 24
            )
            total += r * s.demand_scale
    return total


def test_a_demand_split_conserves_traffic_every_hour() -> None:
    r = load_system(system())
    before = pooled_rate(r.before, ["a", "b"])
    after = pooled_rate(r.after, ["a", "b", "new"])
    np.testing.assert_allclose(after, before, atol=1e-3)
    # ports outside the split keep their own demand
    np.testing.assert_allclose(pooled_rate(r.after, ["far"]), pooled_rate(r.before, ["far"]))


def test_a_closed_new_port_passes_its_share_to_the_open_ports() -> None:
    r = load_system(system())
    new = pooled_rate(r.after, ["new"])
    assert new[2] == 0.0 and new[12] > 0.0  # closed at 02:00, open at noon
    a = pooled_rate(r.after, ["a"])
    total = pooled_rate(r.before, ["a", "b"])
    assert a[2] == pytest.approx(total[2] * 0.5 / 0.8, rel=1e-4)
    assert a[12] == pytest.approx(total[12] * 0.5, rel=1e-4)


def test_diverted_traffic_queues_at_the_new_port_and_the_system_counts_it() -> None:
    cmp = compare_system(load_system(system()), replications=2, seed=3)
    rows = {row.port: row for row in cmp.ports}
    assert rows["new"].new and rows["new"].vehicles_per_day_before is None
    assert rows["new"].vehicles_per_day_after > 500  # it serves traffic: nothing vanishes
    assert rows["a"].vehicles_per_day_after < rows["a"].vehicles_per_day_before
    # all arrivals of the system are still there (Poisson noise only)
    assert cmp.after.vehicles_per_day == pytest.approx(cmp.before.vehicles_per_day, rel=0.02)
    assert cmp.before.served_per_day > 0 and cmp.after.co2_kg_per_day > 0
    assert rows["far"].wait_mean_min_after == rows["far"].wait_mean_min_before  # same seed
    assert sum(r.share_after or 0.0 for r in cmp.ports) == pytest.approx(1.0)


def pointers(exc: pytest.ExceptionInfo[ScenarioInvalid]) -> dict[str, str]:
    return {p.pointer: p.code for p in exc.value.problems}


def test_a_new_port_without_lanes_is_pointed_at() -> None:
    bad = system()
    bad["ports"][3]["new_port"]["lanes"] = {"general": 0}
    with pytest.raises(ScenarioInvalid) as exc:
        load_system(bad)
    assert pointers(exc) == {"/ports/3/new_port/lanes": "twin.new_port_no_lanes"}
    problem = exc.value.problems[0]
    assert "lanes" in problem.message.en and "carriles" in problem.message.es


def test_a_split_not_summing_to_one_is_pointed_at() -> None:
    bad = system(demand={"split": {"a": 0.5, "b": 0.3, "new": 0.3}})
    with pytest.raises(ScenarioInvalid) as exc:
        load_system(bad)
    assert pointers(exc) == {"/demand/split": "twin.split_sum"}
    assert "1.1" in exc.value.problems[0].message.en


def test_split_and_port_problems_are_all_reported() -> None:
    bad = system(demand={"split": {"a": 0.8, "atlantis": 0.2}})
    bad["ports"][0] = {"id": "a", "baseline": "nowhere"}
    bad["ports"][1]["scenario"]["lanes"][0]["booths"] = 99
    with pytest.raises(ScenarioInvalid) as exc:
        load_system(bad)
    got = pointers(exc)
    assert got["/ports/0/baseline"] == "twin.no_scenario"
    assert got["/ports/1/scenario/lanes/0/booths"] == "twin.booths_over_max"
    assert got["/demand/split/atlantis"] == "twin.unknown_port"
    assert got["/demand/split"] == "twin.new_port_no_share"


def test_the_four_calibrated_baselines_ship_with_their_error() -> None:
    assert set(shipped_baselines()) == set(BUSIEST_PORTS)
    for name in BUSIEST_PORTS:
        path = shipped_baselines()[name]
        text = path.read_text(encoding="utf-8")
        assert "# Error against BTS" in text and "# Error against BWT" in text
        s = load_scenario(shipped_scenarios()[f"calibrated_{name}"])
        rec = s.calibration
        assert rec is not None and rec.mode == "passenger_vehicle"
        assert abs(rec.bts_error_pct) < 5.0
        assert rec.bts_monthly_range[0] <= rec.bts_daily_volume <= rec.bts_monthly_range[1]
        assert rec.bwt_mae_min and all(v is None or v >= 0 for v in rec.bwt_mae_min.values())
        assert s.port == BUSIEST_PORTS[name]


def test_the_shipped_new_port_system_loads_with_all_four_ports() -> None:
    r = load_system(shipped_systems()["otay_mesa_east"])
    assert set(r.before) == {"san_ysidro", "otay_mesa", "laredo", "el_paso"}
    assert set(r.after) == set(r.before) | {"otay_mesa_east"}
    assert r.after["otay_mesa_east"].location == (32.556, -116.855)


def test_cli_system_and_joint_print_the_comparisons() -> None:
    import json

    from typer.testing import CliRunner

    from smartborder.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["twin", "system", "otay_mesa_east", "-r", "1", "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.output)
    assert {row["port"] for row in body["ports"]} >= {"otay_mesa_east", "laredo"}
    res = runner.invoke(app, ["twin", "joint", "otay_mesa_both_sides", "-r", "1", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["time_in_system_mean_min_saved"] > 0
    res = runner.invoke(app, ["twin", "joint", "san_ysidro", "-r", "1"])
    assert res.exit_code != 0 and "twin.no_chain" in res.output + str(res.exception)


def test_a_new_port_without_any_demand_split_is_pointed_at() -> None:
    spec = system()
    del spec["demand"]
    with pytest.raises(ScenarioInvalid) as exc:
        load_system(spec)
    assert pointers(exc) == {"/demand": "twin.new_port_no_share"}
