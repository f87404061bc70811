"""Both sides of the line: a crossing chained through the exit customs (ANAM's módulos and
semáforo fiscal, the export inspection) and the port of entry, with the inspections in series
or joint (UCP)."""

from __future__ import annotations

from typing import Any

import pytest

from smartborder.twin import (
    SEMAFORO_RED_SHARE,
    ScenarioInvalid,
    compare_joint,
    load_scenario,
    shipped_scenarios,
    simulate,
)


def crossing(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "trucks northbound, both sides",
        "days": 2,
        "warmup_days": 1,
        "lanes": [
            {
                "id": "truck",
                "mode": "commercial",
                "lane_type": "general",
                "max_booths": 6,
                "booths": 6,
                "service": {"dist": "exponential", "mean_s": 90},
                "referral": 0.10,
            }
        ],
        "classes": [{"name": "other", "mode": "commercial", "rate_per_h": 150, "lanes": ["truck"]}],
        "secondary": [
            {
                "mode": "commercial",
                "spaces": 6,
                "kinds": [
                    {
                        "name": "dock",
                        "share": 1.0,
                        "duration": {"dist": "exponential", "mean_s": 1200},
                    }
                ],
            }
        ],
        "chain": [
            {
                "module": "anam_export",
                "booths": 6,
                "service": {"dist": "exponential", "mean_s": 90},
                "selection": 0.10,
                "inspection": {"spaces": 6, "duration": {"dist": "exponential", "mean_s": 1200}},
                "transit_s": 300,
            },
            {"module": "cbp_import"},
        ],
    }
    return {**base, **changes}


def test_joint_inspection_shortens_time_in_system_against_two_in_series() -> None:
    # Same capacities: the joint facility has both agencies' 6 + 6 spaces; each side's
    # inspection alone runs at 150 x 0.10 x 1200 / 3600 = 5 erlangs on 6 spaces.
    saving = compare_joint(load_scenario(crossing(days=5)), replications=5, seed=11)
    serial, joint = saving.serial, saving.joint
    assert serial.time_in_system_ci_min and joint.time_in_system_ci_min
    assert joint.time_in_system_ci_min[1] < serial.time_in_system_ci_min[0]
    assert saving.time_in_system_mean_min_saved and saving.time_in_system_mean_min_saved > 0
    assert serial.wait_min_per_vehicle and joint.wait_min_per_vehicle
    assert joint.wait_min_per_vehicle < 0.7 * serial.wait_min_per_vehicle  # pooled spaces
    assert saving.co2_kg_per_day_saved > 0
    # trucks selected by both agencies are inspected once: about 150 x 24 x 0.10 x 0.10 a day
    assert saving.exams_per_day_saved == pytest.approx(150 * 24 * 0.10 * 0.10, rel=0.35)
    assert serial.exit_inspection_wait_mean_min is not None
    assert joint.exit_inspection_wait_mean_min is None
    assert serial.released_per_day == pytest.approx(serial.vehicles_per_day, rel=0.01)


def test_without_queues_time_in_system_is_the_sum_of_the_steps() -> None:
    quiet = crossing(
        secondary=[],
        lanes=[{**crossing()["lanes"][0], "referral": 0.0, "booths": 6,
                "service": {"dist": "deterministic", "mean_s": 30}}],
        classes=[{"name": "other", "mode": "commercial", "rate_per_h": 10, "lanes": ["truck"]}],
        chain=[
            {"module": "anam_export", "booths": 20, "selection": 0.0,
             "service": {"dist": "deterministic", "mean_s": 60}, "transit_s": 300},
            {"module": "cbp_import"},
        ],
    )  # fmt: skip
    res = simulate(load_scenario(quiet), replications=2, seed=1)
    assert res.chain is not None
    # 60 s at the módulo + 300 s across + 30 s at primary, almost never a queue at 10 an hour
    assert res.chain.time_in_system_mean_min == pytest.approx(390 / 60, rel=0.01)
    assert res.chain.exams_per_day == 0


def test_the_semaforo_selects_its_default_share() -> None:
    spec = crossing()
    spec["chain"][0].pop("selection")
    res = simulate(load_scenario(spec), replications=2, seed=2)
    assert res.chain is not None
    assert SEMAFORO_RED_SHARE == 0.10
    assert res.chain.exit_selected_share == pytest.approx(0.10, abs=0.01)


def test_southbound_chains_cbp_export_before_anam_import() -> None:
    south = crossing(
        chain=[
            {"module": "cbp_export", "booths": 4, "selection": 0.05, "transit_s": 120},
            {"module": "anam_import"},
        ]
    )
    res = simulate(load_scenario(south), replications=1, seed=3)
    assert res.chain is not None and res.chain.modules == ["cbp_export", "anam_import"]
    assert res.chain.released_per_day > 0


def test_the_shipped_both_sides_scenario_measures_what_ucp_saves() -> None:
    s = load_scenario(shipped_scenarios()["otay_mesa_both_sides"]).with_changes(days=1)
    saving = compare_joint(s, replications=2, seed=0)
    assert saving.serial.modules == ["anam_export", "cbp_import"]
    assert saving.time_in_system_mean_min_saved is not None
    assert saving.time_in_system_mean_min_saved > 0


def problems(spec: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ScenarioInvalid) as exc:
        load_scenario(spec)
    return {p.pointer: p.code for p in exc.value.problems}


def test_a_chain_naming_an_unknown_module_is_pointed_at_bilingually() -> None:
    spec = crossing(chain=[{"module": "aduana_magica"}, {"module": "cbp_import"}])
    with pytest.raises(ScenarioInvalid) as exc:
        load_scenario(spec)
    (p,) = exc.value.problems
    assert (p.pointer, p.code) == ("/chain/0/module", "twin.unknown_module")
    assert "anam_export" in p.message.en and "Módulo desconocido" in p.message.es


def test_chains_in_the_wrong_order_or_joint_without_two_inspections_are_refused() -> None:
    assert problems(crossing(chain=[{"module": "cbp_import"}, {"module": "anam_export"}])) == {
        "/chain": "twin.chain_order"
    }
    assert problems(crossing(chain=[{"module": "anam_export"}, {"module": "anam_import"}])) == {
        "/chain": "twin.chain_order"
    }
    no_inspection = crossing(joint_inspection=True)
    no_inspection["chain"][0].pop("inspection")
    assert problems(no_inspection) == {"/joint_inspection": "twin.joint_needs_two"}
    bad_exam = crossing()
    bad_exam["chain"][0]["inspection"]["duration"] = {"dist": "weibull", "mean_s": 5}
    assert problems(bad_exam) == {"/chain/0/inspection/duration/dist": "twin.bad_distribution"}


def test_exit_module_fields_on_the_entry_module_are_pointed_at() -> None:
    spec = crossing()
    spec["chain"][1]["selection"] = 0.2
    assert problems(spec) == {"/chain/1/selection": "twin.entry_module_fields"}
