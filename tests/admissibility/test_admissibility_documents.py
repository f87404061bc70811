"""The standing document rules (baseline-us-mx): passport, visa or Border Crossing Card with
its border zone (25 miles; 55 in New Mexico; 75 in Arizona; up to 30 days — 8 CFR 212.1(c)(1),
235.1(h)(1)), Mexico's FMM beyond the border zone or after 72 hours, and bad input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartborder.admissibility import (
    DEFAULT_PLAN,
    Outcome,
    PlanInvalid,
    Traveler,
    TravelerInvalid,
    compile_plan,
    evaluate,
    parse_plan,
)

NOW = datetime.fromisoformat("2026-12-10T10:00:00-08:00")


def mexican_with_bcc(miles: float, days: int = 3) -> Traveler:
    return Traveler(
        nationality="MEX",
        purpose="tourism",
        documents=["border_crossing_card"],
        destination_distance_miles=miles,
        stay_days=days,
    )


def test_the_baseline_is_the_default_plan() -> None:
    assert DEFAULT_PLAN == "baseline-us-mx"


def test_guatemalan_tourist_without_visa_is_refused_with_the_cited_rule() -> None:
    tourist = Traveler(nationality="GTM", purpose="tourism", documents=["passport"])
    result = evaluate(tourist, port="2504", at=NOW)
    assert result.decision is Outcome.DENY
    assert result.policies == ["baseline-us-mx/usa-visa-or-bcc"]
    assert "8 CFR 212.1(c)(1)" in result.reasons[0].en
    assert "visa estadounidense" in result.reasons[0].es
    assert result.version.startswith("baseline-us-mx@")
    assert [b.policy for b in result.bring] == [
        "baseline-us-mx/usa-travel-document",
        "baseline-us-mx/usa-visa-or-bcc",
    ]
    with_visa = tourist.model_copy(update={"documents": ("passport", "us_visa")})
    assert evaluate(with_visa, port="2504", at=NOW).decision is Outcome.ADMIT


def test_unstated_documents_are_reviewed_never_admitted() -> None:
    result = evaluate(Traveler(nationality="GTM", purpose="tourism"), port="2504", at=NOW)
    assert result.decision is Outcome.REVIEW
    assert result.missing == ["documents_complete"]


@pytest.mark.parametrize(
    ("port", "miles", "days", "outcome", "policy"),
    [
        ("2504", 25, 30, "admit", None),  # San Ysidro, California: 25 miles
        ("2504", 25.1, 3, "deny", "baseline-us-mx/usa-visa-or-bcc"),
        ("2504", 10, 31, "deny", "baseline-us-mx/usa-visa-or-bcc"),  # over 30 days
        ("2304", 26, 3, "deny", "baseline-us-mx/usa-visa-or-bcc"),  # Laredo, Texas
        ("2406", 55, 3, "admit", None),  # Columbus, New Mexico: 55 miles
        ("2408", 56, 3, "deny", "baseline-us-mx/usa-visa-or-bcc-new-mexico"),  # Santa Teresa
        ("2402", 40, 3, "deny", "baseline-us-mx/usa-visa-or-bcc"),  # El Paso is in Texas
        ("2604", 75, 3, "admit", None),  # Nogales, Arizona: 75 miles
        ("260401", 76, 3, "deny", "baseline-us-mx/usa-visa-or-bcc-arizona"),  # a Nogales crossing
    ],
)
def test_border_crossing_card_zone(
    port: str, miles: float, days: int, outcome: str, policy: str | None
) -> None:
    result = evaluate(mexican_with_bcc(miles, days), port=port, at=NOW)
    assert result.decision == Outcome(outcome), result.reasons
    if policy:
        assert result.policies == [policy]


def test_bcc_beyond_the_zone_with_an_i94_is_admitted_and_distance_in_km_counts() -> None:
    far = mexican_with_bcc(120).model_copy(update={"documents": ("border_crossing_card", "i94")})
    assert evaluate(far, port="2504", at=NOW).decision is Outcome.ADMIT
    km = Traveler(
        nationality="MEX",
        documents=["border_crossing_card"],
        destination_distance_km=40.2336,  # 25 miles exactly
        stay_days=1,
    )
    assert evaluate(km, port="2504", at=NOW).decision is Outcome.ADMIT
    unknown = Traveler(nationality="MEX", documents=["border_crossing_card"])
    review = evaluate(unknown, port="2504", at=NOW)
    assert review.decision is Outcome.REVIEW
    assert review.missing == ["destination_distance_m", "stay_days"]


def test_bcc_is_for_mexican_nationals_and_citizens_need_no_visa() -> None:
    guatemalan = mexican_with_bcc(5).model_copy(update={"nationality": "GTM"})
    assert evaluate(guatemalan, port="2504", at=NOW).decision is Outcome.DENY
    citizen = Traveler(nationality="USA", documents=["passport_card"])
    assert evaluate(citizen, port="2504", at=NOW).decision is Outcome.ADMIT
    # A passport card is a U.S. citizen's document only.
    card = Traveler(nationality="MEX", documents=["passport_card", "us_visa"])
    denied = evaluate(card, port="2504", at=NOW)
    assert denied.policies == ["baseline-us-mx/usa-travel-document"]
    lpr = Traveler(
        nationality="MEX", lawful_resident_of=["USA"], documents=["permanent_resident_card"]
    )
    assert evaluate(lpr, port="2504", at=NOW).decision is Outcome.ADMIT


@pytest.mark.parametrize(
    ("traveler", "outcome"),
    [
        # An American visiting Tijuana for the day: no FMM within the border zone, 72 hours.
        (
            {
                "nationality": "USA",
                "documents": ["passport"],
                "destination_distance_km": 8,
                "stay_days": 1,
            },
            "admit",
        ),
        (
            {
                "nationality": "USA",
                "documents": ["passport"],
                "destination_distance_km": 8,
                "stay_days": 5,
            },
            "deny",
        ),
        (
            {
                "nationality": "USA",
                "documents": ["passport"],
                "destination_distance_km": 300,
                "stay_days": 2,
            },
            "deny",
        ),
        (
            {
                "nationality": "USA",
                "documents": ["passport", "fmm"],
                "destination_distance_km": 300,
                "stay_days": 20,
            },
            "admit",
        ),
        (
            {
                "nationality": "USA",
                "documents": ["passport_card"],
                "destination_distance_km": 8,
                "stay_days": 1,
            },
            "deny",
        ),
        ({"nationality": "MEX", "documents": ["mx_voter_id"]}, "admit"),  # Mexicans come home
        ({"nationality": "USA", "documents": ["passport"]}, "review"),  # how far, how long?
    ],
)
def test_mexico_fmm_beyond_the_border_zone_or_72_hours(
    traveler: dict[str, Any], outcome: str
) -> None:
    result = evaluate(traveler, port="2504", at=NOW, direction="southbound")
    assert result.destination == "MEX"
    assert result.decision == Outcome(outcome), result.reasons
    if (
        outcome == "deny"
        and "fmm" not in traveler["documents"]
        and "passport" in traveler["documents"]
    ):
        assert result.policies == ["baseline-us-mx/mex-fmm-beyond-border-zone"]
        assert "Ley de Migración" in result.reasons[0].en


def test_unknown_program_nationality_purpose_and_document_list_the_allowed_values() -> None:
    cases = {
        "trusted_traveler": (["SENTRY"], "FAST, GLOBAL_ENTRY, NEXUS, SENTRI"),
        "trusted_traveler_declared": (["SENTRY"], "FAST, GLOBAL_ENTRY, NEXUS, SENTRI"),
        "nationality": ("XXX", "MEX"),
        "purpose": ("smuggling", "tourism"),
        "documents": (["visa"], "us_visa"),
    }
    for field, (value, allowed) in cases.items():
        with pytest.raises(TravelerInvalid) as info:
            evaluate({field: value}, port="2504", at=NOW)
        problem = info.value.problems[0]
        assert problem.pointer == f"/{field}", field
        assert problem.code == "admissibility.unknown_value"
        assert "allowed values" in problem.message.en and allowed in problem.message.en
        assert "valores permitidos" in problem.message.es


def test_sentry_is_a_422_listing_the_allowed_programs(api: TestClient) -> None:
    body = {
        "traveler": {"nationality": "MEX", "trusted_traveler_declared": ["SENTRY"]},
        "port": "2504",
        "at": "2026-12-10T10:00:00-08:00",
    }
    r = api.post("/admissibility/evaluate", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    (error,) = r.json()["errors"]
    assert error["pointer"] == "/trusted_traveler_declared"
    assert "FAST, GLOBAL_ENTRY, NEXUS, SENTRI" in error["message"]
    es = api.post("/admissibility/evaluate", json=body, headers={"Accept-Language": "es"})
    assert "valores permitidos" in es.json()["errors"][0]["message"]


def test_plan_with_an_unknown_program_or_document_is_refused() -> None:
    text = """
id: bad-plan
title: {en: x, es: x}
blocks:
  - country: USA
    requirements:
      - id: r
        title: {en: x, es: x}
        satisfied_by: [["trusted-traveler:SENTRY"], ["document:visa"]]
        deny_reason: {en: x, es: x}
        bring: {en: x, es: x}
        sources: ["x"]
"""
    with pytest.raises(PlanInvalid) as info:
        compile_plan(parse_plan(text))
    pointers = [p.pointer for p in info.value.problems]
    assert pointers == [
        "/blocks/0/requirements/0/satisfied_by/0/0",
        "/blocks/0/requirements/0/satisfied_by/1/0",
    ]
    no_source = text.replace('        sources: ["x"]\n', "")
    with pytest.raises(PlanInvalid) as missing:
        parse_plan(no_source)
    assert any(p.pointer.endswith("/sources") for p in missing.value.problems)


def test_a_layer_cannot_lift_a_requirement_of_the_plan_under_it() -> None:
    text = """
id: open-door
title: {en: open, es: abierto}
layers_over: baseline-us-mx
blocks:
  - country: USA
    phases:
      - id: all
        title: {en: all, es: todos}
        admit: [everyone]
"""
    guatemalan = Traveler(nationality="GTM", purpose="tourism", documents=["passport"])
    result = evaluate(guatemalan, port="2504", at=NOW, plan=parse_plan(text))
    assert result.decision is Outcome.DENY
    assert result.policies == ["baseline-us-mx/usa-visa-or-bcc"]


def test_declaration_documents_map_into_the_request() -> None:
    from smartborder.admissibility import traveler_from_declaration
    from smartborder.declarations import parse_traveler

    record = {
        "kind": "traveler",
        "port_code": "2504",
        "direction": "northbound",
        "expected_arrival": "2026-12-10T10:00:00-08:00",
        "family_name": "LOPEZ",
        "given_names": "ANA",
        "date_of_birth": "1990-01-01",
        "nationality": "GTM",
        "document": {
            "type": "passport",
            "number": "P1234567",
            "issuing_country": "GTM",
            "expires_on": "2030-01-01",
        },
        "purpose": "tourism",
        "trusted_traveler": {"program": "sentri", "number": "123456789"},
    }
    now = datetime.fromisoformat("2026-12-09T10:00:00-08:00")
    old = traveler_from_declaration(parse_traveler(record, now=now))
    assert old.documents == ("passport",) and not old.lists_every_document
    assert old.trusted_traveler == () and old.trusted_traveler_declared == ("SENTRI",)
    assert evaluate(old, port="2504", at=NOW).decision is Outcome.REVIEW  # a visa unsaid
    new = traveler_from_declaration(
        parse_traveler({**record, "other_documents": [], "stay_days": 5}, now=now)
    )
    assert new.lists_every_document and new.stay_days == 5
    assert evaluate(new, port="2504", at=NOW).decision is Outcome.DENY


def test_request_classes_decide_like_cedar_in_both_directions() -> None:
    """Classes by the facts each destination's rules read (distances, stays, documents) decide
    exactly as Cedar asked one request at a time over the whole set."""
    from datetime import date

    import numpy as np

    from smartborder.admissibility import policies_for, request_for
    from smartborder.admissibility.cedar import decide_batch
    from smartborder.admissibility.impact import trip_from_record
    from smartborder.demo.synthetic import generate_travelers

    rng = np.random.default_rng(13)
    trips = [
        trip_from_record(rec)
        for port in ("2504", "2406", "2604", "2304")
        for direction in ("northbound", "southbound")
        for rec in generate_travelers(port, date(2022, 1, 21), 60, rng=rng, direction=direction)
    ]
    requests = [request_for(t.traveler, port=t.port, at=t.at, direction=t.direction) for t in trips]
    policies = policies_for("covid-us-land-2020")
    policies.memo.clear()
    fast = decide_batch(policies, requests)
    assert fast == decide_batch(policies, requests, memo=False, whole=True)
    assert {v.decision for v in fast} == {"admit", "deny", "review"}
