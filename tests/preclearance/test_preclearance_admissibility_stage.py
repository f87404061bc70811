"""The admissibility stage in the pipeline: travelers and truck drivers decided under the
plan in force, with the deciding policy and version in the reasons."""

from __future__ import annotations

from smartborder.preclearance import AdmissibilityStage


def test_stage_decides_a_declaration_in_the_pipeline() -> None:
    from datetime import UTC, datetime

    from smartborder.declarations import parse_traveler
    from smartborder.preclearance.stages import DecisionDraft, Stage

    stage = AdmissibilityStage("covid-us-land-2020")
    assert isinstance(stage, Stage)
    now = datetime(2022, 1, 30, tzinfo=UTC)
    declaration = parse_traveler(
        {
            "kind": "traveler",
            "port_code": "2504",
            "direction": "northbound",
            "expected_arrival": "2022-02-01T10:00:00-08:00",
            "family_name": "Pérez",
            "given_names": "Ana",
            "date_of_birth": "1985-03-03",
            "nationality": "MEX",
            "document": {
                "type": "passport",
                "number": "G12345678",
                "issuing_country": "MEX",
                "expires_on": "2027-01-01",
            },
            "purpose": "tourism",
            "vaccination": {"status": "none"},
        },
        now=now,
    )
    draft = DecisionDraft(now=now, agency="cbp", stage="admissibility")
    stage.run(declaration, draft)
    assert [r.outcome.value for r in draft.reasons] == ["deny"]
    assert draft.reasons[0].rule_id == "covid-us-land-2020/phase-3"
    assert draft.rule_versions["admissibility"] == stage.policies.version


def test_stage_decides_a_truck_driver_as_a_lawful_trade_traveler() -> None:
    from datetime import UTC, date, datetime

    import numpy as np

    from smartborder.declarations import parse_truck
    from smartborder.demo.synthetic import generate_trucks
    from smartborder.preclearance.stages import DecisionDraft

    stage = AdmissibilityStage("covid-us-land-2020")
    records = generate_trucks("2304", date(2022, 2, 1), 40, rng=np.random.default_rng(3))
    now = datetime(2022, 1, 31, tzinfo=UTC)
    assert "MEX" in {r["driver"]["nationality"] for r in records}
    for record in records:
        truck = parse_truck(record, now=now)
        draft = DecisionDraft(now=now, agency="cbp", stage="admissibility")
        stage.run(truck, draft)
        # A layered plan cites every deciding policy: the COVID phase's and the baseline's.
        reasons = draft.reasons
        assert reasons and len({r.outcome for r in reasons}) == 1, reasons
        reason = reasons[0]
        doc = truck.driver.travel_document
        us_resident = doc is not None and doc.type == "permanent_resident_card"
        if truck.driver.nationality == "USA" or us_resident:
            assert reason.outcome.value == "release"
        else:
            # 2022: drivers are no longer exempt as essential travel; no vaccination data → review
            assert reason.outcome.value == "documentary_review", reason
            assert reason.message_en.startswith("driver: Review: missing")
