"""The VC-API as the W3C CCG Traceability Interop profile specifies it: problem bodies with the
profile's ``message``, requests checked before lookups, its status codes, organizations' DID
documents with their ``TraceabilityAPI`` service, OAuth2 scopes and audience; and, when newman
is installed (``make interop``), the profile's own conformance suite end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from cred_fixtures import NODE_URL, carta_porte, issued_by, org_did
from fastapi.testclient import TestClient

from conftest import ClientFor, shared_path
from smartborder.api.problems import TYPE_BASE, problem_response
from smartborder.clients import create_client
from smartborder.i18n import Lang, Text
from smartborder.store import transaction

ROOT = Path(__file__).resolve().parents[2]
BAD_REQUEST = "Bad Request: Your request body does not conform to the required schema"
UNKNOWN_ISSUER = "Unknown Issuer: Unable to issue credentials for specified issuer"
V1 = "https://www.w3.org/2018/credentials/v1"
TRACEABILITY = "https://w3id.org/traceability/v1"


def _problem(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["type"].startswith(TYPE_BASE) and body["status"] == status
    assert {"title", "detail", "code", "message", "instance"} <= set(body)
    return body


def _v1_credential(issuer: str, **changes: Any) -> dict[str, Any]:
    """A VC 1.1 credential as the profile's suite sends it to be issued."""
    credential = {
        "@context": [V1, TRACEABILITY],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2006-01-02T15:04:05Z",
        "credentialSubject": {},
    }
    credential.update(changes)
    return credential


def _v1_signed(**changes: Any) -> dict[str, Any]:
    """A VC 1.1 credential with a linked-data proof, as the suite sends it to be verified."""
    did = "did:key:z6MkgVHZNqLBqoQAoGxRiSJP5gLgVEDCJJzT5ZsGEabKtfyn"
    vc = _v1_credential(did, credentialSubject={"id": "did:example:123"})
    vc["proof"] = {
        "type": "Ed25519Signature2018",
        "created": "2006-01-02T15:04:05Z",
        "verificationMethod": f"{did}#{did.rsplit(':', 1)[-1]}",
        "proofPurpose": "assertionMethod",
        "jws": "eyJhbGciOiJFZERTQSIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..AAAA",
    }
    vc.update(changes)
    return vc


# --- problem bodies -------------------------------------------------------------------------


def test_problem_type_is_never_replaced_by_a_domain_value() -> None:
    extra = {"type": "USMCACertificationOfOrigin", "status": "active", "issuer": "did:web:x"}
    resp = problem_response(409, "trust.exists", Text("Exists.", "Existe."), Lang.EN, extra=extra)
    body = json.loads(resp.body)
    assert body["type"] == TYPE_BASE + "trust.exists" and body["status"] == 409
    assert body["credential_type"] == "USMCACertificationOfOrigin"
    assert body["status_value"] == "active" and body["issuer"] == "did:web:x"


def test_vc_api_problems_carry_the_profile_message_beside_rfc_9457(
    api: TestClient, client_for: ClientFor
) -> None:
    body = _problem(api.post("/credentials/verify", json={}), 401)
    assert body["message"] == "Unauthorized: This endpoint requires an OAuth2 bearer token"
    public = client_for("public", org="someone")
    body = _problem(public.post("/credentials/issue", json={}), 403)
    assert body["message"] == "Forbidden: OAuth2 bearer token does not have the required scope"
    carrier = client_for("carrier", org="acme")
    body = _problem(carrier.get("/credentials/urn:uuid:nothing"), 404)
    assert body["message"] == "Not Found: The requested resource could not be found"
    assert body["detail"] != body["message"]  # the profile's sentence; detail says more


def test_problems_off_the_vc_api_carry_their_detail_as_message(api: TestClient) -> None:
    body = _problem(api.get("/no-such-page"), 404)
    assert body["message"] == body["detail"]


def test_the_profile_message_is_english_whatever_the_language(client_for: ClientFor) -> None:
    carrier = client_for("carrier", org="acme")
    resp = carrier.post("/credentials/verify", json={}, headers={"Accept-Language": "es"})
    body = _problem(resp, 400)
    assert body["message"] == BAD_REQUEST and body["title"] == "Solicitud incorrecta"


# --- verify ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"verifiableCredential": None},
        {"verifiableCredential": 123},
        {"verifiableCredential": True},
        {"verifiableCredential": []},
        {"verifiableCredential": "string"},
        [],
        123,
        None,
        {"verifiableCredential": {"issuer": "did:example:1"}},
        {"verifiableCredential": _v1_signed(type="VerifiableCredential")},
        {"verifiableCredential": _v1_signed(issuanceDate="not a date")},
        {"verifiableCredential": _v1_signed(proof=None)},
        {"verifiableCredential": {**_v1_signed(), "proof": {"type": "NoSuchSuite"}}},
        {"verifiableCredential": {"@context": [V1, 42]}},
        {"verifiableCredential": issued_by("acme", carta_porte()), "options": []},
    ],
)
def test_malformed_verify_request_is_400_not_verified_false(
    client_for: ClientFor, body: Any
) -> None:
    carrier = client_for("carrier", org="acme")
    problem = _problem(carrier.post("/credentials/verify", json=body), 400)
    assert problem["message"] == BAD_REQUEST
    assert problem["code"] == "credentials.request.invalid"


def test_a_bad_signature_is_200_verified_false_with_the_profile_verifications(
    client_for: ClientFor,
) -> None:
    cbp = client_for("cbp", org="CBP")
    vc = _v1_signed()
    del vc["id"]  # the profile's own bad-signature case has none (VC 1.1 makes it optional)
    resp = cbp.post("/credentials/verify", json={"verifiableCredential": vc})
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert result["verified"] is False
    assert {"title": "Proof", "status": "bad"}.items() <= result["verifications"][0].items()


def test_a_good_credential_lists_its_verifications_as_good(client_for: ClientFor) -> None:
    carrier = client_for("carrier", org="acme")
    made = carrier.post("/credentials/issue", json={"credential": issued_by("acme", carta_porte())})
    assert made.status_code == 201, made.text
    result = carrier.post("/credentials/verify", json=made.json()).json()
    assert result["verified"], result["errors"]
    lines = {v["title"]: v["status"] for v in result["verifications"]}
    assert lines == {"Proof": "good", "Activation": "good", "Expired": "good", "Revocation": "good"}


# --- status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"credentialStatus": [{"type": "RevocationList2020Status", "status": "1"}]},
        {"credentialId": 42, "credentialStatus": [{"statusPurpose": "revocation", "status": "1"}]},
        {"credentialId": "urn:uuid:x", "credentialStatus": {"status": "1"}},
        {"credentialId": "urn:uuid:x", "credentialStatus": [None]},
        {"credentialId": "urn:uuid:x", "credentialStatus": [{"type": "Nope", "status": "1"}]},
        {"credentialId": "urn:uuid:x", "credentialStatus": [{"statusPurpose": "revocation"}]},
        {
            "credentialId": "urn:uuid:x",
            "credentialStatus": [{"statusPurpose": "revocation", "status": 1}],
        },
        {
            "credentialId": "urn:uuid:x",
            "credentialStatus": [],
            "credentialstatus": [{"type": "RevocationList2020Status", "status": "0"}],
        },
    ],
)
def test_status_request_is_checked_before_the_credential_is_looked_up(
    client_for: ClientFor, body: Any
) -> None:
    carrier = client_for("carrier", org="acme")
    problem = _problem(carrier.post("/credentials/status", json=body), 400)
    assert problem["message"] == BAD_REQUEST


def test_a_well_formed_status_request_for_an_unknown_credential_is_404(
    client_for: ClientFor,
) -> None:
    carrier = client_for("carrier", org="acme")
    body = {
        "credentialId": "urn:uuid:nothing",
        "credentialStatus": [{"type": "RevocationList2020Status", "status": "1"}],
    }
    _problem(carrier.post("/credentials/status", json=body), 404)


def test_status_update_in_the_profile_form_revokes(client_for: ClientFor) -> None:
    carrier = client_for("carrier", org="acme")
    vc = carrier.post(
        "/credentials/issue",
        json={"credential": issued_by("acme", carta_porte()), "options": {"format": "vc+jwt"}},
    ).json()["verifiableCredential"]
    cred_id = carrier.post("/credentials/verify", json={"verifiableCredential": vc}).json()[
        "credential"
    ]["id"]
    body = {
        "credentialId": cred_id,
        "credentialStatus": [{"type": "RevocationList2020Status", "status": "1"}],
    }
    resp = carrier.post("/credentials/status", json=body)
    assert resp.status_code == 200 and resp.json()["revoked"] is True
    result = carrier.post("/credentials/verify", json={"verifiableCredential": vc}).json()
    assert {"title": "Revocation", "status": "bad"}.items() <= next(
        v for v in result["verifications"] if v["title"] == "Revocation"
    ).items()


# --- issue ----------------------------------------------------------------------------------


@pytest.mark.parametrize("issuer", ["urn:uuid:7f1c0c5e-0000-4000-8000-000000000000", "org"])
def test_an_issuer_the_caller_cannot_sign_for_is_422(client_for: ClientFor, issuer: str) -> None:
    carrier = client_for("carrier", org="acme")
    client_for("broker", org="Other Broker")  # another organization of this node
    named = org_did("Other Broker") if issuer == "org" else issuer
    for credential in (
        {**carta_porte(), "issuer": named},
        {**carta_porte(), "issuer": {"id": named}},
        _v1_credential(named),
    ):
        body = {"credential": credential, "options": {"type": "Ed25519Signature2018"}}
        problem = _problem(carrier.post("/credentials/issue", json=body), 422)
        assert problem["message"] == UNKNOWN_ISSUER
        assert problem["code"] == "credentials.issuer.unknown" and problem["issuer"] == named


@pytest.mark.parametrize("missing", ["issuer", "@context"])
def test_issue_without_issuer_or_context_is_400_not_filled_in(
    client_for: ClientFor, missing: str
) -> None:
    carrier = client_for("carrier", org="acme")
    credential = issued_by("acme", carta_porte())
    del credential[missing]
    problem = _problem(carrier.post("/credentials/issue", json={"credential": credential}), 400)
    assert problem["message"] == BAD_REQUEST
    assert [p["pointer"] for p in problem["errors"]] == [f"/credential/{missing}"]
    assert f"/credential/{missing}: {missing} is required." in problem["detail"]


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"issuer": "not.a.uri"}, "/credential/issuer"),
        ({"@context": [V1]}, "/credential/@context"),
        ({"id": 42}, "/credential/id"),
        ({"credentialSubject": []}, "/credential/credentialSubject"),
        ({"issuanceDate": "not an xml date time string"}, "/credential/issuanceDate"),
    ],
)
def test_a_malformed_vc_1_1_issue_request_is_400_with_where(
    client_for: ClientFor, change: dict[str, Any], pointer: str
) -> None:
    carrier = client_for("carrier", org="acme")
    body = {
        "credential": {**_v1_credential(org_did("acme")), **change},
        "options": {"type": "Ed25519Signature2018"},
    }
    problem = _problem(carrier.post("/credentials/issue", json=body), 400)
    assert pointer in [p["pointer"] for p in problem["errors"]]


@pytest.mark.parametrize(
    "options",
    [None, {}, {"type": "nope"}, {"type": "Ed25519Signature2018", "credentialStatus": {}}],
)
def test_vc_1_1_issue_options_follow_the_profile(client_for: ClientFor, options: Any) -> None:
    carrier = client_for("carrier", org="acme")
    body: dict[str, Any] = {"credential": _v1_credential(org_did("acme"))}
    if options is not None:
        body["options"] = options
    _problem(carrier.post("/credentials/issue", json=body), 400)


def test_a_well_formed_vc_1_1_issue_request_says_this_node_issues_vc_2_0(
    client_for: ClientFor,
) -> None:
    carrier = client_for("carrier", org="acme")
    body = {
        "credential": _v1_credential(org_did("acme")),
        "options": {"type": "Ed25519Signature2018"},
    }
    problem = _problem(carrier.post("/credentials/issue", json=body), 400)
    assert (
        problem["code"] == "credentials.request.vc1_issuance"
        and "VC Data Model 2.0" in (problem["detail"])
    )


# --- identities and discovery ---------------------------------------------------------------


def test_every_organization_has_a_did_document_with_its_traceability_api(
    api: TestClient, client_for: ClientFor
) -> None:
    client_for("carrier", org="Interop Carrier")  # a client, nothing issued yet
    doc = api.get("/orgs/interop-carrier/did.json")
    assert doc.status_code == 200, doc.text
    assert doc.json()["id"] == org_did("Interop Carrier")
    assert {
        "id": f"{org_did('Interop Carrier')}#traceability-api",
        "type": ["TraceabilityAPI"],
        "serviceEndpoint": NODE_URL,
    } in doc.json()["service"]
    assert doc.json()["assertionMethod"]  # its keys were made on first request


def test_resolving_an_invalid_did_is_400_and_a_uri_that_is_no_did_is_404(
    client_for: ClientFor,
) -> None:
    carrier = client_for("carrier", org="acme")
    body = _problem(carrier.get("/identifiers/invalid_did"), 400)
    assert body["message"] == "Bad Request: Invalid DID"
    body = _problem(carrier.get(f"/identifiers/urn:uuid:{uuid.uuid4()}"), 404)
    assert body["message"] == "Not Found: The requested resource could not be found"


# --- OAuth2 ---------------------------------------------------------------------------------


def _token(api: TestClient, app: Any, **form: str) -> Any:
    with transaction(app.state.ctx.sessions) as session:
        new = create_client(session, org="acme", role="carrier")
    data = {"grant_type": "client_credentials", "client_id": new.client_id}
    data |= {"client_secret": new.client_secret, **form}
    return api.post("/oauth/token", data=data)


def test_an_empty_scope_gets_a_token_with_no_scope(api: TestClient, app: Any) -> None:
    resp = _token(api, app, scope="", audience=NODE_URL)
    assert resp.status_code == 200, resp.text
    assert resp.json()["scope"] == ""
    headers = {"Authorization": f"Bearer {resp.json()['access_token']}"}
    body = _problem(api.post("/credentials/verify", json={}, headers=headers), 403)
    assert body["message"] == "Forbidden: OAuth2 bearer token does not have the required scope"
    assert _token(api, app).json()["scope"]  # no scope at all: every scope the client holds


def test_a_scope_the_client_does_not_hold_is_invalid_scope(api: TestClient, app: Any) -> None:
    body = _problem(_token(api, app, scope="bogus"), 400)
    assert body["error"] == "invalid_scope"


@pytest.mark.parametrize("name", ["audience", "resource"])
def test_the_token_audience_must_be_this_node(api: TestClient, app: Any, name: str) -> None:
    assert _token(api, app, **{name: NODE_URL + "/"}).status_code == 200
    assert _token(api, app, **{name: "did:web:127.0.0.1%3A8000"}).status_code == 200
    body = _problem(_token(api, app, **{name: "https://elsewhere.example"}), 400)
    assert body["error"] == "invalid_target"


# --- the conformance suite, end to end ------------------------------------------------------

NEWMAN = ROOT / ".interop" / "node_modules" / ".bin" / "newman"
SUITE_FILE = "conformance_suite.postman_collection.json"
#: Assertions that cannot pass on this node, each explained in docs/interop.md: VC 1.1
#: issuance (22), a did:web of a host on the internet (2), VC 1.1 Ed25519Signature2018
#: verification (2) and the suite's own contradiction about a VC 1.1 credential's id (2).
KNOWN_FAILURES_MAX = 28


@pytest.mark.slow
@pytest.mark.interop
def test_the_traceability_interop_conformance_suite(tmp_path: Path) -> None:
    if not NEWMAN.exists():
        pytest.skip(f"newman is not installed at {NEWMAN}: run `make interop` to install it")
    suite = shared_path("conformance", "traceability-interop", SUITE_FILE)
    summary_file = tmp_path / "summary.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "interop" / "run_traceability.py")]
        + ["--shared", str(suite.parents[2]), "--collection", str(suite), "--newman", str(NEWMAN)]
        + ["--summary-out", str(summary_file), "--home", str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(summary_file.read_text())
    assert summary["total"] >= 500 and summary["script_errors"] == 0, done.stdout
    assert summary["failed"] <= KNOWN_FAILURES_MAX, done.stdout
    for folder in ("Discovery - API Configuration", "Credentials - Update Status"):
        assert summary["folders"][folder]["failed"] == 0, done.stdout
    for folder in ("Presentations - Present", "Presentations - Create", "Presentations - Verify"):
        assert summary["folders"][folder]["failed"] == 0, done.stdout
