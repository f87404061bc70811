"""Wait-time forecasts on real CBP feed data: no leakage by construction, and better than
persistence on held-out weeks where that is a real property of the data."""

from __future__ import annotations

import json
import tarfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import shared_path
from smartborder.cli import app as cli_app
from smartborder.kpi.forecast import (
    HORIZONS_H,
    CalendarCache,
    WaitForecaster,
    evaluate_forecaster,
    fit_forecaster,
    forecast,
    on_feed_grid,
)
from smartborder.kpi.forecast_data import lane_key, load_archives, platform_lane
from smartborder.kpi.forecast_features import (
    FEATURE_NAMES,
    WaitObservation,
    build_series,
    calendar,
    hour_index,
    hour_of_week_profile,
    port_zone,
    profile_at_leave_week_out,
)

AUG = ("data", "bwt", "bwt-feed-2025-08.tar")
SPLIT = datetime(2025, 8, 22, tzinfo=UTC)  # train on Aug 1-21, test on Aug 22-31


@pytest.fixture(scope="module")
def august() -> list[WaitObservation]:
    return load_archives([shared_path(*AUG)]).observations


@pytest.fixture(scope="module")
def model(august: list[WaitObservation]) -> WaitForecaster:
    train = [o for o in august if o.at_utc < SPLIT]
    return fit_forecaster(
        train, rng=np.random.default_rng(7), horizons_h=(1, 3), max_iter=80, max_rows=30_000
    )


def test_lane_keys_in_both_vocabularies() -> None:
    assert lane_key("passenger", "sentri") == "passenger_sentri"
    assert lane_key("passenger_vehicle", "general") == "passenger_standard"
    assert platform_lane("commercial_fast") == ("commercial", "fast")
    with pytest.raises(ValueError):
        platform_lane("bicycle_standard")


def test_zones_follow_the_ports_registry() -> None:
    assert port_zone("250401") == "America/Los_Angeles"  # San Ysidro
    assert port_zone("240201") == "America/Denver"  # El Paso, BOTA
    assert port_zone("230404") == "America/Chicago"  # Laredo, World Trade Bridge
    assert port_zone("260401") == "America/Phoenix"  # Nogales: no DST


def test_calendar_marks_us_and_mexican_holidays() -> None:
    # 2025-09-16, Mexican Independence Day (a Tuesday); 2025-09-01, U.S. Labor Day.
    start = hour_index(datetime(2025, 8, 31, 12, tzinfo=UTC))
    cal = calendar("America/Chicago", start, start + 24 * 20)
    by_day = {}
    for j in range(len(cal.hour)):
        local = datetime.fromtimestamp((start + j) * 3600, UTC).astimezone(
            __import__("zoneinfo").ZoneInfo("America/Chicago")
        )
        by_day[local.date().isoformat()] = (
            cal.us_holiday[j],
            cal.mx_holiday[j],
            cal.holiday_eve[j],
        )
    assert by_day["2025-09-01"][0] == 1.0 and by_day["2025-09-01"][1] == 0.0
    assert by_day["2025-09-16"][1] == 1.0 and by_day["2025-09-16"][0] == 0.0
    assert by_day["2025-09-15"][2] == 1.0  # eve of Independence Day
    assert by_day["2025-09-10"] == (0.0, 0.0, 0.0)


def test_leave_week_out_profile_excludes_the_cells_own_week(
    august: list[WaitObservation],
) -> None:
    series = build_series(august)[("250401", "passenger_standard")]
    cal = calendar(port_zone("250401"), series.start, series.stop + 6)
    full = hour_of_week_profile(series, cal)
    loo = profile_at_leave_week_out(series, cal, 0)
    i = int(np.flatnonzero(~np.isnan(series.wait))[200])
    how = int(cal.hour_of_week[series.start - cal.start + i])
    week = (series.start + i) // 168
    others = [
        series.wait[j]
        for j in range(len(series.wait))
        if not np.isnan(series.wait[j])
        and int(cal.hour_of_week[series.start - cal.start + j]) == how
        and (series.start + j) // 168 != week
    ]
    assert loo[i] == pytest.approx(np.mean(others))
    assert loo[i] != pytest.approx(full[how]) or len(set(others)) <= 1


def test_corrupting_the_future_does_not_change_a_forecast(
    august: list[WaitObservation], model: WaitForecaster
) -> None:
    """Every forecast issued at time t is identical whatever the feed published after t."""
    rng = np.random.default_rng(11)
    test = [o for o in august if o.at_utc >= SPLIT]
    for key in [("250401", "passenger_standard"), ("230404", "commercial_standard")]:
        obs = [o for o in test if (o.crossing, o.lane) == key]
        times = sorted({o.at_utc for o in obs})
        for issue in (times[40], times[len(times) // 2], times[-10]):
            past = [o for o in obs if o.at_utc <= issue]
            garbage = [
                replace(o, wait_min=float(rng.integers(0, 400)), lanes_open=int(rng.integers(0, 9)))
                for o in obs
                if o.at_utc > issue
            ]
            honest = forecast(model, build_series(past)[key])
            # The same series with a corrupted future, truncated at the issue hour by the caller
            # exactly as the API does (it forecasts from the last published wait).
            corrupted_series = build_series(past + garbage)[key]
            cut = hour_index(issue) - corrupted_series.start + 1
            corrupted_series.wait = corrupted_series.wait[:cut]
            corrupted_series.lanes = corrupted_series.lanes[:cut]
            corrupted = forecast(model, corrupted_series)
            assert honest is not None and corrupted is not None
            assert honest.points == corrupted.points


def test_feature_rows_read_only_the_past(
    august: list[WaitObservation], model: WaitForecaster
) -> None:
    """Row i of the feature matrix is unchanged when every cell after i is replaced."""
    from smartborder.kpi.forecast import _rows

    fc = model
    series = build_series(august)[("250601", "passenger_standard")]
    cal = CalendarCache([series]).for_crossing(series.crossing)
    x, _, _ = _rows(fc, series, 3, cal)
    i = len(series.wait) * 2 // 3
    tampered = replace(series, wait=series.wait.copy(), lanes=series.lanes.copy())
    tampered.wait[i + 1 :] = 999.0
    tampered.lanes[i + 1 :] = 0.0
    x2, _, _ = _rows(fc, tampered, 3, cal)
    np.testing.assert_array_equal(x[: i + 1], x2[: i + 1])
    assert not np.array_equal(x[i + 1 :], x2[i + 1 :], equal_nan=True)  # the test can fail


def test_model_beats_persistence_on_held_out_days(
    august: list[WaitObservation], model: WaitForecaster
) -> None:
    test = [o for o in august if o.at_utc >= SPLIT]
    ev3 = evaluate_forecaster(model, test, horizon_h=3)
    assert ev3.overall.n > 5_000
    # Three hours ahead the wait has usually moved: persistence is clearly beaten.
    assert ev3.overall.mae_model < 0.9 * ev3.overall.mae_persistence
    assert ev3.overall.mae_model < ev3.overall.mae_hour_of_week
    ev1 = evaluate_forecaster(model, test, horizon_h=1)
    assert ev1.overall.mae_model < ev1.overall.mae_persistence
    # Scores are per crossing and lane, and pooled per port.
    assert {s.crossing for s in ev1.ports} >= {"2504", "2506", "2304", "2402"}


def test_forecasts_sit_on_the_grid_the_series_publishes_on() -> None:
    """Multiples of 5 where the wait now and an hour ago are; whole minutes elsewhere."""
    x = np.full((5, len(FEATURE_NAMES)), np.nan)
    now, lag1 = FEATURE_NAMES.index("wait_now"), FEATURE_NAMES.index("wait_lag1")
    x[:, now] = [40.0, 40.0, 3.0, 40.0, 5.0]
    x[:, lag1] = [35.0, np.nan, 5.0, 33.0, 10.0]
    pred = np.array([42.6, 47.4, 3.6, 42.6, 3.2])
    assert on_feed_grid(x, pred).tolist() == [45.0, 45.0, 4.0, 43.0, 3.0]


def test_served_forecasts_are_whole_minutes(
    august: list[WaitObservation], model: WaitForecaster
) -> None:
    out = forecast(model, build_series(august)[("250401", "passenger_standard")])
    assert out is not None and out.method == "gradient_boosting"
    assert all(p.wait_min == round(p.wait_min) >= 0 for p in out.points)


def test_forecast_without_a_model_uses_the_hour_of_week_mean(
    august: list[WaitObservation],
) -> None:
    series = build_series(august)[("250401", "passenger_standard")]
    out = forecast(None, series)
    assert out is not None and out.method == "hour_of_week_mean"
    assert [p.horizon_h for p in out.points] == list(HORIZONS_H)
    assert all(p.wait_min >= 0 for p in out.points)


def _subset_folder(tar: Path, dest: Path, *, every: int, count: int) -> Path:
    dest.mkdir(parents=True)
    with tarfile.open(tar) as tf:
        members = sorted((m for m in tf if m.name.endswith(".xml.gz")), key=lambda m: m.name)
        for m in members[::every][:count]:
            fh = tf.extractfile(m)
            assert fh is not None
            (dest / Path(m.name).name).write_bytes(fh.read())
    return dest


def test_cli_forecast_eval_json(tmp_path: Path) -> None:
    tar = shared_path(*AUG)
    folder = _subset_folder(tar, tmp_path / "aug", every=1, count=320)
    files = sorted(folder.iterdir())
    train, test = tmp_path / "train", tmp_path / "test"
    train.mkdir()
    test.mkdir()
    for f in files[:250]:  # about ten days to train on, three to test
        f.rename(train / f.name)
    for f in files[250:]:
        f.rename(test / f.name)
    result = CliRunner().invoke(
        cli_app,
        [
            "kpi",
            "forecast-eval",
            "--train",
            str(train),
            "--test",
            str(test),
            "--horizon",
            "120",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["horizon_min"] == 120
    # Only forecasts issued after the last training reading are scored.
    assert report["scored_after"] == report["train_span"][1]
    names = {t["port_name"] for t in report["targets"]}
    assert names == {"San Ysidro", "Otay Mesa", "Laredo", "El Paso"}
    ov = report["evaluation"]["overall"]
    assert ov["n"] > 500 and ov["mae_model"] > 0


def test_cli_rejects_a_horizon_that_is_not_whole_hours(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli_app,
        [
            "kpi",
            "forecast-eval",
            "--train",
            str(tmp_path),
            "--test",
            str(tmp_path),
            "--horizon",
            "45",
        ],
    )
    assert result.exit_code == 1
    assert "multiple of 60" in str(result.exception) or "multiple of 60" in result.output


def test_a_revision_under_the_same_update_time_is_not_read_back_in_time() -> None:
    at = datetime(2025, 9, 1, 4, tzinfo=UTC)
    first = WaitObservation("250401", "passenger_standard", at, 20.0, 3)
    revised = replace(first, wait_min=30.0, lanes_open=4)  # published an hour later
    later_in_hour = replace(first, at_utc=at.replace(minute=20), wait_min=45.0)
    s = build_series([first, revised])[("250401", "passenger_standard")]
    assert s.wait.tolist() == [20.0] and s.lanes.tolist() == [3.0]
    s = build_series([later_in_hour, first, revised])[("250401", "passenger_standard")]
    assert s.wait.tolist() == [45.0]
