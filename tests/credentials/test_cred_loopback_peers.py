"""Peers are HTTPS, except two nodes on one machine: plain HTTP is allowed only for a loopback
peer and only with ``SMARTBORDER_PEERS_LOOPBACK_HTTP=true`` (its did:web DIDs then resolve
over HTTP); an HTTPS peer with a private CA is trusted through ``SMARTBORDER_PEERS_CA_FILE``.
Against real servers on 127.0.0.1: uvicorn serving a peer node's app over HTTP and over TLS
with a trustme certificate."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trustme
import uvicorn
from precl_fixtures import World, make_world, usmca_shipment, usmca_truck
from pydantic import ValidationError
from typer.testing import CliRunner

from conftest import shared_path
from smartborder.api import create_app
from smartborder.cli import app as cli_app
from smartborder.config import Settings
from smartborder.credentials import attach
from smartborder.credentials.errors import DidUnreachable
from smartborder.credentials.peers import Peers
from smartborder.credentials.trust import TrustEntry, ensure_entry
from smartborder.node import build_pipeline
from smartborder.preclearance import CredentialsStage, Outcome, Pipeline
from smartborder.store import transaction

NOW = datetime.now(UTC).replace(microsecond=0)


# --- the settings ---------------------------------------------------------------------------


def test_a_plain_http_peer_on_another_host_is_refused_even_with_the_setting() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(peers="http://anam.example.org", peers_loopback_http=True)
    assert "not loopback" in str(caught.value) and "HTTPS" in str(caught.value)
    with pytest.raises(ValidationError):
        Settings(peers="http://10.0.0.7:8001", peers_loopback_http=True)


def test_a_loopback_http_peer_needs_the_setting() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(peers="http://127.0.0.1:8001")
    assert "SMARTBORDER_PEERS_LOOPBACK_HTTP=true" in str(caught.value)
    for url in ("http://127.0.0.1:8001", "http://127.9.9.9:8001", "http://[::1]:8001/anam"):
        assert Settings(peers=url, peers_loopback_http=True).peer_urls == [url]
    assert Settings(peers="http://localhost:8001", peers_loopback_http=True).peer_urls


def test_the_cli_names_the_variable_of_a_refused_http_peer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTBORDER_HOME", str(tmp_path))
    monkeypatch.setenv("SMARTBORDER_PEERS", "http://127.0.0.1:8001")
    result = CliRunner().invoke(cli_app, ["demo", "--scale", "0.001"])
    assert result.exit_code == 2, result.output
    assert "SMARTBORDER_PEERS_LOOPBACK_HTTP" in result.output and "config.invalid" in result.output


def test_a_missing_ca_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(peers="https://anam.example", peers_ca_file=tmp_path / "nope.pem")


def test_a_loopback_peers_dids_resolve_over_http_and_others_over_https() -> None:
    peers = Peers(["http://127.0.0.1:8001", "https://anam.example"])
    assert peers.did_url("did:web:127.0.0.1%3A8001:orgs:sat") == (
        "http://127.0.0.1:8001/orgs/sat/did.json"
    )
    assert peers.did_url("did:web:127.0.0.1%3A8001") == "http://127.0.0.1:8001/.well-known/did.json"
    assert (
        peers.did_url("did:web:anam.example:orgs:sat") == "https://anam.example/orgs/sat/did.json"
    )
    assert peers.did_url("did:web:127.0.0.1%3A8002:orgs:sat") is None  # another port: no peer
    assert peers.did_url("did:web:evil.example") is None
    assert peers.did_url("did:web:") is None
    with pytest.raises(ValueError):
        Peers(["http://anam.example"])  # never plain HTTP to a host that is not loopback


# --- real peer nodes --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _serving(world: World, port: int, **tls: Any) -> Iterator[None]:
    """The peer node's app on 127.0.0.1:``port`` (uvicorn, in a thread), HTTPS with ``tls``."""
    app = create_app(world.settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", **tls)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the peer did not start"
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _worlds(tmp: pytest.TempPathFactory, peer_url: str) -> tuple[World, World]:
    vocab = shared_path("conformance", "traceability-vocab")
    contexts = shared_path("conformance", "contexts")
    anam = make_world(tmp.mktemp("anam"), vocab, contexts, now=NOW, base_url=peer_url)
    cbp = make_world(tmp.mktemp("cbp"), vocab, contexts, now=NOW)
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
    return anam, cbp


def _decide_once_fetched(pipeline: Pipeline, payload: dict[str, Any]) -> Any:
    """The decision once the peer's documents are cached (a decision never waits long)."""
    deadline = time.monotonic() + 15
    while True:
        decision = pipeline.decide(payload, now=NOW)
        pending = [r for r in decision.reasons if "being fetched in the background" in r.message_en]
        if not pending or time.monotonic() > deadline:
            return decision
        time.sleep(0.05)


def _peer_credential_verifies(cbp_settings: Settings, anam: World) -> Any:
    truck = usmca_truck(NOW)
    subject = attach.usmca_subject(usmca_shipment(truck))
    cert = anam.issue("exporter", "USMCACertificationOfOrigin", subject, now=NOW)
    stage = CredentialsStage.from_settings(cbp_settings)
    try:
        pipeline = build_pipeline(cbp_settings, credentials=stage)
        return _decide_once_fetched(pipeline, {**truck, "presentations": [cert]})
    finally:
        stage.close()


def test_a_loopback_http_peer_is_reached_with_the_setting(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    port = _free_port()
    peer_url = f"http://127.0.0.1:{port}"
    anam, cbp = _worlds(tmp_path_factory, peer_url)
    settings = Settings(
        **{**cbp.settings.model_dump(), "peers": peer_url, "peers_loopback_http": True}
    )
    with _serving(anam, port):
        decision = _peer_credential_verifies(settings, anam)
    assert not [c for c in decision.codes if c.startswith("credentials.check.")], decision.codes
    assert "credentials.verified" in decision.codes


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def test_an_https_peer_with_a_private_ca_is_trusted_through_the_ca_file(
    tmp_path_factory: pytest.TempPathFactory, ca: trustme.CA, tmp_path: Path
) -> None:
    port = _free_port()
    peer_url = f"https://127.0.0.1:{port}"
    anam, cbp = _worlds(tmp_path_factory, peer_url)
    cert = ca.issue_cert("127.0.0.1")
    certfile, keyfile, cafile = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(cafile))
    base = {**cbp.settings.model_dump(), "peers": peer_url}
    trusting = Settings(**{**base, "peers_ca_file": cafile})
    exporter = anam.svc.identities.did("exporter")
    with _serving(anam, port, ssl_certfile=str(certfile), ssl_keyfile=str(keyfile)):
        decision = _peer_credential_verifies(trusting, anam)  # issues: the org DID exists
        peers = Peers.from_settings(trusting)
        assert peers.did_url(exporter) == f"{peer_url}/orgs/exporter/did.json"
        assert peers.did_document(exporter)["id"] == exporter
        # Without the CA the peer's certificate is refused: nothing is read from it.
        with pytest.raises(DidUnreachable) as refused:
            Peers.from_settings(Settings(**base)).did_document(exporter)
        assert "CERTIFICATE_VERIFY_FAILED" in refused.value.message.en
    assert not [c for c in decision.codes if c.startswith("credentials.check.")], decision.codes
    assert "credentials.verified" in decision.codes
    assert decision.outcome is not Outcome.INSPECT
