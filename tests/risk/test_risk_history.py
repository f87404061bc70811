"""First-time shippers and consignees: the node's party history lives in its store."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_trucks
from smartborder.risk.history import StorePartyHistory
from smartborder.store import risk as risk_repo
from smartborder.store import transaction
from smartborder.store.tables.risk import PartySeenRow

ClientFor = Callable[..., TestClient]
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date()
FIRST = {"risk.truck.first_time_shipper", "risk.truck.first_time_consignee"}


def _truck(seed: int, *, rfc_suffix: str) -> dict[str, Any]:
    """A one-shipment truck whose shipper and consignee nobody has filed for before."""
    truck = generate_trucks("2304", TOMORROW, 1, rng=np.random.default_rng(seed))[0]
    truck["shipments"] = truck["shipments"][:1]
    shipment = truck["shipments"][0]
    shipment["shipper"] = copy.deepcopy(shipment["shipper"])
    shipment["shipper"]["name"] = f"Exportadora Nueva {rfc_suffix} SA de CV"
    shipment["shipper"].pop("rfc", None)
    shipment["consignee"]["name"] = f"New Importer {rfc_suffix} LLC"
    shipment["consignee"].pop("rfc", None)
    if truck.get("mexico"):
        truck["mexico"]["rfc_sender"] = "XEXX010101000"
    return truck


def _codes(response: Any) -> set[str]:
    assert response.status_code == 201, response.text
    return {r["code"] for r in response.json()["decision"]["reasons"]}


def test_first_filing_for_new_parties_is_flagged_and_the_next_is_not(
    client_for: ClientFor,
) -> None:
    carrier = client_for("carrier")
    first = _codes(carrier.post("/declarations/trucks", json=_truck(1, rfc_suffix="A")))
    assert first >= FIRST
    again = _truck(2, rfc_suffix="A")  # another trip, the same trading parties
    assert not FIRST & _codes(carrier.post("/declarations/trucks", json=again))


def test_the_history_survives_a_restart(settings: Settings, client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    assert _codes(carrier.post("/declarations/trucks", json=_truck(3, rfc_suffix="B"))) >= FIRST
    restarted = create_app(settings)  # a new process on the same store
    try:
        other = TestClient(restarted)
        other.headers["Authorization"] = carrier.headers["Authorization"]
        codes = _codes(other.post("/declarations/trucks", json=_truck(4, rfc_suffix="B")))
        assert not FIRST & codes
    finally:
        restarted.state.ctx.close()


def test_a_refused_filing_stores_no_party(client_for: ClientFor, app: Any) -> None:
    carrier = client_for("carrier")
    ok = carrier.post(
        "/declarations/trucks", json=_truck(5, rfc_suffix="C"), headers={"Idempotency-Key": "k"}
    )
    assert ok.status_code == 201
    reused = carrier.post(
        "/declarations/trucks", json=_truck(6, rfc_suffix="D"), headers={"Idempotency-Key": "k"}
    )
    assert reused.status_code == 409
    with transaction(app.state.ctx.sessions) as session:
        keys = set(session.scalars(select(PartySeenRow.key)))
    assert any("EXPORTADORA NUEVA C" in k for k in keys)
    assert not any("NUEVA D" in k for k in keys), "the 409's parties must not be stored"


def test_processes_see_each_others_parties_after_refresh(app: Any) -> None:
    sessions = app.state.ctx.sessions
    mine = StorePartyHistory(lambda: sessions, refresh_s=0.0)
    theirs = StorePartyHistory(lambda: sessions, refresh_s=3600.0)
    assert not mine.seen("name:ACME|MEX") and not theirs.seen("name:ACME|MEX")
    with transaction(sessions) as session:  # another worker stores a declaration's parties
        risk_repo.store_parties(session.connection(), ["name:ACME|MEX"], datetime.now(UTC))
    assert mine.seen("name:ACME|MEX")
    assert not theirs.seen("name:ACME|MEX")  # until its next refresh
    theirs.remember("name:ACME|MEX")
    assert theirs.seen("name:ACME|MEX")


@contextmanager
def _party_reads() -> Iterator[list[str]]:
    """The names of the threads that read the parties table, through any engine, while the
    block runs."""
    threads: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT") and "risk_parties" in statement:
            threads.append(threading.current_thread().name)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield threads
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def test_a_kept_fresh_history_tops_up_on_its_own_thread(app: Any) -> None:
    ctx = app.state.ctx
    history = StorePartyHistory(lambda: ctx.sessions, refresh_s=0.02)
    history.keep_fresh()
    assert history.wait_loaded(10)  # until then a read looks its key up in the store
    try:
        with _party_reads() as readers:
            with transaction(ctx.sessions) as session:  # another worker stores a party
                risk_repo.store_parties(session.connection(), ["name:ACME|MEX"], datetime.now(UTC))
            deadline = time.monotonic() + 10
            while not history.seen("name:ACME|MEX"):
                assert time.monotonic() < deadline, "the stored party never became visible"
                time.sleep(0.005)
            history.close()
            time.sleep(0.05)  # past refresh_s, no top-up since: a read still does not query
            assert not history.seen("name:OTHER|USA")
        assert readers and set(readers) == {"party-history"}, readers
    finally:
        history.close()


def test_a_kept_fresh_history_survives_a_failed_top_up(app: Any) -> None:
    sessions = app.state.ctx.sessions
    calls = 0

    def flaky() -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:  # the first background top-up: the store is unreachable
            raise OSError("connection refused")
        return sessions

    history = StorePartyHistory(flaky, refresh_s=0.02)
    history.keep_fresh()
    assert history.wait_loaded(10)
    try:
        with transaction(sessions) as session:
            risk_repo.store_parties(session.connection(), ["name:LATE|MEX"], datetime.now(UTC))
        deadline = time.monotonic() + 10
        while not history.seen("name:LATE|MEX"):
            assert time.monotonic() < deadline, "top-ups stopped after a failure"
            time.sleep(0.005)
        assert calls >= 3
    finally:
        history.close()


def test_submissions_never_read_the_party_table(app: Any, client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    assert app.state.ctx.history.wait_loaded(10)  # loading, a read looks its key up
    with _party_reads() as readers:
        assert _codes(carrier.post("/declarations/trucks", json=_truck(7, rfc_suffix="E"))) >= FIRST
        again = _truck(8, rfc_suffix="E")
        assert not FIRST & _codes(carrier.post("/declarations/trucks", json=again))
    assert not [t for t in readers if t != "party-history"], readers


def test_closing_the_app_stops_its_party_history_thread(settings: Settings) -> None:
    def running() -> int:
        return sum(t.name == "party-history" for t in threading.enumerate())

    before = running()
    app = create_app(settings)
    assert running() == before + 1
    app.state.ctx.close()
    assert running() == before
