"""SMARTBORDER_VERIFY_DID_WEB: which did:web issuers the VC-API's verifier fetches (any, only
peer nodes', none). Another node, ANAM's at https://anam.example, issues a credential; this
node's verifier reaches it through a test client, never the network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cred_fixtures import carta_porte, org_did
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from conftest import bearer_client
from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.credentials import CredentialService
from smartborder.credentials.peers import Peers

ANAM = "https://anam.example"
ANAM_ORG_DID = "did:web:anam.example:orgs:exportadora-del-norte"


def _issue(issuer: TestClient, did: str) -> dict[str, Any]:
    resp = issuer.post(
        "/credentials/issue",
        json={
            "credential": {**carta_porte(), "issuer": did},
            "options": {"credentialStatus": False},
        },
    )
    assert resp.status_code == 201, resp.text
    vc: dict[str, Any] = resp.json()["verifiableCredential"]
    return vc


@dataclass
class Anam:
    client: TestClient  # reaches ANAM's node as https://anam.example
    credential: dict[str, Any]
    fetched: list[str]


@pytest.fixture(scope="module")
def anam(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Anam]:
    home = tmp_path_factory.mktemp("anam")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'anam.db'}", base_url=ANAM)
    app = create_app(settings)
    fetched: list[str] = []
    client = TestClient(app, base_url=ANAM)
    client.event_hooks["request"] = [lambda request: fetched.append(str(request.url))]
    credential = _issue(bearer_client(app, "carrier", org="Exportadora del Norte"), ANAM_ORG_DID)
    yield Anam(client, credential, fetched)
    app.state.ctx.close()


Verifier = Callable[..., TestClient]


@pytest.fixture
def verifier(tmp_path: Path, anam: Anam) -> Iterator[Verifier]:
    """``verifier(mode, peers="", reach_anam=True)``: a CBP client of a node whose settings
    say ``mode`` and ``peers``; its did:web fetches go to ANAM's test client."""
    apps: list[FastAPI] = []

    def make(mode: str, peers: str = "", *, reach_anam: bool = True) -> TestClient:
        home = tmp_path / f"node-{len(apps)}"
        settings = Settings(
            home=home,
            database_url=f"sqlite:///{tmp_path / f'node-{len(apps)}.db'}",
            verify_did_web=mode,  # type: ignore[arg-type]  # a string, as the environment gives
            peers=peers,
        )
        app = create_app(settings)
        apps.append(app)
        if reach_anam:
            app.state.ctx.credential_service = CredentialService.from_settings(
                settings,
                sessions=app.state.ctx.sessions,
                peers=Peers(settings.peer_urls, client=anam.client),
            )
        return bearer_client(app, "cbp", org="CBP")

    yield make
    for app in apps:
        app.state.ctx.close()


def _verify(tc: TestClient, vc: dict[str, Any], **headers: str) -> httpx.Response:
    return tc.post("/credentials/verify", json={"verifiableCredential": vc}, headers=headers)


def _refused(resp: httpx.Response) -> dict[str, Any]:
    assert resp.status_code == 403, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["code"] == "credentials.did.web_refused"
    assert body["did"] == ANAM_ORG_DID and body["setting"] == "SMARTBORDER_VERIFY_DID_WEB"
    assert "SMARTBORDER_VERIFY_DID_WEB" in body["detail"]
    return body


def test_any_fetches_every_did_web_by_default(anam: Anam, verifier: Verifier) -> None:
    assert Settings().verify_did_web == "any"
    before = len(anam.fetched)
    result = _verify(verifier("any"), anam.credential).json()
    assert result["verified"], result["errors"]
    assert result["issuer"] == ANAM_ORG_DID
    assert f"{ANAM}/orgs/exportadora-del-norte/did.json" in anam.fetched[before:]


def test_peers_fetches_a_named_peer_nodes_did_web(anam: Anam, verifier: Verifier) -> None:
    result = _verify(verifier("peers", peers=ANAM), anam.credential).json()
    assert result["verified"], result["errors"]


def test_peers_refuses_a_node_not_named_without_fetching(anam: Anam, verifier: Verifier) -> None:
    cbp = verifier("peers", peers="https://other-node.example")
    before = len(anam.fetched)
    body = _refused(_verify(cbp, anam.credential))
    assert "SMARTBORDER_PEERS" in body["detail"]
    spanish = _refused(_verify(cbp, anam.credential, **{"Accept-Language": "es"}))
    assert "no es el DID de un nodo par" in spanish["detail"]
    assert anam.fetched[before:] == []


def test_off_refuses_every_remote_did_web_but_this_nodes_own_verify(
    anam: Anam, verifier: Verifier
) -> None:
    cbp = verifier("off", peers=ANAM, reach_anam=False)  # the node's own service
    before = len(anam.fetched)
    body = _refused(_verify(cbp, anam.credential, **{"Accept-Language": "es"}))
    assert "no obtiene ningún documento did:web" in body["detail"]
    resolved = cbp.get(f"/identifiers/{ANAM_ORG_DID}")
    assert _refused(resolved)["instance"].startswith("/identifiers/")
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [anam.credential],
    }
    _refused(cbp.post("/presentations/verify", json={"verifiablePresentation": presentation}))
    own = _issue(cbp, org_did("CBP"))  # an organization of this node: resolved from its key files
    result = _verify(cbp, own).json()
    assert result["verified"], result["errors"]
    assert anam.fetched[before:] == []


def test_an_unknown_mode_is_refused_when_settings_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTBORDER_VERIFY_DID_WEB", "sometimes")
    with pytest.raises(ValidationError, match="verify_did_web"):
        Settings()
