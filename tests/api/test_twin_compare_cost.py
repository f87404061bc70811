"""``/twin/compare`` costs seconds of CPU per uncached run: anyone reads the public seed's
runs, each computed once per node; new runs with other seeds need a ``twin:run`` token."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

import smartborder.twin
from conftest import ClientFor
from smartborder.api.routes import twin as twin_routes


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(twin_routes, "_public", {})
    monkeypatch.setattr(twin_routes, "_private", twin_routes.OrderedDict())


def _no_simulation(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("no simulation may run for this request")


def test_anonymous_new_seed_needs_a_token_and_runs_nothing(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smartborder.twin, "simulate", _no_simulation)
    r = api.get("/twin/compare", params={"seed": 12345}, headers={"Accept-Language": "es"})
    assert r.status_code == 401
    assert r.json()["code"] == "twin.token_required" and "semilla" in r.json()["detail"]


def test_a_token_without_twin_run_may_not_start_new_runs(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smartborder.twin, "simulate", _no_simulation)
    r = client_for("carrier").get("/twin/compare", params={"seed": 12345})
    assert r.status_code == 403 and r.json()["code"] == "auth.missing_scope"


def test_cached_runs_of_any_seed_are_public(api: TestClient) -> None:
    # A run a twin:run holder computed before is served to anyone.
    key = ("san_ysidro", 2, 12345)
    twin_routes._private[key] = object()  # type: ignore[assignment]
    twin_routes._may_run(None, [key])  # no error: nothing new to compute


def test_concurrent_callers_compute_one_run_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        time.sleep(0.2)
        return object()

    monkeypatch.setattr(smartborder.twin, "simulate", slow)
    got: list[Any] = []
    threads = [
        threading.Thread(target=lambda: got.append(twin_routes._cached("san_ysidro", 2, 0)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(g) for g in got}) == 1


def test_private_seed_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smartborder.twin, "simulate", lambda *a, **k: object())
    for seed in range(1, twin_routes.PRIVATE_CACHE_SIZE + 20):
        twin_routes._cached("san_ysidro", 1, seed)
    assert len(twin_routes._private) == twin_routes.PRIVATE_CACHE_SIZE
