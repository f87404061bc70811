"""Data Integrity through the recipes: issue → verify with each cryptosuite; tampering caught."""

from __future__ import annotations

import pytest
from cred_fixtures import NOW, carta_porte, make_issuer, own_types, resolver

from conftest import shared_path
from smartborder.credentials import recipes
from smartborder.credentials.primitives.contexts import ContextStore


@pytest.fixture(scope="module")
def contexts() -> ContextStore:
    return ContextStore([shared_path("conformance", "contexts")])


@pytest.mark.parametrize(
    ("suite", "key_type"),
    [
        ("eddsa-rdfc-2022", "Ed25519"),
        ("eddsa-jcs-2022", "Ed25519"),
        ("ecdsa-rdfc-2019", "P-384"),
        ("ecdsa-jcs-2019", "P-256"),
    ],
)
def test_issue_then_verify_and_tamper(suite: str, key_type: str, contexts: ContextStore) -> None:
    issuer = make_issuer(key_type)
    signed = recipes.issue(
        carta_porte(),
        key=issuer.key,
        verification_method=issuer.vm,
        now=NOW,
        types=own_types(),
        suite=suite,
        contexts=contexts,
    )
    assert isinstance(signed, dict) and signed["proof"]["cryptosuite"] == suite
    ok = recipes.verify(signed, now=NOW, resolver=resolver(), types=own_types(), contexts=contexts)
    assert ok.verified, ok.errors
    assert ok.format == "data-integrity" and ok.credential_type == "CartaPorteCredential"
    signed["credentialSubject"]["figuraTransporte"][0]["nombreFigura"] = "Someone Else"
    bad = recipes.verify(signed, now=NOW, resolver=resolver(), types=own_types(), contexts=contexts)
    assert not bad.verified and bad.failed_checks == ["proof"]


def test_unknown_context_is_refused_offline(contexts: ContextStore) -> None:
    issuer = make_issuer("Ed25519")
    cred = carta_porte()
    cred["@context"] = [*cred["@context"], "https://attacker.example/context.jsonld"]
    with pytest.raises(Exception, match="context"):
        recipes.issue(
            cred,
            key=issuer.key,
            verification_method=issuer.vm,
            now=NOW,
            types=own_types(),
            suite="eddsa-rdfc-2022",
            contexts=contexts,
        )
