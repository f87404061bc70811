"""The open issuer profile (VC Data Model 2.0 conformance): any credential that satisfies the
data model is issued when the caller asks for it, and verifies with a "no schema known"
warning; schemas still bind the types they describe. The cases follow the normative
statements of VC DM 2.0 that the W3C test suite (w3c/vc-data-model-2.0-test-suite) checks."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from cred_fixtures import NOW, carta_porte, make_issuer, own_types, resolver

from conftest import shared_path
from smartborder.credentials import recipes
from smartborder.credentials.errors import (
    CredentialNonConforming,
    CredentialTypeUnknown,
    SchemaViolation,
)
from smartborder.credentials.primitives import jose
from smartborder.credentials.primitives.contexts import ContextStore

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def example_credential(**extra: Any) -> dict[str, Any]:
    """A credential of a type SmartBorder has no schema for (issuer filled in on issue)."""
    return {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential", "ExampleCredential"],
        "credentialSubject": {"id": "did:example:subject", "alumniOf": "Example University"},
        **extra,
    }


def _issue(doc: dict[str, Any], **options: Any) -> Any:
    issuer = make_issuer("Ed25519")
    return recipes.issue(
        doc,
        key=issuer.key,
        verification_method=issuer.vm,
        now=NOW,
        types=own_types(),
        **options,
    )


def _verify(secured: Any, contexts: ContextStore | None = None) -> recipes.VerificationResult:
    return recipes.verify(
        secured, now=NOW, resolver=resolver(), types=own_types(), contexts=contexts
    )


def test_unknown_type_is_refused_without_the_open_profile() -> None:
    with pytest.raises(CredentialTypeUnknown):
        _issue(example_credential())


POSITIVE: dict[str, Callable[[dict[str, Any]], None]] = {
    "minimal": lambda d: None,
    "validFrom and validUntil": lambda d: d.update(
        validFrom="2026-01-01T00:00:00Z", validUntil="2027-01-01T00:00:00+01:00"
    ),
    "issuer object with a name": lambda d: d.update(
        issuer={"name": "Example University"}  # its id is the signer's DID, filled below
    ),
    "several subjects": lambda d: d.update(
        credentialSubject=[{"id": "did:example:a", "name": "A"}, {"name": "B"}]
    ),
    "subject without id": lambda d: d.update(credentialSubject={"alumniOf": "Example U"}),
    "names in two languages": lambda d: d.update(
        name=[{"@value": "Diploma", "@language": "en"}, {"@value": "Diploma", "@language": "es"}],
        description="An example credential.",
    ),
    "evidence, termsOfUse and a schema reference": lambda d: d.update(
        evidence=[{"type": ["Evidence"], "id": "https://example.org/evidence/1"}],
        termsOfUse={"type": "ExamplePolicy"},
        credentialSchema={"id": "https://example.org/schema.json", "type": "JsonSchema"},
    ),
    "relatedResource with a digest": lambda d: d.update(
        relatedResource=[{"id": "https://example.org/logo.png", "digestSRI": "sha384-abc"}]
    ),
}


@pytest.mark.parametrize("case", list(POSITIVE))
@pytest.mark.parametrize("fmt", ["vc+jwt", "eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_open_profile_issues_and_verifies_a_conforming_credential(case: str, fmt: str) -> None:
    doc = example_credential()
    POSITIVE[case](doc)
    issuer = make_issuer("Ed25519")
    if isinstance(doc.get("issuer"), dict):
        doc["issuer"]["id"] = issuer.did
    store = ContextStore([shared_path("conformance", "contexts")])
    options: dict[str, Any] = {"suite": fmt} if fmt.startswith("eddsa") else {"format": fmt}
    secured = recipes.issue(
        doc,
        key=issuer.key,
        verification_method=issuer.vm,
        now=NOW,
        types=own_types(),
        open_types=True,
        contexts=store,
        **options,
    )
    result = _verify(recipes.unenvelope(secured), store)
    assert result.verified, result.errors
    assert result.credential_type == "ExampleCredential" and result.failed_checks == []
    assert "schema" in result.checks
    assert [w for w in result.warnings if w.startswith("schema:")] == [
        "schema: no schema is known for type 'ExampleCredential'; only the data model was checked"
    ]


NEGATIVE: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "no credentialSubject": (lambda d: d.pop("credentialSubject"), "/credentialSubject"),
    "empty subject list": (lambda d: d.update(credentialSubject=[]), "/credentialSubject"),
    "subject without claims": (lambda d: d.update(credentialSubject={}), "/credentialSubject"),
    "no VerifiableCredential type": (lambda d: d.update(type=["ExampleCredential"]), "/type"),
    "VC 1.1 context first": (
        lambda d: d.update({"@context": ["https://www.w3.org/2018/credentials/v1", EXAMPLES]}),
        "/@context/0",
    ),
    "context item not a URL": (lambda d: d.update({"@context": [V2, "examples"]}), "/@context/1"),
    "id not a URL": (lambda d: d.update(id="credential 42"), "/id"),
    "validFrom without a time zone": (
        lambda d: d.update(validFrom="2026-01-01T00:00:00"),
        "/validFrom",
    ),
    "validUntil before validFrom": (
        lambda d: d.update(validFrom="2026-02-01T00:00:00Z", validUntil="2026-01-01T00:00:00Z"),
        "/validUntil",
    ),
    "issuanceDate (VC 1.1)": (
        lambda d: d.update(issuanceDate="2026-01-01T00:00:00Z"),
        "/issuanceDate",
    ),
    "credentialStatus without type": (
        lambda d: d.update(credentialStatus={"id": "https://example.org/status/1#3"}),
        "/credentialStatus/type",
    ),
    "credentialSchema without id": (
        lambda d: d.update(credentialSchema={"type": "JsonSchema"}),
        "/credentialSchema/id",
    ),
    "evidence without type": (
        lambda d: d.update(evidence={"id": "https://e.example"}),
        "/evidence",
    ),
    "name as a number": (lambda d: d.update(name=42), "/name"),
    "relatedResource without digest": (
        lambda d: d.update(relatedResource=[{"id": "https://example.org/logo.png"}]),
        "/relatedResource/0",
    ),
}


@pytest.mark.parametrize("case", list(NEGATIVE))
def test_open_profile_still_refuses_what_breaks_the_data_model(case: str) -> None:
    doc = example_credential()
    change, pointer = NEGATIVE[case]
    change(doc)
    with pytest.raises(CredentialNonConforming) as caught:
        _issue(doc, open_types=True)
    assert any(p.pointer.startswith(pointer) for p in caught.value.problems), [
        p.pointer for p in caught.value.problems
    ]


def test_open_profile_still_checks_known_schemas() -> None:
    with pytest.raises(SchemaViolation):
        _issue(carta_porte(transpInternac="Maybe"), open_types=True)


def test_unknown_type_verifies_with_a_warning_but_a_tampered_one_fails() -> None:
    token = _issue(example_credential(), open_types=True)
    assert _verify(token).verified
    head, payload, signature = token.split(".")
    forged = ".".join(
        [head, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature]
    )
    result = _verify(forged)
    assert not result.verified and "proof" in result.failed_checks


def test_verified_unknown_type_keeps_its_data_model_checks() -> None:
    issuer = make_issuer("Ed25519")
    doc = example_credential(issuer=issuer.did, validUntil="2026-01-01T00:00:00Z")
    expired = jose.sign_jwt(copy.deepcopy(doc), key=issuer.key, kid=issuer.vm)
    result = _verify(expired)
    assert result.failed_checks == ["validity"]
    doc = example_credential(issuer=issuer.did)
    del doc["credentialSubject"]
    result = _verify(jose.sign_jwt(doc, key=issuer.key, kid=issuer.vm))
    assert result.failed_checks == ["datamodel"]
