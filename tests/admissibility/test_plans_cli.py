"""``smartborder plan``: the lifecycle from the command line, ``policy eval`` under the version
in force, and the other node's in-force versions read over HTTP (``--peer``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from smartborder.api import create_app
from smartborder.cli import app
from smartborder.config import Settings


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SMARTBORDER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SMARTBORDER_DATABASE_URL", raising=False)
    monkeypatch.delenv("SMARTBORDER_AGENCY", raising=False)
    return CliRunner()


def run(runner: CliRunner, *args: str) -> Any:
    out = runner.invoke(app, list(args))
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_the_lifecycle_from_the_command_line_decides_policy_eval(
    runner: CliRunner, tmp_path: Path
) -> None:
    run(runner, "policy", "publish", "sentri-first-sd-tj", "--by", "analyst")
    version = "sentri-first-sd-tj@1"
    early = runner.invoke(
        app,
        [
            "plan",
            "activate",
            version,
            "--from",
            "2021-03-01T00:00-08:00",
            "--regions",
            "san-diego-tijuana",
            "--agency",
            "cbp",
        ],
    )
    assert early.exit_code == 1 and "transition_out_of_order" in early.output
    assert "Pasos permitidos" in early.output  # bilingual
    proposed = run(
        runner,
        "plan",
        "propose",
        version,
        "--from",
        "2021-03-01",
        "--to",
        "2021-03-01",
        "--per-day",
        "5",
        "--ports",
        "2504",
    )
    assert proposed["state"] == "proposed" and proposed["impact"]["total"] == 5
    assert run(runner, "plan", "approve", version, "--agency", "cbp")["state"] == "proposed"
    assert run(runner, "plan", "approve", version, "--agency", "anam")["state"] == "approved"
    active = run(
        runner,
        "plan",
        "activate",
        version,
        "--from",
        "2021-03-01T00:00-08:00",
        "--regions",
        "san-diego-tijuana",
        "--agency",
        "cbp",
        "--by",
        "cbp-chief",
    )
    assert active["state"] == "in_force"
    assert active["transitions"][-1]["actor"] == "cbp-chief"

    traveler = tmp_path / "t.json"
    traveler.write_text(json.dumps({"nationality": "MEX", "age": 40, "purpose": "tourism"}))
    at = "2021-04-01T10:00:00-07:00"
    decided = run(
        runner, "policy", "eval", "--port", "2504", "--at", at, "--traveler", str(traveler)
    )
    assert decided["version"] == version
    elsewhere = run(
        runner, "policy", "eval", "--port", "2304", "--at", at, "--traveler", str(traveler)
    )
    # Where nothing is in force the baseline (baseline-us-mx, the default) decides.
    assert elsewhere["version"].startswith("baseline-us-mx@draft-")
    found = run(runner, "plan", "in-force", "--port", "2504", "--at", at)
    assert found["activation"]["version"] == version and found["default"] is False
    assert [a["version"] for a in run(runner, "plan", "in-force")] == [version]
    assert run(runner, "plan", "show", version)["next_steps"] == ["activate", "withdraw"]


def test_in_force_reads_the_peer_node(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    peer = create_app(
        Settings(
            home=tmp_path / "anam", database_url=f"sqlite:///{tmp_path / 'anam.db'}", agency="anam"
        )
    )
    try:
        client = TestClient(peer)

        def get(url: str, *, params: Any = None, timeout: float = 0) -> httpx.Response:
            assert url == "https://anam.example.org/plans/in-force"
            return client.get("/plans/in-force", params=params)

        monkeypatch.setattr(httpx, "get", get)
        read = run(
            runner,
            "plan",
            "in-force",
            "--peer",
            "https://anam.example.org/",
            "--port",
            "2504",
            "--at",
            "2027-01-01T00:00:00-08:00",
            "--direction",
            "southbound",
        )
        assert read["default"] is True and read["direction"] == "southbound"
        listing = run(runner, "plan", "in-force", "--peer", "https://anam.example.org")
        assert listing["agency"] == "anam" and listing["countries"] == ["MEX"]
    finally:
        peer.state.ctx.close()
