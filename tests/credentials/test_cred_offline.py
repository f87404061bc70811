"""Verification never touches the network: DIDs of the node, status lists and contexts are local."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from cred_fixtures import carta_porte, issued_by


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_api_verification_is_offline(client_for: Any, no_network: None) -> None:
    carrier = client_for("carrier", org="acme")
    cbp = client_for("cbp", org="CBP")
    for options in ({}, {"cryptosuite": "ecdsa-jcs-2019"}, {"format": "dc+sd-jwt"}):
        vc = carrier.post(
            "/credentials/issue",
            json={"credential": issued_by("acme", carta_porte()), "options": options},
        ).json()
        body = {
            "verifiableCredential": vc["verifiableCredential"],
            "options": {"requireKeyBinding": False},
        }
        result = cbp.post("/credentials/verify", json=body).json()
        assert "status" in result["checks"], (options, result["errors"])
        assert not any("network" in e for e in result["errors"])
        assert result["verified"], result["errors"]
