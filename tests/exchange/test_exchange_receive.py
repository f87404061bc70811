"""Receiving documents in one node (no HTTP): each accepted once (held durably with its
receipt) and applied once, in order, whatever the batch holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
import pytest
from sqlalchemy import func, select

from smartborder.clients import ROLE_SCOPES, Principal, Role
from smartborder.config import Settings
from smartborder.credentials import KeyType, PrivateKey
from smartborder.demo import generate_trucks
from smartborder.exchange import NodeSigner
from smartborder.node import Node
from smartborder.store.tables.declarations import DeclarationRow
from smartborder.store.tables.exchange import InboxRow, OutboxRow, PendingRow
from smartborder.trips import trip_body

CARRIER = Principal("c", "Transportes", Role.CARRIER, ROLE_SCOPES[Role.CARRIER])
PEER = Principal("p", "ANAM node", Role.PEER, frozenset())
ANAM_URL, CBP_URL = "http://127.0.0.1:9001", "http://127.0.0.1:9000"
ANAM_DID = "did:web:127.0.0.1%3A9001"
KEY = PrivateKey.generate(KeyType.ED25519)
SIGNER = NodeSigner(did=ANAM_DID, kid=f"{ANAM_DID}#k", key=KEY, agency="anam")


def _settings(
    home: Path, agency: str, me: str, peer: str, database_url: str | None = None
) -> Settings:
    return Settings(
        home=home,
        agency=agency,
        base_url=me,
        exchange_peer=peer,
        peers_loopback_http=True,  # type: ignore[arg-type]
        **({"database_url": database_url} if database_url else {}),
    )


@pytest.fixture
def nodes(tmp_path: Path, database_url: str) -> Iterator[tuple[Node, Node]]:
    # CBP's node on SQLite and on PostgreSQL (where the test database is set), ANAM's on SQLite
    cbp = Node.open(_settings(tmp_path / "cbp", "cbp", CBP_URL, ANAM_URL, database_url))
    anam = Node.open(_settings(tmp_path / "anam", "anam", ANAM_URL, CBP_URL))
    assert cbp.link is not None
    cbp.link.peer.key_for = lambda kid: KEY.public if kid == SIGNER.kid else None  # type: ignore[method-assign]
    yield cbp, anam
    cbp.close()
    anam.close()


def _tokens(anam: Node, cbp: Node, n: int) -> list[str]:
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    trucks = generate_trucks("2304", day, n, rng=np.random.default_rng(8))
    bodies = [trip_body(anam.agreement, anam.prepare(CARRIER, t), agency="anam") for t in trucks]
    assert cbp.link is not None
    now = datetime.now(UTC)
    return [
        SIGNER.sign(
            f"doc-{i}", "trip", b, aud=cbp.link.signer.did, agreement=anam.agreement.ref, now=now
        )
        for i, b in enumerate(bodies)
    ]


def _count(node: Node, model: type) -> int:
    with node.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_batch_of_trips_is_decided_and_answered_each_once(nodes: tuple[Node, Node]) -> None:
    cbp, anam = nodes
    tokens = _tokens(anam, cbp, 5)
    first = cbp.receive(PEER, tokens)
    assert [o.status for o in first] == ["accepted"] * 5
    assert _count(cbp, DeclarationRow) == 0 and _count(cbp, PendingRow) == 5
    again = cbp.receive(PEER, tokens)  # the sender did not hear the answer: it sends again
    assert [o.status for o in again] == ["duplicate"] * 5
    assert cbp.apply_received() == 5
    assert cbp.apply_received() == 0
    again = cbp.receive(PEER, tokens)  # and again, after they were applied
    assert [o.status for o in again] == ["duplicate"] * 5
    assert _count(cbp, DeclarationRow) == 5 and _count(cbp, InboxRow) == 5
    assert _count(cbp, PendingRow) == 0
    assert _count(cbp, OutboxRow) == 5  # one decision back for each trip
    with cbp.sessions() as s:
        assert set(s.scalars(select(InboxRow.status))) == {"applied"}


def test_the_same_document_twice_in_one_batch_is_applied_once(nodes: tuple[Node, Node]) -> None:
    cbp, anam = nodes
    (token,) = _tokens(anam, cbp, 1)
    outcomes = cbp.receive(PEER, [token, token])
    assert [o.status for o in outcomes] == ["accepted", "duplicate"]
    assert cbp.apply_received() == 1
    assert _count(cbp, DeclarationRow) == 1 and _count(cbp, InboxRow) == 1


def test_a_document_accepted_but_not_applicable_goes_back_as_a_refusal(
    nodes: tuple[Node, Node],
) -> None:
    cbp, anam = nodes
    assert cbp.link is not None and anam.link is not None
    anam.link.peer.key_for = lambda kid: (  # type: ignore[method-assign]
        cbp.link.signer.key.public if cbp.link and kid == cbp.link.signer.kid else None
    )
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    (truck,) = generate_trucks("2304", day, 1, rng=np.random.default_rng(9))
    anam.submit_many(CARRIER, [truck])
    with anam.sessions() as s:
        sent = s.scalars(select(OutboxRow)).one()
    # ANAM's document, as CBP receives it: a decision on a trip CBP does not hold
    token = SIGNER.sign(
        sent.doc_id,
        "decision",
        {"trip_id": "no-such-trip", "version": 1},
        aud=cbp.link.signer.did,
        agreement=anam.agreement.ref,
        now=datetime.now(UTC),
    )
    assert [o.status for o in cbp.receive(PEER, [token])] == ["accepted"]
    assert cbp.apply_received() == 1
    with cbp.sessions() as s:
        refusal = s.scalars(select(OutboxRow).where(OutboxRow.kind == "refusal")).one()
        assert s.scalars(select(InboxRow.status)).one() == "refused"
        assert _count(cbp, DeclarationRow) == 0
    back = cbp.link.signer.sign(
        refusal.doc_id,
        "refusal",
        orjson.loads(refusal.body),
        aud=anam.link.signer.did,
        agreement=anam.agreement.ref,
        now=datetime.now(UTC),
    )
    assert [o.status for o in anam.receive(PEER, [back])] == ["accepted"]
    assert anam.apply_received() == 1
    with anam.sessions() as s:
        row = s.scalars(select(OutboxRow).where(OutboxRow.doc_id == sent.doc_id)).one()
        assert row.status == "refused"
        assert orjson.loads(row.last_error or "{}")["code"] == "exchange.not_applicable"
        # a refusal is never answered by a refusal: nothing new queued at ANAM
        assert _count(anam, OutboxRow) == 1


def test_a_state_the_trip_cannot_take_is_refused_and_one_outside_the_agreement_never_held(
    nodes: tuple[Node, Node],
) -> None:
    cbp, anam = nodes
    assert cbp.link is not None
    (trip,) = _tokens(anam, cbp, 1)
    cbp.receive(PEER, [trip])
    cbp.apply_received()
    with cbp.sessions() as s:
        trip_id = s.scalars(select(DeclarationRow.id)).one()
    now = datetime.now(UTC)

    def state(doc_id: str, change: dict[str, str]) -> str:
        body = {"trip_id": trip_id, "version": 3, "state": change}
        return SIGNER.sign(
            doc_id, "state", body, aud=cbp.link.signer.did, agreement=anam.agreement.ref, now=now
        )

    at = now.isoformat()
    leaky = state("s-1", {"state": "arrived", "at": at, "agency": "anam", "note": "officer J."})
    skip = state("s-2", {"state": "released", "at": at, "agency": "anam"})  # not arrived yet
    fine = state("s-3", {"state": "arrived", "at": at, "agency": "anam"})
    outcomes = cbp.receive(PEER, [leaky, skip, fine])
    assert [o.status for o in outcomes] == ["refused", "accepted", "accepted"]
    assert outcomes[0].problem and outcomes[0].problem["code"] == "exchange.out_of_agreement"
    assert cbp.apply_received() == 2
    with cbp.sessions() as s:
        assert s.get(DeclarationRow, trip_id).state == "arrived"  # type: ignore[union-attr]
        refusal = s.scalars(select(OutboxRow).where(OutboxRow.kind == "refusal")).one()
        problem = orjson.loads(refusal.body)["problem"]
        assert orjson.loads(refusal.body)["doc_id"] == "s-2"
        assert problem["cause"] == "lifecycle.invalid_transition" and problem["state"] == "decided"
