"""Clients can be disabled or deleted, and their tokens stop working at once — on every
worker sharing the store — while no submission pays a query for it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import ClientFor, bearer_client
from smartborder.api import create_app
from smartborder.cli import app as cli
from smartborder.clients import Principal, Role
from smartborder.clients.registry import REFRESH_S
from smartborder.clients.service import CLOCK_SKEW_S
from smartborder.config import Settings


def _client_id(tc: TestClient) -> str:
    ctx = tc.app.state.ctx  # type: ignore[attr-defined]
    token = tc.headers["Authorization"].split()[1]
    principal: Principal = ctx.signer.verify(token)
    return principal.client_id


def test_disabled_client_tokens_stop_working_at_once(client_for: ClientFor) -> None:
    admin, carrier = client_for("admin"), client_for("carrier")
    cid = _client_id(carrier)
    assert carrier.get("/decisions").status_code == 200
    r = admin.post(f"/clients/{cid}/disable")
    assert r.status_code == 200 and r.json()["enabled"] is False
    refused = carrier.get("/decisions", headers={"Accept-Language": "es"})
    assert refused.status_code == 401
    assert refused.json()["code"] == "auth.client_disabled"
    assert "deshabilitado" in refused.json()["detail"]
    # ... and no new token either; re-enabled, the token it holds works again.
    assert admin.post(f"/clients/{cid}/enable").json()["enabled"] is True
    assert carrier.get("/decisions").status_code == 200


def test_deleted_client_is_gone_and_its_tokens_refused(client_for: ClientFor) -> None:
    admin, carrier = client_for("admin"), client_for("carrier")
    cid = _client_id(carrier)
    assert admin.delete(f"/clients/{cid}").status_code == 204
    assert carrier.get("/decisions").json()["code"] == "auth.client_disabled"
    assert cid not in {c["client_id"] for c in admin.get("/clients").json()}
    again = admin.delete(f"/clients/{cid}")
    assert again.status_code == 404 and again.json()["code"] == "auth.client_not_found"


def test_client_administration_needs_clients_admin(client_for: ClientFor) -> None:
    cbp = client_for("cbp")
    assert cbp.get("/clients").status_code == 403
    assert cbp.post(f"/clients/{_client_id(cbp)}/disable").status_code == 403


def test_token_naming_a_client_that_does_not_exist_is_refused(app: FastAPI) -> None:
    ghost = Principal("carrier-000000000000", "Nadie", Role.CARRIER, frozenset({"decisions:read"}))
    token, _ = app.state.ctx.signer.issue(ghost)
    r = TestClient(app).get("/decisions", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["code"] == "auth.client_disabled"


@pytest.mark.parametrize(("ahead_s", "status"), [(CLOCK_SKEW_S - 5, 200), (CLOCK_SKEW_S + 5, 401)])
def test_token_issued_in_the_future_is_refused_beyond_clock_skew(
    client_for: ClientFor, ahead_s: int, status: int
) -> None:
    carrier = client_for("carrier")
    signer = carrier.app.state.ctx.signer  # type: ignore[attr-defined]
    principal = signer.verify(carrier.headers["Authorization"].split()[1])
    future, _ = signer.issue(principal, now=time.time() + ahead_s)
    r = carrier.get("/decisions", headers={"Authorization": f"Bearer {future}"})
    assert r.status_code == status
    if status == 401:
        assert r.json()["code"] == "auth.token_not_yet_valid"


def test_disable_on_one_worker_reaches_another_within_two_seconds(tmp_path: Path) -> None:
    """Two app instances on one SQLite file stand for two worker processes: the second has
    no local notice of the change and learns it from its background reload."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    one = create_app(Settings(home=tmp_path / "home", database_url=url))
    two = create_app(Settings(home=tmp_path / "home", database_url=url), migrate=False)
    try:
        admin, carrier = bearer_client(one, "admin"), bearer_client(one, "carrier")
        on_two = TestClient(two, headers={"Authorization": carrier.headers["Authorization"]})
        assert on_two.get("/decisions").status_code == 200  # a client created after its load
        assert admin.post(f"/clients/{_client_id(carrier)}/disable").status_code == 200
        start = time.monotonic()
        while on_two.get("/decisions").status_code == 200:
            assert time.monotonic() - start < 2.0, "worker two still accepts the token"
            time.sleep(0.02)
        assert time.monotonic() - start <= REFRESH_S + 1.0
    finally:
        one.state.ctx.close()
        two.state.ctx.close()


runner = CliRunner()


def test_cli_disables_lists_and_deletes_clients(home: Path) -> None:
    made = json.loads(
        runner.invoke(
            cli, ["clients", "create", "--org", "Fletes", "--role", "carrier", "--json"]
        ).output
    )
    cid = made["client_id"]
    assert runner.invoke(cli, ["clients", "disable", cid]).exit_code == 0
    listed = json.loads(runner.invoke(cli, ["clients", "list", "--json"]).output)
    assert [c["enabled"] for c in listed if c["client_id"] == cid] == [False]
    kept = runner.invoke(cli, ["clients", "delete", cid], input="n\n")  # asks first
    assert kept.exit_code == 1 and cid in runner.invoke(cli, ["clients", "list"]).output
    assert runner.invoke(cli, ["clients", "delete", cid, "--yes"]).exit_code == 0
    gone = runner.invoke(cli, ["clients", "delete", cid, "--yes"])
    assert gone.exit_code == 1 and "auth.client_not_found" in gone.output
