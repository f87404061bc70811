"""A traveler's SENTRI and vaccination credentials (SD-JWT VC, date of birth withheld) verify
in pre-clearance and feed the admissibility stage; someone else's do not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from precl_fixtures import World, make_world, present

from conftest import shared_path
from smartborder.credentials import attach
from smartborder.preclearance import CredentialsStage, Outcome

# Phase 3 of the 2020 land-border restrictions (from 22 January 2022): non-citizens need proof
# of vaccination, so a verified vaccination credential changes the admissibility decision.
NOW = datetime(2022, 2, 1, 12, 0, tzinfo=UTC)
TRAVELER: dict[str, Any] = {
    "kind": "traveler",
    "port_code": "2504",
    "direction": "northbound",
    "expected_arrival": "2022-02-02T10:00:00-08:00",
    "family_name": "FLORES",
    "given_names": "JUAN",
    "date_of_birth": "1960-05-19",
    "nationality": "MEX",
    "document": {
        "type": "border_crossing_card",
        "number": "V2JTC68NT",
        "issuing_country": "USA",
        "expires_on": "2032-04-26",
    },
    "purpose": "tourism",
    "vehicle_plate": {"number": "14WUB7G", "region": "BCN", "country": "MEX"},
    "trusted_traveler": {"program": "sentri", "number": "123456789"},
    # The trip facts the standing document rules read: a BCC holder staying near the border.
    "other_documents": [],
    "destination_distance_miles": 12,
    "stay_days": 1,
}
SHOWN = ["givenName", "familyName", "passId"]  # the date of birth stays with the traveler


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = make_world(
        tmp_path_factory.mktemp("precl-trav"),
        shared_path("conformance", "traceability-vocab"),
        shared_path("conformance", "contexts"),
        now=NOW,
    )
    # The baseline plan is the default; these cases are about the 2022 COVID rules (a layer
    # over it), so the admissibility stage decides with that plan.
    from smartborder.admissibility import policies_for
    from smartborder.preclearance.admissibility_stage import AdmissibilityStage

    for stage in world.pipeline.stages:
        if isinstance(stage, AdmissibilityStage):
            stage.policies = policies_for("covid-us-land-2020").warm()
    return world


def _credentials(world: World, person: dict[str, Any]) -> list[str]:
    tt = attach.trusted_traveler_subject(person)
    assert tt is not None
    sentri = world.issue("cbp", "TrustedTravelerCredential", tt, now=NOW, fmt="dc+sd-jwt")
    vax = world.issue(
        "salud",
        "VaccinationCredential",
        attach.vaccination_subject(person),
        now=NOW,
        fmt="dc+sd-jwt",
    )
    return [present(sentri, SHOWN, NOW), present(vax, ["givenName", "familyName"], NOW)]


def _stage(world: World) -> CredentialsStage:
    stage = world.pipeline.stages[1]
    assert isinstance(stage, CredentialsStage)
    return stage


def test_sentri_and_vaccination_feed_admissibility(world: World) -> None:
    without = world.pipeline.decide(TRAVELER, now=NOW)
    assert "admissibility.review" in without.codes  # no proof of vaccination: review
    presented = _credentials(world, TRAVELER)
    assert all("birthDate" not in p for p in presented)
    decision = world.pipeline.decide({**TRAVELER, "presentations": presented}, now=NOW)
    assert "credentials.verified" in decision.codes
    assert not [c for c in decision.codes if c.startswith("credentials.check.")]
    assert "admissibility.admit" in decision.codes
    assert any("fully-vaccinated" in r.rule_id for r in decision.reasons)
    assert decision.outcome is Outcome.RELEASE and decision.lane == "sentri"
    claims = _stage(world).claims(
        world.pipeline.parse({**TRAVELER, "presentations": presented}, now=NOW)
    )
    assert claims == {
        "fully_vaccinated": True,
        "vaccination_proof": True,
        "trusted_traveler": ("SENTRI",),
        "trusted_traveler_verified": ("SENTRI",),
    }
    # risk reads the proven membership: a credit beside the decision's other reasons
    assert "risk.traveler.trusted_traveler_verified" in decision.codes


def test_someone_elses_credentials_are_caught_and_give_no_claims(world: World) -> None:
    stranger = {**TRAVELER, "family_name": "PEREZ", "given_names": "MARIA"}
    presented = _credentials(world, stranger)
    decision = world.pipeline.decide({**TRAVELER, "presentations": presented}, now=NOW)
    caught = [r for r in decision.reasons if r.code == "credentials.check.unrelated"]
    assert len(caught) == 2 and all(r.outcome is Outcome.INSPECT for r in caught)
    assert decision.outcome is Outcome.INSPECT
    assert "admissibility.admit" not in decision.codes  # the vaccination claim was not used


def test_a_credential_without_name_or_passid_cannot_be_bound(world: World) -> None:
    tt = attach.trusted_traveler_subject(TRAVELER)
    assert tt is not None
    sentri = world.issue("cbp", "TrustedTravelerCredential", tt, now=NOW, fmt="dc+sd-jwt")
    decision = world.pipeline.decide(
        {**TRAVELER, "presentations": [present(sentri, [], NOW)]}, now=NOW
    )
    reason = next(r for r in decision.reasons if r.code == "credentials.check.unrelated")
    assert "PASSID" in reason.message_en and decision.outcome is not Outcome.RELEASE


def test_suspended_membership_withdraws_the_declared_program(world: World) -> None:
    tt = attach.trusted_traveler_subject(TRAVELER, status="suspended")
    assert tt is not None
    sentri = world.issue("cbp", "TrustedTravelerCredential", tt, now=NOW, fmt="dc+sd-jwt")
    presented = [present(sentri, SHOWN, NOW)]
    decision = world.pipeline.decide({**TRAVELER, "presentations": presented}, now=NOW)
    assert "credentials.check.membership" in decision.codes
    assert decision.outcome is not Outcome.RELEASE
    claims = _stage(world).claims(
        world.pipeline.parse({**TRAVELER, "presentations": presented}, now=NOW)
    )
    assert claims == {"trusted_traveler": (), "trusted_traveler_verified": ()}
    # risk no longer counts the declared SENTRI membership
    assert "risk.traveler.no_trusted_traveler" in decision.codes
    assert "risk.traveler.trusted_traveler_verified" not in decision.codes
