"""VC Data Model 1.1 verification: the Linked Data suites the 2023–24 SVIP cohorts used
(Ed25519Signature2018, Ed25519Signature2020, JsonWebSignature2020) and VC 1.1 JWTs, on
credentials signed outside SmartBorder (see ``vc11_signers``) and on vc-di-eddsa's published
Ed25519Signature2020 vector; and VC 1.1 presentations."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cred_fixtures import NOW, make_issuer, own_types, resolver
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from vc11_signers import EXAMPLES_V2, VC_V1, did_jwk, did_key, jwt, loader_over, sign

from conftest import shared_path
from smartborder.credentials import (
    holder,
    problems_for_verification,
    problems_of_credential,
    recipes,
)
from smartborder.credentials.errors import CredentialNonConforming
from smartborder.credentials.primitives import integrity
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.primitives.jsonld import to_quads
from smartborder.credentials.primitives.rdfc import canonical_nquads
from smartborder.credentials.primitives.suite_contexts import ED25519_2020_V1, JWS_2020_V1
from smartborder.credentials.verifying import Verifying

SUITE_CONTEXT = {
    "Ed25519Signature2018": None,  # its terms are in credentials/v1 itself
    "Ed25519Signature2020": ED25519_2020_V1,
    "JsonWebSignature2020": JWS_2020_V1,
}


@pytest.fixture(scope="module")
def contexts_dir() -> Path:
    return shared_path("conformance", "contexts")


@pytest.fixture
def store(contexts_dir: Path) -> ContextStore:
    return ContextStore([contexts_dir])


@pytest.fixture(scope="module")
def loader(contexts_dir: Path) -> Any:
    return loader_over(contexts_dir)


def credential_v1(issuer: str, suite: str | None = "Ed25519Signature2020") -> dict[str, Any]:
    """A VC 1.1 credential of an arbitrary type, as an SVIP participant would issue it."""
    extra = SUITE_CONTEXT.get(suite or "")
    return {
        "@context": [VC_V1, *([extra] if extra else []), EXAMPLES_V2],
        "id": "urn:uuid:6a1f4d0e-0d0e-4a51-9b57-7b1d5a9d2c11",
        "type": ["VerifiableCredential", "ExampleShipmentCredential"],
        "issuer": issuer,
        "issuanceDate": "2026-01-15T08:00:00Z",
        "expirationDate": "2027-01-15T08:00:00Z",
        "credentialSubject": {
            "id": "did:example:shipment-4471",
            "portOfEntry": "2304",
            "commodity": "steel screws",
        },
    }


def _verify(doc: Any, store: ContextStore) -> recipes.VerificationResult:
    return recipes.verify(doc, now=NOW, resolver=resolver(), types=own_types(), contexts=store)


# --- published vector ----------------------------------------------------------------------


def test_published_ed25519signature2020_vector_verifies(store: ContextStore) -> None:
    folder = shared_path("conformance", "vc-di-eddsa", "TestVectors", "Ed25519Signature2020")
    signed = json.loads((folder / "signedEdSig.json").read_text(encoding="utf-8"))
    result = integrity.verify_proof(signed, resolver=resolver(), now=NOW, contexts=store)
    assert result.verified, result.errors
    assert result.proofs[0].cryptosuite == "Ed25519Signature2020"
    # The suite's term definitions give exactly the published canonical proof options.
    config = json.loads((folder / "proofConfigEdSig.json").read_text(encoding="utf-8"))
    expected = (folder / "proofCanonEdSig.txt").read_text(encoding="utf-8")
    assert canonical_nquads(to_quads(config, contexts=store)) == expected
    tampered = {**signed, "name": "Another Credential"}
    assert not integrity.verify_proof(
        tampered, resolver=resolver(), now=NOW, contexts=store
    ).verified


# --- the three Linked Data suites, signed outside SmartBorder -------------------------------


@pytest.mark.parametrize(
    ("suite", "curve"),
    [
        ("Ed25519Signature2020", "ed25519"),
        ("Ed25519Signature2018", "ed25519"),
        ("JsonWebSignature2020", "ed25519"),
        ("JsonWebSignature2020", "p256"),
    ],
)
def test_vc11_credential_signed_elsewhere_verifies(
    suite: str, curve: str, store: ContextStore, loader: Any
) -> None:
    key = (
        ed25519.Ed25519PrivateKey.generate()
        if curve == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    did, _ = did_key(key)
    signed = sign(credential_v1(did, suite), key=key, suite=suite, loader=loader)
    result = _verify(signed, store)
    assert result.verified, result.errors
    assert result.issuer == did and result.format == "data-integrity"
    assert {"proof", "issuer", "datamodel", "schema", "validity"} <= set(result.checks)
    assert result.credential_type == "ExampleShipmentCredential"
    assert any(w.startswith("schema: no schema is known") for w in result.warnings)


@pytest.mark.parametrize("curve", ["ed25519", "p256"])
def test_json_web_signature_2020_with_a_jwk_verification_method_verifies(
    curve: str, store: ContextStore, loader: Any
) -> None:
    key = (
        ed25519.Ed25519PrivateKey.generate()
        if curve == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    did, vm = did_jwk(key)  # resolves to a JsonWebKey2020 method with publicKeyJwk
    doc = credential_v1(did, "JsonWebSignature2020")
    signed = sign(doc, key=key, suite="JsonWebSignature2020", loader=loader, vm=vm)
    result = _verify(signed, store)
    assert result.verified, result.errors
    other = (
        ec.generate_private_key(ec.SECP256R1())
        if curve == "p256"
        else ed25519.Ed25519PrivateKey.generate()
    )
    forged = sign(doc, key=other, suite="JsonWebSignature2020", loader=loader, vm=vm)
    assert _verify(forged, store).failed_checks == ["proof"]


@pytest.mark.parametrize(
    "suite", ["Ed25519Signature2020", "Ed25519Signature2018", "JsonWebSignature2020"]
)
def test_tampered_vc11_credential_fails_the_proof(
    suite: str, store: ContextStore, loader: Any
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, _ = did_key(key)
    signed = sign(credential_v1(did, suite), key=key, suite=suite, loader=loader)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["commodity"] = "live horses"
    result = _verify(tampered, store)
    assert not result.verified and result.failed_checks == ["proof"], result.errors
    later = copy.deepcopy(signed)
    later["expirationDate"] = "2030-01-15T08:00:00Z"
    assert _verify(later, store).failed_checks == ["proof"]


def test_vc11_credential_signed_with_another_key_fails(store: ContextStore, loader: Any) -> None:
    key, stranger = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    did, vm = did_key(key)
    forged = sign(
        credential_v1(did), key=stranger, suite="Ed25519Signature2020", loader=loader, vm=vm
    )
    result = _verify(forged, store)
    assert not result.verified and "proof" in result.failed_checks


def test_vc11_proof_read_as_another_suite_fails(store: ContextStore, loader: Any) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, _ = did_key(key)
    signed = sign(
        credential_v1(did, "Ed25519Signature2018"),
        key=key,
        suite="Ed25519Signature2018",
        loader=loader,
    )
    relabelled = copy.deepcopy(signed)
    relabelled["proof"]["type"] = "JsonWebSignature2020"  # same JWS, another suite's terms
    relabelled["@context"] = [VC_V1, JWS_2020_V1, EXAMPLES_V2]
    assert "proof" in _verify(relabelled, store).failed_checks
    as_2020 = copy.deepcopy(signed)
    as_2020["proof"]["type"] = "Ed25519Signature2020"  # a jws where a proofValue belongs
    result = _verify(as_2020, store)
    assert "proof" in result.failed_checks and "proofValue" in " ".join(result.errors)


def test_jws_without_unencoded_payload_header_is_refused(store: ContextStore, loader: Any) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, _ = did_key(key)
    signed = sign(
        credential_v1(did, "Ed25519Signature2018"),
        key=key,
        suite="Ed25519Signature2018",
        loader=loader,
        header={"alg": "EdDSA"},  # signed over the raw bytes, but without b64:false declared
    )
    result = _verify(signed, store)
    assert "proof" in result.failed_checks and "b64" in " ".join(result.errors)


def test_vc11_issuer_must_control_the_signing_key(store: ContextStore, loader: Any) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    signed = sign(
        credential_v1("did:example:someone-else"),
        key=key,
        suite="Ed25519Signature2020",
        loader=loader,
    )
    result = _verify(signed, store)
    assert result.failed_checks == ["issuer"]


def test_expired_vc11_credential_fails_validity(store: ContextStore, loader: Any) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, _ = did_key(key)
    doc = credential_v1(did)
    doc["expirationDate"] = "2026-02-01T00:00:00Z"
    result = _verify(sign(doc, key=key, suite="Ed25519Signature2020", loader=loader), store)
    assert result.failed_checks == ["validity"] and "expired" in result.errors[0]
    doc = credential_v1(did)
    doc["issuanceDate"] = "2026-12-01T00:00:00Z"  # after NOW: not yet valid
    result = _verify(sign(doc, key=key, suite="Ed25519Signature2020", loader=loader), store)
    assert result.failed_checks == ["validity"]


def test_vc11_credential_without_issuance_date_breaks_the_data_model(
    store: ContextStore, loader: Any
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, _ = did_key(key)
    doc = credential_v1(did)
    del doc["issuanceDate"]
    result = _verify(sign(doc, key=key, suite="Ed25519Signature2020", loader=loader), store)
    assert result.failed_checks == ["datamodel"] and "issuanceDate" in result.errors[0]


def test_missing_suite_context_fails_as_context_unavailable(loader: Any) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, _ = did_key(key)
    doc = credential_v1(did, "Ed25519Signature2018")
    signed = sign(doc, key=key, suite="Ed25519Signature2018", loader=loader)
    signed["@context"] = [VC_V1, "https://w3id.org/security/suites/ed25519-2018/v1", EXAMPLES_V2]
    result = _verify(signed, ContextStore([shared_path("conformance", "contexts")]))
    assert result.failed_checks == ["proof"]
    assert "ed25519-2018/v1" in result.errors[0] and "never fetched" in result.errors[0]


def test_credentials_v1_context_is_pinned(tmp_path: Path, contexts_dir: Path, loader: Any) -> None:
    # VC DM 1.1 publishes the SHA-256 of its base context: an edited copy is refused.
    original = (contexts_dir / "credentials-v1.jsonld").read_text(encoding="utf-8")
    (tmp_path / "credentials-v1.jsonld").write_text(original.replace("issuanceDate", "issuedOn"))
    (tmp_path / "credentials-examples-v2.jsonld").write_text(
        (contexts_dir / "credentials-examples-v2.jsonld").read_text(encoding="utf-8")
    )
    key = ed25519.Ed25519PrivateKey.generate()
    did, _ = did_key(key)
    signed = sign(credential_v1(did), key=key, suite="Ed25519Signature2020", loader=loader)
    result = _verify(signed, ContextStore([tmp_path]))
    assert result.failed_checks == ["proof"] and "SHA-256" in result.errors[0]


# --- VC 1.1 JWT ---------------------------------------------------------------------------


def _jwt_claims(did: str) -> dict[str, Any]:
    vc = credential_v1(did)
    subject = vc["credentialSubject"]
    return {
        "iss": did,
        "sub": subject.pop("id"),
        "jti": vc.pop("id"),
        "nbf": int(datetime(2026, 1, 15, 8, tzinfo=UTC).timestamp()),
        "exp": int(datetime(2027, 1, 15, 8, tzinfo=UTC).timestamp()),
        "vc": {
            k: v for k, v in vc.items() if k not in ("issuer", "issuanceDate", "expirationDate")
        },
    }


@pytest.mark.parametrize("curve", ["ed25519", "p256"])
def test_vc11_jwt_maps_its_claims_and_verifies(curve: str, store: ContextStore) -> None:
    key = (
        ed25519.Ed25519PrivateKey.generate()
        if curve == "ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    did, vm = did_key(key)
    token = jwt(_jwt_claims(did), key=key, kid=vm)
    result = _verify(token, store)
    assert result.verified, result.errors
    assert result.format == "jwt_vc"
    doc = result.credential or {}
    assert doc["issuer"] == did and doc["id"] == "urn:uuid:6a1f4d0e-0d0e-4a51-9b57-7b1d5a9d2c11"
    assert doc["issuanceDate"] == "2026-01-15T08:00:00Z"
    assert doc["expirationDate"] == "2027-01-15T08:00:00Z"
    assert doc["credentialSubject"]["id"] == "did:example:shipment-4471"
    assert _verify(jwt(_jwt_claims(did), key=key, kid=vm, typ=None), store).verified


def test_vc11_jwt_failures_name_their_check(store: ContextStore) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, vm = did_key(key)
    expired = {**_jwt_claims(did), "exp": int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())}
    assert _verify(jwt(expired, key=key, kid=vm), store).failed_checks == ["validity"]
    other = ed25519.Ed25519PrivateKey.generate()
    assert _verify(jwt(_jwt_claims(did), key=other, kid=vm), store).failed_checks == ["proof"]
    claims = _jwt_claims(did)
    claims["vc"]["issuer"] = "did:example:someone-else"  # the document disagrees with iss
    result = _verify(jwt(claims, key=key, kid=vm), store)
    assert result.failed_checks == ["proof"] and "iss" in result.errors[0]
    stranger = _jwt_claims("did:example:someone-else")
    assert _verify(jwt(stranger, key=key, kid=vm), store).failed_checks == ["issuer"]
    no_vc = {k: v for k, v in _jwt_claims(did).items() if k != "vc"}
    assert _verify(jwt(no_vc, key=key, kid=vm), store).failed_checks == ["proof"]


def test_vc11_is_verified_but_never_issued() -> None:
    issuer = make_issuer("Ed25519")
    doc = credential_v1(issuer.did)
    with pytest.raises(CredentialNonConforming, match="VC 1.1"):
        recipes.issue(
            doc,
            key=issuer.key,
            verification_method=issuer.vm,
            now=NOW,
            types=own_types(),
            open_types=True,
        )


# --- VC 1.1 presentations -------------------------------------------------------------------


@pytest.mark.parametrize("suite", ["Ed25519Signature2018", "Ed25519Signature2020"])
def test_vc11_presentation_with_linked_data_proof_verifies(
    suite: str, store: ContextStore, loader: Any
) -> None:
    issuer_key, holder_key = (
        ed25519.Ed25519PrivateKey.generate(),
        ed25519.Ed25519PrivateKey.generate(),
    )
    issuer_did, _ = did_key(issuer_key)
    holder_did, _ = did_key(holder_key)
    vc = sign(
        credential_v1(issuer_did, suite),
        key=issuer_key,
        suite=suite,
        loader=loader,
    )
    vp = {
        "@context": [VC_V1, *([ED25519_2020_V1] if suite == "Ed25519Signature2020" else [])],
        "id": "urn:uuid:1f6e7b1c-44a3-4a8f-8f43-0b4e0c8b6d21",
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": [vc],
    }
    signed = sign(
        vp,
        key=holder_key,
        suite=suite,
        loader=loader,
        purpose="authentication",
        challenge="c-81a2",
        domain="border.example",
    )
    result = holder.verify_presentation(
        signed,
        now=NOW,
        resolver=resolver(),
        types=own_types(),
        challenge="c-81a2",
        domain="border.example",
        contexts=store,
    )
    assert result.verified, (result.errors, [c.errors for c in result.credentials])
    assert result.holder == holder_did and result.credentials[0].issuer == issuer_did
    replayed = holder.verify_presentation(
        signed, now=NOW, resolver=resolver(), types=own_types(), challenge="c-other", contexts=store
    )
    assert not replayed.verified and "proof" in replayed.failed_checks


def test_vc11_presentation_jwt_verifies_with_its_credential_jwts(store: ContextStore) -> None:
    issuer_key, holder_key = (
        ed25519.Ed25519PrivateKey.generate(),
        ed25519.Ed25519PrivateKey.generate(),
    )
    issuer_did, issuer_vm = did_key(issuer_key)
    holder_did, holder_vm = did_key(holder_key)
    vc_jwt = jwt(_jwt_claims(issuer_did), key=issuer_key, kid=issuer_vm)
    claims = {
        "iss": holder_did,
        "jti": "urn:uuid:0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
        "aud": "border.example",
        "nonce": "n-5521",
        "vp": {
            "@context": [VC_V1],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [vc_jwt],
        },
    }
    token = jwt(claims, key=holder_key, kid=holder_vm)
    assert holder.is_presentation(token)
    result = holder.verify_presentation(
        token,
        now=NOW,
        resolver=resolver(),
        types=own_types(),
        challenge="n-5521",
        domain="border.example",
        contexts=store,
    )
    assert result.verified, result.errors
    assert result.format == "jwt_vp" and result.holder == holder_did
    assert result.credentials[0].format == "jwt_vc" and result.credentials[0].verified
    wrong = holder.verify_presentation(
        token, now=NOW, resolver=resolver(), types=own_types(), challenge="n-0000", contexts=store
    )
    assert wrong.failed_checks == ["challenge"]


def test_vc11_presentation_jwt_is_recognized_by_its_jti() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, vm = did_key(key)
    claims = {
        "iss": did,
        "jti": "urn:uuid:5e0f3a52-1b7c-4d0e-9a61-2c3d4e5f6a7b",
        "vp": {"@context": [VC_V1], "type": ["VerifiablePresentation"]},
    }
    # A resend of the same presentation is told by this id (409 on the second receipt).
    assert Verifying._presentation_id(jwt(claims, key=key, kid=vm)) == claims["jti"]


@pytest.mark.parametrize(
    "proof_change",
    [
        {"jws": "a.b.c"},
        {"jws": "..."},
        {"jws": 42},
        {"jws": "eyJhbGciOlsxXX0..AAAA"},  # header {"alg": [1]}
        {"jws": "eyJhbGciOiJFZERTQSIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..!!"},
        {"type": "Ed25519Signature2020", "proofValue": "zzzz"},
        {"type": "Ed25519Signature2020", "proofValue": "not-multibase"},
        {"proofPurpose": "authentication"},
        {"created": "yesterday"},
        {"verificationMethod": "did:key:z6Mk-not-a-key#x"},
    ],
)
def test_malformed_legacy_proof_fails_with_a_reason(
    proof_change: dict[str, Any], store: ContextStore, loader: Any
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did, _ = did_key(key)
    signed = sign(
        credential_v1(did, "Ed25519Signature2018"),
        key=key,
        suite="Ed25519Signature2018",
        loader=loader,
    )
    bad = {**signed, "proof": {**signed["proof"], **proof_change}}
    result = _verify(bad, store)
    assert not result.verified and result.failed_checks == ["proof"] and result.errors[0]


def test_vc11_data_model_rules() -> None:
    doc = credential_v1("did:example:issuer")
    assert problems_for_verification(doc) == []
    with_status = {**doc, "credentialStatus": {"type": "StatusList2021Entry"}}
    assert [p.pointer for p in problems_for_verification(with_status)] == ["/credentialStatus/id"]
    mixed = {**doc, "validFrom": "2026-01-15T08:00:00Z"}
    assert [p.code for p in problems_for_verification(mixed)] == ["credentials.dm.vc20_property"]
    backwards = {**doc, "expirationDate": "2025-01-01T00:00:00Z"}
    assert [p.pointer for p in problems_for_verification(backwards)] == ["/expirationDate"]
    # The same document is not a VC 2.0 credential: issuing it is refused.
    assert any(p.pointer == "/@context/0" for p in problems_of_credential(doc))
