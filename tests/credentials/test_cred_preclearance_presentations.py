"""Presentations attached to a declaration, the registry's reload, and offline resolution."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from precl_fixtures import World, make_world, usmca_shipment, usmca_truck

from conftest import shared_path
from smartborder.credentials import attach
from smartborder.credentials.primitives import jose
from smartborder.credentials.primitives.keys import KeyType, PrivateKey
from smartborder.credentials.recipes import issue
from smartborder.credentials.trust import StoredTrust, TrustEntry, add_entry
from smartborder.credentials.types import CredentialTypes
from smartborder.preclearance import Outcome
from smartborder.store import transaction

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(
        tmp_path_factory.mktemp("precl-vp"),
        shared_path("conformance", "traceability-vocab"),
        shared_path("conformance", "contexts"),
        now=NOW,
    )


@pytest.fixture(scope="module")
def truck() -> dict[str, Any]:
    return usmca_truck(NOW)


def _signed_presentation(world: World, truck: dict[str, Any]) -> dict[str, Any]:
    creds = [
        world.issue(
            "exporter",
            "USMCACertificationOfOrigin",
            attach.usmca_subject(usmca_shipment(truck)),
            now=NOW,
        ),
        world.issue("cbp", "CTPATCertificate", attach.ctpat_subject(truck), now=NOW),
    ]
    return world.svc.prove(
        org="carrier", presentation={"verifiableCredential": creds}, options={}, now=NOW
    )


def test_a_signed_presentation_verifies_with_each_credential(
    world: World, truck: dict[str, Any]
) -> None:
    vp = _signed_presentation(world, truck)
    assert vp["type"] == "EnvelopedVerifiablePresentation"
    decision = world.pipeline.decide({**truck, "presentations": [vp]}, now=NOW)
    verified = next(r for r in decision.reasons if r.code == "credentials.verified")
    assert "USMCACertificationOfOrigin" in verified.message_en
    assert "CTPATCertificate" in verified.message_en
    assert not [c for c in decision.codes if c.startswith("credentials.check.")]


def test_a_presentation_whose_proof_fails_is_caught(world: World, truck: dict[str, Any]) -> None:
    vp = _signed_presentation(world, truck)
    token = vp["id"].removeprefix("data:application/vp+jwt,")
    header = jose.read_header(token)
    forged = jose.sign_jwt(
        jose.unverified_claims(token),
        key=PrivateKey.generate(KeyType.P384),
        kid=header["kid"],
        typ=jose.VP_JWT,
    )
    decision = world.pipeline.decide({**truck, "presentations": [forged]}, now=NOW)
    assert "credentials.check.presentation" in decision.codes
    assert decision.outcome is Outcome.INSPECT


def test_a_credential_from_another_node_is_not_fetched(world: World, truck: dict[str, Any]) -> None:
    # did:web of another host: resolving it would need the network, which pre-clearance never
    # uses; the proof cannot be checked, so it fails (and nothing was fetched).
    key = PrivateKey.generate(KeyType.P384)
    vm = "did:web:border.example.org:orgs:cbp#key-1"
    token = issue(
        attach.credential("CTPATCertificate", attach.ctpat_subject(truck)),
        key=key,
        verification_method=vm,
        now=NOW,
        types=CredentialTypes(vocab_dir=shared_path("conformance", "traceability-vocab")),
    )
    decision = world.pipeline.decide({**truck, "presentations": [token]}, now=NOW)
    assert "credentials.check.proof" in decision.codes
    assert decision.outcome is not Outcome.RELEASE


def test_a_malformed_item_is_a_failed_proof_not_a_crash(
    world: World, truck: dict[str, Any]
) -> None:
    decision = world.pipeline.decide(
        {**truck, "presentations": ["not-a-credential-at-all", {"type": "VerifiableCredential"}]},
        now=NOW,
    )
    assert (
        decision.codes.count("credentials.check.proof")
        + decision.codes.count("credentials.check.datamodel")
        >= 2
    )
    assert decision.outcome is not Outcome.RELEASE


def test_stored_trust_reloads_after_its_ttl(world: World) -> None:
    clock = [0.0]
    trust = StoredTrust(world.sessions, ttl_s=30.0, clock=lambda: clock[0])
    issuer = "did:web:127.0.0.1%3A8000:orgs:new-customs-lab"
    assert not trust.registry().accredited(issuer, "CTPATCertificate", "US")
    with transaction(world.sessions) as session:
        add_entry(
            session,
            TrustEntry(issuer=issuer, credential_type="CTPATCertificate", country="US"),
            added_by="tests",
            now=NOW,
        )
    clock[0] = 29.0
    assert not trust.registry().accredited(issuer, "CTPATCertificate", "US")  # still cached
    clock[0] = 31.0
    assert trust.registry().accredited(issuer, "CTPATCertificate", "US")
    assert not trust.registry().accredited(issuer, "CTPATCertificate", "MX")
