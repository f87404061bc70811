"""Notices go through pluggable channels from the dispatcher's thread: a failed send is
recorded and retried after a back-off, never lost and never undoing the renewal; after the
last attempt the notice is kept as failed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from consular_fixtures import eventually, smtp_server, webhook_server
from sqlalchemy.orm import Session, sessionmaker

from smartborder.config import Settings
from smartborder.consular import (
    Notice,
    NoticeDispatcher,
    SmtpChannel,
    WebhookChannel,
    channels_from_settings,
)
from smartborder.store import consular as repo
from smartborder.store import make_engine, session_factory, transaction, upgrade
from smartborder.store.tables.consular import NoticeRow

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def _queue(sessions: sessionmaker[Session], channel: str, recipient: str) -> str:
    row = NoticeRow(
        notice_id=f"n-{channel}-{recipient[-6:]}",
        renewal_id=None,
        kind="renewal.issued",
        channel=channel,
        recipient=recipient,
        payload=json.dumps(
            {
                "subject_en": "Your passport was renewed",
                "subject_es": "Su pasaporte fue renovado",
                "message_en": "The new one is valid until 2036-12-01.",
                "message_es": "El nuevo vale hasta el 2036-12-01.",
            }
        ),
        state="pending",
        attempts=0,
        created_at=T0,
        next_attempt_at=T0,
    )
    with transaction(sessions) as session:
        repo.add_notices(session, [row])
    return row.notice_id


def _row(sessions: sessionmaker[Session], notice_id: str) -> NoticeRow:
    with transaction(sessions) as session:
        row = repo.get_notice(session, notice_id)
        assert row is not None
        session.expunge(row)
        return row


def test_a_webhook_that_fails_is_retried_after_a_back_off(
    sessions: sessionmaker[Session],
) -> None:
    clock = Clock()
    with webhook_server() as (url, hook):
        hook.answers = [500, 503]
        channel = WebhookChannel(url, secret="k")
        dispatcher = NoticeDispatcher(
            sessions, {"webhook": channel}, clock=clock, backoff_s=10, max_attempts=5
        )
        notice = _queue(sessions, "webhook", url)
        assert dispatcher.run_once() == 0
        first = _row(sessions, notice)
        assert (first.state, first.attempts) == ("pending", 1)
        assert first.last_error is not None and "answered 500" in first.last_error
        assert first.next_attempt_at == T0 + timedelta(seconds=10)
        assert dispatcher.run_once() == 0  # not due yet: nothing sent, nothing counted
        assert _row(sessions, notice).attempts == 1
        clock.now += timedelta(seconds=10)
        assert dispatcher.run_once() == 0  # 503: the back-off doubles
        assert _row(sessions, notice).next_attempt_at == clock.now + timedelta(seconds=20)
        clock.now += timedelta(seconds=20)
        assert dispatcher.run_once() == 1
        done = _row(sessions, notice)
        assert (done.state, done.attempts, done.last_error) == ("sent", 3, None)
        [(headers, body)] = hook.received
        assert body["id"] == notice and headers["SmartBorder-Notice-Id"] == notice
        sent = Notice(notice, "renewal.issued", url, json.loads(done.payload))
        assert headers["SmartBorder-Signature"] == channel.signature(channel.body(sent))
        dispatcher.close()


def test_an_unreachable_smtp_server_is_recorded_then_given_up(
    sessions: sessionmaker[Session],
) -> None:
    clock = Clock()
    with smtp_server() as (port, box):
        pass  # the server is gone: its port now refuses connections
    dispatcher = NoticeDispatcher(
        sessions,
        {"smtp": SmtpChannel("127.0.0.1", port, sender="consul@example.gov", timeout_s=2)},
        clock=clock,
        backoff_s=1,
        max_attempts=3,
    )
    notice = _queue(sessions, "smtp", "juan@example.mx")
    for _ in range(3):
        assert dispatcher.run_once() == 0
        clock.now += timedelta(hours=1)
    gone = _row(sessions, notice)
    assert (gone.state, gone.attempts) == ("failed", 3)
    assert gone.last_error is not None and "SMTP 127.0.0.1" in gone.last_error
    assert dispatcher.run_once() == 0 and _row(sessions, notice).attempts == 3
    assert box.messages == []


def test_the_thread_sends_an_email_to_a_local_smtp_server(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with smtp_server() as (port, box):
        settings = Settings(home=tmp_path, notice_smtp_host="127.0.0.1", notice_smtp_port=port)
        channels = channels_from_settings(settings)
        assert set(channels) == {"smtp"}
        dispatcher = NoticeDispatcher(sessions, channels, poll_s=30)
        dispatcher.start()
        try:
            notice = _queue(sessions, "smtp", "juan@example.mx")
            dispatcher.notify()  # woken at once, not at the next poll
            assert eventually(lambda: _row(sessions, notice).state == "sent")
        finally:
            dispatcher.close()
    [mail] = box.messages
    assert mail["Subject"] == "Your passport was renewed / Su pasaporte fue renovado"
    assert mail["Message-ID"] == f"<{notice}@smartborder>"
    body = mail.get_payload(decode=True).decode()
    assert "valid until" in body and "vale hasta" in body


def test_no_channel_configured_for_a_notice_is_recorded(sessions: sessionmaker[Session]) -> None:
    dispatcher = NoticeDispatcher(sessions, {}, clock=Clock(), max_attempts=1)
    notice = _queue(sessions, "webhook", "http://127.0.0.1:9/")
    assert dispatcher.run_once() == 0
    row = _row(sessions, notice)
    assert row.state == "failed" and "no channel 'webhook'" in (row.last_error or "")


def test_more_notices_than_a_batch_are_all_sent_in_one_round(
    sessions: sessionmaker[Session],
) -> None:
    with webhook_server() as (url, hook):
        dispatcher = NoticeDispatcher(
            sessions, {"webhook": WebhookChannel(url)}, clock=Clock(), batch=2
        )
        for i in range(5):
            _queue(sessions, "webhook", f"{url}?{i:06d}")
        assert dispatcher.run_once() == 5
        assert len(hook.received) == 5
        dispatcher.close()
