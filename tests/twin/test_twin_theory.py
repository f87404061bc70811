"""The engine against queueing theory. Tolerances come from the spread of independent
replications (Student-t intervals at 99.9%), so they shrink as replications grow."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats as sps

from smartborder.twin import compile_scenario, load_scenario, replication_seeds, simulate
from smartborder.twin.replication import run_trace
from smartborder.twin.theory import (
    mg1_mean_wait,
    mmc_mean_wait,
    mmc_wait_quantile,
    mtmct_hourly_queue,
    priority_mg1_mean_waits,
)


def one_lane(
    rate_per_h: float, booths: Any, service: dict[str, Any], *, days: int = 10, warmup: int = 1
) -> dict[str, Any]:
    return {
        "name": "textbook",
        "days": days,
        "warmup_days": warmup,
        "lanes": [
            {
                "id": "a",
                "mode": "passenger_vehicle",
                "lane_type": "general",
                "max_booths": max(booths) if isinstance(booths, list) else booths,
                "booths": booths,
                "service": service,
            }
        ],
        "classes": [
            {"name": "other", "mode": "passenger_vehicle", "rate_per_h": rate_per_h, "lanes": ["a"]}
        ],
    }


def per_rep_measured(spec: dict[str, Any], reps: int, seed: int, fn: Any) -> np.ndarray:
    """``fn(trace, warm_s)`` per replication."""
    comp = compile_scenario(load_scenario(spec))
    warm_s = 3600.0 * comp.warm_h
    return np.asarray(
        [
            fn(run_trace(comp, np.random.default_rng(ss)), warm_s)
            for ss in replication_seeds(seed, reps)
        ]
    )


def assert_within_ci(samples: np.ndarray, expected: float, *, level: float = 0.999) -> None:
    m = samples.mean()
    half = (
        sps.t.ppf(0.5 + level / 2, samples.size - 1) * samples.std(ddof=1) / math.sqrt(samples.size)
    )
    assert abs(m - expected) <= half, f"mean {m:.4f} vs theory {expected:.4f} (±{half:.4f})"


def mean_wait(tr: Any, warm_s: float) -> float:
    sel = tr.t >= warm_s
    return float(np.mean(tr.start[sel] - tr.t[sel]))


def test_mmc_mean_wait_matches_erlang_c() -> None:
    # λ = 150/h, μ = 1/min, c = 3: ρ = 0.83 (Erlang C: Wq = 84.3 s).
    spec = one_lane(150.0, 3, {"dist": "exponential", "mean_s": 60.0})
    waits = per_rep_measured(spec, 12, 7, mean_wait)
    assert_within_ci(waits, mmc_mean_wait(150 / 3600, 1 / 60, 3))


def test_mmc_wait_quantile_matches_erlang_c_tail() -> None:
    lam, mu, c = 150 / 3600, 1 / 60, 3
    t90 = mmc_wait_quantile(lam, mu, c, 0.90)

    def share_below(tr: Any, warm_s: float) -> float:
        sel = tr.t >= warm_s
        return float(np.mean(tr.start[sel] - tr.t[sel] <= t90))

    shares = per_rep_measured(
        one_lane(150.0, 3, {"dist": "exponential", "mean_s": 60.0}), 12, 11, share_below
    )
    assert_within_ci(shares, 0.90)


def test_md1_mean_wait_matches_pollaczek_khinchine() -> None:
    # λ = 48/h, D = 60 s: ρ = 0.8, Wq = ρD / (2(1 - ρ)) = 120 s.
    spec = one_lane(48.0, 1, {"dist": "deterministic", "mean_s": 60.0})
    waits = per_rep_measured(spec, 12, 3, mean_wait)
    assert_within_ci(waits, mg1_mean_wait(48 / 3600, 60.0, 0.0))


def test_lognormal_mg1_mean_wait_matches_pollaczek_khinchine() -> None:
    spec = one_lane(40.0, 1, {"dist": "lognormal", "mean_s": 60.0, "cv": 0.8})
    waits = per_rep_measured(spec, 12, 5, mean_wait)
    assert_within_ci(waits, mg1_mean_wait(40 / 3600, 60.0, (0.8 * 60.0) ** 2))


def test_two_class_nonpreemptive_priority_matches_cobham() -> None:
    spec = one_lane(0.0, 1, {"dist": "exponential", "mean_s": 60.0})
    spec["lanes"][0]["discipline"] = "priority"
    spec["classes"] = [
        {
            "name": "fast",
            "mode": "passenger_vehicle",
            "rate_per_h": 18.0,
            "lanes": ["a"],
            "priority": 0,
        },
        {
            "name": "other",
            "mode": "passenger_vehicle",
            "rate_per_h": 27.0,
            "lanes": ["a"],
            "priority": 1,
        },
    ]
    expected = priority_mg1_mean_waits([18 / 3600, 27 / 3600], [60.0, 60.0], [7200.0, 7200.0])

    def by_class(k: int) -> Any:
        def fn(tr: Any, warm_s: float) -> float:
            sel = (tr.t >= warm_s) & (tr.cls == k)
            return float(np.mean(tr.start[sel] - tr.t[sel]))

        return fn

    for k in (0, 1):
        assert_within_ci(per_rep_measured(spec, 12, 21 + k, by_class(k)), expected[k])
    assert expected[0] < expected[1]


def test_time_varying_queue_matches_kolmogorov_forward_equations() -> None:
    # A morning rush on booths that open one by one: M(t)/M/c(t) from empty, hour by hour.
    rates = [30, 60, 100, 160, 200, 210, 190, 150] + [120] * 16
    booths = [1, 1, 2, 3, 4, 4, 4, 4] + [4] * 16
    spec = one_lane(rates, booths, {"dist": "exponential", "mean_s": 60.0}, days=1, warmup=0)  # type: ignore[arg-type]
    spec["lanes"][0]["booths"] = booths
    exact = mtmct_hourly_queue(rates[:8], booths[:8], 1 / 60.0, max_n=300)
    comp = compile_scenario(load_scenario(spec))
    samples = []
    from smartborder.twin import _stats as st
    from smartborder.twin.replication import run_replication

    for ss in replication_seeds(99, 40):
        rep = run_replication(comp, np.random.default_rng(ss))
        samples.append(rep.sums[0, :8, st.Q_AREA] / 3600.0)
    a = np.asarray(samples)
    for h in range(1, 8):
        assert_within_ci(a[:, h], float(exact[h]))


def test_every_arrival_is_served_or_still_queued() -> None:
    # A weekly profile whose booths close for good after hour 12: the vehicles left when the
    # run and its drain period end are counted as still queued.
    spec = one_lane(
        120.0, [2] * 12 + [0] * 156, {"dist": "exponential", "mean_s": 60.0}, days=1, warmup=0
    )
    comp = compile_scenario(load_scenario(spec))
    tr = run_trace(comp, np.random.default_rng(replication_seeds(5, 1)[0]))
    served = np.isfinite(tr.start)
    assert served.sum() + (~served).sum() == tr.t.size
    assert (~served).sum() > 0
    assert np.all(tr.start[served] < 12 * 3600.0 + 1e-9)  # nobody starts at a closed booth
    assert np.all(tr.start[served] >= tr.t[served])
    result = simulate(load_scenario(spec), seed=5)
    lane = result.lane("a")
    assert result.unserved == int((~served).sum())
    assert round(lane.arrivals_per_day) == tr.t.size
    assert round(lane.served_per_day) + result.unserved == tr.t.size
