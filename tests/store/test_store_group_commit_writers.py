"""Two group-commit writers in one process: the same key sent six times at once still stores
one record (the others replay it), as between worker processes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select

from smartborder.clients import ROLE_SCOPES, Principal, Role
from smartborder.config import Settings
from smartborder.declarations.synthetic import generate_trucks
from smartborder.preclearance import prepare
from smartborder.preclearance.configured import pipeline_for
from smartborder.preclearance.records import store_many
from smartborder.store import make_engine, session_factory, upgrade
from smartborder.store.group_commit import GroupCommitter
from smartborder.store.tables.declarations import DeclarationRow

CARRIER = Principal("c-1", "Carrier", Role.CARRIER, ROLE_SCOPES[Role.CARRIER])


def test_two_writers_store_one_record_per_key(settings: Settings) -> None:
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    writer = GroupCommitter(sessions, store_many, writers=2, max_batch=4)
    pipeline = pipeline_for(settings)
    now = datetime.now(UTC)
    trucks = generate_trucks(
        "2304", (now + timedelta(days=1)).date(), 60, rng=np.random.default_rng(5)
    )
    same = dict(trucks[0], idempotency_key="same-key")

    def send(payload: dict[str, Any]) -> Any:
        return writer.run(prepare(CARRIER, payload, decider=pipeline, now=now))

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(send, [same] * 6 + trucks[1:]))
        assert len({r.record.id for r in results[:6]}) == 1
        assert sum(r.created for r in results[:6]) == 1
        with sessions() as s:
            assert s.scalar(select(func.count()).select_from(DeclarationRow)) == 1 + 59
    finally:
        writer.close()
        engine.dispose()
