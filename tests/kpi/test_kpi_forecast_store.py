"""``smartborder kpi forecast-train --from-store``: a node retrains on the waits it imported."""

from __future__ import annotations

import tarfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import shared_path
from smartborder.cli import app as cli_app
from smartborder.kpi.forecast import HORIZONS_H, WaitForecaster
from smartborder.kpi.forecast_data import load_archives, stored_observations
from smartborder.kpi.forecast_features import build_series
from smartborder.kpi.queries import KpiEngine
from smartborder.store import make_engine

SEP = ("data", "bwt", "bwt-feed-2025-09.tar")


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    """Ten days of the real September 2025 feed, one snapshot an hour."""
    dest = tmp_path / "feed"
    dest.mkdir()
    with tarfile.open(shared_path(*SEP)) as tf:
        members = sorted((m for m in tf if m.name.endswith(".xml.gz")), key=lambda m: m.name)
        for m in members[: 24 * 10]:
            fh = tf.extractfile(m)
            assert fh is not None
            (dest / Path(m.name).name).write_bytes(fh.read())
    return dest


def test_store_holds_the_same_observations_as_the_archive(home: Path, feed: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli_app, ["kpi", "import-bwt", str(feed)])
    assert out.exit_code == 0, out.output
    engine = make_engine(f"sqlite:///{home / 'smartborder.db'}")
    kpi = KpiEngine(engine)
    try:
        stored = stored_observations(kpi)
        recent = stored_observations(kpi, last_days=3)
    finally:
        kpi.close()
        engine.dispose()
    archive = load_archives([feed]).observations
    assert len(stored) > 10_000
    newest = stored[-1].at_utc
    assert recent == [o for o in stored if o.at_utc >= newest - timedelta(days=3)]
    assert 0 < len(recent) < len(stored) / 2
    # The archive repeats a reading in every snapshot until it changes, and the feed sometimes
    # revises a wait without moving its update time; the store keeps the first published, and
    # so does the forecaster's grid: both sources give it the same series.
    assert len({(o.crossing, o.lane, o.at_utc) for o in archive}) == len(stored)
    from_store, from_archive = build_series(stored), build_series(archive)
    assert from_store.keys() == from_archive.keys()
    for key, s in from_archive.items():
        t = from_store[key]
        assert (s.start, len(s.wait)) == (t.start, len(t.wait)), key
        np.testing.assert_array_equal(s.wait, t.wait)
        np.testing.assert_array_equal(s.lanes, t.lanes)


def test_forecast_train_from_store_writes_a_model_the_api_can_load(home: Path, feed: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli_app, ["kpi", "import-bwt", str(feed)]).exit_code == 0
    model_file = home / "m.pkl"
    out = runner.invoke(
        cli_app, ["kpi", "forecast-train", "--from-store", "--days", "9", "--out", str(model_file)]
    )
    assert out.exit_code == 0, out.output
    assert "the store's readings 2025-09-0" in out.output
    model = WaitForecaster.load(model_file)
    assert sorted(model.models) == list(HORIZONS_H)
    assert {"250401", "250601", "230402", "240201"} <= set(model.crossings)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["kpi", "forecast-train"], "Nothing to train on"),
        (["kpi", "forecast-train", "--from-store", "x.tar"], "not both"),
        (["kpi", "forecast-train", "x.tar", "y.tar", "--from-store"], "not both"),
        (["kpi", "forecast-train", "x.tar", "--days", "30"], "--days goes with --from-store"),
        (["kpi", "forecast-train", "--from-store"], "no U.S.–Mexico wait readings"),
    ],
)
def test_forecast_train_refuses_what_it_cannot_train_on(
    home: Path, args: list[str], needle: str
) -> None:
    out = CliRunner().invoke(cli_app, args)
    assert out.exit_code != 0
    assert needle in out.output
