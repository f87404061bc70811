"""A write is answered only once it is committed: a commit that fails is the error it is,
never a 2xx for something the store does not hold."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from smartborder.api import create_app
from smartborder.api.deps import DbSession, WriteSession
from smartborder.config import Settings


def _failing_commit(session: Any) -> None:
    def fail(_session: Any) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(session, "before_commit", fail, once=True)


def test_a_commit_that_fails_is_answered_503_not_201(settings: Settings) -> None:
    app = create_app(settings)

    @app.post("/_probe/db", status_code=201)
    def probe_db(session: DbSession) -> dict[str, bool]:
        _failing_commit(session)
        return {"stored": True}

    @app.post("/_probe/write", status_code=201)
    def probe_write(session: WriteSession) -> dict[str, bool]:
        _failing_commit(session)
        return {"stored": True}

    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/_probe/db", "/_probe/write"):
            r = client.post(path)
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert r.json()["code"] == "store.unavailable"
