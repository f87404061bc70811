"""Calibration from the real BTS counts and Border Wait Times archive in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartborder.twin._refdata import Mode
from smartborder.twin.calibrate import (
    _hourly_mean,
    _mae,
    bts_daily_volume,
    build_scenario,
    bwt_profile,
    calibrate,
)
from smartborder.twin.errors import CalibrationFailed
from smartborder.twin.simulate import simulate

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path} (CI always has it)")
    return path


def test_bts_volume_is_the_latest_twelve_months() -> None:
    volume, months = bts_daily_volume(
        shared("data", "bts", "san_ysidro_Border_Crossing_Entry_Data.csv"),
        "2504",
        Mode.PASSENGER_VEHICLE,
    )
    assert months == [f"2021-{m:02d}" for m in range(1, 13)]
    assert 10_000 < volume < 60_000  # San Ysidro: tens of thousands of vehicles a day
    with pytest.raises(CalibrationFailed):
        bts_daily_volume(
            shared("data", "bts", "san_ysidro_Border_Crossing_Entry_Data.csv"),
            "2506",
            Mode.PASSENGER_VEHICLE,
        )


def test_calibration_fits_primary_times_to_reported_waits() -> None:
    bts = shared("data", "bts", "san_ysidro_Border_Crossing_Entry_Data.csv")
    bwt = [shared("data", "bwt", "bwt-feed-2025-03.tar")]
    cal = calibrate(port="2504", bts_path=bts, bwt_paths=bwt, replications=1, seed=1, rounds=1)
    s = cal.scenario
    assert s.crossing == "250401" and {g.lane_type.value for g in s.lanes} == {
        "general",
        "ready",
        "sentri",
    }
    assert all(max(g.booths) <= 34 for g in s.lanes)  # type: ignore[arg-type]
    fit = {f.lane_type: f for f in cal.fit}
    assert all(f.snapshots > 0 and f.mae_min is not None for f in fit.values())
    # The fitted primary times explain the feed better than the uncalibrated defaults.
    profile = bwt_profile(bwt, "250401", Mode.PASSENGER_VEHICLE, "2504")
    plain = simulate(
        build_scenario(
            port="2504",
            crossing="250401",
            mode=Mode.PASSENGER_VEHICLE,
            daily_volume=cal.daily_volume,
            profile=profile,
            factors={},
        ),
        replications=1,
        seed=1,
    )
    before = sum(_mae(_hourly_mean(plain, lt), profile.delay_min[lt]) or 0.0 for lt in fit)
    after = sum(f.mae_min or 0.0 for f in fit.values())
    assert after <= before


@pytest.mark.slow
def test_baselines_command_writes_a_calibrated_port_stating_its_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from smartborder.cli import app
    from smartborder.twin import load_scenario

    bts = shared("data", "bts", "Border_Crossing_Entry_Data.zip")
    bwt = shared("data", "bwt", "bwt-feed-2025-04.tar")
    res = CliRunner().invoke(
        app,
        ["twin", "baselines", "--bts", str(bts), "--bwt", str(bwt), "--port", "laredo",
         "--out", str(tmp_path), "-r", "1"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    path = tmp_path / "laredo.yaml"
    assert "# Error against BTS" in path.read_text(encoding="utf-8")
    rec = load_scenario(path).calibration
    assert rec is not None and rec.crossing == "230402" and rec.bwt_months == ["2025-04"]
    assert abs(rec.bts_error_pct) < 5.0 and rec.bwt_mae_min["general"] is not None
