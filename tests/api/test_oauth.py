from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from smartborder.clients import Role, create_client
from smartborder.clients.errors import InvalidOrg
from smartborder.store import transaction


def _new(api: TestClient, role: Role = Role.CARRIER) -> tuple[str, str]:
    ctx = api.app.state.ctx  # type: ignore[attr-defined]
    with transaction(ctx.sessions) as s:
        c = create_client(s, org="Transportes Frontera", role=role)
    return c.client_id, c.client_secret


def test_token_by_basic_and_by_form(api: TestClient) -> None:
    cid, secret = _new(api)
    r1 = api.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=(cid, secret))
    r2 = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": cid, "client_secret": secret},
    )
    for r in (r1, r2):
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["token_type"] == "Bearer"
        assert "declarations:write" in body["scope"].split()
        assert body["expires_in"] == 900


def test_wrong_secret_is_401_problem_in_spanish(api: TestClient) -> None:
    cid, _ = _new(api)
    r = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(cid, "wrong"),
        headers={"Accept-Language": "es-MX,es;q=0.9"},
    )
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["error"] == "invalid_client"
    assert body["code"] == "auth.invalid_client"
    assert "secreto" in body["detail"]
    # The client authenticated with HTTP Basic: the challenge says so (RFC 6749 section 5.2).
    assert r.headers["www-authenticate"] == 'Basic realm="smartborder"'


def test_requested_scope_narrows_token(api: TestClient) -> None:
    cid, secret = _new(api, Role.PUBLIC)
    r = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "kpi:read"},
        auth=(cid, secret),
    )
    assert r.status_code == 200 and r.json()["scope"] == "kpi:read"


def test_a_scope_the_client_lacks_is_invalid_scope(api: TestClient) -> None:
    # RFC 6749 section 5.2: the client learns now, not at its first 403.
    cid, secret = _new(api, Role.PUBLIC)
    r = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "kpi:read declarations:write"},
        auth=(cid, secret),
        headers={"Accept-Language": "es"},
    )
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "invalid_scope" and body["code"] == "auth.invalid_scope"
    assert body["invalid_scopes"] == ["declarations:write"] and "alcance" in body["detail"]


def test_unsupported_grant_type(api: TestClient) -> None:
    r = api.post("/oauth/token", data={"grant_type": "password"})
    assert r.status_code == 400
    assert r.json()["error"] == "unsupported_grant_type"


def test_oversize_body_is_413(api: TestClient) -> None:
    r = api.post("/oauth/token", content=b"x" * 2_000_000)
    assert r.status_code == 413
    assert r.json()["code"] == "too_large"


@pytest.mark.parametrize("org", ["", "   ", "x" * 201])
def test_a_client_names_its_organization(app: FastAPI, org: str) -> None:
    with pytest.raises(InvalidOrg) as err, transaction(app.state.ctx.sessions) as session:
        create_client(session, org=org, role=Role.CARRIER)
    assert err.value.code == "auth.invalid_org" and "organización" in err.value.message.es
    with transaction(app.state.ctx.sessions) as session:
        made = create_client(session, org="  Transportes del Norte ", role=Role.CARRIER)
    assert made.org == "Transportes del Norte"
