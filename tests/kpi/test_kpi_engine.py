"""The KPI engine's figures on data small enough to check by hand."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from kpi_testdata import crossing_story, feed_xml, lane, otay_commercial, port_xml, sy_passenger

from smartborder.kpi import Filters, KpiEngine, import_bwt, ingest_events, parse_bwt, parse_events
from smartborder.kpi.feed import bwt_json, bwt_ports, bwt_xml, format_update_time
from smartborder.ports import PRIMARY_INSPECTION_S, idling_emissions
from smartborder.store import kpi as kpi_store
from smartborder.store import make_engine, session_factory, upgrade

DELAYS = [10, 20, 30, 40, 100]  # San Ysidro passenger general lanes, 12:00..16:00 PDT on 7/1
PRIMARY_MIN = PRIMARY_INSPECTION_S["passenger_vehicle"] / 60.0


@pytest.fixture
def store(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    upgrade(engine)
    folder = tmp_path / "feed"
    folder.mkdir()
    for i, delay in enumerate(DELAYS):
        clock = "Noon" if i == 0 else f"{i}:00 pm"
        doc = feed_xml([sy_passenger(f"At {clock} PDT", delay, lanes_open=4)], at=f"{15 + i}:10:0")
        (folder / f"s{i}.xml").write_bytes(doc)
    # A reading at 6 pm PDT = 01:00 UTC on 7/2: still 7/1 at the port.
    (folder / "s9.xml").write_bytes(
        feed_xml([sy_passenger("At 6:00 pm PDT", 50, lanes_open=2)], at="21:10:0")
    )
    # Otay Mesa commercial, same day.
    otay = otay_commercial("At 3:00 pm PDT", "60", "8")
    (folder / "t.xml").write_bytes(feed_xml([otay], at="18:10:0"))
    sessions = session_factory(engine)
    import_bwt(sessions, [folder])
    yield engine, sessions
    engine.dispose()


def test_wait_statistics_reliability_and_emissions(store) -> None:  # type: ignore[no-untyped-def]
    engine, _ = store
    kpi = KpiEngine(engine)
    rows = kpi.waits(
        by=("crossing", "mode", "lane_type"), grain="day", filters=Filters(end=date(2025, 7, 1))
    ).to_pylist()
    sy = next(r for r in rows if r["port_number"] == "250401")
    waits = DELAYS + [50]
    assert sy["period"] == date(2025, 7, 1)  # the 6 pm PDT reading (01:00 UTC on 7/2) counts on 7/1
    assert sy["readings"] == 6
    assert sy["wait_mean_min"] == pytest.approx(sum(waits) / 6)
    assert sy["wait_median_min"] == pytest.approx(35.0)
    # Linear-interpolated p95 of 10,20,30,40,50,100: position 4.75 -> 50 + 0.75 * 50.
    assert sy["wait_p95_min"] == pytest.approx(87.5)
    travel_mean = sum(waits) / 6 + PRIMARY_MIN
    travel_p95 = 87.5 + PRIMARY_MIN
    assert sy["buffer_index"] == pytest.approx((travel_p95 - travel_mean) / travel_mean)
    assert sy["planning_time_index"] == pytest.approx(travel_p95 / PRIMARY_MIN)
    veh_min = sum(4 * (60 / PRIMARY_MIN) * d for d in DELAYS) + 2 * (60 / PRIMARY_MIN) * 50
    assert sy["idling_vehicle_min_est"] == pytest.approx(veh_min)
    assert sy["idling_co2_kg_est"] == pytest.approx(
        idling_emissions(veh_min, "passenger_vehicle").co2_kg
    )
    otay = next(r for r in rows if r["port_number"] == "250601")
    assert (otay["mode"], otay["lane_type"], otay["wait_mean_min"]) == ("commercial", "general", 60)
    assert otay["idling_nox_g_est"] == pytest.approx(
        idling_emissions(otay["idling_vehicle_min_est"], "commercial").nox_g
    )


def test_hourly_grain_is_local_and_filters_apply(store) -> None:  # type: ignore[no-untyped-def]
    engine, _ = store
    kpi = KpiEngine(engine)
    hours = kpi.waits(
        by=("crossing",), grain="hour_of_day", filters=Filters(crossing="250401")
    ).to_pylist()
    assert [h["period"] for h in hours] == [12, 13, 14, 15, 16, 18]
    by_port = kpi.waits(by=("port",), grain=None).to_pylist()
    assert {r["port_code"] for r in by_port} == {"2504", "2506"}
    none = kpi.waits(by=("port",), grain=None, filters=Filters(start=date(2025, 7, 2))).to_pylist()
    assert none == []


def test_compare_two_periods(store) -> None:  # type: ignore[no-untyped-def]
    engine, _ = store
    kpi = KpiEngine(engine)
    rows = kpi.compare(
        by=("port",),
        period_a=(date(2025, 6, 1), date(2025, 6, 30)),
        period_b=(date(2025, 7, 1), date(2025, 7, 1)),
    ).to_pylist()
    sy = next(r for r in rows if r["port_code"] == "2504")
    assert sy["value_a"] is None and sy["value_b"] == pytest.approx(250 / 6)
    assert (sy["readings_a"], sy["readings_b"]) == (0, 6)  # what each value stands on


def test_event_kpis(store) -> None:  # type: ignore[no-untyped-def]
    engine, sessions = store
    t0 = datetime(
        2025, 7, 1, 22, 0, tzinfo=UTC
    )  # 3 pm PDT, the hour Otay Mesa... and SY readings exist
    evs = crossing_story(10, t0, 12, referred_every=5)
    evs += crossing_story(
        10,
        t0,
        4,
        prefix="t",
        lane_type="sentri",
        traveler_class="trusted_traveler",
        precleared=True,
    )
    ingest_events(sessions, parse_events(json.dumps(evs).encode()))
    kpi = KpiEngine(engine)
    rows = {
        r["lane_type"]: r for r in kpi.events(by=("crossing", "lane_type"), grain="day").to_pylist()
    }
    general, sentri = rows["general"], rows["sentri"]
    assert (general["volume"], general["waits_measured"]) == (10, 10)
    assert general["wait_mean_min"] == pytest.approx(12) and general[
        "wait_p95_min"
    ] == pytest.approx(12)
    assert general["referred_secondary"] == 2 and general["inspection_rate"] == pytest.approx(0.2)
    assert general["secondary_mean_min"] == pytest.approx(10)
    assert general["trusted_traveler_share"] == 0 and sentri["trusted_traveler_share"] == 1
    assert sentri["precleared_share"] == 1 and sentri["inspection_rate"] == 0
    assert general["idling_co2_kg"] == pytest.approx(
        idling_emissions(120, "passenger_vehicle").co2_kg
    )
    # BWT said 4 general lanes open in the 3 pm PDT hour: 10 vehicles / 4 lanes.
    assert general["throughput_per_lane_h"] == pytest.approx(2.5)
    everything = kpi.events(by=(), grain=None).to_pylist()
    assert everything[0]["volume"] == 20 and everything[0]["precleared_share"] == pytest.approx(0.5)


def test_engine_picks_up_new_rows(store) -> None:  # type: ignore[no-untyped-def]
    engine, sessions = store
    kpi = KpiEngine(engine, refresh_interval_s=0)
    before = kpi.latest().num_rows
    ingest_events(
        sessions,
        parse_events(json.dumps(crossing_story(1, datetime(2025, 7, 1, tzinfo=UTC), 1)).encode()),
    )
    assert kpi.events(by=(), grain=None).to_pylist()[0]["volume"] == 1
    assert kpi.latest().num_rows == before


def test_parquet_export(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    engine, _ = store
    paths = KpiEngine(engine).export_parquet(tmp_path / "pq")
    assert pq.read_table(paths[0]).num_rows == 7


def test_feed_in_cbp_schema_round_trips_through_the_parser(store) -> None:  # type: ignore[no-untyped-def]
    engine, sessions = store
    kpi = KpiEngine(engine)
    now = datetime(2025, 7, 2, 1, 30, tzinfo=UTC)
    records = bwt_ports(kpi, now=now)
    xml = bwt_xml(records, now=now)
    assert xml.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?><border_wait_time>")
    assert b"<pedestrain_automation_type>" in xml
    snap = parse_bwt(xml, source="smartborder")
    sy = [r for r in snap.readings if r.port_number == "250401"]
    assert [(r.mode, r.lane_type, r.delay_min, r.lanes_open) for r in sy] == [
        ("passenger", "standard", 50, 2)
    ]
    assert sy[0].updated_at == datetime(2025, 7, 2, 1, 0, tzinfo=UTC)
    assert snap.taken_at == now.replace(second=0)
    # Lanes San Ysidro operates but has no fresh reading: Update Pending; others N/A.
    sy_port = next(p for p in snap.ports if p.port_number == "250401")
    assert sy_port.lane_status["passenger/sentri"] == "pending"
    assert sy_port.lane_status["commercial/standard"] == "n_a"
    as_json = parse_bwt(bwt_json(records), source="smartborder.json")
    assert [(r.port_number, r.delay_min) for r in as_json.readings] == [
        (r.port_number, r.delay_min) for r in snap.readings
    ]
    # Hours later the reading is stale: no delay is published.
    later = bwt_ports(kpi, now=now + timedelta(hours=6))
    assert all(
        not r.delay_min
        for r in parse_bwt(bwt_xml(later), source="x").readings
        if r.port_number == "250401"
    )


def test_feed_prefers_measured_event_waits(store) -> None:  # type: ignore[no-untyped-def]
    engine, sessions = store
    now = datetime(2025, 7, 2, 1, 30, tzinfo=UTC)
    ingest_events(
        sessions,
        parse_events(json.dumps(crossing_story(6, now - timedelta(minutes=40), 22)).encode()),
    )
    records = bwt_ports(KpiEngine(engine), now=now)
    sy = next(r for r in records if r["port_number"] == "250401")
    assert sy["passenger_vehicle_lanes"]["standard_lanes"]["delay_minutes"] == "22"
    assert sy["passenger_vehicle_lanes"]["standard_lanes"]["lanes_open"] == "2"


def test_update_time_wording() -> None:
    from zoneinfo import ZoneInfo

    la = ZoneInfo("America/Los_Angeles")
    assert format_update_time(datetime(2025, 7, 1, 19, 0, tzinfo=UTC), la) == "At Noon PDT"
    assert format_update_time(datetime(2025, 7, 1, 7, 0, tzinfo=UTC), la) == "At Midnight PDT"
    assert format_update_time(datetime(2025, 12, 1, 5, 5, tzinfo=UTC), la) == "At 9:05 pm PST"


def test_feed_round_trips_a_crossing_outside_the_registry(
    tmp_path: Path, database_url: str
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    try:
        folder = tmp_path / "ca"
        folder.mkdir()
        buffalo = port_xml(
            "090104",
            border="Canadian Border",
            name="Buffalo/Niagara Falls",
            crossing="Lewiston Bridge",
            lanes={
                ("commercial_vehicle_lanes", "standard_lanes"): lane(
                    "At 1:17 pm EDT", "no delay", "3", "2"
                )
            },
        )
        (folder / "s.xml").write_bytes(feed_xml([buffalo], at="13:30:0"))
        sessions = session_factory(engine)
        import_bwt(sessions, [folder])
        now = datetime(2025, 7, 1, 17, 45, tzinfo=UTC)
        records = bwt_ports(
            KpiEngine(engine),
            now=now,
            border="canada",
            crossings_seen={
                "090104": {"port_name": "Buffalo/Niagara Falls", "crossing_name": "Lewiston Bridge"}
            },
        )
        (rec,) = records
        assert rec["border"] == "Canadian Border" and rec["crossing_name"] == "Lewiston Bridge"
        (r,) = parse_bwt(bwt_xml(records, now=now), source="ca").readings
        assert (r.port_number, r.delay_min, r.updated_at) == (
            "090104",
            3,
            datetime(2025, 7, 1, 17, 17, tzinfo=UTC),
        )
    finally:
        engine.dispose()


def test_a_sqlite_store_is_read_by_one_copy_of_sqlite_only(store) -> None:  # type: ignore[no-untyped-def]
    """Two copies of SQLite in one process drop each other's POSIX locks on the same file
    (sqlite.org/howtocorrupt.html): the ADBC SQLite driver bundles its own, and reading the
    store through it while the server's connections were open crashed the demo server
    (SIGBUS, "disk I/O error"). The engine reads SQLite through Python's sqlite3 only."""
    engine, _ = store
    kpi = KpiEngine(engine, refresh_interval_s=0)
    try:
        assert kpi.latest().num_rows >= 2  # the readings were copied in
        if engine.url.get_backend_name() == "sqlite":
            assert kpi_store.scan_readings_arrow(engine) is None
            assert not [m for m in sys.modules if m.startswith("adbc_driver_sqlite")]
    finally:
        kpi.close()
