"""Helpers for the consular tests (imported by module name; not a conftest): a holder with
their own key, a consulate issuing to them, presentations answering the node's challenges, and
local SMTP (aiosmtpd) and webhook servers that record what they receive."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from smartborder.credentials import PrivateKey, TrustEntry, did_key_for, ensure_entry, present
from smartborder.credentials.primitives import jose, sdjwt
from smartborder.credentials.recipes import unenvelope
from smartborder.node import Node
from smartborder.store import transaction

CONSULATE = "U.S. Consulate General Tijuana"
SRE = "Secretaria de Relaciones Exteriores"
PERSON = {
    "givenName": "JUAN",
    "familyName": "FLORES",
    "birthDate": "1960-05-19",
    "nationality": "MEX",
}
DISCLOSE = [*PERSON, "documentNumber"]


@dataclass
class Holder:
    key: PrivateKey = field(default_factory=PrivateKey.generate)

    @property
    def did(self) -> str:
        return did_key_for(self.key.public)

    @property
    def method(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    def prove(self, api: TestClient, credentials: list[str] = ()) -> str:  # type: ignore[assignment]
        """A vp+jwt answering a fresh challenge of the node, each SD-JWT key-bound to it."""
        opened = api.post("/consular/challenges")
        assert opened.status_code == 201, opened.text
        challenge, domain = opened.json()["challenge"], opened.json()["domain"]
        now = datetime.now(UTC)
        shown = [
            sdjwt.present(
                c, disclose=DISCLOSE, holder_key=self.key, audience=domain, nonce=challenge, now=now
            )
            for c in credentials
        ]
        vp = present(
            {"verifiableCredential": shown},
            key=self.key,
            verification_method=self.method,
            now=now,
            challenge=challenge,
            domain=domain,
        )
        assert isinstance(vp, str)
        return vp


def accredit(node: Node) -> None:
    svc = node.credential_service
    now = datetime.now(UTC)
    with transaction(node.sessions) as session:
        for org, ctype, country in (
            (CONSULATE, "BorderCrossingCardCredential", "US"),
            (SRE, "PassportCredential", "US"),
            (SRE, "PassportCredential", "MX"),
        ):
            ensure_entry(
                session,
                TrustEntry(issuer=svc.identities.did(org), credential_type=ctype, country=country),  # type: ignore[arg-type]
                added_by="tests",
                now=now,
            )
    node.credentials.refresh()


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def issue_card(
    node: Node,
    holder: Holder,
    *,
    days_left: float = 20,
    number: str = "V2JTC68NT",
    bound_to: str | None = None,
    term_days: int = 3652,
) -> str:
    """A Border Crossing Card issued by the consulate to ``holder`` (SD-JWT VC bound to their
    key), ending in ``days_left`` days."""
    now = datetime.now(UTC)
    until = now + timedelta(days=days_left)
    subject = {
        "id": bound_to or holder.did,
        "type": "BorderCrossingCard",
        "issuingCountry": "USA",
        "visaClass": "B1/B2",
        "documentNumber": number,
        **PERSON,
    }
    with transaction(node.sessions) as session:
        secured = node.credential_service.issue(
            session,
            org=CONSULATE,
            credential={
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://smartborder.dev/credentials/v1",
                ],
                "type": ["VerifiableCredential", "BorderCrossingCardCredential"],
                "validFrom": stamp(until - timedelta(days=term_days)),
                "validUntil": stamp(until),
                "credentialSubject": subject,
            },
            options={
                "format": "dc+sd-jwt",
                "disclosable": [*PERSON, "documentNumber"],
                "holderJwk": holder.key.public.jwk,
            },
            now=min(now, until - timedelta(days=1)),
        )
    value = unenvelope(secured)
    assert isinstance(value, str)
    return value


def credential_id(sd_jwt: str) -> str:
    return str(jose.unverified_claims(sd_jwt.split("~")[0])["jti"])


def traveler(number: str, presentations: list[Any]) -> dict[str, Any]:
    """A northbound traveler tomorrow at San Ysidro with a Border Crossing Card."""
    arrival = datetime.now(UTC) + timedelta(days=1)
    return {
        "kind": "traveler",
        "port_code": "2504",
        "direction": "northbound",
        "expected_arrival": arrival.isoformat(),
        "family_name": PERSON["familyName"],
        "given_names": PERSON["givenName"],
        "date_of_birth": PERSON["birthDate"],
        "nationality": "MEX",
        "document": {
            "type": "border_crossing_card",
            "number": number,
            "issuing_country": "USA",
            "expires_on": (arrival + timedelta(days=3000)).date().isoformat(),
        },
        "purpose": "tourism",
        "presentations": presentations,
    }


# --- local servers that record what they receive ---------------------------------------------


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[int, _Mailbox]]:
    """An aiosmtpd server on a free local port, with the mailbox it delivers to."""
    box = _Mailbox()
    with socket.socket() as probe:  # aiosmtpd's start-up check connects to the port it is given
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


@dataclass
class Hook:
    received: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    #: status codes to answer, in order (then 204)
    answers: list[int] = field(default_factory=list)


@contextmanager
def webhook_server() -> Iterator[tuple[str, Hook]]:
    """A local HTTP server recording each POSTed JSON body with its headers."""
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = hook.answers.pop(0) if hook.answers else 204
            if status < 300:
                hook.received.append((dict(self.headers), json.loads(body)))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/notices", hook
    finally:
        server.shutdown()
        server.server_close()


def eventually(check: Callable[[], bool], *, within_s: float = 15.0) -> bool:
    """Whether ``check()`` becomes true within ``within_s`` (polled; not a timing assertion)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()
