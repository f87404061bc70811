"""Each (port, kind) of the demo day has a valid one-day twin at any demo scale."""

from __future__ import annotations

import pytest

from smartborder.demo.closed_loop import TWINS, twin_for
from smartborder.demo.day import DAY_PLAN
from smartborder.ports import Direction


@pytest.mark.parametrize("scale", [1.0, 0.37, 0.01])
def test_every_northbound_plan_has_a_valid_twin_within_its_crossings_lanes(scale: float) -> None:
    for port, kind, direction, *_ in DAY_PLAN:
        if direction is not Direction.NORTHBOUND:
            continue
        scenario = twin_for(
            port, kind, booths_scale=scale
        )  # validated: lanes within the crossing's
        assert scenario.crossing == TWINS[(port, kind)][1] and scenario.days == 1
        modes = {c.mode.value for c in scenario.classes}
        assert ("commercial" in modes) == (kind == "truck" or port == "2402")
