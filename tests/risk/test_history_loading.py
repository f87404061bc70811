"""A server does not wait for its party history to load (a million keys take seconds): the
load runs in the background, and a decision made meanwhile is the one it would be after."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from smartborder.risk.history import StorePartyHistory
from smartborder.store import risk as risk_repo
from smartborder.store import transaction


def test_reads_during_the_first_load_answer_from_the_store(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = app.state.ctx.sessions
    with transaction(sessions) as session:
        risk_repo.store_parties(session.connection(), ["name:OLD|MEX"], datetime.now(UTC))
    gate = threading.Event()
    page = risk_repo.parties_after

    def slow_page(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)  # a big table: the first load takes a while
        return page(*args, **kwargs)

    monkeypatch.setattr(risk_repo, "parties_after", slow_page)
    history = StorePartyHistory(lambda: sessions, refresh_s=3600.0)
    started = time.monotonic()
    history.keep_fresh()
    try:
        assert time.monotonic() - started < 1, "keep_fresh waited for the load"
        assert not history.wait_loaded(0)
        assert history.seen("name:OLD|MEX")  # stored before: not first-time, loaded or not
        assert not history.seen("name:NEW|MEX")
        history.remember("name:NEW|MEX")
        assert history.seen("name:NEW|MEX")
        gate.set()
        assert history.wait_loaded(10)
        assert history.seen("name:OLD|MEX")
        assert not history.seen("name:OTHER|MEX")
    finally:
        gate.set()
        history.close()
