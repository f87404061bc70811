"""Scenarios: validation with pointers, shipped examples, lane choice, schedules, determinism."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import smartborder.twin as twin
from smartborder.twin import (
    ScenarioInvalid,
    compile_scenario,
    load_scenario,
    replication_seeds,
    shipped_scenarios,
    simulate,
)
from smartborder.twin.distributions import Deterministic, Empirical, Exponential, Gamma, LogNormal
from smartborder.twin.replication import run_trace


def base(**over: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": "t",
        "days": 1,
        "lanes": [
            {
                "id": "sentri",
                "mode": "passenger_vehicle",
                "lane_type": "sentri",
                "max_booths": 2,
                "booths": 1,
                "service": 30,
            },
            {
                "id": "general",
                "mode": "passenger_vehicle",
                "lane_type": "general",
                "max_booths": 4,
                "booths": 2,
                "service": {"dist": "exponential", "mean_s": 60},
            },
        ],
        "classes": [
            {
                "name": "sentri",
                "mode": "passenger_vehicle",
                "rate_per_h": 60,
                "lanes": ["sentri", "general"],
                "prefer_first": True,
            },
            {"name": "other", "mode": "passenger_vehicle", "rate_per_h": 100, "lanes": ["general"]},
        ],
    }
    spec.update(over)
    return spec


def pointers(exc: ScenarioInvalid) -> set[str]:
    return {p.pointer for p in exc.problems}


def test_public_names_are_exactly_these() -> None:
    assert set(twin.__all__) == {
        "CalibrationFailed", "ClusterUnavailable", "CompiledScenario", "Deterministic", "Distribution",
        "Empirical", "Exponential", "Gamma", "HourLaneStats", "LaneGroup", "LaneSummary", "LogNormal",
        "RunNotFound", "RunResult", "Scenario", "ScenarioInvalid", "Secondary", "SecondaryKind",
        "SecondarySummary", "TravelerClass", "VehiclePaths", "compile_scenario", "load_scenario", "parse_distribution",
        "replication_seeds", "serve_arrivals", "shipped_scenarios", "simulate",
        # issue 15: systems of ports, both sides of the line
        "SEMAFORO_RED_SHARE", "CalibrationRecord", "ChainModule", "ChainSummary", "DemandSplit",
        "Inspection", "JointSaving", "NewPort", "PortEntry", "System", "SystemComparison",
        "compare_joint", "compare_system", "load_system", "shipped_systems",
    }  # fmt: skip


def test_every_problem_is_reported_with_its_pointer() -> None:
    spec = base()
    spec["lanes"][1]["booths"] = [5] * 24  # over max_booths
    spec["classes"][1]["lanes"] = ["nowhere"]
    spec["classes"][0]["rate_per_h"] = [1.0] * 23  # neither 24 nor 168 hours
    with pytest.raises(ScenarioInvalid) as info:
        load_scenario(spec)
    assert pointers(info.value) == {
        "/lanes/1/booths",
        "/classes/1/lanes/0",
        "/classes/0/rate_per_h",
    }
    assert all(p.message.es for p in info.value.problems)


def test_booths_of_a_mode_share_the_crossing_lanes() -> None:
    spec = base(crossing="250602")  # Otay Mesa commercial: 10 lanes
    spec["lanes"] = [
        {"id": "g", "mode": "commercial", "lane_type": "general", "max_booths": 10, "booths": 8},
        {"id": "f", "mode": "commercial", "lane_type": "fast", "max_booths": 10, "booths": 4},
    ]
    spec["classes"] = [{"name": "other", "mode": "commercial", "rate_per_h": 10, "lanes": ["g"]}]
    with pytest.raises(ScenarioInvalid) as info:
        load_scenario(spec)
    assert info.value.problems[0].code == "twin.over_crossing_lanes"


def test_bad_field_types_and_yaml_are_reported() -> None:
    with pytest.raises(ScenarioInvalid) as info:
        load_scenario(base(days="many"))
    assert "/days" in pointers(info.value)
    with pytest.raises(ScenarioInvalid):
        load_scenario("name: [unclosed")
    with pytest.raises(ScenarioInvalid) as info:
        spec = base()
        spec["lanes"][0]["service"] = {"dist": "weibull", "mean_s": 3}
        load_scenario(spec)
    assert info.value.problems[0].pointer.endswith("/dist")


def test_distributions_know_their_moments() -> None:
    rng = np.random.default_rng(1)
    for d in (
        Exponential(40.0),
        Deterministic(40.0),
        LogNormal(40.0, 0.5),
        Gamma(40.0, 0.5),
        Empirical((20.0, 40.0, 60.0)),
    ):
        x = d.sample(rng, 200_000)
        assert abs(x.mean() - d.mean) < 0.01 * d.mean
        assert abs(x.var() - d.variance) <= 0.03 * d.variance + 1e-9


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_shipped_scenarios_load_and_run(name: str) -> None:
    s = load_scenario(shipped_scenarios()[name]).with_changes(days=1, warmup_days=0)
    res = simulate(s, replications=1, seed=1)
    assert res.vehicles > 0 and res.unserved == 0
    assert {x.lane for x in res.summary} == {g.id for g in s.lanes}
    assert len(res.hourly) == len(s.lanes) * 24


def test_sentri_members_use_the_sentri_lane_when_open() -> None:
    spec = base()
    spec["lanes"][0]["booths"] = [1] * 12 + [0] * 12  # SENTRI lane open in the morning only
    spec["classes"][0]["rate_per_h"] = 30
    spec["classes"][1]["rate_per_h"] = 40
    comp = compile_scenario(load_scenario(spec))
    tr = run_trace(comp, np.random.default_rng(3))
    sentri = tr.cls == 0
    morning = tr.t < 12 * 3600
    assert np.all(tr.lane[sentri & morning] == 0)
    afternoon = (tr.t >= 12 * 3600) & (tr.t < 20 * 3600)  # late arrivals may wait for 00:00
    assert np.all(tr.lane[sentri & afternoon] == 1)
    assert np.all(tr.lane[~sentri] == 1)


def test_vehicles_join_the_lane_where_they_start_soonest() -> None:
    # Ready travelers may use two identical lanes: they balance them.
    spec = base()
    spec["lanes"][0] = {**spec["lanes"][1], "id": "general2", "lane_type": "ready"}
    spec["classes"] = [
        {
            "name": "ready",
            "mode": "passenger_vehicle",
            "rate_per_h": 200,
            "lanes": ["general2", "general"],
        }
    ]
    res = simulate(load_scenario(spec), seed=2)
    a, b = res.summary
    assert abs(a.served_per_day - b.served_per_day) < 0.2 * (a.served_per_day + b.served_per_day)


def test_a_closing_booth_finishes_its_vehicle_and_opens_no_new_service() -> None:
    spec = base()
    spec["lanes"][1]["booths"] = [2] * 6 + [1] * 18
    spec["lanes"][1]["service"] = 1000.0  # long services straddle the closing at 06:00
    spec["classes"] = [
        {"name": "other", "mode": "passenger_vehicle", "rate_per_h": 20, "lanes": ["general"]}
    ]
    comp = compile_scenario(load_scenario(spec))
    tr = run_trace(comp, np.random.default_rng(4))
    starts = np.sort(tr.start[np.isfinite(tr.start)])
    after = starts[(starts >= 6 * 3600) & (starts < 24 * 3600)]  # the next day opens two again
    # After 06:00 one booth remains: no two services overlap.
    assert np.all(np.diff(after) >= 1000.0 - 1e-6)
    straddling = starts[(starts < 6 * 3600) & (starts + 1000.0 > 6 * 3600)]
    assert straddling.size == 2  # both booths were busy at 06:00 and both finished


def test_same_seed_same_results_and_different_seed_different() -> None:
    s = load_scenario(base())
    a, b, c = (simulate(s, replications=2, seed=x) for x in (7, 7, 8))
    assert a.hourly == b.hourly and a.summary == b.summary
    assert a.summary != c.summary


def test_results_as_json_and_csv() -> None:
    res = simulate(load_scenario(base()), replications=2, seed=1)
    data = json.loads(res.model_dump_json())
    assert {"hourly", "summary", "secondary"} <= set(data)
    lines = res.to_csv().strip().splitlines()
    assert lines[0].startswith("lane,lane_type,mode,hour")
    assert len(lines) == 1 + 2 * 24


def test_warm_up_is_excluded_from_statistics() -> None:
    s = load_scenario(base(days=2, warmup_days=1))
    comp = compile_scenario(s)
    tr = run_trace(comp, np.random.default_rng(replication_seeds(5, 1)[0]))
    res = simulate(s, seed=5)
    measured = np.count_nonzero(tr.t >= 24 * 3600)
    assert round(sum(x.arrivals_per_day for x in res.summary) * 2) == measured


def test_weekly_profiles_give_168_hourly_rows() -> None:
    spec = base(days=7)
    weekend = [0.0] * 24 * 5 + [200.0] * 48  # only Saturday and Sunday see traffic
    spec["classes"] = [
        {"name": "other", "mode": "passenger_vehicle", "rate_per_h": weekend, "lanes": ["general"]}
    ]
    s = load_scenario(spec)
    assert s.profile_hours == 168
    res = simulate(s, seed=1)
    rows = [r for r in res.hourly if r.lane == "general"]
    assert len(rows) == 168
    assert all(r.arrivals_per_h == 0 for r in rows[:120])
    assert all(r.arrivals_per_h > 100 for r in rows[121:])
