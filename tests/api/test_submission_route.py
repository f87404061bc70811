"""The submission routes, whose two dependencies are resolved by hand (SubmissionRoute),
answer exactly as FastAPI's own handler of the same endpoints, inside the app's middleware."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import request_response

from smartborder.api import create_app
from smartborder.api.routes.declarations import SubmissionRoute
from smartborder.clients import Role, create_client
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.store import transaction

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date()


def _truck(seed: int) -> dict[str, Any]:
    return generate_trucks("2304", TOMORROW, 1, rng=np.random.default_rng(seed))[0]


def _traveler(seed: int) -> dict[str, Any]:
    return generate_travelers("2504", TOMORROW, 1, rng=np.random.default_rng(seed))[0]


def _with_fastapis_own_handlers(app: FastAPI) -> FastAPI:
    """The same app with FastAPI's standard handler (dependency solving, validation) on the
    submission routes instead of SubmissionRoute's: the reference they must match."""
    for route in app.router.routes:
        if isinstance(route, SubmissionRoute):
            route.app = request_response(APIRoute.get_route_handler(route))
    return app


@pytest.fixture
def pair(
    app: FastAPI, settings: Settings
) -> Iterator[Callable[..., tuple[TestClient, TestClient]]]:
    """``pair(role)``: (SubmissionRoute client, FastAPI-handler client) with one token, on
    two apps over one store."""
    reference = _with_fastapis_own_handlers(create_app(settings))

    def make(role: str = "carrier") -> tuple[TestClient, TestClient]:
        ctx = app.state.ctx
        with transaction(ctx.sessions) as session:
            new = create_client(session, org=f"org-{role}", role=Role(role))
        fast = TestClient(app)
        token = fast.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(new.client_id, new.client_secret),
        ).json()["access_token"]
        slow = TestClient(reference)
        for tc in (fast, slow):
            tc.headers["Authorization"] = f"Bearer {token}"
        return fast, slow

    yield make
    reference.state.ctx.close()


def _same(a: Any, b: Any) -> None:
    assert a.status_code == b.status_code, (a.text, b.text)
    assert a.headers["content-type"] == b.headers["content-type"]
    assert a.headers.get("content-language") == b.headers.get("content-language")
    assert a.headers.get("www-authenticate") == b.headers.get("www-authenticate")
    ja, jb = a.json(), b.json()
    if a.status_code in (200, 201):
        for body in (ja, jb):
            del body["record"]["id"], body["decision"]["declaration_id"]
            body["record"].pop("created_at"), body["record"].pop("updated_at")
            body["decision"].pop("decided_at")
    assert ja == jb


CASES: dict[str, tuple[str, Callable[[int], dict[str, Any]] | bytes, dict[str, str]]] = {
    "truck": ("/declarations/trucks", _truck, {}),
    "traveler": ("/declarations/travelers", _traveler, {}),
    "malformed JSON, Spanish": (
        "/declarations/trucks",
        b'{"kind": "truck", ',
        {"Accept-Language": "es"},
    ),
    "not an object": ("/declarations/travelers", b"[1, 2]", {}),
    "wrong kind": ("/declarations/travelers", _truck, {}),
    "invalid declaration": ("/declarations/trucks", b'{"port_code": 2304}', {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_fast_lane_and_fastapi_give_the_same_answer(
    pair: Callable[..., tuple[TestClient, TestClient]], case: str
) -> None:
    path, body, headers = CASES[case]
    fast, slow = pair()
    answers = []
    content = body if isinstance(body, bytes) else json.dumps(body(1)).encode()
    # a first filing makes its trading parties known, so both answers below see them alike
    fast.post(path, content=content, headers={"Idempotency-Key": "warm-up"})
    slow.app.state.ctx.history.refresh()  # type: ignore[attr-defined]  # the other node reads it
    for n, tc in enumerate((fast, slow)):
        sent = {"Content-Type": "application/json", "Idempotency-Key": f"same-{n}", **headers}
        answers.append(tc.post(path, content=content, headers=sent))
    _same(*answers)


@pytest.mark.parametrize(
    "authorization", [None, "Basic abc", "Bearer not-a-token", "Bearer "], ids=str
)
def test_authentication_failures_match(
    pair: Callable[..., tuple[TestClient, TestClient]], authorization: str | None
) -> None:
    fast, slow = pair()
    answers = []
    for tc in (fast, slow):
        if authorization is None:
            del tc.headers["Authorization"]
        else:
            tc.headers["Authorization"] = authorization
        answers.append(tc.post("/declarations/trucks", json=_truck(1)))
    assert answers[0].status_code == 401
    _same(*answers)


def test_missing_scope_is_403_on_both(pair: Callable[..., tuple[TestClient, TestClient]]) -> None:
    fast, slow = pair("public")
    answers = [tc.post("/declarations/travelers", json=_traveler(3)) for tc in (fast, slow)]
    assert answers[0].status_code == 403
    _same(*answers)


def test_overlong_idempotency_key_is_the_same_422(
    pair: Callable[..., tuple[TestClient, TestClient]],
) -> None:
    fast, slow = pair()
    answers = [
        tc.post("/declarations/trucks", json=_truck(4), headers={"Idempotency-Key": "k" * 201})
        for tc in (fast, slow)
    ]
    assert answers[0].status_code == 422
    _same(*answers)


def test_chunked_oversize_body_is_413_and_nothing_stored(
    pair: Callable[..., tuple[TestClient, TestClient]], app: FastAPI
) -> None:
    """No Content-Length: the size limit counts while the route reads the body."""
    fast, _ = pair()
    limit = app.state.ctx.settings.max_body_bytes

    def chunks() -> Iterator[bytes]:
        yield b'{"kind": "truck", "padding": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    r = fast.post(
        "/declarations/trucks", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    admin = pair("admin")[0]
    assert admin.get("/decisions").json() == []


def test_retry_with_same_key_is_200_with_the_same_record(
    pair: Callable[..., tuple[TestClient, TestClient]],
) -> None:
    fast, slow = pair()
    payload = _truck(9)
    first = fast.post("/declarations/trucks", json=payload, headers={"Idempotency-Key": "fl-1"})
    again = slow.post("/declarations/trucks", json=payload, headers={"Idempotency-Key": "fl-1"})
    third = fast.post("/declarations/trucks", json=payload, headers={"Idempotency-Key": "fl-1"})
    assert (first.status_code, again.status_code, third.status_code) == (201, 200, 200)
    assert (
        first.json()["record"]["id"] == again.json()["record"]["id"] == third.json()["record"]["id"]
    )
    assert third.headers["location"] == first.headers["location"]


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ([("Idempotency-Key", "a"), ("Idempotency-Key", "b")], "request.idempotency_key_repeated"),
        ([("Idempotency-Key", "")], "request.idempotency_key_empty"),
        ([("Idempotency-Key", "   ")], "request.idempotency_key_empty"),
    ],
    ids=["two keys", "empty", "blank"],
)
def test_two_or_empty_idempotency_keys_are_400_and_nothing_stored(
    pair: Callable[..., tuple[TestClient, TestClient]], headers: list[tuple[str, str]], code: str
) -> None:
    fast, slow = pair()
    answers = [
        tc.post(
            "/declarations/trucks",
            content=json.dumps(_truck(5)).encode(),
            headers=[("Content-Type", "application/json"), *headers],
        )
        for tc in (fast, slow)
    ]
    assert answers[0].status_code == 400
    assert answers[0].json()["code"] == code
    _same(*answers)
    admin = pair("admin")[0]
    assert admin.get("/decisions").json() == []


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
