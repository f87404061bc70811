"""VC-API presentations: prove, verify, exchanges with a challenge, reused ids → 409."""

from __future__ import annotations

import uuid
from typing import Any

from cred_fixtures import carta_porte, issued_by


def _issue(tc: Any, org: str, **options: Any) -> dict[str, Any]:
    body = {"credential": issued_by(org, carta_porte()), "options": options}
    resp = tc.post("/credentials/issue", json=body)
    assert resp.status_code == 201, resp.text
    vc: dict[str, Any] = resp.json()["verifiableCredential"]
    return vc


def _prove(tc: Any, creds: list[Any], **options: Any) -> Any:
    body = {
        "presentation": {"id": f"urn:uuid:{uuid.uuid4()}", "verifiableCredential": creds},
        "options": options,
    }
    resp = tc.post("/presentations/prove", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()["verifiablePresentation"]


def test_prove_then_verify_in_both_forms(client_for: Any) -> None:
    carrier = client_for("carrier", org="Transportes Norte")
    cbp = client_for("cbp", org="CBP")
    creds = [
        _issue(carrier, "Transportes Norte"),
        _issue(carrier, "Transportes Norte", cryptosuite="ecdsa-jcs-2019"),
    ]
    for options in ({}, {"cryptosuite": "eddsa-jcs-2022"}):
        vp = _prove(carrier, creds, challenge="ch-1", domain="cbp.example", **options)
        result = cbp.post(
            "/presentations/verify",
            json={
                "verifiablePresentation": vp,
                "options": {"challenge": "ch-1", "domain": "cbp.example"},
            },
        ).json()
        assert result["verified"], result["errors"]
        assert len(result["credentials"]) == 2 and result["holder"].endswith(
            ":orgs:transportes-norte"
        )
        wrong = cbp.post(
            "/presentations/verify",
            json={
                "verifiablePresentation": vp,
                "options": {"challenge": "ch-2", "domain": "cbp.example"},
            },
        ).json()
        assert not wrong["verified"]


def test_revoked_credential_inside_a_presentation_fails_it(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    vc = _issue(carrier, "acme", cryptosuite="eddsa-jcs-2022")
    carrier.post(
        "/credentials/status",
        json={
            "credentialId": vc["id"],
            "credentialStatus": [{"statusPurpose": "revocation", "status": "1"}],
        },
    )
    vp = _prove(carrier, [vc])
    result = carrier.post("/presentations/verify", json={"verifiablePresentation": vp}).json()
    assert not result["verified"] and result["failed_checks"] == ["credentials"]
    assert "revoked" in result["errors"][0]


def test_reused_presentation_id_is_a_conflict(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    cbp = client_for("cbp", org="CBP")
    vp = _prove(carrier, [_issue(carrier, "acme")])
    first = cbp.post("/presentations", json={"verifiablePresentation": vp})
    assert first.status_code == 200 and first.json()["verified"], first.text
    again = cbp.post("/presentations", json={"verifiablePresentation": vp})
    assert again.status_code == 409 and again.json()["code"] == "credentials.presentation.exists"


def test_unsigned_traceable_presentation_is_received_with_a_warning(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    vc = _issue(carrier, "acme", cryptosuite="eddsa-jcs-2022")
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [vc],
    }
    result = carrier.post("/presentations", json={"verifiablePresentation": vp}).json()
    assert result["verified"] and result["warnings"]
    assert carrier.post("/presentations", json={**vp, "id": None}).status_code == 400


def test_exchange_available_then_submission(client_for: Any) -> None:
    carrier = client_for("carrier", org="acme")
    cbp = client_for("cbp", org="CBP")
    ask = cbp.post("/presentations/available", json={"query": [{"type": "QueryByExample"}]}).json()
    vc = _issue(carrier, "acme")
    vp = _prove(carrier, [vc], challenge=ask["challenge"], domain=ask["domain"])
    ok = cbp.post("/presentations/submissions", json={"verifiablePresentation": vp}).json()
    assert ok["verified"], ok["errors"]
    assert "exchange" in ok["checks"]
    # A second presentation answering the same (now used) challenge is not accepted.
    replay = _prove(carrier, [vc], challenge=ask["challenge"], domain=ask["domain"])
    again = cbp.post("/presentations/submissions", json={"verifiablePresentation": replay}).json()
    assert not again["verified"] and "exchange" in again["failed_checks"]
    # One that answers no exchange at all is refused too.
    stray = _prove(carrier, [vc], challenge="made-up", domain=ask["domain"])
    assert not cbp.post(
        "/presentations/submissions", json={"verifiablePresentation": stray}
    ).json()["verified"]
