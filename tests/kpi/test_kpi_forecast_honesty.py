"""Honest forecasts: how much history a forecast stands on, its fallbacks (said so), the
port's local time with the zone named, and persistence where the model lost on validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from smartborder.kpi.forecast import HeldOutRows, fit_forecaster, forecast
from smartborder.kpi.forecast_bands import MIN_VALIDATION_ROWS, persistence_where_better
from smartborder.kpi.forecast_features import WaitObservation, build_series

SY = "250401"
LANE = "passenger_standard"
T0 = datetime(2026, 1, 5, 0, tzinfo=UTC)  # a Monday; San Ysidro is on PST (UTC-8)


def _obs(hours: int, *, crossing: str = SY, lane: str = LANE) -> list[WaitObservation]:
    return [
        WaitObservation(
            crossing,
            lane,
            T0 + timedelta(hours=h),
            float(20 + 15 * np.sin(h / 24 * 2 * np.pi)),
            4 + h % 3,  # lanes open (scikit-learn cannot bin a feature that is all missing)
        )
        for h in range(hours)
    ]


def test_too_little_history_serves_the_wait_now_and_says_so() -> None:
    series = build_series(_obs(3))[(SY, LANE)]
    f = forecast(None, series)
    assert f is not None
    assert f.method == "persistence" and f.fallback == "too_little_history"
    assert f.history_readings == 3 and f.history_hours == 3
    assert {p.wait_min for p in f.points} == {f.wait_now_min}
    assert all(p.method == "persistence" for p in f.points)


def test_times_are_given_in_the_ports_local_time_with_its_zone() -> None:
    f = forecast(None, build_series(_obs(30))[(SY, LANE)])
    assert f is not None
    assert f.time_zone == "America/Los_Angeles" and f.fallback == "no_model"
    assert f.method == "hour_of_week_mean" and f.history_readings == 30
    for p in f.points:
        assert p.at_local.utcoffset() == timedelta(hours=-8) and p.at_local == p.at_utc
    assert f.issued_from_local.hour == (f.issued_from_utc - timedelta(hours=8)).hour


def _rows(key: tuple[str, str], *, model_err: float, now_err: float, n: int) -> HeldOutRows:
    truth = np.full(n, 30.0)
    return HeldOutRows(
        key=key,
        now=truth + now_err,
        truth=truth,
        hour_of_week=truth,
        forecast=truth + model_err,
    )


def test_a_lane_where_the_model_lost_to_persistence_is_served_by_persistence() -> None:
    worse, better, few = (SY, LANE), ("250601", LANE), ("240201", LANE)
    rows = {
        1: [
            _rows(worse, model_err=6, now_err=2, n=40),
            _rows(better, model_err=1, now_err=5, n=40),
        ],
        3: [
            _rows(worse, model_err=1, now_err=4, n=40),
            _rows(few, model_err=9, now_err=1, n=MIN_VALIDATION_ROWS - 1),
        ],
    }
    chosen, scores = persistence_where_better(rows)
    assert chosen == {worse: (1,)}  # too few rows on `few` to overrule the model
    assert scores[(SY, LANE, 1)] == (40, 6.0, 2.0)
    assert scores[("240201", LANE, 3)][0] == MIN_VALIDATION_ROWS - 1


def test_a_trained_model_reports_persistence_where_it_lost() -> None:
    # Two lanes of two crossings (the model's categorical features need more than one).
    obs = _obs(24 * 10) + _obs(24 * 10, crossing="250601", lane="passenger_sentri")
    model = fit_forecaster(obs, rng=np.random.default_rng(0), horizons_h=[1, 2], max_iter=5)
    assert model.history is not None
    assert (model.history.readings, model.history.series) == (480, 2)
    model.persistence = {(SY, LANE): (2,)}
    model.validation = {(SY, LANE, 1): (50, 1.0, 2.0), (SY, LANE, 2): (50, 3.0, 2.0)}
    f = forecast(model, build_series(obs)[(SY, LANE)])
    assert f is not None
    by_h = {p.horizon_h: p for p in f.points}
    assert by_h[1].method == "gradient_boosting"
    assert by_h[2].method == "persistence" and by_h[2].wait_min == round(f.wait_now_min, 1)
    assert f.fallback == "worse_than_persistence" and f.method == "gradient_boosting"
    assert [(v.horizon_h, v.mae_model, v.mae_persistence) for v in f.validation] == [
        (1, 1.0, 2.0),
        (2, 3.0, 2.0),
    ]
    assert f.model_history is not None and f.model_history.source == "published_waits"
