"""W3C Data Integrity test vectors: eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 and
ecdsa-jcs-2019 (P-256, P-384). Canonical forms, hashes and Ed25519 signatures are reproduced
byte for byte; ECDSA signatures are randomized, so the vectors' signatures are verified and
ours are checked to verify."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import shared_path
from smartborder.credentials import ContextStore, DidResolver, PrivateKey
from smartborder.credentials.primitives import add_proof, verify_proof
from smartborder.credentials.primitives.integrity import canonical_form, get_suite
from smartborder.credentials.primitives.multibase import decode_base58btc

# (suite, vector folder, key pair file, file-name stem, hash)
CASES = [
    (
        "eddsa-rdfc-2022",
        "vc-di-eddsa/TestVectors/eddsa-rdfc-2022",
        "vc-di-eddsa/TestVectors/keyPair.json",
        "DataInt",
        "sha256",
    ),
    (
        "eddsa-jcs-2022",
        "vc-di-eddsa/TestVectors/eddsa-jcs-2022",
        "vc-di-eddsa/TestVectors/keyPair.json",
        "JCS",
        "sha256",
    ),
    (
        "ecdsa-rdfc-2019",
        "vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256",
        "vc-di-ecdsa/TestVectors/p256KeyPair.json",
        "ECDSAP256",
        "sha256",
    ),
    (
        "ecdsa-rdfc-2019",
        "vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384",
        "vc-di-ecdsa/TestVectors/p384KeyPair.json",
        "ECDSAP384",
        "sha384",
    ),
    (
        "ecdsa-jcs-2019",
        "vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p256",
        "vc-di-ecdsa/TestVectors/p256KeyPair.json",
        "JCSECDSAP256",
        "sha256",
    ),
    (
        "ecdsa-jcs-2019",
        "vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p384",
        "vc-di-ecdsa/TestVectors/p384KeyPair.json",
        "JCSECDSAP384",
        "sha384",
    ),
]
IDS = [f"{c[0]}-{c[3]}" for c in CASES]
NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def contexts() -> ContextStore:
    return ContextStore([shared_path("conformance")])


@pytest.fixture(scope="module")
def resolver() -> DidResolver:
    return DidResolver(allow_web=False)


def _load(case: tuple[str, ...]) -> tuple[Path, dict[str, Any], PrivateKey]:
    folder = shared_path("conformance", case[1])
    pair = json.loads(shared_path("conformance", case[2]).read_text(encoding="utf-8"))
    secret = pair.get("privateKeyMultibase") or pair["secretKeyMultibase"]
    key = PrivateKey.from_multikey(secret)
    assert key.public.multikey == pair["publicKeyMultibase"]
    signed = json.loads((folder / f"signed{case[3]}.json").read_text(encoding="utf-8"))
    return folder, signed, key


def _text(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_canonical_forms_and_hashes_match_vectors(
    case: tuple[str, ...], contexts: ContextStore
) -> None:
    folder, signed, _ = _load(case)
    suite = get_suite(case[0])
    stem, hash_name = case[3], case[4]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    config = json.loads(_text(folder, f"proofConfig{stem}.json"))
    canon_doc = canonical_form(suite, unsecured, contexts=contexts)
    canon_proof = canonical_form(suite, config, contexts=contexts)
    assert canon_doc.decode("utf-8") == _text(folder, f"canonDoc{stem}.txt")
    assert canon_proof.decode("utf-8") == _text(folder, f"proofCanon{stem}.txt")
    doc_hash = hashlib.new(hash_name, canon_doc).hexdigest()
    proof_hash = hashlib.new(hash_name, canon_proof).hexdigest()
    assert doc_hash == _text(folder, f"docHash{stem}.txt").strip()
    assert proof_hash == _text(folder, f"proofHash{stem}.txt").strip()
    assert proof_hash + doc_hash == _text(folder, f"combinedHash{stem}.txt").strip()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_vector_signature_verifies_and_encodings_agree(
    case: tuple[str, ...], contexts: ContextStore, resolver: DidResolver
) -> None:
    folder, signed, _ = _load(case)
    stem = case[3]
    proof_value = signed["proof"]["proofValue"]
    assert proof_value == _text(folder, f"sigBTC58{stem}.txt").strip()
    assert decode_base58btc(proof_value).hex() == _text(folder, f"sigHex{stem}.txt").strip()
    result = verify_proof(signed, resolver=resolver, contexts=contexts, now=NOW)
    assert result.verified, [str(e) for e in result.errors]
    assert result.proofs[0].cryptosuite == case[0]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_our_proof_reproduces_or_verifies(
    case: tuple[str, ...], contexts: ContextStore, resolver: DidResolver
) -> None:
    _, signed, key = _load(case)
    proof = signed["proof"]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    ours = add_proof(
        unsecured,
        key=key,
        suite=case[0],
        verification_method=proof["verificationMethod"],
        created=datetime.fromisoformat(proof["created"].replace("Z", "+00:00")),
        contexts=contexts,
    )
    if case[0].startswith("eddsa"):
        # Ed25519 is deterministic: the whole secured document is reproduced.
        assert ours == signed
    else:
        assert {k: v for k, v in ours["proof"].items() if k != "proofValue"} == {
            k: v for k, v in proof.items() if k != "proofValue"
        }
    assert verify_proof(ours, resolver=resolver, contexts=contexts, now=NOW).verified


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_tampered_vector_fails(
    case: tuple[str, ...], contexts: ContextStore, resolver: DidResolver
) -> None:
    _, signed, _ = _load(case)
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    result = verify_proof(tampered, resolver=resolver, contexts=contexts, now=NOW)
    assert not result.verified
    assert result.errors[0].code == "credentials.proof.invalid"


def test_proof_sets_and_chains_reproduced_and_verified(
    contexts: ContextStore, resolver: DidResolver
) -> None:
    folder = shared_path("conformance", "vc-di-eddsa", "TestVectors", "proof-set-chain")

    def load(name: str) -> Any:
        return json.loads((folder / name).read_text(encoding="utf-8"))

    pairs = load("multiKeyPairs.json")
    keys = {
        p["publicKeyMultibase"]: PrivateKey.from_multikey(p["privateKeyMultibase"])
        for p in pairs.values()
    }
    doc = load("unsigned.json")
    steps = [
        ("proofSetConfig1.json", "signedProofSet1.json"),
        ("proofSetConfig2.json", "signedProofSet2.json"),
        ("proofChainConfig1.json", "signedProofChain1.json"),
        ("proofChainConfig2.json", "signedProofChain2.json"),
    ]
    for config_name, expected_name in steps:
        config = load(config_name)
        key = keys[config["verificationMethod"].split("#")[1]]
        doc = add_proof(
            doc,
            key=key,
            suite=config["cryptosuite"],
            verification_method=config["verificationMethod"],
            created=datetime.fromisoformat(config["created"].replace("Z", "+00:00")),
            proof_id=config.get("id"),
            previous_proof=config.get("previousProof"),
            contexts=contexts,
        )
        expected = load(expected_name)
        assert doc == expected, expected_name
        result = verify_proof(expected, resolver=resolver, contexts=contexts, now=NOW)
        assert result.verified, [str(e) for e in result.errors]
    # Removing a proof that a chained proof names breaks the chain.
    broken = copy.deepcopy(doc)
    broken["proof"] = broken["proof"][1:]
    codes = [
        e.code for e in verify_proof(broken, resolver=resolver, contexts=contexts, now=NOW).errors
    ]
    assert "credentials.proof.previous_missing" in codes
