"""The submission routes as a client meets them: one path through the app's stack (every
middleware and exception handler), the same answers for every kind of bad input."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from smartborder.clients import Role, create_client
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.store import transaction

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date()


def _truck(seed: int) -> dict[str, Any]:
    return generate_trucks("2304", TOMORROW, 1, rng=np.random.default_rng(seed))[0]


def _traveler(seed: int) -> dict[str, Any]:
    return generate_travelers("2504", TOMORROW, 1, rng=np.random.default_rng(seed))[0]


@pytest.fixture
def client_as(app: FastAPI) -> Callable[..., TestClient]:
    """``client_as(role)``: a client holding a token of a new client of ``role``."""

    def make(role: str = "carrier") -> TestClient:
        with transaction(app.state.ctx.sessions) as session:
            new = create_client(session, org=f"org-{role}", role=Role(role))
        tc = TestClient(app)
        token = tc.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(new.client_id, new.client_secret),
        ).json()["access_token"]
        tc.headers["Authorization"] = f"Bearer {token}"
        return tc

    return make


def _stored(client_as: Callable[..., TestClient]) -> list[Any]:
    decisions: list[Any] = client_as("admin").get("/decisions").json()
    return decisions


BAD: dict[str, tuple[str, bytes | Callable[[int], dict[str, Any]], dict[str, str], int, str]] = {
    "malformed JSON, Spanish": (
        "/declarations/trucks",
        b'{"kind": "truck", ',
        {"Accept-Language": "es"},
        400,
        "request.malformed_json",
    ),
    "not an object": ("/declarations/travelers", b"[1, 2]", {}, 400, "request.not_an_object"),
    "wrong kind": ("/declarations/travelers", _truck, {}, 400, "declaration.wrong_kind"),
    "invalid declaration": (
        "/declarations/trucks",
        b'{"port_code": 2304}',
        {},
        422,
        "declaration.invalid",
    ),
    "overlong key": ("/declarations/trucks", _truck, {"Idempotency-Key": "k" * 201}, 422, "request.invalid"),
    "empty key": ("/declarations/trucks", _truck, {"Idempotency-Key": ""}, 400, "request.idempotency_key_empty"),
    "blank key": ("/declarations/trucks", _truck, {"Idempotency-Key": "  "}, 400, "request.idempotency_key_empty"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_submissions_are_problems_and_store_nothing(
    client_as: Callable[..., TestClient], case: str
) -> None:
    path, body, headers, status, code = BAD[case]
    content = body if isinstance(body, bytes) else json.dumps(body(1)).encode()
    r = client_as().post(
        path, content=content, headers={"Content-Type": "application/json", **headers}
    )
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["content-language"] == headers.get("Accept-Language", "en")
    assert _stored(client_as) == []


def test_two_idempotency_keys_are_400_and_nothing_stored(
    client_as: Callable[..., TestClient],
) -> None:
    r = client_as().post(
        "/declarations/trucks",
        content=json.dumps(_truck(5)).encode(),
        headers=[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", "a"),
            ("Idempotency-Key", "b"),
        ],
    )
    assert (r.status_code, r.json()["code"]) == (400, "request.idempotency_key_repeated")
    assert "Idempotency-Key" in r.json()["detail"]
    assert _stored(client_as) == []


@pytest.mark.parametrize(
    "authorization", [None, "Basic abc", "Bearer not-a-token", "Bearer "], ids=str
)
def test_without_a_valid_bearer_token_it_is_401_with_a_challenge(
    client_as: Callable[..., TestClient], authorization: str | None
) -> None:
    tc = client_as()
    if authorization is None:
        del tc.headers["Authorization"]
    else:
        tc.headers["Authorization"] = authorization
    r = tc.post("/declarations/trucks", json=_truck(1))
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.headers["content-type"] == "application/problem+json"


def test_a_client_without_the_write_scope_gets_403(client_as: Callable[..., TestClient]) -> None:
    r = client_as("public").post("/declarations/travelers", json=_traveler(3))
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"


def test_a_chunked_oversize_body_is_413_and_nothing_stored(
    client_as: Callable[..., TestClient], app: FastAPI
) -> None:
    """No Content-Length: the size limit counts while the route reads the body."""
    limit = app.state.ctx.settings.max_body_bytes

    def chunks() -> Iterator[bytes]:
        yield b'{"kind": "truck", "padding": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    r = client_as().post(
        "/declarations/trucks", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert _stored(client_as) == []


def test_new_is_201_and_a_retry_with_the_same_key_is_200_with_the_same_record(
    client_as: Callable[..., TestClient],
) -> None:
    tc = client_as()
    payload = _truck(9)
    answers = [
        tc.post("/declarations/trucks", json=payload, headers={"Idempotency-Key": "fl-1"})
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert len({a.json()["record"]["id"] for a in answers}) == 1
    assert answers[2].headers["location"] == answers[0].headers["location"]
    assert answers[0].headers["location"] == f"/declarations/{answers[0].json()['record']['id']}"
    traveler = tc.post("/declarations/travelers", json=_traveler(9))
    assert traveler.status_code == 201 and traveler.json()["record"]["kind"] == "traveler"


def test_middleware_added_to_the_app_sees_submissions(app: FastAPI) -> None:
    """The submission routes are routes of the app: a middleware added later wraps them."""
    seen: list[str] = []

    class Spy:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                seen.append(f"{scope['method']} {scope['path']}")
            await self.inner(scope, receive, send)

    app.add_middleware(Spy)
    TestClient(app).post("/declarations/trucks", json=_truck(6))
    assert seen == ["POST /declarations/trucks"]
