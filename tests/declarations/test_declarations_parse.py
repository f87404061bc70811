"""Parsing declarations: every problem at once, with pointers, stable codes, both languages."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path
from smartborder.declarations import (
    DeclarationInvalid,
    HSFileInvalid,
    Purpose,
    TravelerDeclaration,
    TruckShipment,
    json_schemas,
    load_hs,
    parse_declaration,
    parse_declaration_json,
    parse_traveler,
    parse_truck,
)
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.ports import Direction

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DAY = date(2026, 12, 1)


@pytest.fixture
def truck() -> dict[str, Any]:
    return generate_trucks("2304", DAY, 1, rng=np.random.default_rng(7))[0]


@pytest.fixture
def traveler() -> dict[str, Any]:
    return generate_travelers("2504", DAY, 1, rng=np.random.default_rng(7))[0]


def problems(data: dict[str, Any], **kw: Any) -> dict[str, str]:
    with pytest.raises(DeclarationInvalid) as info:
        parse_declaration(data, now=NOW, **kw)
    err = info.value
    assert err.code == "declaration.invalid"
    for p in err.problems:  # every problem is bilingual and the two languages differ
        assert p.message.en and p.message.es and p.message.en != p.message.es
        assert p.pointer.startswith("/")
    return {p.pointer: p.code for p in err.problems}


def test_valid_truck_parses_to_utc(truck: dict[str, Any]) -> None:
    t = parse_truck(truck, now=NOW)
    assert isinstance(t, TruckShipment)
    assert t.expected_arrival.tzinfo is UTC
    assert t.expected_arrival == datetime.fromisoformat(truck["expected_arrival"])
    assert t.shipment_control_numbers == [s["shipment_control_number"] for s in truck["shipments"]]
    assert t.direction is Direction.NORTHBOUND


def test_every_problem_of_a_truck_is_reported_at_once(truck: dict[str, Any]) -> None:
    bad = copy.deepcopy(truck)
    vin = bad["conveyance"]["vin"]
    bad["conveyance"]["vin"] = vin[:8] + ("0" if vin[8] != "0" else "1") + vin[9:]
    bad["shipments"][0]["lines"][0]["hs_code"] = "770110"
    bad["port_code"] = "9999"
    bad["scac"] = "ab1"
    bad["unexpected"] = True
    del bad["driver"]["family_name"]
    bad["mexico"]["rfc_sender"] = "EKU9003173C8"
    bad["equipment"] = [{"type": "container", "number": "CSQU3054384", "seals": ["1"]}]
    bad["shipments"][0]["piece_count"] = 0
    found = problems(bad)
    assert found == {
        "/port_code": "ports.unknown_port",
        "/scac": "declaration.scac.format",
        "/conveyance/vin": "declaration.vin.check_digit",
        "/equipment/0/number": "declaration.container.check_digit",
        "/driver/family_name": "declaration.field.missing",
        "/shipments/0/piece_count": "declaration.field.out_of_range",
        "/shipments/0/lines/0/hs_code": "declaration.hs_code.unknown_chapter",
        "/mexico/rfc_sender": "declaration.rfc.check_digit",
        "/unexpected": "declaration.field.unknown",
    }


def test_arrival_in_the_past_is_invalid(truck: dict[str, Any]) -> None:
    truck["expected_arrival"] = (NOW - timedelta(minutes=1)).isoformat()
    assert problems(truck) == {"/expected_arrival": "declaration.arrival.past"}


def test_arrival_without_offset_is_invalid(traveler: dict[str, Any]) -> None:
    traveler["expected_arrival"] = "2026-12-01T10:00:00"
    assert problems(traveler) == {"/expected_arrival": "declaration.arrival.naive"}


def test_arrival_a_year_ahead_is_a_typo(traveler: dict[str, Any]) -> None:
    traveler["expected_arrival"] = "2027-12-01T10:00:00-08:00"
    assert problems(traveler) == {"/expected_arrival": "declaration.arrival.too_far"}


def test_unknown_port_uses_the_ports_error_code(traveler: dict[str, Any]) -> None:
    traveler["port_code"] = "0901"  # Buffalo: a real port, but on the Canadian border
    assert problems(traveler) == {"/port_code": "ports.unknown_port"}


def test_trip_number_must_start_with_the_scac(truck: dict[str, Any]) -> None:
    truck["trip_number"] = "ZZZZ123"
    if truck["scac"] == "ZZZZ":
        truck["trip_number"] = "YYYY123"
    assert problems(truck) == {"/trip_number": "declaration.trip_number.scac_prefix"}


def test_line_weights_above_the_gross_weight_point_at_the_weight(truck: dict[str, Any]) -> None:
    truck["shipments"][0]["weight_kg"] = truck["shipments"][0]["lines"][0]["weight_kg"] / 2
    assert problems(truck) == {"/shipments/0/weight_kg": "declaration.weight.lines_exceed"}


def test_piece_counts_must_agree(truck: dict[str, Any]) -> None:
    truck["shipments"][0]["piece_count"] += 1
    assert problems(truck) == {"/shipments/0/piece_count": "declaration.pieces.lines_mismatch"}


def test_duplicate_scn_points_at_the_second(truck: dict[str, Any]) -> None:
    truck["shipments"] = truck["shipments"][:1]
    truck["shipments"].append(copy.deepcopy(truck["shipments"][0]))
    assert problems(truck) == {"/shipments/1/shipment_control_number": "declaration.scn.duplicate"}


def test_southbound_needs_the_mexican_elements(truck: dict[str, Any]) -> None:
    truck["direction"] = "southbound"
    del truck["mexico"]
    assert problems(truck) == {"/mexico": "declaration.mexico.required"}


def test_driver_needs_a_document_or_fast_card(truck: dict[str, Any]) -> None:
    truck["driver"].pop("fast_card", None)
    del truck["driver"]["travel_document"]
    assert problems(truck) == {"/driver": "declaration.driver.document"}


def test_usmca_nine_elements(truck: dict[str, Any]) -> None:
    shipment = truck["shipments"][0]
    shipment["usmca"] = {
        "certifier_role": "producer",
        "certifier": shipment["shipper"],
        "producer": shipment["shipper"],
        "producer_note": "various",
        "goods": [{"description": "Gear boxes", "hs_code": "870840", "origin_criterion": "E"}],
        "blanket_period": {"start": "2026-01-01", "end": "2027-06-30"},
        "signature": {"name": "A B", "signed_on": "2027-01-01"},
    }
    assert problems(truck) == {
        "/shipments/0/usmca/goods/0/origin_criterion": "declaration.field.invalid_choice",
        "/shipments/0/usmca/blanket_period": "declaration.usmca.blanket_period",
        "/shipments/0/usmca/signature/signed_on": "declaration.usmca.signature_date",
    }


def test_pedimento_is_stored_in_the_carta_porte_form(truck: dict[str, Any]) -> None:
    truck["shipments"][0]["pedimento"] = "264034566001234"
    t = parse_truck(truck, now=NOW)
    assert t.shipments[0].pedimento == "26  40  3456  6001234"


def test_identifiers_are_normalised_to_upper_case(truck: dict[str, Any]) -> None:
    truck["conveyance"]["vin"] = truck["conveyance"]["vin"].lower()
    assert parse_truck(truck, now=NOW).conveyance.vin == truck["conveyance"]["vin"].upper()


def test_hs_nomenclature_checks_subheadings(truck: dict[str, Any]) -> None:
    hs = load_hs(shared_path("data", "hs", "harmonized-system.csv"))
    assert len(hs) == 5613  # HS 2022 six-digit subheadings in the file (shared/README.md)
    assert load_hs(shared_path("data", "hs", "harmonized-system.csv")) is hs  # read once
    truck["shipments"][0]["lines"][0]["hs_code"] = "010100"  # chapter 01 exists, 0101.00 does not
    parse_truck(truck, now=NOW)  # structure and chapter only: accepted
    assert problems(truck, hs=hs) == {
        "/shipments/0/lines/0/hs_code": "declaration.hs_code.unknown_subheading"
    }


def test_synthetic_commodities_are_real_hs_2022_subheadings() -> None:
    from smartborder.demo.synthetic import COMMODITIES

    hs = load_hs(shared_path("data", "hs", "harmonized-system.csv"))
    assert [c for c, _, _ in COMMODITIES if c not in hs] == []


def test_unreadable_hs_file_is_a_clear_error(tmp_path: Any) -> None:
    bad = tmp_path / "hs.csv"
    bad.write_text("code,name\n010121,horses\n")
    with pytest.raises(HSFileInvalid):
        load_hs(bad)
    with pytest.raises(HSFileInvalid):
        load_hs(tmp_path / "missing.csv")


def test_valid_traveler(traveler: dict[str, Any]) -> None:
    t = parse_traveler(traveler, now=NOW)
    assert isinstance(t, TravelerDeclaration)
    assert t.purpose in Purpose


def test_every_problem_of_a_traveler_is_reported_at_once(traveler: dict[str, Any]) -> None:
    traveler["purpose"] = "smuggling"
    traveler["nationality"] = "XXX"
    traveler["trusted_traveler"] = {"program": "sentri", "number": "12"}
    traveler["vaccination"] = {"status": "none", "vaccine": "moderna"}
    traveler["date_of_birth"] = "2030-01-01"
    traveler["document"]["type"] = "library_card"
    assert problems(traveler) == {
        "/purpose": "declaration.field.invalid_choice",
        "/nationality": "declaration.country.unknown",
        "/trusted_traveler/number": "declaration.trusted_traveler.number",
        "/vaccination": "declaration.vaccination.inconsistent",
        "/date_of_birth": "declaration.birth_date.range",
        "/document/type": "declaration.field.invalid_choice",
    }


def test_spanish_choice_list_reads_in_spanish(traveler: dict[str, Any]) -> None:
    traveler["purpose"] = "smuggling"
    with pytest.raises(DeclarationInvalid) as info:
        parse_traveler(traveler, now=NOW)
    (p,) = info.value.problems
    assert "' o '" in p.message.es and "' or '" in p.message.en


def test_essential_purposes_follow_the_2020_notices() -> None:
    essential = {p for p in Purpose if p.essential}
    assert len(essential) == 9  # 85 FR 16547 lists nine categories of essential travel
    assert Purpose.FAMILY_OF_CITIZENS_RESIDENTS not in essential
    assert Purpose.TOURISM not in essential and Purpose.WORK in essential


@pytest.mark.parametrize(
    "data",
    [[], "truck", 3, {"kind": "ship"}, {}],
)
def test_not_a_declaration(data: Any) -> None:
    with pytest.raises(DeclarationInvalid) as info:
        parse_declaration(data, now=NOW)
    assert info.value.problems


def test_wrong_types_are_named(traveler: dict[str, Any]) -> None:
    traveler["date_of_birth"] = 12
    traveler["vehicle_plate"] = "ABC123"
    found = problems(traveler)
    assert found == {
        "/date_of_birth": "declaration.field.wrong_type",
        "/vehicle_plate": "declaration.field.wrong_type",
    }


def test_json_schemas() -> None:
    schemas = json_schemas()
    assert set(schemas) == {"truck-shipment", "traveler"}
    truck_props = schemas["truck-shipment"]["properties"]
    assert {"kind", "port_code", "direction", "expected_arrival", "scac", "shipments"} <= set(
        truck_props
    )
    assert schemas["traveler"]["properties"]["direction"]


def test_synthetic_records_conform_to_the_served_json_schemas() -> None:
    import jsonschema

    schemas = json_schemas()
    rng = np.random.default_rng(3)
    for name, records in (
        ("truck-shipment", generate_trucks("2506", DAY, 20, rng=rng)),
        ("traveler", generate_travelers("2506", DAY, 20, rng=rng)),
    ):
        jsonschema.Draft202012Validator.check_schema(schemas[name])
        validator = jsonschema.Draft202012Validator(schemas[name])
        for record in records:
            validator.validate(record)


@pytest.mark.parametrize("port", ["2504", "2506", "2304", "2402"])
@pytest.mark.parametrize("direction", list(Direction))
def test_synthetic_traffic_is_valid(port: str, direction: Direction) -> None:
    rng = np.random.default_rng(11)
    hs = load_hs(shared_path("data", "hs", "harmonized-system.csv"))
    now = datetime(2026, 11, 30, tzinfo=UTC)
    trucks = generate_trucks(port, DAY, 60, rng=rng, direction=direction)
    travelers = generate_travelers(port, DAY, 60, rng=rng, direction=direction)
    for record in trucks + travelers:
        parse_declaration(record, now=now, hs=hs)


def test_synthetic_is_reproducible_and_follows_shares() -> None:
    a = generate_travelers("2504", DAY, 2000, rng=np.random.default_rng(5), sentri_share=0.3)
    b = generate_travelers("2504", DAY, 2000, rng=np.random.default_rng(5), sentri_share=0.3)
    assert a == b
    sentri = sum("trusted_traveler" in r for r in a) / len(a)
    assert 0.26 < sentri < 0.34  # binomial sd ≈ 0.01
    hours = [datetime.fromisoformat(r["expected_arrival"]).hour for r in a]
    assert all(datetime.fromisoformat(r["expected_arrival"]).date() == DAY for r in a)
    assert hours.count(6) > hours.count(2)  # commuter peak over the small hours


# Independent faults, each in its own field: (pointer, how to break it, the code it must give).
_FAULTS: list[tuple[str, Any, str]] = [
    ("/port_code", lambda d: d.update(port_code="0901"), "ports.unknown_port"),
    ("/scac", lambda d: d.update(scac="A1"), "declaration.scac.format"),
    (
        "/conveyance/vin",
        lambda d: d["conveyance"].update(vin="1M8GDM9AXKP04278I"),
        "declaration.vin.format",
    ),
    (
        "/conveyance/plate/country",
        lambda d: d["conveyance"]["plate"].update(country="ZZZ"),
        "declaration.country.unknown",
    ),
    ("/driver/given_names", lambda d: d["driver"].pop("given_names"), "declaration.field.missing"),
    (
        "/driver/date_of_birth",
        lambda d: d["driver"].update(date_of_birth="1900-13-01"),
        "declaration.field.wrong_type",
    ),
    (
        "/shipments/0/lines/0/hs_code",
        lambda d: d["shipments"][0]["lines"][0].update(hs_code="980100"),
        "declaration.hs_code.unknown_chapter",
    ),
    (
        "/shipments/0/pedimento",
        lambda d: d["shipments"][0].update(pedimento="26  40  3456  1001234"),
        "declaration.pedimento.year_digit",
    ),
    (
        "/shipments/0/shipper/rfc",
        lambda d: d["shipments"][0]["shipper"].update(rfc="EKU900317"),
        "declaration.rfc.format",
    ),
    (
        "/mexico/id_ccp",
        lambda d: d["mexico"].update(id_ccp="not-an-idccp"),
        "declaration.id_ccp.format",
    ),
    (
        "/expected_arrival",
        lambda d: d.update(expected_arrival="2026-11-29T08:00:00-06:00"),
        "declaration.arrival.past",
    ),
    (
        "/carrier/ctpat",
        lambda d: d["carrier"].update(ctpat="perhaps"),
        "declaration.field.wrong_type",
    ),
    ("/extra_field", lambda d: d.update(extra_field=1), "declaration.field.unknown"),
]


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(range(len(_FAULTS))), min_size=1))
def test_property_every_fault_is_reported_once_with_its_pointer(chosen: set[int]) -> None:
    base = generate_trucks("2304", DAY, 1, rng=np.random.default_rng(7))[0]
    data = copy.deepcopy(base)
    for i in chosen:
        _FAULTS[i][1](data)
    expected = {_FAULTS[i][0]: _FAULTS[i][2] for i in chosen}
    assert problems(data) == expected


def test_credentials_are_attached_as_received(traveler: dict[str, Any]) -> None:
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
    traveler["presentations"] = [vc, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"]
    t = parse_traveler(traveler, now=NOW)
    assert t.presentations == [vc, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"]


def test_bad_attachments_point_at_the_item(traveler: dict[str, Any]) -> None:
    traveler["presentations"] = [{"type": "VerifiablePresentation"}, 42, "short", {}]
    assert problems(traveler) == {
        "/presentations/1": "declaration.presentation.type",
        "/presentations/2": "declaration.presentation.type",
        "/presentations/3": "declaration.presentation.type",
    }
    traveler["presentations"] = ["x" * 20] * 9
    assert problems(traveler) == {"/presentations": "declaration.field.too_long"}


@pytest.mark.parametrize("value", [12345, 1.8e9])
def test_a_number_is_not_a_time_of_arrival(truck: dict[str, Any], value: float) -> None:
    # pydantic alone would take it as seconds since 1970 and report an arrival in the past.
    truck["expected_arrival"] = value
    assert problems(truck) == {"/expected_arrival": "declaration.field.wrong_type"}
    body = json.dumps(truck)
    with pytest.raises(DeclarationInvalid) as err:
        parse_declaration_json(body, now=NOW)
    [problem] = err.value.problems
    assert problem.code == "declaration.field.wrong_type"
    assert "ISO 8601" in problem.message.en and "ISO 8601" in problem.message.es


def test_a_number_is_not_a_date_of_birth(traveler: dict[str, Any]) -> None:
    traveler["date_of_birth"] = 20000101
    assert problems(traveler) == {"/date_of_birth": "declaration.field.wrong_type"}
