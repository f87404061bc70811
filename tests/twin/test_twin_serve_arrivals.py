"""``serve_arrivals``: the port run on known arrivals (the demo's filed declarations)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from smartborder.twin import Scenario, load_scenario, serve_arrivals


def one_booth(**over: Any) -> Scenario:
    spec: dict[str, Any] = {
        "name": "one booth",
        "days": 1,
        "lanes": [
            {"id": "g", "mode": "passenger_vehicle", "lane_type": "general", "max_booths": 1,
             "booths": 1, "service": 60, "referral": 0.0},
        ],
        "classes": [
            {"name": "other", "mode": "passenger_vehicle", "rate_per_h": 10, "lanes": ["g"]},
        ],
        "secondary": [
            {"mode": "passenger_vehicle", "spaces": 1,
             "kinds": [{"name": "scanner", "share": 1.0, "duration": 300}]},
        ],
    }  # fmt: skip
    spec.update(over)
    return load_scenario(spec)


def test_known_arrivals_queue_fifo_at_one_booth() -> None:
    # Three cars at 0, 10 and 20 s, one booth of 60 s (deterministic): D/D/1 by hand.
    paths = serve_arrivals(
        one_booth(), np.array([0.0, 10.0, 20.0]), np.zeros(3), rng=np.random.default_rng(1)
    )
    assert paths.primary_start_s.tolist() == [0.0, 60.0, 120.0]
    assert paths.primary_end_s.tolist() == [60.0, 120.0, 180.0]
    assert paths.lane.tolist() == [0, 0, 0] and not paths.referred.any()
    assert np.isinf(paths.secondary_start_s).all()


def test_the_caller_decides_who_goes_to_secondary() -> None:
    referred = np.array([True, False, True])
    paths = serve_arrivals(
        one_booth(), np.array([0.0, 10.0, 20.0]), np.zeros(3),
        rng=np.random.default_rng(2), referred=referred,
    )  # fmt: skip
    assert paths.referred.tolist() == [True, False, True]
    # One secondary space of 300 s, in order of leaving primary (60 s and 180 s).
    assert paths.secondary_start_s[[0, 2]].tolist() == [60.0, 360.0]
    assert paths.secondary_end_s[[0, 2]].tolist() == [360.0, 660.0]
    assert np.isinf(paths.secondary_start_s[1])


def test_a_closed_lane_serves_its_queue_when_it_opens() -> None:
    booths = [0] * 6 + [1] * 18  # opens at 06:00
    paths = serve_arrivals(
        one_booth(lanes=[{"id": "g", "mode": "passenger_vehicle", "lane_type": "general",
                          "max_booths": 1, "booths": booths, "service": 60}]),
        np.array([3600.0]), np.zeros(1), rng=np.random.default_rng(3),
    )  # fmt: skip
    assert paths.primary_start_s.tolist() == [6 * 3600.0]


@pytest.mark.parametrize(
    ("arrivals", "classes"),
    [([10.0, 0.0], [0, 0]), ([0.0, 90_000.0], [0, 0]), ([0.0], [1]), ([0.0, 1.0], [0])],
)
def test_bad_arrivals_are_refused(arrivals: list[float], classes: list[int]) -> None:
    with pytest.raises(ValueError):
        serve_arrivals(
            one_booth(), np.array(arrivals), np.array(classes), rng=np.random.default_rng(0)
        )
