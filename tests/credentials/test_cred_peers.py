"""Two nodes: CBP's node verifies credentials ANAM's node issued, fetching ANAM's did:web
identity and status list over HTTP — only because ANAM is a named peer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from precl_fixtures import World, make_world, usmca_shipment, usmca_truck

from conftest import shared_path
from smartborder.api import create_app
from smartborder.credentials import attach
from smartborder.credentials.errors import StatusListUnavailable
from smartborder.credentials.peers import Peers
from smartborder.credentials.trust import TrustEntry, ensure_entry
from smartborder.preclearance import AdmissibilityStage, CredentialsStage, Outcome, Pipeline
from smartborder.store import transaction

NOW = datetime.now(UTC).replace(microsecond=0)
ANAM = "https://anam.example"


@dataclass
class Nodes:
    anam: World
    cbp: World
    with_peer: Pipeline
    without_peer: Pipeline
    stage: CredentialsStage
    client: TestClient


def _pipeline(stage: CredentialsStage) -> Pipeline:
    return Pipeline.default(
        credentials=stage,
        admissibility=AdmissibilityStage(claims=stage.claims),
        claims=stage.claims,
    )


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    vocab = shared_path("conformance", "traceability-vocab")
    contexts = shared_path("conformance", "contexts")
    anam = make_world(tmp_path_factory.mktemp("anam"), vocab, contexts, now=NOW, base_url=ANAM)
    cbp = make_world(
        tmp_path_factory.mktemp("cbp"), vocab, contexts, now=NOW, base_url="https://cbp.example"
    )
    # CBP's registry accredits the Mexican exporter registered on ANAM's node.
    with transaction(cbp.sessions) as session:
        ensure_entry(
            session,
            TrustEntry(  # type: ignore[arg-type]
                issuer=anam.svc.identities.did("exporter"),
                credential_type="USMCACertificationOfOrigin",
                country="US",
            ),
            added_by="tests",
            now=NOW,
        )
    anam_app = create_app(anam.settings)  # publishes ANAM's org DIDs and status lists
    client = TestClient(anam_app, base_url=ANAM)
    stage = CredentialsStage.from_settings(
        cbp.settings, sessions=cbp.sessions, peers=Peers([ANAM], client=client)
    )
    offline = CredentialsStage.from_settings(cbp.settings, sessions=cbp.sessions)
    yield Nodes(anam, cbp, _pipeline(stage), _pipeline(offline), stage, client)
    stage.close()
    anam_app.state.ctx.close()


def _decide(pipeline: Pipeline, payload: dict[str, Any]) -> Any:
    """The decision once the peer's documents are cached: a decision never waits on a peer for
    long, so one made before they arrive is a review saying so (and is made again here)."""
    deadline = time.monotonic() + 10
    while True:
        decision = pipeline.decide(payload, now=NOW)
        pending = [r for r in decision.reasons if "being fetched in the background" in r.message_en]
        if not pending or time.monotonic() > deadline:
            return decision
        assert decision.outcome is Outcome.DOCUMENTARY_REVIEW
        time.sleep(0.05)


def _certificate(nodes: Nodes, truck: dict[str, Any]) -> Any:
    subject = attach.usmca_subject(usmca_shipment(truck))
    return nodes.anam.issue("exporter", "USMCACertificationOfOrigin", subject, now=NOW)


def test_a_peer_issued_certificate_verifies_and_its_status_is_read_from_the_peer(
    nodes: Nodes,
) -> None:
    truck = usmca_truck(NOW)
    cert = _certificate(nodes, truck)
    decision = _decide(nodes.with_peer, {**truck, "presentations": [cert]})
    assert "credentials.verified" in decision.codes, decision.codes
    assert not [c for c in decision.codes if c.startswith("credentials.check.")]
    assert "risk.truck.usmca_verified" in decision.codes

    # ANAM revokes it on its own node; CBP's node sees it on its next read of the list.
    nodes.anam.set_status(cert, "revocation", org="exporter", now=NOW)
    nodes.stage.refresh()
    revoked = _decide(nodes.with_peer, {**truck, "presentations": [cert]})
    assert "credentials.check.revoked" in revoked.codes, revoked.codes
    assert revoked.outcome is not Outcome.RELEASE


def test_without_the_peer_named_nothing_is_fetched_and_release_is_refused(nodes: Nodes) -> None:
    truck = usmca_truck(NOW)
    cert = _certificate(nodes, truck)
    decision = nodes.without_peer.decide({**truck, "presentations": [cert]}, now=NOW)
    failed = [r for r in decision.reasons if r.code.startswith("credentials.check.")]
    assert failed, decision.codes
    assert any("did:web fetching is disabled" in r.message_en for r in failed)
    assert decision.outcome is not Outcome.RELEASE


def test_only_urls_and_dids_under_a_peer_are_fetched() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"fetched {request.url}")

    peers = Peers([ANAM + "/"], client=httpx.Client(transport=httpx.MockTransport(refuse)))
    assert peers.owns_did("did:web:anam.example:orgs:exporter")
    assert not peers.owns_did("did:web:anam.example.evil.com:orgs:exporter")
    assert not peers.owns_did("did:web:evil.example")
    assert not peers.owns_did("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    assert not peers.owns_url("https://anam.example.evil.com/credentials/status-lists/1")
    with pytest.raises(StatusListUnavailable):
        peers.status_list("http://169.254.169.254/latest/meta-data")
    with pytest.raises(ValueError):
        Peers(["ftp://anam.example"])
    assert not Peers([])
