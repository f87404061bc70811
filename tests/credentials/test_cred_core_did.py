"""DIDs: did:jwk and did:key round-trip, did:web URLs, and resolution of this node's did:web
document served by the API (no network: the resolver uses the app's test client)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from conftest import shared_path
from smartborder.config import Settings
from smartborder.credentials import (
    ContextStore,
    DidResolver,
    KeyType,
    NodeKeys,
    PrivateKey,
    did_key_for,
    did_web_for,
)
from smartborder.credentials.errors import (
    DidInvalid,
    DidNotFound,
    DidUnreachable,
    VerificationMethodNotFound,
)
from smartborder.credentials.keystore import node_did
from smartborder.credentials.primitives import (
    add_proof,
    did_jwk_document,
    did_jwk_for,
    did_web_url,
    verify_proof,
)
from smartborder.credentials.primitives.did import public_key_of_did_jwk

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize("key_type", [KeyType.ED25519, KeyType.P256, KeyType.P384])
def test_did_jwk_round_trip(key_type: KeyType) -> None:
    key = PrivateKey.generate(key_type).public
    did = did_jwk_for(key)
    assert public_key_of_did_jwk(did) == key
    doc = did_jwk_document(did)
    assert doc["verificationMethod"][0]["id"] == did + "#0"
    assert doc["assertionMethod"] == [did + "#0"]
    resolved = DidResolver(allow_web=False).verification_method(
        did + "#0", purpose="assertionMethod"
    )
    assert resolved.public_key == key


def test_did_key_resolves_locally() -> None:
    key = PrivateKey.generate(KeyType.P384).public
    did = did_key_for(key)
    method = DidResolver(allow_web=False).verification_method(
        f"{did}#{key.multikey}", purpose="assertionMethod"
    )
    assert method.public_key == key and method.controller == did
    with pytest.raises(VerificationMethodNotFound):
        DidResolver(allow_web=False).verification_method(f"{did}#other")


def test_did_web_urls() -> None:
    assert (
        did_web_url("did:web:w3c-ccg.github.io") == "https://w3c-ccg.github.io/.well-known/did.json"
    )
    assert (
        did_web_url("did:web:w3c-ccg.github.io:user:alice")
        == "https://w3c-ccg.github.io/user/alice/did.json"
    )
    assert (
        did_web_url("did:web:example.com%3A3000") == "https://example.com:3000/.well-known/did.json"
    )
    assert did_web_for("https://border.example") == "did:web:border.example"
    assert (
        did_web_for("http://127.0.0.1:8000", "orgs", "cbp") == "did:web:127.0.0.1%3A8000:orgs:cbp"
    )
    for bad in ("did:web:", "did:web:a::b", "did:key:z6Mk"):
        with pytest.raises(DidInvalid):
            did_web_url(bad)


def test_did_web_fetch_errors_are_clear() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "missing.example":
            return httpx.Response(404)
        if request.url.host == "other.example":
            return httpx.Response(200, json={"id": "did:web:someone.else"})
        raise httpx.ConnectError("refused", request=request)

    resolver = DidResolver(client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(DidNotFound):
        resolver.resolve("did:web:missing.example")
    with pytest.raises(DidNotFound):
        resolver.resolve("did:web:other.example")
    with pytest.raises(DidUnreachable) as info:
        resolver.resolve("did:web:down.example")
    assert info.value.code == "credentials.did.unreachable"


def test_node_keys_are_private_files_and_rotation_keeps_old_methods(tmp_path: Path) -> None:
    keys = NodeKeys(tmp_path / "keys")
    records = keys.ensure()
    assert {r.type for r in records} == {KeyType.ED25519, KeyType.P384}
    for r in records:
        assert stat.S_IMODE((tmp_path / "keys" / r.file).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    old_id, _ = keys.active(KeyType.ED25519)
    new = keys.rotate(KeyType.ED25519)
    assert keys.active(KeyType.ED25519)[0] == new.id != old_id
    doc = keys.did_document("did:web:border.example")
    ids = [m["id"] for m in doc["verificationMethod"]]
    assert f"did:web:border.example#{old_id}" in ids and f"did:web:border.example#{new.id}" in ids
    assert f"did:web:border.example#{old_id}" in doc["assertionMethod"]
    (tmp_path / "keys" / f"{new.id}.pem").chmod(0o644)
    with pytest.raises(Exception) as info:
        keys.private_key(new.id)
    assert "chmod 600" in str(info.value)


def test_node_did_document_served_by_the_app_verifies_a_proof(tmp_path: Path) -> None:
    from smartborder.api import create_app

    settings = Settings(
        home=tmp_path / "home",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        base_url="https://border.example",
    )
    app = create_app(settings)
    client = TestClient(app)
    try:
        well_known = client.get("/.well-known/did.json")
        assert well_known.status_code == 200
        doc = well_known.json()
        assert client.get("/did.json").json() == doc
        did = node_did(settings)
        assert doc["id"] == did == "did:web:border.example"
        assert {
            "id": f"{did}#traceability-api",
            "type": ["TraceabilityAPI"],
            "serviceEndpoint": "https://border.example",
        } in doc["service"]

        contexts = ContextStore([shared_path("conformance")])
        keys = NodeKeys.from_settings(settings)
        key_id, key = keys.active(KeyType.ED25519)
        credential = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2",
            ],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:truck-17", "fastCard": "42"},
        }
        signed = add_proof(
            credential,
            key=key,
            suite="eddsa-rdfc-2022",
            verification_method=f"{did}#{key_id}",
            created=NOW,
            contexts=contexts,
        )
        resolver = DidResolver(client=client)  # did:web over the app, no network
        assert verify_proof(signed, resolver=resolver, contexts=contexts, now=NOW).verified

        # After rotation the old credential still verifies against the fresh document.
        keys.rotate(KeyType.ED25519)
        fresh = DidResolver(client=client)
        assert verify_proof(signed, resolver=fresh, contexts=contexts, now=NOW).verified
        new_id, new_key = keys.active(KeyType.ED25519)
        assert new_id != key_id
        resigned = add_proof(
            credential,
            key=new_key,
            suite="eddsa-jcs-2022",
            verification_method=f"{did}#{new_id}",
            created=NOW,
            contexts=contexts,
        )
        assert verify_proof(resigned, resolver=fresh, contexts=contexts, now=NOW).verified
    finally:
        app.state.ctx.close()
