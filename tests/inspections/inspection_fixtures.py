"""A trip filed by a carrier through the API, the steps of an inspection over HTTP, and a node
whose context store holds the W3C contexts (from ../shared), so reports are Data Integrity
credentials (import ``settings`` into a test module to use it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from conftest import shared_path
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_trucks
from smartborder.inspections import facilities_of
from smartborder.ports import Direction

ClientFor = Callable[..., TestClient]
PORT = "2304"  # Laredo
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date()


def truck(seed: int = 1, direction: Direction = Direction.NORTHBOUND) -> dict[str, Any]:
    return generate_trucks(PORT, TOMORROW, 1, rng=np.random.default_rng(seed), direction=direction)[
        0
    ]


def file_trip(carrier: TestClient, payload: dict[str, Any] | None = None) -> str:
    r = carrier.post("/declarations/trucks", json=payload or truck())
    assert r.status_code == 201, r.text
    return str(r.json()["record"]["id"])


def dock() -> str:
    return facilities_of(PORT)[0]


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body: dict[str, Any] = resp.json()
    return body


def started(officer: TestClient, trip: str, *, joint: bool) -> str:
    """An inspection of ``trip`` requested by ``officer``, scheduled and started."""
    ins = ok(
        officer.post(
            f"/declarations/{trip}/inspections", json={"joint": joint, "reason": "targeted"}
        ),
        201,
    )
    when = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    ok(
        officer.post(
            f"/inspections/{ins['id']}/schedule", json={"scheduled_for": when, "facility": dock()}
        )
    )
    ok(officer.post(f"/inspections/{ins['id']}/start"))
    return str(ins["id"])


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        home=tmp_path / "home",
        database_url=database_url,
        contexts_dir=shared_path("conformance", "contexts"),
    )
