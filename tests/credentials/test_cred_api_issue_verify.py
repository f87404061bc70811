"""VC-API: issue → verify over HTTP in each format, status updates, tenancy, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from cred_fixtures import carta_porte, issued_by, sentri

from smartborder.credentials.primitives import sdjwt
from smartborder.credentials.primitives.keys import PrivateKey
from smartborder.credentials.recipes import unenvelope


def _issue(tc: Any, org: str, credential: dict[str, Any], **options: Any) -> dict[str, Any]:
    body = {"credential": issued_by(org, credential), "options": options}
    resp = tc.post("/credentials/issue", json=body)
    assert resp.status_code == 201, resp.text
    vc: dict[str, Any] = resp.json()["verifiableCredential"]
    return vc


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"format": "vc+jwt"},
        {"cryptosuite": "eddsa-jcs-2022"},
        {"cryptosuite": "ecdsa-jcs-2019"},
    ],
)
def test_issue_then_verify_over_http(client_for: Any, options: dict[str, Any]) -> None:
    carrier = client_for("carrier", org="Transportes Norte")
    vc = _issue(carrier, "Transportes Norte", carta_porte(), **options)
    result = carrier.post("/credentials/verify", json={"verifiableCredential": vc}).json()
    assert result["verified"], result["errors"]
    assert {"proof", "issuer", "schema", "validity", "status"} <= set(result["checks"])
    assert result["issuer"].endswith(":orgs:transportes-norte")
    # An agency verifies the same credential: the org's did:web resolves on this node.
    cbp = client_for("cbp", org="CBP")
    assert cbp.post("/credentials/verify", json={"verifiableCredential": vc}).json()["verified"]


def test_revoked_and_suspended_over_http(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    vc = _issue(carrier, "acme", carta_porte())
    cred_id = carrier.post("/credentials/verify", json={"verifiableCredential": vc}).json()[
        "credential"
    ]["id"]

    def status(purpose: str, value: str) -> int:
        body = {
            "credentialId": cred_id,
            "credentialStatus": [{"statusPurpose": purpose, "status": value}],
        }
        code: int = carrier.post("/credentials/status", json=body).status_code
        return code

    assert status("suspension", "1") == 200
    result = carrier.post("/credentials/verify", json={"verifiableCredential": vc}).json()
    assert result["failed_checks"] == ["status"] and "suspended" in result["errors"][0]
    assert status("suspension", "0") == 200
    assert carrier.post("/credentials/verify", json={"verifiableCredential": vc}).json()["verified"]
    assert status("revocation", "1") == 200
    result = carrier.post("/credentials/verify", json={"verifiableCredential": vc}).json()
    assert "revoked" in result["errors"][0]
    assert status("revocation", "0") == 400  # revocation is final
    # The published list is public and signed.
    url = vc["id"] if isinstance(vc.get("id"), str) else ""
    assert url.startswith("data:application/vc+jwt,")


def test_status_list_is_published_publicly(api: Any, client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    vc = _issue(carrier, "acme", carta_porte(), cryptosuite="eddsa-jcs-2022")
    entry = vc["credentialStatus"][0]
    path = entry["statusListCredential"].split("127.0.0.1:8000", 1)[1]
    resp = api.get(path)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/vc+jwt")
    assert api.get("/credentials/status-lists/nope-revocation").status_code == 404


def test_nonconforming_credential_is_refused_with_the_reason(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    bad = issued_by("acme", carta_porte())
    bad["@context"] = ["https://www.w3.org/ns/credentials/v2", "no url"]
    resp = carrier.post("/credentials/issue", json={"credential": bad})
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "credentials.nonconforming" and "@context" in body["detail"]
    bad = issued_by("acme", carta_porte())
    bad["validUntil"] = "next year"
    resp = carrier.post("/credentials/issue", json={"credential": bad})
    assert resp.status_code == 400 and "validUntil" in resp.json()["detail"]


def test_schema_violation_is_refused_on_issue(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    resp = carrier.post(
        "/credentials/issue",
        json={"credential": issued_by("acme", carta_porte(transpInternac="Maybe"))},
    )
    assert resp.status_code == 400 and resp.json()["code"] == "credentials.schema_violation"


def test_tenants_cannot_read_each_others_credentials(client_for: Any) -> None:
    acme = client_for("carrier", org="acme")
    other = client_for("broker", org="other-broker")
    vc = _issue(acme, "acme", carta_porte(), cryptosuite="eddsa-jcs-2022")
    cred_id = vc["id"]
    assert acme.get(f"/credentials/{cred_id}").status_code == 200
    assert other.get(f"/credentials/{cred_id}").status_code == 404
    body = {
        "credentialId": cred_id,
        "credentialStatus": [{"statusPurpose": "revocation", "status": "1"}],
    }
    assert other.post("/credentials/status", json=body).status_code == 404


def test_scopes_are_enforced(api: Any, client_for: Any) -> None:
    assert api.post("/credentials/issue", json={"credential": carta_porte()}).status_code == 401
    public = client_for("public", org="someone")
    assert public.post("/credentials/issue", json={"credential": carta_porte()}).status_code == 403
    assert public.post("/credentials/status", json={}).status_code == 403
    assert public.get("/credentials/urn:uuid:1").status_code == 403
    assert public.post("/presentations/prove", json={}).status_code == 403
    assert public.post("/presentations", json={}).status_code == 403
    assert api.get("/identifiers/did:key:z6Mk").status_code == 401


def test_sd_jwt_traveler_credential_over_http(client_for: Any) -> None:
    cbp = client_for("cbp", org="CBP")
    holder = PrivateKey.generate("Ed25519")
    vc = _issue(
        cbp,
        "CBP",
        sentri(),
        format="dc+sd-jwt",
        disclosable=["birthDate", "givenName", "familyName", "passId", "nationality"],
        holderJwk=holder.public.jwk,
    )
    from datetime import UTC, datetime

    shown = sdjwt.present(
        unenvelope(vc),
        disclose=[],
        holder_key=holder,
        audience="anam",
        nonce="c1",
        now=datetime.now(UTC),
    )
    anam = client_for("anam", org="ANAM")
    result = anam.post(
        "/credentials/verify",
        json={"verifiableCredential": shown, "options": {"domain": "anam", "challenge": "c1"}},
    ).json()
    assert result["verified"], result["errors"]
    assert "birthDate" not in result["credential"]["credentialSubject"]
    assert result["credential"]["credentialSubject"]["program"] == "SENTRI"


def test_resolve_identifiers(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    _issue(carrier, "acme", carta_porte())
    did = "did:web:127.0.0.1%3A8000:orgs:acme"
    resp = carrier.get("/identifiers/" + did.replace("%", "%25"))
    assert resp.status_code == 200, resp.text
    assert resp.json()["didDocument"]["id"] == did
    assert carrier.get("/identifiers/did:web:127.0.0.1%253A8000:orgs:nobody").status_code == 404
