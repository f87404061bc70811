"""Two real server processes — CBP's node and ANAM's — clearing one trip together."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from smartborder.demo import generate_trucks
from smartborder.demo.binational import NodeProcess, running_pair
from smartborder.inspections import facilities_of
from smartborder.store import make_engine, session_factory

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, NodeProcess]]:
    root = tmp_path_factory.mktemp("binational")
    with running_pair(root, {"cbp": _free_port(), "anam": _free_port()}) as nodes:
        yield nodes


@contextmanager
def cbp_store(node: NodeProcess) -> Iterator[Any]:
    engine = make_engine(f"sqlite:///{node.home / 'smartborder.db'}")
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _client(node: NodeProcess, role: str) -> httpx.Client:
    return httpx.Client(
        base_url=node.base_url,
        headers={"Authorization": f"Bearer {node.token(role)}"},
        timeout=15,
    )


def _truck(seed: int, direction: str = "northbound") -> dict[str, Any]:
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    rng = np.random.default_rng(seed)
    payload = generate_trucks(
        "2506", date(day.year, day.month, day.day), 1, rng=rng, direction=direction
    )[0]
    payload["expected_arrival"] = (datetime.now(UTC) + timedelta(hours=6)).isoformat()
    return payload


def _until(check: Callable[[], Any], *, within_s: float = 20.0) -> Any:
    deadline = time.monotonic() + within_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.2)


def _legs(client: httpx.Client, rid: str) -> dict[str, dict[str, Any]] | None:
    r = client.get(f"/declarations/{rid}")
    if r.status_code != 200:
        return None
    return {leg["agency"]: leg for leg in r.json()["legs"]}


def test_northbound_trip_filed_at_anam_is_decided_by_both_and_each_sees_the_other(
    pair: dict[str, NodeProcess],
) -> None:
    anam, cbp = pair["anam"], pair["cbp"]
    carrier = _client(anam, "carrier")
    payload = _truck(1)
    payload["shipments"][0]["shipper"]["phone"] = "+52 664 555 0100"
    r = carrier.post("/declarations/trucks", json=payload)
    assert r.status_code == 201, r.text
    rid = r.json()["record"]["id"]
    assert r.json()["decision"]["agencies"] == ["anam"]  # ANAM decided its exit leg
    assert r.json()["decision"]["lane"] is None

    cbp_officer = _client(cbp, "cbp")
    legs = _until(lambda: (lg := _legs(cbp_officer, rid)) and lg["cbp"]["decision"] and lg)
    assert legs["cbp"]["decided_by"] == "this node" and legs["cbp"]["leg"] == "entry"
    assert legs["anam"]["decided_by"] == "the peer node" and legs["anam"]["leg"] == "exit"
    shown = cbp_officer.get(f"/declarations/{rid}").json()["versions"][0]["declaration"]
    assert shown["shipments"][0]["shipper"]["phone"] is None  # contacts stay where filed
    assert shown["shipments"][0]["shipper"]["name"] == payload["shipments"][0]["shipper"]["name"]

    anam_officer = _client(anam, "anam")
    legs = _until(lambda: (lg := _legs(anam_officer, rid)) and lg["cbp"]["decision"] and lg)
    assert legs["cbp"]["decided_by"] == "the peer node"
    assert legs["cbp"]["decision"]["outcome"]


def test_amendment_reaches_the_peer_as_the_next_version(pair: dict[str, NodeProcess]) -> None:
    anam, cbp = pair["anam"], pair["cbp"]
    carrier = _client(anam, "carrier")
    payload = _truck(2)
    rid = carrier.post("/declarations/trucks", json=payload).json()["record"]["id"]
    payload["shipments"][0]["weight_kg"] += 100.0
    payload["shipments"][0]["lines"][0]["weight_kg"] += 100.0
    r = carrier.put(f"/declarations/{rid}", json=payload)
    assert r.status_code == 200, r.text
    cbp_officer = _client(cbp, "cbp")
    record = _until(
        lambda: (
            (x := cbp_officer.get(f"/declarations/{rid}")).status_code == 200
            and x.json()["record"]["current_version"] == 2
            and x.json()
        )
    )
    assert len(record["versions"]) == 2


def test_audit_on_both_sides_names_each_document(pair: dict[str, NodeProcess]) -> None:
    anam, cbp = pair["anam"], pair["cbp"]
    carrier = _client(anam, "carrier")
    carrier.post("/declarations/trucks", json=_truck(3))
    out = _until(
        lambda: [
            e
            for e in _client(anam, "admin").get("/exchange/audit").json()
            if e["direction"] == "out"
        ]
    )
    sent = out[0]
    assert sent["outcome"] == "accepted"  # held by CBP's node, acknowledged
    received = _until(  # then applied there: the receipt and the application, each audited
        lambda: (
            [
                e
                for e in _client(cbp, "admin")
                .get(f"/exchange/audit?doc_id={sent['doc_id']}")
                .json()
                if e["direction"] == "in" and e["outcome"] == "applied"
            ]
            and _client(cbp, "admin").get(f"/exchange/audit?doc_id={sent['doc_id']}").json()
        )
    )
    assert sorted(e["outcome"] for e in received) == ["accepted", "applied"]
    assert {e["digest"] for e in received} == {sent["digest"]}


def test_forged_and_replayed_documents_are_refused_and_logged(
    pair: dict[str, NodeProcess], tmp_path: Path
) -> None:
    from smartborder.credentials import KeyType, PrivateKey
    from smartborder.exchange import NodeSigner

    anam, cbp = pair["anam"], pair["cbp"]
    # a document claiming to be ANAM's, signed with a key that is not in ANAM's DID document
    did = "did:web:127.0.0.1%3A" + str(anam.port)
    forger = NodeSigner(
        did=did, kid=f"{did}#forged", key=PrivateKey.generate(KeyType.ED25519), agency="anam"
    )
    body = {
        "trip_id": "00000000-0000-4000-8000-000000000001",
        "version": 1,
        "decision": {"outcome": "release"},
    }
    token = forger.sign(
        "forged-1",
        "decision",
        body,
        aud="did:web:127.0.0.1%3A" + str(cbp.port),
        agreement="us-mx-data-sharing@2026-2",
        now=datetime.now(UTC),
    )
    # the peer's own client delivers it (a stolen client secret is not enough)
    peer = anam.env
    t = httpx.post(
        cbp.base_url + "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(peer["SMARTBORDER_EXCHANGE_CLIENT_ID"], peer["SMARTBORDER_EXCHANGE_CLIENT_SECRET"]),
    ).json()["access_token"]
    r = httpx.post(
        cbp.base_url + "/exchange/inbox",
        json={"documents": [token, 42]},
        headers={"Authorization": f"Bearer {t}"},
    )
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["refused", "refused"]
    assert results[0]["problem"]["code"] == "exchange.signature_invalid"
    assert results[1]["problem"]["code"] == "exchange.document_invalid"
    audit = _client(cbp, "admin").get("/exchange/audit", params={"doc_id": "forged-1"}).json()
    assert audit and audit[0]["outcome"] == "refused"
    # a carrier cannot post to the inbox at all
    carrier = _client(cbp, "carrier")
    assert carrier.post("/exchange/inbox", json={"documents": [token]}).status_code == 403


def test_the_entry_agencys_lifecycle_reaches_the_exit_agencys_node(
    pair: dict[str, NodeProcess],
) -> None:
    anam, cbp = pair["anam"], pair["cbp"]
    rid = (
        _client(anam, "carrier").post("/declarations/trucks", json=_truck(5)).json()["record"]["id"]
    )
    officer = _client(cbp, "cbp")
    _until(lambda: officer.get(f"/declarations/{rid}").status_code == 200)
    for state in ("arrived", "released"):
        r = officer.post(f"/declarations/{rid}/state", json={"state": state})
        assert r.status_code == 200, r.text
    mexican = _client(anam, "anam")
    seen = _until(
        lambda: (
            (x := mexican.get(f"/declarations/{rid}").json())["record"]["state"] == "released" and x
        )
    )
    history = [(h["state"], h["actor"]) for h in seen["history"]]
    assert history[-2:] == [("arrived", "peer:cbp"), ("released", "peer:cbp")]
    # what ANAM's node learned from CBP's is not sent back: CBP's history has each state once
    mine = officer.get(f"/declarations/{rid}").json()["history"]
    assert [h["state"] for h in mine].count("released") == 1


def test_a_tenant_of_one_node_cannot_read_the_others_records(pair: dict[str, NodeProcess]) -> None:
    anam, cbp = pair["anam"], pair["cbp"]
    rid = (
        _client(anam, "carrier").post("/declarations/trucks", json=_truck(4)).json()["record"]["id"]
    )
    _until(lambda: _client(cbp, "cbp").get(f"/declarations/{rid}").status_code == 200)
    # a broker of another organization, a tenant of the CBP node, sees nothing of that trip
    assert _client(cbp, "broker").get(f"/declarations/{rid}").status_code == 404
    # the carrier's own organization, a tenant of both nodes, sees its trip at either
    assert _client(cbp, "carrier").get(f"/declarations/{rid}").status_code == 200


def test_a_node_killed_mid_exchange_catches_up_with_nothing_lost_or_applied_twice(
    pair: dict[str, NodeProcess],
) -> None:
    anam, cbp = pair["anam"], pair["cbp"]
    carrier = _client(anam, "carrier")
    first = [carrier.post("/declarations/trucks", json=_truck(100 + i)) for i in range(5)]
    cbp.stop(kill=True)  # kill -9 while the first documents may be in flight
    during = [carrier.post("/declarations/trucks", json=_truck(200 + i)) for i in range(15)]
    ids = [r.json()["record"]["id"] for r in first + during]
    assert all(r.status_code == 201 for r in first + during)
    admin = _client(anam, "admin")
    assert _until(lambda: admin.get("/exchange/outbox").json()["pending"] > 0)
    cbp.start(log=cbp.home / "serve.log")
    cbp.wait_ready()
    officer = _client(anam, "anam")
    for rid in ids:  # every trip reached CBP, and CBP's decision came back
        _until(lambda rid=rid: (lg := _legs(officer, rid)) and lg["cbp"]["decision"], within_s=60)
    with cbp_store(cbp) as session:
        from sqlalchemy import func, select

        from smartborder.store.tables.declarations import DeclarationRow
        from smartborder.store.tables.exchange import InboxRow

        held = session.scalar(
            select(func.count()).select_from(DeclarationRow).where(DeclarationRow.id.in_(ids))
        )
        receipts = session.scalar(
            select(func.count())
            .select_from(InboxRow)
            .where(
                InboxRow.declaration_id.in_(ids),
                InboxRow.kind == "trip",
                InboxRow.status == "applied",
            )
        )
    assert held == len(ids) and receipts == len(ids)
    inbox = _client(cbp, "admin").get("/exchange/inbox").json()
    assert inbox["accepted"] == 0 and inbox["applied"] >= len(ids)


def test_joint_inspection_requested_by_cbp_is_concluded_by_both_and_signed_by_each(
    pair: dict[str, NodeProcess],
) -> None:
    anam, cbp = pair["anam"], pair["cbp"]
    rid = (
        _client(anam, "carrier").post("/declarations/trucks", json=_truck(7)).json()["record"]["id"]
    )
    officer = {"cbp": _client(cbp, "cbp"), "anam": _client(anam, "anam")}
    _until(lambda: officer["cbp"].get(f"/declarations/{rid}").status_code == 200)
    r = officer["cbp"].post(
        f"/declarations/{rid}/inspections", json={"joint": True, "reason": "x-ray anomaly"}
    )
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    when = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    dock = facilities_of("2506")[0]
    r = officer["cbp"].post(
        f"/inspections/{iid}/schedule", json={"scheduled_for": when, "facility": dock}
    )
    assert r.status_code == 200, r.text
    r = officer["cbp"].post(f"/inspections/{iid}/start", json={})
    assert r.status_code == 200, r.text
    # ANAM's node holds the same inspection, in progress, from CBP's events
    seen = _until(
        lambda: (
            (x := officer["anam"].get(f"/inspections/{iid}")).status_code == 200
            and x.json()["state"] == "in_progress"
            and x.json()
        )
    )
    assert seen["joint"] is True
    r = officer["anam"].post(
        f"/inspections/{iid}/findings",
        json={"findings": [{"code": "misdeclared_quantity", "note": "12 pallets more"}]},
    )
    assert r.status_code == 200, r.text
    r = officer["anam"].post(f"/inspections/{iid}/conclude", json={"outcome": "released"})
    assert r.status_code == 200, r.text
    # CBP sees ANAM's findings, records its own, concludes
    _until(
        lambda: any(
            p.get("findings")
            for p in (officer["cbp"].get(f"/inspections/{iid}").json().get("parts") or {}).values()
        )
    )
    r = officer["cbp"].post(
        f"/inspections/{iid}/findings", json={"findings": [{"code": "no_discrepancy"}]}
    )
    assert r.status_code == 200, r.text
    r = officer["cbp"].post(f"/inspections/{iid}/conclude", json={"outcome": "released"})
    assert r.status_code == 200, r.text
    for side in ("cbp", "anam"):  # both nodes reach the same concluded inspection
        done = _until(
            lambda side=side: (
                (x := officer[side].get(f"/inspections/{iid}").json())["state"] == "concluded" and x
            )
        )
        for agency in ("cbp", "anam"):
            report = officer[side].get(f"/inspections/{iid}/reports/{agency}")
            assert report.status_code == 200, (side, agency, report.text)
        assert done["state"] == "concluded"
    # each agency's report verifies at the other agency's node (its signature, via its DID)
    for signer, verifier in (("anam", "cbp"), ("cbp", "anam")):
        report = officer[verifier].get(f"/inspections/{iid}/reports/{signer}").json()
        credential = report.get("credential", report)
        r = officer[verifier].post("/credentials/verify", json={"verifiableCredential": credential})
        assert r.status_code == 200 and r.json().get("verified") is True, (signer, r.text)


def test_each_landing_page_says_whose_node_it_is_and_what_it_exchanged(
    pair: dict[str, NodeProcess],
) -> None:
    cbp = httpx.get(pair["cbp"].base_url + "/?lang=en").text
    anam = httpx.get(pair["anam"].base_url + "/?lang=es").text
    assert "U.S. Customs and Border Protection (CBP)" in cbp and "Documents sent: delivered" in cbp
    assert "Agencia Nacional de Aduanas de México (ANAM)" in anam and "entregados" in anam
    assert "Received from the peer: applied" in cbp and "en espera de aplicarse" in anam
    assert pair["anam"].base_url in cbp  # its peer
