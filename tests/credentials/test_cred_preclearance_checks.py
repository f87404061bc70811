"""Credentials in pre-clearance: each failure class keeps a truck out of release and names the
failed check; valid credentials about the truck verify and their claims reach the decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from precl_fixtures import World, forge, make_world, tamper, usmca_shipment, usmca_truck

from conftest import shared_path
from smartborder.credentials import attach
from smartborder.preclearance import CredentialsStage, Outcome

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(
        tmp_path_factory.mktemp("precl"),
        shared_path("conformance", "traceability-vocab"),
        shared_path("conformance", "contexts"),
        now=NOW,
    )


@pytest.fixture(scope="module")
def truck() -> dict[str, Any]:
    return usmca_truck(NOW)


def _valid_set(world: World, truck: dict[str, Any]) -> list[Any]:
    return [
        world.issue(
            "exporter",
            "USMCACertificationOfOrigin",
            attach.usmca_subject(usmca_shipment(truck)),
            now=NOW,
        ),
        world.issue("cbp", "CTPATCertificate", attach.ctpat_subject(truck), now=NOW),
    ]


def _decide(world: World, truck: dict[str, Any], presentations: list[Any]) -> Any:
    return world.pipeline.decide({**truck, "presentations": presentations}, now=NOW)


def _stage(world: World) -> CredentialsStage:
    stage = world.pipeline.stages[1]
    assert isinstance(stage, CredentialsStage)
    return stage


def test_valid_usmca_and_ctpat_verify_and_their_claims_reach_the_decision(
    world: World, truck: dict[str, Any]
) -> None:
    presentations = _valid_set(world, truck)
    baseline = _decide(world, truck, [])
    decision = _decide(world, truck, presentations)
    # nothing failed: the credentials add no friction, and what they prove earns risk credits
    assert not [c for c in decision.codes if c.startswith("credentials.check.")]
    assert {"risk.truck.ctpat_verified", "risk.truck.usmca_verified"} <= set(decision.codes)
    assert not {"risk.truck.ctpat_verified", "risk.truck.usmca_verified"} & set(baseline.codes)
    assert decision.risk_score is not None and baseline.risk_score is not None
    assert decision.risk_score <= baseline.risk_score - 10
    assert "risk.truck.no_ctpat" not in decision.codes  # proven partnership overrides declared
    verified = next(r for r in decision.reasons if r.code == "credentials.verified")
    assert "USMCACertificationOfOrigin" in verified.message_en
    assert "CTPATCertificate" in verified.message_en and "Verificadas" in verified.message_es
    declaration = world.pipeline.parse({**truck, "presentations": presentations}, now=NOW)
    claims = _stage(world).claims(declaration)
    assert claims is not None
    assert claims["ctpat"] is True and claims["usmca_certified"] is True


def test_nothing_attached_is_said_without_blocking(world: World, truck: dict[str, Any]) -> None:
    decision = _decide(world, truck, [])
    reason = next(r for r in decision.reasons if r.code == "credentials.none_attached")
    assert reason.outcome is Outcome.RELEASE and reason.message_es


def _check_caught(decision: Any, code: str) -> None:
    assert decision.outcome is not Outcome.RELEASE, decision.codes
    failed = [r for r in decision.reasons if r.code == code]
    assert failed, decision.codes
    assert failed[0].outcome is not Outcome.RELEASE
    assert failed[0].message_en and failed[0].message_es
    assert failed[0].message_en != failed[0].message_es


def test_forged_signature_is_caught(world: World, truck: dict[str, Any]) -> None:
    usmca, ctpat = _valid_set(world, truck)
    decision = _decide(world, truck, [usmca, forge(ctpat)])
    _check_caught(decision, "credentials.check.proof")
    assert decision.outcome is Outcome.INSPECT


def test_tampered_field_is_caught(world: World, truck: dict[str, Any]) -> None:
    usmca, ctpat = _valid_set(world, truck)
    decision = _decide(world, truck, [usmca, tamper(ctpat, {"tier": "Trusted Trader"})])
    _check_caught(decision, "credentials.check.proof")


def test_tampered_data_integrity_credential_is_caught(world: World, truck: dict[str, Any]) -> None:
    cp = world.issue(
        "carrier",
        "CartaPorteCredential",
        attach.carta_porte_subject(truck),
        now=NOW,
        fmt="eddsa-jcs-2022",
    )
    assert isinstance(cp, dict) and "proof" in cp
    assert "credentials.verified" in _decide(world, truck, [cp]).codes
    altered = {**cp, "credentialSubject": {**cp["credentialSubject"], "transpInternac": "No"}}
    _check_caught(_decide(world, truck, [altered]), "credentials.check.proof")


def test_revoked_credential_is_caught(world: World, truck: dict[str, Any]) -> None:
    usmca, ctpat = _valid_set(world, truck)
    world.set_status(ctpat, "revocation", org="cbp", now=NOW)
    decision = _decide(world, truck, [usmca, ctpat])
    _check_caught(decision, "credentials.check.revoked")
    assert "revoked" in next(r for r in decision.reasons if r.code.endswith("revoked")).message_en
    assert "risk.truck.ctpat_verified" not in decision.codes  # a revoked certificate proves nothing


def test_suspended_credential_is_caught(world: World, truck: dict[str, Any]) -> None:
    usmca, ctpat = _valid_set(world, truck)
    world.set_status(usmca, "suspension", org="exporter", now=NOW)
    decision = _decide(world, truck, [usmca, ctpat])
    _check_caught(decision, "credentials.check.suspended")


def test_expired_credential_is_caught(world: World, truck: dict[str, Any]) -> None:
    old = world.issue(
        "cbp",
        "CTPATCertificate",
        attach.ctpat_subject(truck),
        now=NOW,
        validFrom=(NOW - timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        validUntil=(NOW - timedelta(days=35)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    _check_caught(_decide(world, truck, [old]), "credentials.check.expired")


def test_untrusted_issuer_is_caught(world: World, truck: dict[str, Any]) -> None:
    # The broker signs a perfectly good C-TPAT certificate, but only CBP is accredited for it.
    ctpat = world.issue("broker", "CTPATCertificate", attach.ctpat_subject(truck), now=NOW)
    decision = _decide(world, truck, [ctpat])
    _check_caught(decision, "credentials.check.untrusted")
    reason = next(r for r in decision.reasons if r.code == "credentials.check.untrusted")
    assert "broker" in reason.message_en and "registro de confianza" in reason.message_es


def test_unrelated_credential_is_caught(world: World, truck: dict[str, Any]) -> None:
    other = {**truck, "scac": "ZZZZ", "carrier": {"name": "OTRO TRANSPORTE SA DE CV"}}
    ctpat = world.issue("cbp", "CTPATCertificate", attach.ctpat_subject(other), now=NOW)
    decision = _decide(world, truck, [ctpat])
    _check_caught(decision, "credentials.check.unrelated")
    shipment = usmca_shipment(truck)
    wrong_goods = {
        **shipment,
        "usmca": None,
        "lines": [{**shipment["lines"][0], "hs_code": "010121", "description": "Live horses"}],
    }
    usmca = world.issue(
        "exporter", "USMCACertificationOfOrigin", attach.usmca_subject(wrong_goods), now=NOW
    )
    _check_caught(_decide(world, truck, [usmca]), "credentials.check.unrelated")


def test_southbound_agency_uses_the_mexican_accreditations(
    world: World, truck: dict[str, Any]
) -> None:
    # CBP accredits the exporter's USMCA certificates; ANAM's registry (MX) does not list it.
    south = {**truck, "direction": "southbound"}
    usmca = world.issue(
        "exporter",
        "USMCACertificationOfOrigin",
        attach.usmca_subject(usmca_shipment(truck)),
        now=NOW,
    )
    decision = world.pipeline.decide({**south, "presentations": [usmca]}, now=NOW)
    assert decision.agencies == ["anam"]
    _check_caught(decision, "credentials.check.untrusted")
