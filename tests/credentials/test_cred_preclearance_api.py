"""Through HTTP: a carrier issues its Carta Porte with the VC-API, an admin accredits it, and
declarations carrying it are verified by the node's pipeline (and caught once revoked)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from cred_fixtures import issued_by

from conftest import ClientFor
from smartborder.credentials import attach
from smartborder.demo.synthetic import generate_trucks
from smartborder.ports import Direction

CARRIER_DID = "did:web:127.0.0.1%3A8000:orgs:org-carrier"


def _trucks(n: int) -> list[dict[str, Any]]:
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    trucks = generate_trucks(
        "2304", day, 40, rng=np.random.default_rng(3), direction=Direction.NORTHBOUND
    )
    return [t for t in trucks if t.get("mexico")][:n]


def _issue(carrier: Any, truck: dict[str, Any]) -> dict[str, Any]:
    made = carrier.post(
        "/credentials/issue",
        json={
            "credential": issued_by(
                "org-carrier",
                attach.credential("CartaPorteCredential", attach.carta_porte_subject(truck)),
            ),
            "options": {"format": "vc+jwt"},
        },
    )
    assert made.status_code == 201, made.text
    enveloped: dict[str, Any] = made.json()["verifiableCredential"]
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    return enveloped


def test_carta_porte_through_the_api(client_for: ClientFor) -> None:
    admin, carrier, cbp = client_for("admin"), client_for("carrier"), client_for("cbp")
    first, second, third = _trucks(3)
    good = _issue(carrier, first)

    # Not yet accredited: verified signature, but an untrusted issuer.
    r = carrier.post("/declarations/trucks", json={**first, "presentations": [good]})
    assert r.status_code == 201, r.text
    decision = r.json()["decision"]
    codes = [x["code"] for x in decision["reasons"]]
    assert "credentials.check.untrusted" in codes and decision["outcome"] != "release"

    accredit = {"issuer": CARRIER_DID, "credential_type": "CartaPorteCredential", "country": "US"}
    assert admin.post("/trust-registry/entries", json=accredit).status_code == 201
    listed = cbp.get("/trust-registry").json()["entries"]
    assert [e["issuer"] for e in listed] == [CARRIER_DID]

    fresh = _issue(carrier, second)
    r = carrier.post("/declarations/trucks", json={**second, "presentations": [fresh]})
    codes = [x["code"] for x in r.json()["decision"]["reasons"]]
    assert "credentials.verified" in codes
    assert not [c for c in codes if c.startswith("credentials.check.")]

    # The Carta Porte of another movement: genuine and trusted, but unrelated.
    r = carrier.post("/declarations/trucks", json={**third, "presentations": [fresh]})
    codes = [x["code"] for x in r.json()["decision"]["reasons"]]
    assert "credentials.check.unrelated" in codes and r.json()["decision"]["outcome"] != "release"

    revoked = _issue(carrier, third)
    token = revoked["id"].split(",", 1)[1]
    from smartborder.credentials.primitives import jose

    cid = jose.unverified_claims(token)["id"]
    status = carrier.post(
        "/credentials/status",
        json={
            "credentialId": cid,
            "credentialStatus": [{"statusPurpose": "revocation", "status": "1"}],
        },
    )
    assert status.status_code == 200, status.text
    r = carrier.post(
        "/declarations/trucks",
        json={**third, "idempotency_key": "third-again", "presentations": [revoked]},
    )
    assert r.status_code == 201, r.text
    decision = r.json()["decision"]
    codes = [x["code"] for x in decision["reasons"]]
    assert "credentials.check.revoked" in codes and decision["outcome"] == "inspect"
