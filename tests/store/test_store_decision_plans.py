"""Reading decisions by time uses an index, not a scan of every decision ever made (SQLite's
plans, which the store never skews with ANALYZE statistics)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from smartborder.store import make_engine, session_factory, upgrade
from smartborder.store.declarations import Visibility, decision_counts, list_decisions


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _plan(engine: Engine, query: Callable[[Session], object]) -> list[str]:
    """SQLite's plan of the one SELECT ``query`` runs, as its detail lines."""
    selects: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with session_factory(engine)() as session:
            query(session)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(selects) == 1, selects
    statement, params = selects[0]
    with engine.connect() as conn:
        return [
            str(row[3]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
        ]


def test_landing_counts_search_todays_decisions_by_time(engine: Engine) -> None:
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    plan = _plan(engine, lambda s: decision_counts(s, since=start, until=start + timedelta(days=1)))
    assert any(
        line.startswith("SEARCH decisions USING INDEX ix_decisions_decided_at (decided_at>? AND")
        for line in plan
    ), plan


def test_unfiltered_listing_walks_decisions_latest_first_without_sorting(engine: Engine) -> None:
    plan = _plan(engine, lambda s: list_decisions(s, Visibility()))
    assert "SCAN decisions USING INDEX ix_decisions_decided_at" in plan, plan
    assert not any("TEMP B-TREE" in line for line in plan), plan
