"""Exchange documents: what leaves a node is what the agreement shares; what arrives is
checked (signer, signature, audience, age, agreement) before anything is applied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from smartborder.credentials import KeyType, PrivateKey, PublicKey
from smartborder.declarations import parse_declaration
from smartborder.demo import generate_travelers, generate_trucks
from smartborder.exchange import (
    AgreementInvalid,
    DocumentInvalid,
    NodeSigner,
    NotForThisNode,
    OutOfAgreement,
    Replayed,
    SignatureInvalid,
    backoff_s,
    load_agreement,
    open_document,
)

NOW = datetime(2026, 12, 8, 0, 1, tzinfo=UTC)  # before the demo day the trips arrive on
ANAM = "did:web:anam.example"
CBP = "did:web:cbp.example"
KEY = PrivateKey.generate(KeyType.ED25519)
SIGNER = NodeSigner(did=ANAM, kid=f"{ANAM}#k1", key=KEY, agency="anam")
AGREEMENT = load_agreement()


def _key_for(kid: str) -> PublicKey | None:
    return KEY.public if kid == f"{ANAM}#k1" else None


def _open(token: Any, *, now: datetime = NOW) -> Any:
    return open_document(
        token,
        peer_did=ANAM,
        peer_agency="anam",
        key_for=_key_for,
        me=CBP,
        agreement=AGREEMENT,
        now=now,
    )


def _trip_body() -> dict[str, Any]:
    truck = generate_trucks(
        "2506", (NOW + timedelta(days=1)).date(), 1, rng=np.random.default_rng(4)
    )[0]
    truck["shipments"][0]["shipper"]["phone"] = "+52 664 555 0100"
    payload = parse_declaration(truck, now=NOW).model_dump(mode="json")
    return {
        "trip_id": "11111111-1111-4111-8111-111111111111",
        "version": 1,
        "submitter_org": "Transportes",
        "filed_at": NOW.isoformat(),
        "declaration": AGREEMENT.share_of("trip", payload, "truck"),
    }


def _sign(
    body: dict[str, Any],
    *,
    kind: str = "trip",
    aud: str = CBP,
    now: datetime = NOW,
    signer: NodeSigner = SIGNER,
) -> str:
    return signer.sign("doc-1", kind, body, aud=aud, agreement=AGREEMENT.ref, now=now)


def test_a_shared_trip_leaves_out_what_the_agreement_keeps_home_and_still_parses() -> None:
    body = _trip_body()
    shipper = body["declaration"]["shipments"][0]["shipper"]
    assert "phone" not in shipper and shipper["name"]
    parse_declaration(body["declaration"], now=NOW)  # the receiving agency can decide on it


@pytest.mark.parametrize("seed", range(5))
def test_every_demo_traveler_and_truck_shared_still_parses(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for payload in [
        *generate_trucks("2304", (NOW + timedelta(days=1)).date(), 3, rng=rng),
        *generate_travelers("2504", (NOW + timedelta(days=1)).date(), 3, rng=rng),
    ]:
        full = parse_declaration(payload, now=NOW).model_dump(mode="json")
        shared = AGREEMENT.share_of("trip", full, str(full["kind"]))
        parse_declaration(shared, now=NOW)
        assert AGREEMENT.outside("trip", shared, str(full["kind"])) == []


def test_a_well_formed_document_opens() -> None:
    received = _open(_sign(_trip_body()))
    assert received.kind == "trip" and received.doc_id == "doc-1" and received.sender == ANAM


def test_data_elements_outside_the_agreement_are_refused_naming_them() -> None:
    body = _trip_body()
    body["declaration"]["shipments"][0]["shipper"]["phone"] = "+52 664 555 0100"
    with pytest.raises(OutOfAgreement) as caught:
        _open(_sign(body))
    assert "declaration.shipments.shipper.phone" in caught.value.extra["outside"]


def test_a_key_not_in_the_peers_did_document_is_refused() -> None:
    forger = NodeSigner(
        did=ANAM, kid=f"{ANAM}#k2", key=PrivateKey.generate(KeyType.ED25519), agency="anam"
    )
    with pytest.raises(SignatureInvalid):
        _open(_sign(_trip_body(), signer=forger))


def test_a_signature_by_another_key_under_the_known_kid_is_refused() -> None:
    forger = NodeSigner(
        did=ANAM, kid=f"{ANAM}#k1", key=PrivateKey.generate(KeyType.ED25519), agency="anam"
    )
    with pytest.raises(SignatureInvalid):
        _open(_sign(_trip_body(), signer=forger))


def test_a_document_for_another_node_is_refused() -> None:
    with pytest.raises(NotForThisNode):
        _open(_sign(_trip_body(), aud="did:web:elsewhere.example"))


def test_a_document_signed_by_a_node_that_is_not_the_peer_is_refused() -> None:
    other = NodeSigner(
        did="did:web:other.example", kid="did:web:other.example#k1", key=KEY, agency="anam"
    )
    with pytest.raises(NotForThisNode):
        _open(_sign(_trip_body(), signer=other))


def test_a_document_signed_long_ago_is_a_replay() -> None:
    with pytest.raises(Replayed):
        _open(_sign(_trip_body(), now=NOW - timedelta(minutes=10)))


@pytest.mark.parametrize("token", [42, None, "not.a.jws", "", ["a"]])
def test_malformed_documents_are_refused_as_invalid(token: Any) -> None:
    with pytest.raises((DocumentInvalid, SignatureInvalid)):
        _open(token)


def test_back_off_grows_to_a_cap_and_never_waits_less_than_half() -> None:
    import random

    rng = random.Random(1)
    waits = [backoff_s(a, rng) for a in range(12)]
    assert waits[0] >= 0.25 and waits[-1] <= 60.0
    assert all(backoff_s(a, rng) >= min(60.0, 0.5 * 2**a) / 2 for a in range(12))


def test_an_agreement_that_names_an_unknown_agency_is_refused(tmp_path: Path) -> None:
    bad = AGREEMENT.model_dump(mode="json")
    bad["parties"] = {"cbp": "US", "sat": "MX"}
    path = tmp_path / "agreement.json"
    import json

    path.write_text(json.dumps(bad))
    with pytest.raises(AgreementInvalid) as caught:
        load_agreement(path)
    assert "sat" in caught.value.message.en
