"""The conformance issuer profile over the VC-API: an organization an admin names in
SMARTBORDER_OPEN_ISSUER_ORGS issues any credential type that satisfies the VC 2.0 data
model; others only the types the node has schemas for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cred_fixtures import carta_porte, issued_by
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import bearer_client
from smartborder.api import create_app
from smartborder.config import Settings

EXAMPLE = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "type": ["VerifiableCredential", "ExampleAlumniCredential"],
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}


@pytest.fixture
def open_app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings.model_copy(update={"open_issuer_orgs": "Test Suite Org"}))
    yield app
    app.state.ctx.close()


def _issue(client: TestClient, org: str, credential: dict[str, Any]) -> Any:
    return client.post(
        "/credentials/issue",
        json={"credential": issued_by(org, credential), "options": {"format": "vc+jwt"}},
    )


def test_an_open_organization_issues_a_type_with_no_schema_and_it_verifies(
    open_app: FastAPI,
) -> None:
    suite = bearer_client(open_app, "carrier", org="Test Suite Org")
    r = _issue(suite, "Test Suite Org", EXAMPLE)
    assert r.status_code == 201, r.text
    vc = r.json()["verifiableCredential"]
    result = suite.post("/credentials/verify", json={"verifiableCredential": vc}).json()
    assert result["verified"], result
    assert any("no schema is known" in w for w in result.get("warnings", [])), result


def test_an_organization_not_named_still_issues_only_known_types(open_app: FastAPI) -> None:
    other = bearer_client(open_app, "carrier", org="Transportes Norte")
    r = _issue(other, "Transportes Norte", EXAMPLE)
    assert r.status_code in (400, 422) and "type" in r.json()["code"], r.text
    assert _issue(other, "Transportes Norte", carta_porte()).status_code == 201


def test_a_known_type_is_still_checked_against_its_schema_for_an_open_organization(
    open_app: FastAPI,
) -> None:
    suite = bearer_client(open_app, "carrier", org="Test Suite Org")
    bad = carta_porte()
    bad["credentialSubject"] = {"type": "CartaPorte"}
    r = _issue(suite, "Test Suite Org", bad)
    assert r.status_code in (400, 422), r.text
