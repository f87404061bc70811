"""Data Integrity proofs: every suite signs and verifies; tampering, wrong keys, wrong
purposes, bad times and malformed proofs fail with stable codes."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import shared_path
from smartborder.credentials import ContextStore, DidResolver, KeyType, PrivateKey, did_key_for
from smartborder.credentials.primitives import add_proof, verify_proof

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SUITES = [
    ("eddsa-rdfc-2022", KeyType.ED25519),
    ("eddsa-jcs-2022", KeyType.ED25519),
    ("ecdsa-rdfc-2019", KeyType.P256),
    ("ecdsa-rdfc-2019", KeyType.P384),
    ("ecdsa-jcs-2019", KeyType.P256),
    ("ecdsa-jcs-2019", KeyType.P384),
]


@pytest.fixture(scope="module")
def contexts() -> ContextStore:
    return ContextStore([shared_path("conformance")])


@pytest.fixture(scope="module")
def resolver() -> DidResolver:
    return DidResolver(allow_web=False)


def _credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:0b0c6f3e-4d1e-4c4e-9a57-0c2f0d3a9e11",
        "type": ["VerifiableCredential", "CertificateOfOriginCredential"],
        "issuer": "did:web:exporter.example",
        "validFrom": "2025-05-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:shipment-4471",
            "hsCode": "870423",
            "originCountry": "MX",
            "consignee": {"name": "Border Freight LLC", "country": "US"},
        },
    }


def _sign(suite: str, key: PrivateKey, contexts: ContextStore, **kw: Any) -> dict[str, Any]:
    did = did_key_for(key.public)
    return add_proof(
        _credential(),
        key=key,
        suite=suite,
        verification_method=f"{did}#{key.public.multikey}",
        created=kw.pop("created", NOW - timedelta(days=1)),
        contexts=contexts,
        **kw,
    )


def _codes(result: Any) -> list[str]:
    return [e.code for e in result.errors]


@pytest.mark.parametrize(("suite", "key_type"), SUITES)
def test_each_suite_signs_and_verifies(
    suite: str, key_type: KeyType, contexts: ContextStore, resolver: DidResolver
) -> None:
    signed = _sign(suite, PrivateKey.generate(key_type), contexts)
    result = verify_proof(signed, resolver=resolver, contexts=contexts, now=NOW)
    assert result.verified, [str(e) for e in result.errors]
    assert result.proofs[0].cryptosuite == suite
    assert {"proof.signature", "proof.verificationMethod", "proof.time"} <= set(result.checks)


@pytest.mark.parametrize(("suite", "key_type"), SUITES)
def test_tampered_document_fails(
    suite: str, key_type: KeyType, contexts: ContextStore, resolver: DidResolver
) -> None:
    signed = _sign(suite, PrivateKey.generate(key_type), contexts)
    signed["credentialSubject"]["hsCode"] = "870421"
    result = verify_proof(signed, resolver=resolver, contexts=contexts, now=NOW)
    assert not result.verified
    assert _codes(result) == ["credentials.proof.invalid"]
    assert "firma" in result.errors[0].message.es


@pytest.mark.parametrize(("suite", "key_type"), SUITES)
def test_wrong_key_fails(
    suite: str, key_type: KeyType, contexts: ContextStore, resolver: DidResolver
) -> None:
    signer, other = PrivateKey.generate(key_type), PrivateKey.generate(key_type)
    other_did = did_key_for(other.public)
    signed = add_proof(
        _credential(),
        key=signer,
        suite=suite,
        verification_method=f"{other_did}#{other.public.multikey}",
        created=NOW,
        contexts=contexts,
    )
    result = verify_proof(signed, resolver=resolver, contexts=contexts, now=NOW)
    assert _codes(result) == ["credentials.proof.invalid"]


def test_rdfc_ignores_json_key_order_but_jcs_does_not_need_to(
    contexts: ContextStore, resolver: DidResolver
) -> None:
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = _sign(suite, PrivateKey.generate(), contexts)
        reordered = json.loads(json.dumps(signed, sort_keys=True))
        assert verify_proof(reordered, resolver=resolver, contexts=contexts, now=NOW).verified


def test_expired_and_future_proofs_fail_at_the_given_time(
    contexts: ContextStore, resolver: DidResolver
) -> None:
    key = PrivateKey.generate()
    expiring = _sign("eddsa-jcs-2022", key, contexts, expires=NOW + timedelta(hours=1))
    assert verify_proof(expiring, resolver=resolver, contexts=contexts, now=NOW).verified
    late = verify_proof(
        expiring, resolver=resolver, contexts=contexts, now=NOW + timedelta(hours=2)
    )
    assert _codes(late) == ["credentials.proof.expired"]
    future = _sign("eddsa-jcs-2022", key, contexts, created=NOW + timedelta(hours=1))
    assert _codes(verify_proof(future, resolver=resolver, contexts=contexts, now=NOW)) == [
        "credentials.proof.not_yet_valid"
    ]


def test_purpose_challenge_and_domain(contexts: ContextStore, resolver: DidResolver) -> None:
    key = PrivateKey.generate()
    vp = _sign(
        "eddsa-jcs-2022",
        key,
        contexts,
        proof_purpose="authentication",
        challenge="n-123",
        domain="smartborder.example",
    )
    ok = verify_proof(
        vp,
        resolver=resolver,
        contexts=contexts,
        now=NOW,
        expected_purpose="authentication",
        challenge="n-123",
        domain="smartborder.example",
    )
    assert ok.verified
    assert _codes(verify_proof(vp, resolver=resolver, contexts=contexts, now=NOW)) == [
        "credentials.proof.purpose_mismatch"
    ]
    assert _codes(
        verify_proof(
            vp,
            resolver=resolver,
            contexts=contexts,
            now=NOW,
            expected_purpose="authentication",
            challenge="replayed",
        )
    ) == ["credentials.proof.challenge_mismatch"]
    # keyAgreement is not a signing relationship of a did:key document.
    bad = _sign("eddsa-jcs-2022", key, contexts, proof_purpose="keyAgreement")
    assert _codes(
        verify_proof(bad, resolver=resolver, contexts=contexts, now=NOW, expected_purpose=None)
    ) == ["credentials.proof.purpose_not_authorized"]


def test_malformed_and_unsupported_proofs(contexts: ContextStore, resolver: DidResolver) -> None:
    signed = _sign("eddsa-jcs-2022", PrivateKey.generate(), contexts)
    cases = {
        "credentials.proof.unsupported_suite": {"cryptosuite": "bbs-2023"},
        "credentials.proof.malformed": {"proofValue": "0x1234"},
        "credentials.did.method_unsupported": {"verificationMethod": "did:example:123#key-1"},
    }
    for code, change in cases.items():
        doc = copy.deepcopy(signed)
        doc["proof"].update(change)
        assert _codes(verify_proof(doc, resolver=resolver, contexts=contexts, now=NOW)) == [code], (
            code
        )
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert _codes(verify_proof(unsigned, resolver=resolver, contexts=contexts, now=NOW)) == [
        "credentials.proof.missing"
    ]
    with pytest.raises(Exception) as info:
        add_proof(
            _credential(),
            key=PrivateKey.generate(KeyType.P256),
            suite="eddsa-rdfc-2022",
            verification_method="did:key:z#z",
            contexts=contexts,
        )
    assert getattr(info.value, "code", "") == "credentials.key.unsupported"


def test_proof_set_verifies_every_proof(contexts: ContextStore, resolver: DidResolver) -> None:
    ed, p384 = PrivateKey.generate(KeyType.ED25519), PrivateKey.generate(KeyType.P384)
    one = _sign("eddsa-rdfc-2022", ed, contexts)
    both = add_proof(
        one,
        key=p384,
        suite="ecdsa-rdfc-2019",
        verification_method=f"{did_key_for(p384.public)}#{p384.public.multikey}",
        created=NOW,
        contexts=contexts,
    )
    assert isinstance(both["proof"], list) and len(both["proof"]) == 2
    result = verify_proof(both, resolver=resolver, contexts=contexts, now=NOW)
    assert result.verified and len(result.proofs) == 2
    both["proof"][1]["proofValue"] = both["proof"][0]["proofValue"]
    assert not verify_proof(both, resolver=resolver, contexts=contexts, now=NOW).verified


_SIGNED_CACHE: dict[str, dict[str, Any]] = {}


def _mutations() -> st.SearchStrategy[tuple[str, Any]]:
    fields = st.sampled_from(
        [
            "id",
            "issuer",
            "validFrom",
            "credentialSubject.hsCode",
            "credentialSubject.originCountry",
            "credentialSubject.consignee.name",
            "proof.created",
            "proof.verificationMethod",
            "proof.proofValue",
            "proof.proofPurpose",
        ]
    )
    values = st.one_of(st.text(min_size=1, max_size=12), st.integers(), st.none())
    return st.tuples(fields, values)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=_mutations())
def test_any_mutation_of_a_signed_field_fails(
    mutation: tuple[str, Any], contexts: ContextStore, resolver: DidResolver
) -> None:
    if "doc" not in _SIGNED_CACHE:
        _SIGNED_CACHE["doc"] = _sign("eddsa-jcs-2022", PrivateKey.generate(), contexts)
    doc = copy.deepcopy(_SIGNED_CACHE["doc"])
    path, value = mutation
    *parents, leaf = path.split(".")
    target = doc
    for p in parents:
        target = target[p]
    if target.get(leaf) == value:
        return
    target[leaf] = value
    result = verify_proof(doc, resolver=resolver, contexts=contexts, now=NOW)
    assert not result.verified
    assert result.errors and all(e.code.startswith("credentials.") for e in result.errors)
    assert all(e.message.en and e.message.es for e in result.errors)


def test_verification_never_touches_the_network(
    contexts: ContextStore, resolver: DidResolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access during verification")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for suite, key_type in SUITES:
        signed = _sign(suite, PrivateKey.generate(key_type), contexts)
        assert verify_proof(signed, resolver=resolver, contexts=contexts, now=NOW).verified
    unknown = _sign("eddsa-jcs-2022", PrivateKey.generate(), contexts)
    unknown["@context"] = [*unknown["@context"], "https://contexts.example/unknown/v1"]
    unknown["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    result = verify_proof(unknown, resolver=resolver, contexts=contexts, now=NOW)
    assert [e.code for e in result.errors] == ["credentials.context.unknown"]
