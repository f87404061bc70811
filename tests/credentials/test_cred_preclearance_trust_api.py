"""The trust registry API: agencies read it, only admins edit it, and the node's own pipeline
sees an edit at once."""

from __future__ import annotations

from fastapi import FastAPI

from conftest import ClientFor
from smartborder.credentials.trust import StoredTrust
from smartborder.preclearance import CredentialsStage

ENTRY = {
    "issuer": "did:web:127.0.0.1%3A8000:orgs:u-s-customs-and-border-protection",
    "credential_type": "CTPATCertificate",
    "country": "US",
    "name": "U.S. Customs and Border Protection",
}
KEY = {k: ENTRY[k] for k in ("issuer", "credential_type", "country")}


def _registry(app: FastAPI) -> StoredTrust:
    stage = app.state.ctx.credentials
    assert isinstance(stage, CredentialsStage) and isinstance(stage.trust, StoredTrust)
    return stage.trust


def test_only_admins_edit_and_agencies_read(app: FastAPI, client_for: ClientFor) -> None:
    admin, cbp, anam = client_for("admin"), client_for("cbp"), client_for("anam")
    carrier, public = client_for("carrier"), client_for("public")
    for outsider in (cbp, carrier, public):
        denied = outsider.post("/trust-registry/entries", json=ENTRY)
        assert denied.status_code == 403, denied.text
        assert "trust:admin" in denied.text
        assert outsider.delete("/trust-registry/entries", params=KEY).status_code == 403
    for reader in (carrier, public):
        assert reader.get("/trust-registry").status_code == 403
    assert client_for("admin").get("/trust-registry").json() == {"entries": []}
    assert not _registry(app).registry().accredited(ENTRY["issuer"], "CTPATCertificate", "US")

    made = admin.post("/trust-registry/entries", json=ENTRY)
    assert made.status_code == 201, made.text
    assert made.json()["added_by"].startswith("org-admin")
    # The node's pipeline reloads at once (not after its TTL).
    assert _registry(app).registry().accredited(ENTRY["issuer"], "CTPATCertificate", "US")
    for reader in (cbp, anam, admin):
        listed = reader.get("/trust-registry", params={"country": "US"}).json()["entries"]
        assert [e["issuer"] for e in listed] == [ENTRY["issuer"]]
    assert cbp.get("/trust-registry", params={"country": "MX"}).json() == {"entries": []}

    again = admin.post("/trust-registry/entries", json=ENTRY)
    assert again.status_code == 409 and again.json()["code"] == "credentials.trust.exists"
    assert admin.delete("/trust-registry/entries", params=KEY).status_code == 204
    assert not _registry(app).registry().accredited(ENTRY["issuer"], "CTPATCertificate", "US")
    gone = admin.delete("/trust-registry/entries", params=KEY)
    assert gone.status_code == 404 and gone.json()["code"] == "credentials.trust.not_found"


def test_bad_entries_are_refused_with_the_reason(client_for: ClientFor) -> None:
    admin = client_for("admin")
    bad_did = admin.post("/trust-registry/entries", json={**ENTRY, "issuer": "CBP"})
    assert bad_did.status_code == 400 and bad_did.json()["code"] == "credentials.trust.invalid"
    assert "DID" in bad_did.text
    bad_country = admin.post("/trust-registry/entries", json={**ENTRY, "country": "CA"})
    assert bad_country.status_code in (400, 422)
    bad_type = admin.post("/trust-registry/entries", json={**ENTRY, "credential_type": "a b"})
    assert bad_type.status_code == 400
