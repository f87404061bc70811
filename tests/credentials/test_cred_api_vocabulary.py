"""Traceability Vocabulary types through the API, with the vocabulary directory configured."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import bearer_client, shared_path
from smartborder.api import create_app
from smartborder.config import Settings


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        home=tmp_path / "home",
        database_url=f"sqlite:///{tmp_path / 'vocab.db'}",
        traceability_vocab_dir=shared_path("conformance", "traceability-vocab"),
        contexts_dir=shared_path("conformance", "contexts"),
    )
    app = create_app(settings)
    yield bearer_client(app, "broker", org="Agencia Aduanal Laredo")
    app.state.ctx.close()


def _example(tc: Any, name: str) -> dict[str, Any]:
    svc = tc.app.state.ctx.credential_service
    cred: dict[str, Any] = svc.types.example(name)
    return cred


@pytest.mark.parametrize(
    "name", ["USMCACertificationOfOrigin", "CTPATCertificate", "MexicoEInvoiceCredential"]
)
def test_vocabulary_credentials_issue_and_verify(broker: TestClient, name: str) -> None:
    cred = _example(broker, name)
    issuer_did = "did:web:127.0.0.1%3A8000:orgs:agencia-aduanal-laredo"
    cred["issuer"] = (
        {**cred["issuer"], "id": issuer_did} if isinstance(cred["issuer"], dict) else issuer_did
    )
    cred.pop("id", None)
    cred.pop(
        "credentialStatus", None
    )  # the example's RevocationList2020 entry; the node adds its own
    cred.pop("proof", None)
    cred["validUntil"] = "2099-01-01T00:00:00Z"
    resp = broker.post("/credentials/issue", json={"credential": cred})
    assert resp.status_code == 201, resp.text
    result = broker.post("/credentials/verify", json=resp.json()).json()
    assert result["verified"], result["errors"]
    assert result["credential_type"] == name


def test_vocabulary_schema_violation_is_refused(broker: TestClient) -> None:
    cred = _example(broker, "CTPATCertificate")
    cred["issuer"]["id"] = "did:web:127.0.0.1%3A8000:orgs:agencia-aduanal-laredo"
    cred.pop("id", None)
    cred.pop("credentialStatus", None)
    cred["credentialSubject"]["tier"] = 3
    resp = broker.post("/credentials/issue", json={"credential": cred})
    assert resp.status_code == 400 and resp.json()["code"] == "credentials.schema_violation"
    assert "/credentialSubject/tier" in resp.json()["detail"]


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_rdfc_suites_over_http_with_the_offline_contexts(broker: TestClient, suite: str) -> None:
    from cred_fixtures import carta_porte, issued_by

    credential = issued_by("Agencia Aduanal Laredo", carta_porte())
    resp = broker.post(
        "/credentials/issue", json={"credential": credential, "options": {"cryptosuite": suite}}
    )
    assert resp.status_code == 201, resp.text
    vc = resp.json()["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == suite
    result = broker.post("/credentials/verify", json={"verifiableCredential": vc}).json()
    assert result["verified"], result["errors"]
    vc["credentialSubject"]["mercancias"]["pesoBrutoTotal"] = 1.0
    tampered = broker.post("/credentials/verify", json={"verifiableCredential": vc}).json()
    assert tampered["failed_checks"] == ["proof"]
