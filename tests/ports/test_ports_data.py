"""The port reference data against its sources: BTS port codes, TxDOT coordinates, the CBP
Border Wait Times feed (latest snapshot), and the facts users rely on."""

from __future__ import annotations

import csv
import gzip
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import smartborder.ports as ports
from conftest import shared_path
from smartborder.errors import InvalidInput
from smartborder.ports import LaneType, Mode, UnknownCrossing, UnknownPort, UnknownRegion

_FEED_MODES = {
    "passenger_vehicle_lanes": Mode.PASSENGER_VEHICLE,
    "pedestrian_lanes": Mode.PEDESTRIAN,
    "commercial_vehicle_lanes": Mode.COMMERCIAL,
}


def _latest_snapshot(folder: Path) -> ET.Element:
    """The newest parseable bwt.xml of the archive (a few hourly snapshots are truncated)."""
    members: list[tuple[str, Path]] = []
    for tar_path in sorted(folder.glob("bwt-feed-*.tar")):
        with tarfile.open(tar_path) as tf:
            members += [(n, tar_path) for n in tf.getnames() if n.endswith(".xml.gz")]
    for name, tar_path in sorted(members, key=lambda m: m[0].rsplit("/", 1)[-1], reverse=True):
        with tarfile.open(tar_path) as tf:
            f = tf.extractfile(name)
            assert f is not None
            try:
                return ET.fromstring(gzip.decompress(f.read()))
            except ET.ParseError:
                continue
    pytest.skip("no parseable BWT snapshot")


@pytest.fixture(scope="module")
def mexican_border_feed() -> dict[str, ET.Element]:
    root = _latest_snapshot(shared_path("data", "bwt"))
    return {
        p.findtext("port_number", ""): p
        for p in root.iter("port")
        if p.findtext("border") == "Mexican Border"
    }


def test_every_bts_us_mexico_port_code_is_present_with_its_name_state_and_place() -> None:
    with shared_path("data", "bts", "us_mexico_ports.csv").open(encoding="utf-8") as f:
        rows = {r["port_code"]: r for r in csv.DictReader(f)}
    assert len(rows) == 27
    assert {p.code for p in ports.all_ports()} == set(rows)
    for code, row in rows.items():
        port = ports.get_port(code)
        assert (port.name, port.state) == (row["port_name"], row["state"])
        assert port.latitude == pytest.approx(float(row["latitude"]))
        assert port.longitude == pytest.approx(float(row["longitude"]))


def test_san_ysidro_has_its_crossings_and_faces_the_tijuana_aduana() -> None:
    san_ysidro = ports.get_port("2504")
    assert [c.bwt_number for c in san_ysidro.crossings] == ["250401", "250407"]
    assert [a.code for a in san_ysidro.aduanas] == ["40"]
    assert ports.get_crossing("250401").aduana == ports.Aduana("40", "Tijuana")
    assert san_ysidro.time_zone == "America/Los_Angeles"
    assert all(c.time_zone == "America/Los_Angeles" for c in san_ysidro.crossings)
    assert ports.region_of("2504").id == "san-diego-tijuana"


def test_cross_border_xpress_is_counted_in_its_own_bts_port() -> None:
    # The feed lists CBX under San Ysidro (250409); BTS counts it as port 2582.
    assert ports.port_of_crossing("250409").code == "2582"
    assert ports.get_crossing("250409").modes == (Mode.PEDESTRIAN,)
    assert ports.get_crossing("250409").aduana == ports.get_aduana("40")


def test_otay_mesa_splits_passenger_and_commercial_crossings() -> None:
    passenger, commercial = ports.get_port("2506").crossings
    assert (passenger.bwt_number, commercial.bwt_number) == ("250601", "250602")
    assert Mode.COMMERCIAL not in passenger.modes
    assert commercial.modes == (Mode.COMMERCIAL,)
    assert commercial.lane_types(Mode.COMMERCIAL) == (LaneType.GENERAL, LaneType.FAST)


def test_world_trade_bridge_is_a_commercial_crossing_of_laredo_facing_nuevo_laredo() -> None:
    wtb = ports.get_crossing("230404")
    assert ports.port_of_crossing("230404").code == "2304"
    assert wtb.modes == (Mode.COMMERCIAL,)
    assert wtb.aduana is not None and (wtb.aduana.code, wtb.aduana.name) == ("24", "Nuevo Laredo")
    # Colombia Solidarity, also port 2304, faces the Colombia (Nuevo León) aduana.
    assert ports.get_crossing("230403").aduana == ports.get_aduana("80")
    assert ports.get_crossing("240201").aduana == ports.Aduana("07", "Ciudad Juárez")


def test_maximum_lanes_match_the_latest_feed_snapshot(
    mexican_border_feed: dict[str, ET.Element],
) -> None:
    for crossing in ports.all_crossings():
        entry = mexican_border_feed[crossing.bwt_number]
        for tag, mode in _FEED_MODES.items():
            text = entry.findtext(f"{tag}/maximum_lanes", "N/A")
            expected = int(text) if text.isdigit() else 0
            assert crossing.max_lanes(mode) == expected, (crossing.bwt_number, mode)
    assert ports.get_crossing("250401").lanes[(Mode.PASSENGER_VEHICLE, LaneType.SENTRI)] == int(
        mexican_border_feed["250401"].findtext("passenger_vehicle_lanes/maximum_lanes", "")
    )


def test_every_mexican_border_entry_of_the_feed_is_a_crossing_or_a_known_exclusion(
    mexican_border_feed: dict[str, ET.Element],
) -> None:
    known = {c.bwt_number for c in ports.all_crossings()}
    excluded = set(ports.excluded_feed_numbers())
    assert not known & excluded
    assert set(mexican_border_feed) <= known | excluded
    assert known <= set(mexican_border_feed)


def test_lane_types_never_exceed_the_modes_maximum_and_precleared_is_not_in_the_feed() -> None:
    for c in ports.all_crossings():
        assert c.modes, c.bwt_number
        peaks = c.peak_open_lanes or {}
        for (mode, lane_type), maximum in c.lanes.items():
            assert maximum == c.max_lanes(mode) > 0
            assert 0 <= peaks[(mode, lane_type)] <= maximum
            assert lane_type is not LaneType.PRECLEARED
            if mode is Mode.COMMERCIAL:
                assert lane_type in (LaneType.GENERAL, LaneType.FAST)
            else:
                assert lane_type is not LaneType.FAST


def test_texas_crossings_sit_at_txdot_coordinates() -> None:
    path = shared_path("data", "tx", "TX-MX-Border-Crossings-Coordinates.csv")
    with path.open(encoding="utf-8-sig") as f:
        coords = {r["Code"]: (float(r["Lat"]), float(r["Lon"])) for r in csv.DictReader(f)}
    texas = [c for c in ports.all_crossings() if ports.get_port(c.port_code).state == "Texas"]
    assert len(texas) == 25
    for c in texas:
        assert c.coordinates_source.startswith("txdot:"), c.bwt_number
        code = c.coordinates_source.removeprefix("txdot:")
        assert (c.latitude, c.longitude) == pytest.approx(coords[code])


def test_every_port_is_in_exactly_one_region_and_regions_round_trip() -> None:
    seen: list[str] = []
    for region in ports.regions():
        assert region.name_en and region.name_es
        assert ports.get_region(region.id) is region
        seen += region.port_codes
    assert sorted(seen) == sorted(p.code for p in ports.all_ports())
    assert {r.id for r in ports.regions()} >= {
        "san-diego-tijuana",
        "calexico-mexicali",
        "arizona-sonora",
        "el-paso-juarez",
        "laredo-nuevo-laredo",
        "del-rio-eagle-pass",
        "rio-grande-valley",
    }


@pytest.mark.parametrize("code", ["9999", "250401", "", "2504 x", "0000"])
def test_unknown_port_names_the_code_in_both_languages(code: str) -> None:
    with pytest.raises(UnknownPort) as info:
        ports.get_port(code)
    err = info.value
    assert isinstance(err, InvalidInput)
    assert err.code == "ports.unknown_port"
    assert repr(code) in err.message.en and repr(code) in err.message.es
    assert "smartborder ports" in err.message.en and "smartborder ports" in err.message.es
    assert "desconocido" in err.message.es


@pytest.mark.parametrize("number", ["999999", "2504", "24501", "l24502"])
def test_unknown_crossing_names_the_number_in_both_languages(number: str) -> None:
    with pytest.raises(UnknownCrossing) as info:
        ports.get_crossing(number)
    assert info.value.code == "ports.unknown_crossing"
    assert "smartborder ports" in info.value.message.en
    assert "cruce desconocido" in info.value.message.es


def test_unknown_region_lists_the_valid_ids() -> None:
    with pytest.raises(UnknownRegion) as info:
        ports.get_region("tijuana")
    assert info.value.code == "ports.unknown_region"
    assert "san-diego-tijuana" in info.value.message.en
    assert "san-diego-tijuana" in info.value.message.es


def test_records_are_immutable_and_hashable() -> None:
    port = ports.get_port("2304")
    with pytest.raises(AttributeError):
        port.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        port.crossings[0].lanes[(Mode.COMMERCIAL, LaneType.FAST)] = 1  # type: ignore[index]
    assert len({*port.crossings, *port.crossings}) == len(port.crossings)


def test_public_names_are_exactly_the_intended_ones() -> None:
    assert sorted(ports.__all__) == sorted(
        [
            "Aduana",
            "Crossing",
            "Direction",
            "Emissions",
            "IdlingFactors",
            "InvalidLocalTime",
            "LaneType",
            "Mode",
            "PRIMARY_INSPECTION_S",
            "Port",
            "Region",
            "UnknownCrossing",
            "UnknownPort",
            "UnknownRegion",
            "all_crossings",
            "all_ports",
            "excluded_feed_numbers",
            "factors_for",
            "get_aduana",
            "get_crossing",
            "get_port",
            "get_region",
            "idling_emissions",
            "port_of_crossing",
            "region_of",
            "regions",
            "to_local",
            "to_utc",
            "zone_of",
        ]
    )
    assert [m.value for m in ports.Direction] == ["northbound", "southbound"]
