"""Organizations' did:web identities: key rotation keeps old credentials verifiable."""

from __future__ import annotations

from typing import Any

from cred_fixtures import carta_porte, issued_by

from smartborder.credentials.primitives.keys import KeyType


def test_old_credentials_verify_after_key_rotation(app: Any, client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    old = carrier.post(
        "/credentials/issue", json={"credential": issued_by("acme", carta_porte())}
    ).json()["verifiableCredential"]
    svc = app.state.ctx.credential_service
    new_vm = svc.identities.rotate("acme", KeyType.P384)
    new = carrier.post(
        "/credentials/issue", json={"credential": issued_by("acme", carta_porte())}
    ).json()["verifiableCredential"]
    for vc in (old, new):
        result = carrier.post("/credentials/verify", json={"verifiableCredential": vc}).json()
        assert result["verified"], result["errors"]
    doc = carrier.get("/orgs/acme/did.json").json()
    assert new_vm in doc["assertionMethod"] and len(doc["assertionMethod"]) == 2


def test_types_are_public_and_unknown_orgs_are_404(api: Any) -> None:
    types = api.get("/credentials/types").json()["types"]
    assert {"CartaPorteCredential", "TrustedTravelerCredential"} <= set(types)
    assert api.get("/orgs/nobody/did.json").status_code == 404


def test_issue_without_status_entry(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    vc = carrier.post(
        "/credentials/issue",
        json={
            "credential": issued_by("acme", carta_porte()),
            "options": {"cryptosuite": "eddsa-jcs-2022", "credentialStatus": False},
        },
    ).json()["verifiableCredential"]
    assert "credentialStatus" not in vc
    body = {
        "credentialId": vc["id"],
        "credentialStatus": [{"statusPurpose": "revocation", "status": "1"}],
    }
    resp = carrier.post("/credentials/status", json=body)
    assert resp.status_code == 400 and resp.json()["code"] == "credentials.status.invalid"


def test_status_lists_are_cached_across_requests_until_changed(app: Any, client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    first = carrier.post(
        "/credentials/issue", json={"credential": issued_by("acme", carta_porte())}
    ).json()
    second = carrier.post(
        "/credentials/issue", json={"credential": issued_by("acme", carta_porte())}
    ).json()
    for body in (first, second, first):
        assert carrier.post("/credentials/verify", json=body).json()["verified"]
    checker = app.state.ctx.credential_service._shared_checker
    assert checker.fetches == 2  # one per list (revocation, suspension), not per credential
    cred_id = carrier.post("/credentials/verify", json=first).json()["credential"]["id"]
    update = {
        "credentialId": cred_id,
        "credentialStatus": [{"statusPurpose": "revocation", "status": "1"}],
    }
    assert carrier.post("/credentials/status", json=update).status_code == 200
    result = carrier.post("/credentials/verify", json=first).json()
    assert "revoked" in result["errors"][0] and checker.fetches == 3
