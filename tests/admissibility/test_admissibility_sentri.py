"""The SENTRI-first proposal for San Diego–Tijuana; other regions follow the plan in force."""

from __future__ import annotations

from datetime import datetime

import pytest

from smartborder.admissibility import Outcome, Traveler, evaluate

PLAN = "sentri-first-sd-tj"
# Each carries what the standing document rules ask (a Border Crossing Card, within 10 miles
# for two days), so the reopening phases alone decide them.
BCC_VISIT = {
    "documents": ["border_crossing_card"],
    "destination_distance_miles": 10,
    "stay_days": 2,
}
SENTRI = Traveler(
    nationality="MEX",
    age=40,
    purpose="tourism",
    fully_vaccinated=False,
    trusted_traveler=["SENTRI"],  # verified (a credential the credentials stage verified)
    **BCC_VISIT,
)
DECLARED_SENTRI = SENTRI.model_copy(
    update={"trusted_traveler": (), "trusted_traveler_declared": ("SENTRI",)}
)
TOURIST = Traveler(
    nationality="MEX",
    age=40,
    purpose="tourism",
    fully_vaccinated=False,
    vaccination_proof=False,
    **BCC_VISIT,
)
VACCINATED = Traveler(
    nationality="MEX",
    age=40,
    purpose="tourism",
    fully_vaccinated=True,
    vaccination_proof=True,
    **BCC_VISIT,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_sentri_member_in_san_ysidro_admitted_in_phase_1_while_tourist_in_laredo_follows_baseline() -> (
    None
):
    when = at("2021-04-01T09:00:00-07:00")
    member = evaluate(SENTRI, port="2504", at=when, plan=PLAN)
    assert member.decision is Outcome.ADMIT
    # The phase's permit and the baseline's standing permit both admit (a layer is a union).
    assert member.policies == [
        "sentri-first-sd-tj/phase-1/trusted-traveler:SENTRI",
        "baseline-us-mx/usa-documents",
    ]
    laredo = evaluate(TOURIST, port="2304", at=when, plan=PLAN)
    assert laredo.decision is Outcome.DENY
    assert laredo.policies == ["covid-us-land-2020/phase-1"]
    assert laredo.version.startswith("sentri-first-sd-tj@")


def test_declared_sentri_membership_is_not_enough_the_plan_needs_a_verified_one() -> None:
    when = at("2021-04-01T09:00:00-07:00")
    declared = evaluate(DECLARED_SENTRI, port="2504", at=when, plan=PLAN)
    assert declared.decision is Outcome.DENY
    assert declared.policies == ["sentri-first-sd-tj/phase-1"]
    assert evaluate(SENTRI, port="2504", at=when, plan=PLAN).decision is Outcome.ADMIT


def test_sentri_member_outside_the_region_is_not_favored() -> None:
    result = evaluate(SENTRI, port="2304", at=at("2021-04-01T09:00:00-05:00"), plan=PLAN)
    assert result.decision is Outcome.DENY


@pytest.mark.parametrize(
    ("traveler", "port", "instant", "outcome", "policy"),
    [
        # before the proposal's first phase the region follows the base plan
        (SENTRI, "2504", "2021-02-28T12:00:00-08:00", "deny", "covid-us-land-2020/phase-1"),
        (TOURIST, "2504", "2021-04-01T09:00:00-07:00", "deny", "sentri-first-sd-tj/phase-1"),
        (VACCINATED, "2506", "2021-05-31T09:00:00-07:00", "deny", "sentri-first-sd-tj/phase-1"),
        (
            VACCINATED,
            "2506",
            "2021-06-01T09:00:00-07:00",
            "admit",
            "sentri-first-sd-tj/phase-2/fully-vaccinated",
        ),
        (TOURIST, "2505", "2021-07-01T09:00:00-07:00", "deny", "sentri-first-sd-tj/phase-2"),
        (
            SENTRI,
            "2505",
            "2021-07-01T09:00:00-07:00",
            "admit",
            "sentri-first-sd-tj/phase-2/trusted-traveler:SENTRI",
        ),
        (TOURIST, "2582", "2021-09-01T09:00:00-07:00", "admit", "sentri-first-sd-tj/phase-3"),
        (TOURIST, "2604", "2021-09-01T09:00:00-07:00", "deny", "covid-us-land-2020/phase-1"),
        # after the proposal's last phase, the base plan's end of restrictions applies
        (TOURIST, "2504", "2023-06-01T09:00:00-07:00", "admit", "covid-us-land-2020/ended"),
        (TOURIST, "2504", "2022-02-01T09:00:00-08:00", "admit", "sentri-first-sd-tj/phase-3"),
        (TOURIST, "2402", "2022-02-01T09:00:00-07:00", "deny", "covid-us-land-2020/phase-3"),
    ],
)
def test_sentri_first_by_region_and_phase(
    traveler: Traveler, port: str, instant: str, outcome: str, policy: str
) -> None:
    result = evaluate(traveler, port=port, at=at(instant), plan=PLAN)
    assert result.decision == Outcome(outcome)
    assert policy in result.policies


def test_crossing_of_cross_border_xpress_is_in_the_region() -> None:
    result = evaluate(SENTRI, port="2582", at=at("2021-04-01T09:00:00-07:00"), plan=PLAN)
    assert result.decision is Outcome.ADMIT
