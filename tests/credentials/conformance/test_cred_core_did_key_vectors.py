"""W3C CCG did:key test vectors (ed25519-x25519, nist-curves): DIDs from seeds and keys, and
the DID documents in the vectors' own (JsonWebKey2020 / Ed25519VerificationKey2018) forms."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import SHARED, shared_path
from smartborder.credentials import KeyType, PrivateKey, PublicKey, did_key_for
from smartborder.credentials.errors import KeyUnsupported
from smartborder.credentials.primitives import did_key_document
from smartborder.credentials.primitives.did import public_key_of_did_key
from smartborder.credentials.primitives.multibase import decode_base58btc

_DIR = SHARED / "conformance" / "did-method-key" / "test-vectors"


def _vectors(name: str) -> list[Any]:
    path = _DIR / name
    if not path.exists():
        return [pytest.param(None, None, id="vectors-absent")]
    data = json.loads(path.read_text(encoding="utf-8"))
    return [pytest.param(did, v, id=did[8:24]) for did, v in data.items()]


@pytest.mark.parametrize(("did", "vector"), _vectors("ed25519-x25519.json"))
def test_ed25519_did_from_seed_and_document(did: str, vector: dict[str, Any]) -> None:
    shared_path("conformance", "did-method-key", "test-vectors", "ed25519-x25519.json")
    key = PrivateKey.from_ed25519_seed(bytes.fromhex(vector["seed"]))
    assert did_key_for(key.public) == did
    doc = vector["didDocument"]
    form = doc["verificationMethod"][0]["type"]
    assert did_key_document(did, form=form) == doc
    if "privateKeyJwk" in vector["verificationKeyPair"]:
        assert (
            PrivateKey.from_jwk(vector["verificationKeyPair"]["privateKeyJwk"]).public == key.public
        )


@pytest.mark.parametrize(("did", "vector"), _vectors("nist-curves.json"))
def test_nist_curve_did_documents(did: str, vector: dict[str, Any]) -> None:
    shared_path("conformance", "did-method-key", "test-vectors", "nist-curves.json")
    method = vector["didDocument"]["verificationMethod"][0]
    if "publicKeyJwk" in method and method["publicKeyJwk"]["crv"] == "P-521":
        # SmartBorder signs with Ed25519, P-256 and P-384 only; P-521 is refused clearly.
        with pytest.raises(KeyUnsupported):
            public_key_of_did_key(did)
        return
    public = public_key_of_did_key(did)
    assert did_key_for(public) == did
    if method["type"] == "JsonWebKey2020":
        assert PublicKey.from_jwk(method["publicKeyJwk"]) == public
        assert PrivateKey.from_jwk(vector["verificationMethod"]["privateKeyJwk"]).public == public
        assert did_key_document(did, form="JsonWebKey2020") == vector["didDocument"]
    else:
        # P256Key2021 form: the compressed point in base58; it is the same key.
        raw = decode_base58btc("z" + method["publicKeyBase58"])
        assert PublicKey.from_raw(KeyType.P256, raw) == public
        doc = did_key_document(did)
        assert PublicKey.from_multikey(doc["verificationMethod"][0]["publicKeyMultibase"]) == public
