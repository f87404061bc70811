"""Shared fixtures: a settings object on a temporary home, the store on SQLite or PostgreSQL,
an API app and authenticated clients per role."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from smartborder.api import create_app
from smartborder.clients import Role, create_client
from smartborder.config import Settings
from smartborder.store import make_engine, session_factory, transaction

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_URL = os.environ.get("SMARTBORDER_TEST_DATABASE_URL")
# Decisions in tests are deterministic: no random control sample unless a test sets a rate
# (tests/risk/test_random_sample.py does).
os.environ.setdefault("SMARTBORDER_RANDOM_EXAMINATION_RATE", "0")


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test with a clear reason where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path} (CI always has it)")
    return path


def _pg_schema_url(base: str) -> Iterator[str]:
    """A fresh PostgreSQL schema per test run, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = make_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each store test runs on SQLite and, where SMARTBORDER_TEST_DATABASE_URL is set, PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not PG_URL:
        pytest.skip("SMARTBORDER_TEST_DATABASE_URL not set: PostgreSQL run skipped")
    yield from _pg_schema_url(PG_URL)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(home=tmp_path / "home", database_url=database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.ctx.close()


@pytest.fixture
def api(app: FastAPI) -> TestClient:
    """An unauthenticated client."""
    return TestClient(app)


ClientFor = Callable[..., TestClient]


def bearer_client(app: FastAPI, role: Role | str, *, org: str | None = None) -> TestClient:
    """A TestClient of ``app`` carrying a bearer token of a new client of ``role``."""
    role = Role(role)
    with transaction(app.state.ctx.sessions) as session:
        new = create_client(session, org=org or f"org-{role.value}", role=role)
    tc = TestClient(app)
    resp = tc.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(new.client_id, new.client_secret),
    )
    assert resp.status_code == 200, resp.text
    tc.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
    return tc


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``SMARTBORDER_HOME`` (created) on the default SQLite store, for CLI runs."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("SMARTBORDER_HOME", str(path))
    monkeypatch.delenv("SMARTBORDER_DATABASE_URL", raising=False)
    return path


@pytest.fixture
def client_for(app: FastAPI) -> ClientFor:
    """``client_for(role, org=...)``: a TestClient carrying a bearer token of a new client."""

    def make(role: Role | str, *, org: str | None = None) -> TestClient:
        return bearer_client(app, role, org=org)

    return make


@pytest.fixture
def sessions(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.db_url)
    from smartborder.store import upgrade

    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()
