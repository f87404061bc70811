"""Bad renewal applications are refused with the reason (bilingual problem, 4xx), and nothing
is issued or revoked: a revoked, expired or someone else's credential, an unanswered or
reused challenge, withheld claims, a failure half-way through."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from consular_fixtures import CONSULATE, Holder, accredit, credential_id, issue_card
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.consular import CHALLENGE_TTL
from smartborder.credentials import StatusListUnavailable, present
from smartborder.credentials.primitives import sdjwt
from smartborder.node import Node
from smartborder.store import transaction
from smartborder.store.tables.consular import NoticeRow, RenewalRow
from smartborder.store.tables.credentials import ExchangeRow, IssuedCredentialRow


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[FastAPI]:
    settings = Settings(
        home=tmp_path / "home",
        database_url=database_url,
        notice_webhook_url="http://127.0.0.1:9/never-reached",  # queued, not sent (no serve)
    )
    application = create_app(settings)
    accredit(application.state.ctx)
    yield application
    application.state.ctx.close()


def _counts(node: Node) -> tuple[int, int, int, int]:
    """(issued, revoked, renewals, notices) in the store."""
    with transaction(node.sessions) as s:
        issued = s.scalar(select(func.count()).select_from(IssuedCredentialRow)) or 0
        revoked = (
            s.scalar(
                select(func.count())
                .select_from(IssuedCredentialRow)
                .where(IssuedCredentialRow.revoked.is_(True))
            )
            or 0
        )
        renewals = s.scalar(select(func.count()).select_from(RenewalRow)) or 0
        notices = s.scalar(select(func.count()).select_from(NoticeRow)) or 0
    return int(issued), int(revoked), int(renewals), int(notices)


def _refused(api: TestClient, presentation: Any, status: int, code: str) -> dict[str, Any]:
    answer = api.post("/consular/renewals", json={"presentation": presentation})
    assert answer.status_code == status, answer.text
    problem = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == code
    return problem


def _spanish(api: TestClient, presentation: Any) -> str:
    answer = api.post(
        "/consular/renewals",
        json={"presentation": presentation},
        headers={"Accept-Language": "es"},
    )
    return str(answer.json()["detail"])


def test_a_revoked_card_is_refused_and_nothing_changes(app: FastAPI) -> None:
    node: Node = app.state.ctx
    api, holder = TestClient(app), Holder()
    card = issue_card(node, holder)
    with transaction(node.sessions) as session:
        node.credential_service.update_status(
            session,
            org=CONSULATE,
            credential_id=credential_id(card),
            updates=[{"statusPurpose": "revocation", "status": "1"}],
            now=datetime.now(UTC),
        )
    before = _counts(node)
    problem = _refused(api, holder.prove(api, [card]), 422, "consular.credential_revoked")
    assert "revoked by its issuer" in problem["detail"]
    assert problem["errors"][0]["pointer"] == "/presentation/verifiableCredential/0"
    assert "revocada por su emisor" in _spanish(api, holder.prove(api, [card]))
    assert _counts(node) == before


def test_an_expired_card_is_refused_it_is_renewed_in_person(app: FastAPI) -> None:
    node: Node = app.state.ctx
    api, holder = TestClient(app), Holder()
    card = issue_card(node, holder, days_left=-5)
    before = _counts(node)
    problem = _refused(api, holder.prove(api, [card]), 422, "consular.credential_expired")
    assert "expired at" in problem["detail"] and "in person" in problem["detail"]
    assert "en persona" in _spanish(api, holder.prove(api, [card]))
    assert _counts(node) == before


def test_someone_elses_card_is_refused_as_foreign_bound(app: FastAPI) -> None:
    node: Node = app.state.ctx
    api, owner, other = TestClient(app), Holder(), Holder()
    # the card is about the owner's DID; the other holder even holds a copy bound to their key
    card = issue_card(node, other, bound_to=owner.did)
    before = _counts(node)
    problem = _refused(api, other.prove(api, [card]), 422, "consular.foreign_bound")
    assert owner.did in problem["detail"] and other.did in problem["detail"]
    assert "solo su titular" in _spanish(api, other.prove(api, [card]))
    # and the owner's own card presented by someone without the owner's key fails key binding
    mine = issue_card(node, owner)
    problem = _refused(api, other.prove(api, [mine]), 422, "consular.foreign_bound")
    assert _counts(node)[1:] == before[1:]


def test_presenting_a_card_without_its_holder_key_binding_is_refused(app: FastAPI) -> None:
    node: Node = app.state.ctx
    api, holder, thief = TestClient(app), Holder(), Holder()
    card = issue_card(node, holder)
    # the thief claims to be the holder: signs the presentation with their own key, naming it
    # as the card's holder DID is impossible (holder must control the signing key) ...
    problem = _refused(api, thief.prove(api, [card]), 422, "consular.foreign_bound")
    assert thief.did in problem["detail"]
    # ... and a key-binding JWT made with the wrong key fails the credential's check
    opened = api.post("/consular/challenges").json()
    now = datetime.now(UTC)
    forged = sdjwt.present(
        card,
        disclose=["givenName", "familyName", "birthDate", "nationality", "documentNumber"],
        holder_key=thief.key,
        audience=opened["domain"],
        nonce=opened["challenge"],
        now=now,
    )
    vp = present(
        {"verifiableCredential": [forged]},
        key=holder.key,  # even signed by the holder, a binding made with another key fails
        verification_method=holder.method,
        now=now,
        challenge=opened["challenge"],
        domain=opened["domain"],
    )
    problem = _refused(api, vp, 422, "consular.foreign_bound")
    assert "key-binding" in problem["detail"]


def test_unauthenticated_or_replayed_presentations_are_401(app: FastAPI) -> None:
    node: Node = app.state.ctx
    api, holder = TestClient(app), Holder()
    issue_card(node, holder)
    assert api.get("/consular/expiring").status_code == 401
    assert api.get("/consular/expiring", headers={"Authorization": "Bearer x"}).status_code == 401
    vp = holder.prove(api)
    first = api.get("/consular/expiring", headers={"Authorization": f"VP {vp}"})
    assert first.status_code == 200, first.text
    again = api.get("/consular/expiring", headers={"Authorization": f"VP {vp}"})
    assert again.status_code == 401
    assert again.json()["code"] == "consular.holder_unauthenticated"
    assert "already used" in again.json()["detail"]
    # a presentation that answers no challenge of this node
    stray = present(
        {"verifiableCredential": []},
        key=holder.key,
        verification_method=holder.method,
        now=datetime.now(UTC),
        challenge="made-up",
        domain="http://elsewhere.example",
    )
    answer = api.get("/consular/expiring", headers={"Authorization": f"VP {stray}"})
    assert answer.status_code == 401 and "not one this node opened" in answer.json()["detail"]


def test_a_wrong_window_or_malformed_application_is_a_clear_problem(app: FastAPI) -> None:
    api, holder = TestClient(app), Holder()
    far = api.get(
        "/consular/expiring?within_days=0", headers={"Authorization": f"VP {holder.prove(api)}"}
    )
    assert far.status_code == 400 and far.json()["code"] == "consular.within_days_invalid"
    empty = api.post("/consular/renewals", json={"contact": {"email": "not-an-address"}})
    assert empty.status_code == 400
    pointers = {e["pointer"] for e in empty.json()["errors"]}
    assert pointers == {"/presentation", "/contact/email"}


def test_withheld_claims_are_named(app: FastAPI) -> None:
    node: Node = app.state.ctx
    api, holder = TestClient(app), Holder()
    card = issue_card(node, holder)
    opened = api.post("/consular/challenges").json()
    now = datetime.now(UTC)
    shown = sdjwt.present(
        card,
        disclose=["givenName", "familyName", "documentNumber"],  # birth date, nationality kept
        holder_key=holder.key,
        audience=opened["domain"],
        nonce=opened["challenge"],
        now=now,
    )
    vp = present(
        {"verifiableCredential": [shown]},
        key=holder.key,
        verification_method=holder.method,
        now=now,
        challenge=opened["challenge"],
        domain=opened["domain"],
    )
    problem = _refused(api, vp, 422, "consular.disclosure_missing")
    assert "birthDate, nationality" in problem["detail"]


def test_a_failure_half_way_leaves_nothing_issued_or_revoked(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    node: Node = app.state.ctx
    api, holder = TestClient(app), Holder()
    card = issue_card(node, holder)
    before = _counts(node)

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise StatusListUnavailable()

    # the new card is issued, then revoking the old one fails: the whole renewal rolls back
    monkeypatch.setattr(node.credential_service, "update_status", fail)
    answer = api.post("/consular/renewals", json={"presentation": holder.prove(api, [card])})
    assert answer.status_code == 503, answer.text
    assert _counts(node) == before
    monkeypatch.undo()
    done = api.post("/consular/renewals", json={"presentation": holder.prove(api, [card])})
    assert done.status_code == 201, done.text
    issued, revoked, renewals, notices = _counts(node)
    assert (issued, revoked, renewals, notices) == (before[0] + 1, before[1] + 1, 1, 1)


def test_garbage_and_unsigned_presentations_are_401_not_500(app: FastAPI) -> None:
    api, holder = TestClient(app), Holder()
    for header in ("VP not-a-jwt", "VP a.b.c", "VP " + "x" * 5000):
        answer = api.get("/consular/expiring", headers={"Authorization": header})
        assert answer.status_code == 401, (header[:20], answer.text)
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
    }
    answer = api.post("/consular/renewals", json={"presentation": unsigned})
    assert answer.status_code == 401 and answer.json()["code"] == "consular.holder_unauthenticated"
    for body in ([], "x", {"presentation": 7}, {"presentation": ""}):
        assert api.post("/consular/renewals", json=body).status_code == 400


def test_two_applications_for_one_card_at_once_renew_it_once(app: FastAPI) -> None:
    node: Node = app.state.ctx
    api, holder = TestClient(app), Holder()
    card = issue_card(node, holder)
    first, second = holder.prove(api, [card]), holder.prove(api, [card])
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda vp: TestClient(app).post("/consular/renewals", json={"presentation": vp}),
                [first, second],
            )
        )
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 201 and codes[1] in (409, 422), [a.text for a in answers]
    assert _counts(node)[2] == 1  # one renewal recorded


def test_an_expired_challenge_is_refused_and_dropped(app: FastAPI) -> None:
    node: Node = app.state.ctx
    api, holder = TestClient(app), Holder()
    vp = holder.prove(api)
    with transaction(node.sessions) as session:  # the challenge was opened 11 minutes ago
        for row in session.scalars(select(ExchangeRow)):
            row.created_at = row.created_at - CHALLENGE_TTL - timedelta(minutes=1)
    late = api.get("/consular/expiring", headers={"Authorization": f"VP {vp}"})
    assert late.status_code == 401 and "expired" in late.json()["detail"]
    api.post("/consular/challenges")  # opening a new one drops the stale ones
    with transaction(node.sessions) as session:
        assert session.scalar(select(func.count()).select_from(ExchangeRow)) == 1
