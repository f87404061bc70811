"""80 % ranges around wait forecasts: measured on weeks the model did not train on, and
kept on weeks after those (real CBP feed, August-September 2025)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from conftest import shared_path
from smartborder.kpi.forecast import WaitForecaster, forecast
from smartborder.kpi.forecast_bands import band_coverage, bands_from_errors, fit_with_bands
from smartborder.kpi.forecast_data import load_archives
from smartborder.kpi.forecast_features import WaitObservation, build_series
from smartborder.kpi.forecast_range import ANY_LANE, ANY_LEVEL, around, band_for

AUG = ("data", "bwt", "bwt-feed-2025-08.tar")
SEP = ("data", "bwt", "bwt-feed-2025-09.tar")


def test_bands_are_error_percentiles_per_lane_horizon_and_level() -> None:
    rng = np.random.default_rng(3)
    n = 4000
    lanes = ["passenger_standard"] * n
    horizons = [1] * n
    now = np.where(np.arange(n) % 2 == 0, 5.0, 90.0)  # two levels: < 10 and 60+
    error = np.where(now > 60, rng.normal(0, 20, n), rng.normal(0, 2, n))
    bands = bands_from_errors(lanes, horizons, now, error)
    busy = bands[("passenger_standard", 1, 3)]
    quiet = bands[("passenger_standard", 1, 0)]
    assert busy[0] == pytest.approx(-20 * 1.2816, rel=0.1)  # the normal's 10th percentile
    assert busy[1] == pytest.approx(20 * 1.2816, rel=0.1)
    assert quiet[1] - quiet[0] < (busy[1] - busy[0]) / 5
    assert ("passenger_standard", 1, ANY_LEVEL) in bands and (ANY_LANE, 1, 3) in bands
    # No errors at 10-30 min for this lane: the lane's errors over every level serve.
    assert band_for(bands, "passenger_standard", 1, 20.0) == bands[("passenger_standard", 1, -1)]
    assert band_for(bands, "passenger_standard", 2, 20.0) is None
    # Too few errors in a cell: left out.
    assert bands_from_errors(lanes[:10], horizons[:10], now[:10], error[:10]) == {}


def test_a_range_is_whole_minutes_and_never_below_zero() -> None:
    assert around(12.0, (-3.4, 6.2)) == (8.0, 19.0)
    assert around(2.0, (-5.0, 3.0)) == (0.0, 5.0)


@pytest.fixture(scope="module")
def august() -> list[WaitObservation]:
    return load_archives([shared_path(*AUG)]).observations


@pytest.fixture(scope="module")
def banded(august: list[WaitObservation]) -> WaitForecaster:
    return fit_with_bands(
        august, rng=np.random.default_rng(5), horizons_h=(1, 3), max_iter=80, max_rows=30_000
    )


def test_ranges_hold_on_weeks_after_training(
    august: list[WaitObservation], banded: WaitForecaster
) -> None:
    assert {k for _, k, _ in banded.bands} == {1, 3}
    september = load_archives([shared_path(*SEP)]).observations
    after = max(o.at_utc for o in august)
    held = [o for o in august if o.at_utc >= datetime(2025, 8, 22, tzinfo=UTC)] + september
    for k in (1, 3):
        cov = band_coverage(banded, held, horizon_h=k, after=after)
        assert cov.n > 20_000
        # An 80 % range measured on two unseen weeks, scored on a month later still.
        assert 0.72 <= cov.inside <= 0.90, (k, cov)
        assert cov.mean_width_min > 0
    near = band_coverage(banded, held, horizon_h=1, after=after).mean_width_min
    far = band_coverage(banded, held, horizon_h=3, after=after).mean_width_min
    assert far > near  # three hours ahead is less certain than one


def test_served_forecasts_carry_their_range(
    august: list[WaitObservation], banded: WaitForecaster
) -> None:
    out = forecast(banded, build_series(august)[("250401", "passenger_standard")])
    assert out is not None
    for p in out.points:
        assert p.low_min is not None and p.high_min is not None
        assert p.low_min <= p.wait_min <= p.high_min


def test_too_short_an_archive_gets_no_ranges(august: list[WaitObservation]) -> None:
    ten_days = [o for o in august if o.at_utc < datetime(2025, 8, 11, tzinfo=UTC)]
    model = fit_with_bands(
        ten_days, rng=np.random.default_rng(1), horizons_h=(1,), max_iter=20, max_rows=5_000
    )
    assert model.bands == {}
    out = forecast(model, build_series(ten_days)[("250401", "passenger_standard")])
    assert out is not None and all(p.low_min is None for p in out.points)
