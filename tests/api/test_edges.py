"""The node's edges: the token endpoint's limits and timing, the bounded rate-limit table, and
the interactive docs served without internet."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from smartborder.api import create_app
from smartborder.api.ratelimit import RateLimit
from smartborder.clients import InvalidClient, Role, authenticate, create_client
from smartborder.config import Settings
from smartborder.store import transaction


@pytest.fixture
def strict_app(tmp_path: Path) -> FastAPI:
    """A node allowing 6 token requests a minute per address (1 per 10 s), 6 per client id."""
    app = create_app(
        Settings(
            home=tmp_path / "home",
            database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
            token_rate_limit_per_min=6,
        )
    )
    yield app
    app.state.ctx.close()


def _ask(app: FastAPI, address: str, client_id: str, secret: str = "wrong"):  # type: ignore[no-untyped-def]
    tc = TestClient(app, client=(address, 50000))
    return tc.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )


def test_token_guessing_from_one_address_gets_429_with_retry_after(strict_app: FastAPI) -> None:
    first = _ask(strict_app, "203.0.113.7", "carrier-aaaaaaaaaaaa")
    second = _ask(strict_app, "203.0.113.7", "carrier-bbbbbbbbbbbb")
    assert first.status_code == 401 and second.status_code == 429
    assert second.headers["content-type"] == "application/problem+json"
    body = second.json()
    assert body["code"] == "rate_limited"
    assert int(second.headers["Retry-After"]) == max(1, math.ceil(body["retry_after_s"]))
    # Another address is not held back by this one.
    assert _ask(strict_app, "203.0.113.8", "carrier-cccccccccccc").status_code == 401


def test_token_guessing_one_client_id_from_many_addresses_gets_429(strict_app: FastAPI) -> None:
    with transaction(strict_app.state.ctx.sessions) as s:
        made = create_client(s, org="Fletes", role=Role.CARRIER)
    assert _ask(strict_app, "198.51.100.1", made.client_id).status_code == 401
    assert _ask(strict_app, "198.51.100.2", made.client_id).status_code == 429
    # The rightful owner, from its own address, is held back too until the window passes:
    # the price of not letting guesses run on.
    assert _ask(strict_app, "198.51.100.3", made.client_id, made.client_secret).status_code == 429


def test_unknown_client_id_costs_the_same_scrypt_as_a_known_one(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing must not tell which ids exist: both paths hash once with the same parameters."""
    calls: list[dict[str, int]] = []
    real = hashlib.scrypt

    def counting(password: bytes, **kw):  # type: ignore[no-untyped-def]
        calls.append({k: v for k, v in kw.items() if k != "salt"})
        return real(password, **kw)

    with transaction(app.state.ctx.sessions) as s:
        made = create_client(s, org="Fletes", role=Role.CARRIER)
    monkeypatch.setattr("smartborder.clients.service.hashlib.scrypt", counting)
    for client_id in (made.client_id, "carrier-000000000000"):
        with pytest.raises(InvalidClient), transaction(app.state.ctx.sessions) as s:
            authenticate(s, client_id, "wrong")
    assert len(calls) == 2 and calls[0] == calls[1]


def test_rate_limit_table_stays_bounded_under_many_addresses() -> None:
    limit = RateLimit(600, max_keys=1_000)
    for i in range(5_000):
        limit.take("public", f"2001:db8::{i:x}")
        assert limit.keys <= 1_000 + 1
    # Still a limit: one address over its burst (600 / 6 per 10 s) is refused.
    waits = [limit.take("public", "2001:db8::ffff") for _ in range(101)]
    assert waits[:100] == [0.0] * 100 and waits[100] > 0


def test_docs_page_loads_only_local_assets(api: TestClient) -> None:
    page = api.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?'([^']+)'""", page.text)
    refs = [a or b for a, b in urls]
    assert {"/docs/assets/swagger-ui-bundle.js", "/openapi.json"} <= set(refs)
    assert not [u for u in refs if "//" in u], "the docs page must not load from elsewhere"
    assert "http://" not in page.text and "https://" not in page.text
    for ref in refs:
        assert api.get(ref).status_code == 200, ref
    assert api.get("/docs/oauth2-redirect").status_code == 200


def test_guessers_on_many_addresses_still_meet_a_limit_per_worker(strict_app: FastAPI) -> None:
    strict_app.state.token_limit_all = RateLimit(6)  # 1 per 10 s for the whole worker
    assert _ask(strict_app, "192.0.2.1", "carrier-aaaaaaaaaaaa").status_code == 401
    r = _ask(strict_app, "192.0.2.2", "carrier-bbbbbbbbbbbb")
    assert r.status_code == 429 and "Retry-After" in r.headers
