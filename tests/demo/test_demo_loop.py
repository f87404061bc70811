"""The demo day closes the loop: a small day filed by the demo shows up, through the twin and
its crossing events, in every KPI endpoint, the BWT-format feed and a forecast."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import PG_URL, _pg_schema_url
from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.demo import LoopReport, close_the_loop, run_demo

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # the demo day is then 8 December, local
pytestmark = pytest.mark.slow  # a demo day filed and run through the loop: ~30 s
SCALE = 0.01


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loop(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, LoopReport, Settings]]:
    home = tmp_path_factory.mktemp("demo-loop")
    urls: Iterator[str] | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'smartborder.db'}"
    else:
        if not PG_URL:
            pytest.skip("SMARTBORDER_TEST_DATABASE_URL not set: PostgreSQL run skipped")
        urls = _pg_schema_url(PG_URL)
        url = next(urls)
    settings = Settings(home=home, database_url=url)
    filed = run_demo(settings, scale=SCALE, now=NOW, progress=False)
    assert filed.created > 500
    # A short warm start (three weeks, few rounds) keeps the test quick; the product runs four.
    report = close_the_loop(settings, now=NOW, scale=SCALE, history_days=21, boosting_rounds=15)
    app = create_app(settings)
    try:
        yield TestClient(app), report, settings
    finally:
        app.state.ctx.close()
        if urls is not None:
            next(urls, None)


def _data(api: TestClient, path: str, **params: Any) -> dict[str, Any]:
    resp = api.get(path, params=params)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def test_filed_declarations_cross_the_twin_as_events(
    loop: tuple[TestClient, LoopReport, Settings],
) -> None:
    _, report, _ = loop
    assert report.vehicles > 500 and report.events_stored >= 3 * report.vehicles
    # Pre-cleared is what the pipeline released; the rest were sent to secondary.
    assert 0 < report.precleared < report.vehicles
    assert report.referred == report.vehicles - report.precleared - report.unserved
    assert report.southbound_left_out > 0  # the twin models the U.S. side only: said so
    assert set(report.day.values()) == {"2026-12-08"}


def test_waits_latest_and_volumes_have_rows_for_the_demo_day(
    loop: tuple[TestClient, LoopReport, Settings],
) -> None:
    api, _, _ = loop
    waits = _data(api, "/kpi/waits", crossing="250401", grain="hour")
    assert waits["meta"]["rows"] > 0 and all(r["readings"] >= 1 for r in waits["data"])
    latest = _data(api, "/kpi/latest", port="2504")
    measured = [r for r in latest["data"] if r["delay_min"] is not None]
    assert measured and {r["tz"] for r in measured} == {"America/Los_Angeles"}
    assert all(r["updated_at"].startswith(("2026-12-08", "2026-12-09")) for r in measured)
    volumes = _data(api, "/kpi/volumes", by="port,measure", grain="month")
    assert volumes["meta"]["source"] == "events"  # no BTS counts on a fresh node
    counted = {(r["port_code"], r["measure"]): r["crossings"] for r in volumes["data"]}
    assert counted[("2504", "Personal Vehicles")] > 0 and counted[("2304", "Trucks")] > 0
    bts = _data(api, "/kpi/volumes", source="bts")  # asked for explicitly: none stored
    assert bts["meta"]["source"] == "bts" and bts["meta"]["rows"] == 0
    bad = api.get("/kpi/volumes", params={"source": "guess"})
    assert bad.status_code == 400 and bad.json()["code"] == "kpi.query_invalid"
    heat = _data(
        api, "/kpi/heatmap", crossing="250401", mode="passenger_vehicle", lane_type="general"
    )
    assert heat["meta"]["rows"] > 0


def test_every_share_carries_its_count(loop: tuple[TestClient, LoopReport, Settings]) -> None:
    api, report, _ = loop
    events = _data(api, "/kpi/events", by="port", grain="none")
    rows = events["data"]
    assert sum(r["volume"] for r in rows) == report.vehicles - report.unserved
    for r in rows:
        assert r["precleared_share"] == pytest.approx(r["precleared"] / r["volume"])
        assert r["trusted_traveler_share"] == pytest.approx(r["trusted_travelers"] / r["volume"])
        assert r["inspection_rate"] == pytest.approx(r["referred_secondary"] / r["volume"])
    assert sum(r["precleared"] for r in rows) == report.precleared
    assert any(r["idling_co2_kg"] and r["idling_co2_kg"] > 0 for r in rows)


def test_the_node_publishes_its_feed_from_the_events(
    loop: tuple[TestClient, LoopReport, Settings],
) -> None:
    api, report, settings = loop
    assert report.snapshots >= 24 and report.readings > 0
    assert list((settings.home / "feed").glob("demo-*/bwt-*.xml"))
    noon = datetime(2026, 12, 8, 12, 30, tzinfo=UTC) + timedelta(hours=8)  # 12:30 PST
    resp = api.get("/kpi/bwt.xml", params={"as_of": noon.isoformat()})
    assert resp.status_code == 200
    root = ET.fromstring(resp.content)
    port = next(p for p in root.iter("port") if p.findtext("port_number") == "250401")
    lane = port.find("passenger_vehicle_lanes/standard_lanes")
    assert lane is not None
    assert lane.findtext("delay_minutes") not in (None, "")
    assert lane.findtext("update_time", "").endswith("PST")  # the port's own clock
    assert int(lane.findtext("lanes_open") or 0) >= 1  # from the twin's booth schedule


def test_a_forecast_has_a_range_its_history_and_local_times(
    loop: tuple[TestClient, LoopReport, Settings],
) -> None:
    api, report, _ = loop
    assert report.forecaster.startswith("warm-started")
    body = _data(api, "/kpi/forecast", crossing="250401", lane="passenger_standard")
    assert body["time_zone"] == "America/Los_Angeles"
    assert body["history_readings"] >= 6 and body["history_hours"] >= body["history_readings"]
    assert body["model_history"]["source"] == "twin_and_feed"
    assert body["model_history"]["readings"] > 21 * 24
    points = body["points"]
    assert len(points) == 6
    for p in points:
        local = datetime.fromisoformat(p["at_local"])
        assert local.utcoffset() == timedelta(hours=-8)  # PST in December
        assert local == datetime.fromisoformat(p["at_utc"].replace("Z", "+00:00"))
    assert any(
        p["low_min"] is not None and p["low_min"] <= p["wait_min"] <= p["high_min"] for p in points
    )
    # Where the model lost to persistence on this lane's validation week, it says so.
    lost = [v for v in body["validation"] if v["mae_model"] > v["mae_persistence"] and v["n"] >= 12]
    persisted = {p["horizon_h"] for p in points if p["method"] == "persistence"}
    assert persisted == {v["horizon_h"] for v in lost}
    assert (body["fallback"] == "worse_than_persistence") == bool(lost)


def test_closing_the_loop_again_adds_nothing(
    loop: tuple[TestClient, LoopReport, Settings],
) -> None:
    _, report, settings = loop
    again = close_the_loop(settings, now=NOW, scale=SCALE, forecaster=False)
    assert again.vehicles == report.vehicles
    assert again.events == report.events and again.events_stored == 0


def test_a_model_trained_elsewhere_is_kept(tmp_path: Path) -> None:
    from smartborder.demo.closed_loop import _warm_start
    from smartborder.kpi import WaitForecaster
    from smartborder.kpi.forecast import model_path

    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}")
    WaitForecaster(crossings=[], profiles={}, means={}).save(model_path(tmp_path))
    said = _warm_start(settings, None, [], seed=0, history_days=21, boosting_rounds=5)
    assert said.startswith("kept the trained model")


def test_real_readings_are_not_overlaid_with_a_twin_model(tmp_path: Path) -> None:
    from types import SimpleNamespace

    import pyarrow as pa

    from smartborder.demo.closed_loop import _warm_start
    from smartborder.kpi.forecast import model_path

    class Store:  # the KPI engine's answer: real readings of 1,234 other lanes and hours
        def sql(self, query: str, params: Any = ()) -> pa.Table:
            assert "NOT IN" in query and list(params) == ["250401"]
            return pa.table({"n": [1234]})

    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}")
    runs: Any = [SimpleNamespace(crossing="250401")]
    said = _warm_start(settings, Store(), runs, seed=0, history_days=21, boosting_rounds=5)
    assert said.startswith("not warm-started: 1,234 real wait readings")
    assert not model_path(tmp_path).exists()
