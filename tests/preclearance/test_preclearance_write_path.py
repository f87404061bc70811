"""The one write path through the node: submissions, batches and amendments are prepared,
then stored by the node's writer; an amendment overtaken by another never both go in."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from smartborder.clients import ROLE_SCOPES, Principal, Role
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_trucks
from smartborder.node import Node
from smartborder.preclearance import (
    AmendedMeanwhile,
    State,
    SubmissionResult,
    amendment_target,
    get_record,
    prepare_amendment,
    record_state,
)
from smartborder.preclearance._ids import new_id
from smartborder.store import transaction

CARRIER = Principal("c-1", "Carrier", Role.CARRIER, ROLE_SCOPES[Role.CARRIER])
CBP = Principal("cbp-1", "CBP", Role.CBP, ROLE_SCOPES[Role.CBP])


def _trucks(n: int, seed: int = 3) -> list[dict[str, Any]]:
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    return generate_trucks("2304", day, n, rng=np.random.default_rng(seed))


def _later(payload: dict[str, Any], minutes: int) -> dict[str, Any]:
    arrival = datetime.fromisoformat(payload["expected_arrival"]) + timedelta(minutes=minutes)
    return {**payload, "expected_arrival": arrival.isoformat()}


@pytest.fixture
def node(settings: Settings) -> Any:
    with Node.open(settings) as n:
        yield n


def test_batch_good_items_stored_bad_ones_reported(node: Node) -> None:
    trucks = _trucks(3)
    items = node.submit_many(CARRIER, [trucks[0], {"kind": "truck"}, 7, trucks[1]])
    assert [bool(i.error) for i in items] == [False, True, True, False]
    assert items[2].error is not None and items[2].error["code"] == "request.not_an_object"
    again = node.submit_many(CARRIER, [trucks[0]])
    assert again[0].created is False and again[0].record == items[0].record


def test_amendment_is_version_n_with_its_own_decision(node: Node) -> None:
    (truck,) = _trucks(1)
    (first,) = node.submit_many(CARRIER, [truck])
    assert first.record is not None
    amended = node.amend(CARRIER, first.record.id, _later(truck, 30))
    assert amended.created and amended.record.current_version == 2
    assert amended.decision["version"] == 2
    retried = node.amend(CARRIER, first.record.id, _later(truck, 30))
    assert not retried.created and retried.record.current_version == 2
    with transaction(node.sessions) as session:
        detail = get_record(session, CARRIER, first.record.id)
    assert [v.version for v in detail.versions] == [1, 2]
    assert [d["version"] for d in detail.decisions] == [1, 2]


def test_two_amendments_of_one_version_never_both_go_in(node: Node) -> None:
    (truck,) = _trucks(1, seed=5)
    (first,) = node.submit_many(CARRIER, [truck])
    assert first.record is not None
    now = datetime.now(UTC)
    with transaction(node.sessions) as session:
        target = amendment_target(session, CARRIER, first.record.id)
    a, b = (
        prepare_amendment(target, CARRIER, _later(truck, m), decider=node.pipeline, now=now)
        for m in (10, 20)
    )
    assert not isinstance(a, SubmissionResult) and not isinstance(b, SubmissionResult)
    results = node.writer.run((a, b))
    assert isinstance(results[0], SubmissionResult) and results[0].record.current_version == 2
    assert isinstance(results[1], AmendedMeanwhile)
    assert results[1].code == "declaration.amended_meanwhile"


def test_an_amendment_prepared_before_arrival_is_refused_after_it(node: Node) -> None:
    (truck,) = _trucks(1, seed=7)
    (first,) = node.submit_many(CARRIER, [truck])
    assert first.record is not None
    with transaction(node.sessions) as session:
        target = amendment_target(session, CARRIER, first.record.id)
    late = prepare_amendment(
        target, CARRIER, _later(truck, 15), decider=node.pipeline, now=datetime.now(UTC)
    )
    with transaction(node.sessions) as session:  # the truck arrives meanwhile
        record_state(session, CBP, first.record.id, State.ARRIVED, now=datetime.now(UTC))
    assert not isinstance(late, SubmissionResult)
    (result,) = node.writer.run((late,))
    assert isinstance(result, AmendedMeanwhile)
    with transaction(node.sessions) as session:
        detail = get_record(session, CARRIER, first.record.id)
    assert detail.record.state == "arrived" and len(detail.versions) == 1


def test_record_ids_are_random_uuid4_and_differ_in_a_forked_worker() -> None:
    ids = [new_id() for _ in range(600)]  # more than one buffer of the CSPRNG
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 4 for i in ids)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a worker forked after the parent drew ids
        os.close(read)
        os.write(write, "\n".join(new_id() for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        child = fh.read().split("\n")
    os.waitpid(pid, 0)
    parent = [new_id() for _ in range(50)]
    assert len(child) == 50 and not set(child) & set(parent)


def _first_time_rules(decision: dict[str, Any]) -> set[str]:
    return {r["rule_id"] for r in decision["reasons"] if "first" in r["rule_id"]}


def test_amending_keeps_the_first_time_parties_of_its_own_first_filing(node: Node) -> None:
    (truck,) = _trucks(1, seed=77)
    (first,) = node.submit_many(CARRIER, [truck])
    assert first.decision is not None and first.record is not None
    assert _first_time_rules(first.decision), "a new shipper and consignee count as first-time"
    amended = node.amend(CARRIER, first.record.id, _later(truck, 45))
    assert _first_time_rules(amended.decision) == _first_time_rules(first.decision)
    assert amended.decision["risk_score"] == first.decision["risk_score"]
    # another trip with the same parties, filed after, finds them seen
    other = {**_later(truck, 90), "idempotency_key": "another-trip-77"}
    other["shipments"] = [
        {**s, "shipment_control_number": s["shipment_control_number"][:-2] + f"9{i}"}
        for i, s in enumerate(truck["shipments"])
    ]
    (second,) = node.submit_many(CARRIER, [other])
    assert second.decision is not None and not _first_time_rules(second.decision)


def test_an_amendment_cannot_change_the_direction(node: Node) -> None:
    (truck,) = _trucks(1, seed=78)
    (first,) = node.submit_many(CARRIER, [truck])
    assert first.record is not None
    with pytest.raises(Exception) as caught:
        node.amend(CARRIER, first.record.id, {**truck, "direction": "southbound"})
    assert getattr(caught.value, "code", "") == "declaration.direction_changed"
