"""``smartborder consular``: an operator lists the notice outbox and sends what is due."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from consular_fixtures import webhook_server
from typer.testing import CliRunner

from smartborder.cli import app
from smartborder.config import Settings
from smartborder.store import consular as repo
from smartborder.store import make_engine, session_factory, transaction, upgrade
from smartborder.store.tables.consular import NoticeRow

runner = CliRunner()


def test_notices_are_listed_and_sent_from_the_cli(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(Settings().db_url)
    upgrade(engine)
    now = datetime.now(UTC)
    with transaction(session_factory(engine)) as session:
        repo.add_notices(
            session,
            [
                NoticeRow(
                    notice_id="n-1",
                    renewal_id="r-1",
                    kind="renewal.issued",
                    channel="webhook",
                    recipient="hook",
                    payload=json.dumps({"message_en": "renewed", "message_es": "renovado"}),
                    state="pending",
                    attempts=0,
                    created_at=now,
                    next_attempt_at=now,
                )
            ],
        )
    engine.dispose()
    listed = runner.invoke(app, ["consular", "notices", "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.stdout)
    assert (row["notice_id"], row["state"], row["attempts"]) == ("n-1", "pending", 0)
    with webhook_server() as (url, hook):
        monkeypatch.setenv("SMARTBORDER_NOTICE_WEBHOOK_URL", url)
        sent = runner.invoke(app, ["consular", "send"])
        assert sent.exit_code == 0, sent.output
        assert json.loads(sent.stdout) == {"sent": 1, "channels": ["webhook"]}
        assert hook.received[0][1]["message_es"] == "renovado"
    after = runner.invoke(app, ["consular", "notices", "--json", "--renewal", "r-1"])
    assert json.loads(after.stdout)[0]["state"] == "sent"


def test_remind_without_a_webhook_is_a_clear_error(home: Path) -> None:
    answer = runner.invoke(app, ["consular", "remind"])
    assert answer.exit_code == 1
    assert "SMARTBORDER_NOTICE_WEBHOOK_URL" in answer.output


def test_remind_queues_nothing_on_an_empty_store(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTBORDER_NOTICE_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    answer = runner.invoke(app, ["consular", "remind", "--within-days", "30"])
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.stdout) == {"queued": 0, "credential_ids": []}
    bad = runner.invoke(app, ["consular", "remind", "--within-days", "0"])
    assert bad.exit_code == 1 and "within_days" in bad.output
