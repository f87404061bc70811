"""Open data over HTTP: public, rate-limited, JSON/CSV/Parquet, a dictionary, CBP-schema feeds."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from kpi_testdata import feed_xml, otay_commercial, sy_passenger

from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.kpi import import_bwt, parse_bwt


@pytest.fixture
def loaded(app, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "feed"
    folder.mkdir()
    for i, delay in enumerate([10, 20, 60]):
        (folder / f"s{i}.xml").write_bytes(
            feed_xml([sy_passenger(f"At {i + 1}:00 pm PDT", delay)], at=f"{16 + i}:10:0")
        )
    import_bwt(app.state.ctx.sessions, [folder])
    return TestClient(app)


def test_waits_as_json_csv_and_parquet_without_a_token(loaded: TestClient) -> None:
    j = loaded.get("/kpi/waits", params={"by": "crossing,lane_type", "grain": "day"})
    assert j.status_code == 200
    doc = j.json()
    assert doc["meta"]["dataset"] == "waits" and doc["meta"]["border"] == "mexico"
    (row,) = doc["data"]
    assert (row["port_number"], row["lane_type"], row["period"], row["wait_mean_min"]) == (
        "250401",
        "general",
        "2025-07-01",
        30.0,
    )
    csv = loaded.get("/kpi/waits", params={"by": "crossing", "grain": "none", "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    header, line = csv.text.strip().splitlines()
    assert header.startswith('"port_number","readings","wait_mean_min"') and line.startswith(
        '"250401",3,30'
    )
    pqr = loaded.get(
        "/kpi/waits",
        params={"by": "crossing", "grain": "none"},
        headers={"accept": "application/vnd.apache.parquet"},
    )
    assert pqr.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(pqr.content))
    assert table.column("wait_p95_min").to_pylist() == [pytest.approx(56.0)]
    by_accept = loaded.get("/kpi/waits", headers={"accept": "text/csv"})
    assert by_accept.headers["content-type"].startswith("text/csv")


def test_other_datasets_and_bad_queries(loaded: TestClient) -> None:
    latest = loaded.get("/kpi/latest").json()
    assert latest["data"][0]["delay_min"] == 60
    heat = loaded.get(
        "/kpi/heatmap",
        params={"crossing": "250401", "mode": "passenger_vehicle", "lane_type": "general"},
    ).json()
    assert [(r["weekday"], r["hour"]) for r in heat["data"]] == [
        (2, 13),
        (2, 14),
        (2, 15),
    ]  # Tuesday 1-3 pm
    cmp_ = loaded.get(
        "/kpi/compare",
        params={"period_a": "2025-06-01/2025-06-30", "period_b": "2025-07-01/2025-07-01"},
    )
    assert cmp_.status_code == 200 and cmp_.json()["data"][0]["value_b"] == 30
    assert loaded.get("/kpi/volumes").json()["data"] == []
    assert loaded.get("/kpi/events").json()["meta"]["rows"] == 0
    for bad in ({"by": "planet"}, {"grain": "century"}, {"format": "xls"}):
        resp = loaded.get("/kpi/waits", params=bad)
        assert resp.status_code == 400 and resp.json()["code"] == "kpi.query_invalid"
    assert loaded.get("/kpi/heatmap").status_code == 400
    for path, bad in (
        ("/kpi/waits", {"port": "abc"}),
        ("/kpi/waits", {"border": "mars"}),
        ("/kpi/volumes", {"port": "25041"}),
        ("/kpi/events", {"port": "abc"}),
        ("/kpi/latest", {"border": "mars"}),
        ("/kpi/latest", {"port": "25"}),
        ("/kpi/compare", {"border": "mars", "period_a": "2025-07-01", "period_b": "2025-07-01"}),
        ("/kpi/bwt.xml", {"border": "mars"}),
        ("/kpi/bwt.json", {"border": "mars"}),
    ):
        resp = loaded.get(path, params=bad, headers={"accept-language": "es"})
        assert resp.status_code == 400 and resp.json()["code"] == "kpi.query_invalid", (path, bad)
        assert "desconocida" in resp.text or "dígitos" in resp.text
    none = loaded.get(
        "/kpi/heatmap", params={"crossing": "250601", "mode": "commercial", "lane_type": "fast"}
    )
    assert none.status_code == 404 and none.json()["code"] == "kpi.no_data"
    assert loaded.get("/kpi/compare", params={"period_a": "x", "period_b": "y"}).status_code == 400


def test_dictionary_describes_every_column_served(loaded: TestClient) -> None:
    doc = loaded.get("/kpi/dictionary").json()
    described = {d["name"]: {c["name"] for c in d["columns"]} for d in doc["datasets"]}
    for name, params in (
        ("waits", {"by": "border,port,crossing,mode,lane_type"}),
        ("events", {"by": "port,crossing,mode,lane_type,direction,traveler_class"}),
        ("latest", {}),
    ):
        columns = loaded.get(f"/kpi/{name}", params=params).json()["columns"]
        missing = set(columns) - described[name]
        assert not missing, (name, missing)
    es = loaded.get("/kpi/dictionary", headers={"accept-language": "es"}).json()
    assert es["datasets"][0]["description"].startswith("Indicadores")


def test_live_feed_in_cbp_schema(loaded: TestClient) -> None:
    xml = loaded.get("/kpi/bwt.xml", params={"as_of": "2025-07-01T22:30:00Z"})
    assert xml.status_code == 200 and "ISO-8859-1" in xml.headers["content-type"]
    snap = parse_bwt(xml.content, source="api")
    assert [(r.port_number, r.delay_min) for r in snap.readings] == [("250401", 60)]
    js = loaded.get("/kpi/bwt.json", params={"as_of": "2025-07-01T22:30:00Z"}).json()
    assert {p["port_number"] for p in js} >= {
        "250401",
        "250601",
        "230404",
    }  # every U.S.-Mexico crossing
    sy = next(p for p in js if p["port_number"] == "250401")
    assert sy["passenger_vehicle_lanes"]["standard_lanes"]["update_time"] == "At 3:00 pm PDT"


def test_public_endpoints_are_rate_limited(tmp_path: Path) -> None:
    app = create_app(
        Settings(
            home=tmp_path / "h",
            database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
            public_rate_limit_per_min=6,
        )
    )
    client = TestClient(app)
    answers = [client.get("/kpi/dictionary") for _ in range(4)]
    assert answers[0].status_code == 200 and answers[-1].status_code == 429
    # RFC 9110's Retry-After (whole seconds) beside the problem's retry_after_s.
    wait = answers[-1].json()["retry_after_s"]
    assert int(answers[-1].headers["Retry-After"]) == max(1, math.ceil(wait))
    app.state.ctx.close()


def test_latest_honours_port_mode_and_lane_type(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    otay = otay_commercial("At 1:00 pm PDT", "40", "3")
    (tmp_path / "s.xml").write_bytes(feed_xml([sy_passenger("At 1:00 pm PDT", 10), otay]))
    import_bwt(app.state.ctx.sessions, [tmp_path])
    client = TestClient(app)
    everything = client.get("/kpi/latest").json()
    assert {r["port_code"] for r in everything["data"]} == {"2504", "2506"}
    doc = client.get("/kpi/latest", params={"port": "2504"}).json()
    assert doc["meta"]["port"] == "2504"
    assert {r["port_code"] for r in doc["data"]} == {"2504"}
    by_mode = client.get("/kpi/latest", params={"mode": "commercial"}).json()
    assert [(r["crossing"], r["mode"]) for r in by_mode["data"]] == [("250601", "commercial")]
    assert by_mode["meta"]["mode"] == "commercial"
    by_lane = client.get(
        "/kpi/latest", params={"lane_type": "general", "crossing": "250401"}
    ).json()
    assert [(r["crossing"], r["lane_type"]) for r in by_lane["data"]] == [("250401", "general")]
    assert client.get("/kpi/latest", params={"border": "canada"}).json()["data"] == []
