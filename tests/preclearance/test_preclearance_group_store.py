"""Submissions through the group committer: concurrent retries store one record; a key
reused with other content fails alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import func, select

from smartborder.clients import ROLE_SCOPES, Principal, Role
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_trucks
from smartborder.node import build_pipeline
from smartborder.preclearance import KeyReused, prepare, store_many
from smartborder.store import make_engine, session_factory, upgrade
from smartborder.store.group_commit import GroupCommitter
from smartborder.store.tables.declarations import DecisionRow, DeclarationRow

CARRIER = Principal("c-1", "Carrier", Role.CARRIER, ROLE_SCOPES[Role.CARRIER])


def test_concurrent_same_key_one_record_and_conflict_fails_alone(settings: Settings) -> None:
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    writer = GroupCommitter(sessions, store_many)
    pipeline = build_pipeline(settings)
    now = datetime.now(UTC)
    day = (now + timedelta(days=1)).date()
    trucks = generate_trucks("2304", day, 40, rng=np.random.default_rng(3))
    same = trucks[0]
    other = dict(trucks[1], idempotency_key=same.get("idempotency_key") or "k")
    same = dict(same, idempotency_key=other["idempotency_key"])

    def send(payload: dict) -> object:  # type: ignore[type-arg]
        return writer.enqueue(prepare(CARRIER, payload, decider=pipeline, now=now))

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = list(pool.map(send, [same] * 6 + trucks[2:]))
            futures += [send(other)]
        results = [f.exception() or f.result() for f in futures]  # type: ignore[attr-defined]
        same_ids = {r.record.id for r in results[:6]}  # type: ignore[union-attr]
        assert len(same_ids) == 1
        assert sum(r.created for r in results[:6]) == 1  # type: ignore[union-attr]
        assert all(not isinstance(r, BaseException) for r in results[6:-1])
        assert isinstance(results[-1], KeyReused)
        with sessions() as s:
            assert s.scalar(select(func.count()).select_from(DeclarationRow)) == 1 + 38
            assert s.scalar(select(func.count()).select_from(DecisionRow)) == 1 + 38
        assert writer.batches < writer.items
    finally:
        writer.close()
        engine.dispose()
