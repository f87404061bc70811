"""A traveler renews an expiring Border Crossing Card end to end: the consulate issued it to
their DID; they see it among their expiring credentials; they apply with a presentation of it;
the consulate issues a new card (verifiable, bound to their key) and revokes the old one; a
trip declared with the old card is refused with the reason; the notices arrive by e-mail
(aiosmtpd) and webhook. Bad applications are refused with the reason, nothing half-done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from consular_fixtures import (
    CONSULATE,
    Holder,
    accredit,
    credential_id,
    eventually,
    issue_card,
    smtp_server,
    traveler,
    webhook_server,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.credentials.primitives import jose, sdjwt
from smartborder.credentials.recipes import unenvelope
from smartborder.node import Node
from smartborder.preclearance import Outcome
from smartborder.store import transaction
from smartborder.store.tables.consular import NoticeRow
from smartborder.store.tables.credentials import IssuedCredentialRow


@pytest.fixture
def servers() -> Iterator[tuple[int, Any, str, Any]]:
    with smtp_server() as (port, box), webhook_server() as (url, hook):
        yield port, box, url, hook


@pytest.fixture
def app(tmp_path: Path, database_url: str, servers: tuple[int, Any, str, Any]) -> Iterator[FastAPI]:
    port, _, url, _ = servers
    settings = Settings(
        home=tmp_path / "home",
        database_url=database_url,
        notice_smtp_host="127.0.0.1",
        notice_smtp_port=port,
        notice_webhook_url=url,
        notice_webhook_secret="s3cret",
    )
    application = create_app(settings)
    accredit(application.state.ctx)
    yield application
    application.state.ctx.close()


def _node(app: FastAPI) -> Node:
    node: Node = app.state.ctx
    return node


def _verify(node: Node, sd_jwt: str) -> Any:
    with transaction(node.sessions) as session:
        return node.credential_service.verify(
            session, sd_jwt, options={"requireKeyBinding": False}, now=datetime.now(UTC)
        )


def _issued_count(node: Node) -> int:
    with transaction(node.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(IssuedCredentialRow)) or 0)


def test_expiring_card_is_listed_renewed_and_the_old_one_refused_at_the_border(
    app: FastAPI, servers: tuple[int, Any, str, Any]
) -> None:
    _, box, _, hook = servers
    node = _node(app)
    api = TestClient(app)
    holder = Holder()
    old = issue_card(node, holder, days_left=20)
    issue_card(node, holder, days_left=400, number="LATER0001")  # not expiring soon

    # 1. the traveler sees which of their credentials expire within 30 days
    listed = api.get(
        "/consular/expiring?within_days=30", headers={"Authorization": f"VP {holder.prove(api)}"}
    )
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["holder"] == holder.did
    [card] = body["credentials"]
    assert card["credential_id"] == credential_id(old)
    assert card["credential_type"] == "BorderCrossingCardCredential"
    assert card["issued_by"] == CONSULATE
    assert 19 <= card["days_left"] <= 20 and card["renewable_online"] is True

    # 2. the traveler applies with a presentation of the card (date of birth etc. disclosed)
    before = _issued_count(node)
    applied = api.post(
        "/consular/renewals",
        json={"presentation": holder.prove(api, [old]), "contact": {"email": "juan@example.mx"}},
    )
    assert applied.status_code == 201, applied.text
    renewal = applied.json()
    assert renewal["revoked_credential_id"] == credential_id(old)
    assert _issued_count(node) == before + 1
    new = unenvelope(renewal["verifiableCredential"])
    assert isinstance(new, str) and "~" in new

    # 3. the new card verifies, is bound to the holder's key, and carries a new number
    checked = _verify(node, new)
    assert checked.verified, checked.errors
    subject = checked.credential["credentialSubject"]
    assert subject["id"] == holder.did and subject["familyName"] == "FLORES"
    assert subject["documentNumber"] != "V2JTC68NT"
    assert renewal["valid_until"] > card["valid_until"]
    assert jose.unverified_claims(new.split("~")[0])["cnf"]["jwk"] == holder.key.public.jwk
    # 4. the old card is revoked in the consulate's status list
    stale = _verify(node, old)
    assert not stale.verified and any(e.startswith("status: revoked") for e in stale.errors)

    # 5. a trip declared with the old card is refused with the reason, in both languages
    shown_old = sdjwt.present(
        old, disclose=["givenName", "familyName", "documentNumber"], now=datetime.now(UTC)
    )
    decision = node.pipeline.decide(traveler("V2JTC68NT", [shown_old]), now=datetime.now(UTC))
    assert decision.outcome is Outcome.INSPECT
    [reason] = [r for r in decision.reasons if r.code == "credentials.check.revoked"]
    assert "BorderCrossingCardCredential" in reason.message_en
    assert "replaced by a renewal" in reason.message_en and "revoked (list" in reason.message_en
    assert "reemplazada por una renovación" in reason.message_es
    assert "revocada (lista" in reason.message_es

    # ... and with the new card it is verified
    shown_new = sdjwt.present(
        new, disclose=["givenName", "familyName", "documentNumber"], now=datetime.now(UTC)
    )
    fresh = node.pipeline.decide(
        traveler(subject["documentNumber"], [shown_new]), now=datetime.now(UTC)
    )
    assert "credentials.verified" in fresh.codes
    assert not [c for c in fresh.codes if c.startswith("credentials.check.")]

    # 6. the notices arrive: an e-mail through SMTP, a signed JSON POST to the webhook
    assert renewal["notices"] == ["webhook", "smtp"]
    assert eventually(lambda: len(box.messages) == 1 and len(hook.received) == 1)
    mail = box.messages[0]
    assert mail["To"] == "juan@example.mx"
    assert "renewed" in mail["Subject"] and "renovad" in mail["Subject"]
    text = mail.get_payload(decode=True).decode()
    assert renewal["new_credential_id"] in text and "Presente la nueva credencial" in text
    headers, posted = hook.received[0]
    assert posted["kind"] == "renewal.issued"
    assert posted["new_credential_id"] == renewal["new_credential_id"]
    assert headers["SmartBorder-Signature"].startswith("sha256=")

    def states() -> dict[str, str]:
        with transaction(node.sessions) as session:
            return {r.channel: r.state for r in session.scalars(select(NoticeRow))}

    assert eventually(lambda: states() == {"webhook": "sent", "smtp": "sent"}), states()

    # 7. the old card cannot be renewed again: refused, naming the renewal that replaced it
    again = api.post("/consular/renewals", json={"presentation": holder.prove(api, [old])})
    assert again.status_code == 422, again.text
    problem = again.json()
    assert problem["code"] == "consular.credential_revoked"
    assert renewal["new_credential_id"] in problem["detail"]
