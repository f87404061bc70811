"""``GET /kpi/forecast`` over a store loaded with nine days of the real CBP feed."""

from __future__ import annotations

import tarfile
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import shared_path
from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.kpi.forecast import fit_forecaster, model_path
from smartborder.kpi.forecast_bands import held_out_errors
from smartborder.kpi.forecast_data import load_archives
from smartborder.kpi.importers import import_bwt

SY = {"crossing": "250401", "lane": "passenger_standard"}


def _snapshots(dest: Path, *, last: int) -> Path:
    tar = shared_path("data", "bwt", "bwt-feed-2025-09.tar")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tar) as tf:
        members = sorted((m for m in tf if m.name.endswith(".xml.gz")), key=lambda m: m.name)
        for m in members[-last:]:
            fh = tf.extractfile(m)
            assert fh is not None
            (dest / Path(m.name).name).write_bytes(fh.read())
    return dest


@pytest.fixture
def loaded(app: FastAPI, tmp_path: Path) -> tuple[TestClient, Path]:
    folder = _snapshots(tmp_path / "bwt", last=24 * 9)
    report = import_bwt(app.state.ctx.sessions, [folder])
    assert report.rows_imported > 5_000
    return TestClient(app), folder


def test_forecast_from_the_last_published_wait(loaded: tuple[TestClient, Path]) -> None:
    api, _ = loaded
    r = api.get("/kpi/forecast", params=SY)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["port_name"] == "San Ysidro" and body["port_code"] == "2504"
    assert body["method"] == "hour_of_week_mean"  # no model trained in this home
    latest = api.get("/kpi/latest", params={"crossing": "250401", "format": "json"}).json()
    stored = [
        row
        for row in latest["data"]
        if row["mode"] == "passenger_vehicle" and row["lane_type"] == "general"
    ]
    assert stored and body["wait_now_min"] == stored[0]["delay_min"]
    issued = datetime.fromisoformat(body["issued_from_utc"])
    times = [datetime.fromisoformat(p["at_utc"]) for p in body["points"]]
    assert [p["horizon_h"] for p in body["points"]] == [1, 2, 3, 4, 5, 6]
    assert times == [issued + timedelta(hours=h) for h in range(1, 7)]
    assert all(p["wait_min"] >= 0 for p in body["points"])


def test_a_trained_model_is_served_once_written(
    loaded: tuple[TestClient, Path], settings: Settings
) -> None:
    api, folder = loaded
    assert api.get("/kpi/forecast", params=SY).json()["method"] == "hour_of_week_mean"
    obs = load_archives([folder]).observations
    model = fit_forecaster(obs, rng=np.random.default_rng(3), max_iter=30, max_rows=5_000)
    # Ranges from its own last two days (forecast-train measures them on unseen weeks).
    model.bands = held_out_errors(model, obs, after=max(o.at_utc for o in obs) - timedelta(days=2))
    model.save(model_path(settings.home))
    body = api.get("/kpi/forecast", params=SY).json()  # not the cached baseline forecast
    assert body["method"] == "gradient_boosting"
    assert len(body["points"]) == 6
    assert all(p["low_min"] <= p["wait_min"] <= p["high_min"] for p in body["points"])


def test_bad_requests_are_explained(loaded: tuple[TestClient, Path]) -> None:
    api, _ = loaded
    r = api.get("/kpi/forecast", params={"crossing": "250401", "lane": "bicycle"})
    assert r.status_code == 400 and r.json()["code"] == "kpi.forecast_invalid"
    r = api.get("/kpi/forecast", params={"crossing": "999999", "lane": "passenger_standard"})
    assert r.status_code == 400 and r.json()["code"] == "ports.unknown_crossing"
    # San Ysidro's vehicle crossing has no commercial lanes: nothing was ever published.
    r = api.get("/kpi/forecast", params={"crossing": "250401", "lane": "commercial_standard"})
    assert r.status_code == 404 and r.json()["code"] == "kpi.no_forecast"
    assert "import-bwt" in r.json()["detail"]


def test_forecast_is_public_and_rate_limited(tmp_path: Path) -> None:
    app = create_app(Settings(home=tmp_path / "home", public_rate_limit_per_min=6))
    try:
        api = TestClient(app)
        first = api.get("/kpi/forecast", params=SY)
        assert first.status_code == 404  # public: no token needed; nothing imported yet
        second = api.get("/kpi/forecast", params=SY)
        assert second.status_code == 429
    finally:
        app.state.ctx.close()


def test_an_unreadable_model_is_a_clear_503(
    loaded: tuple[TestClient, Path], settings: Settings
) -> None:
    api, _ = loaded
    path = model_path(settings.home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a model")
    r = api.get("/kpi/forecast", params=SY)
    assert r.status_code == 503 and r.json()["code"] == "kpi.forecast_model_unreadable"
    assert "forecast-train" in r.json()["detail"]
