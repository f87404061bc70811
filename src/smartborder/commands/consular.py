"""``smartborder consular``: the consular notice outbox — list it, send what is due now."""

from __future__ import annotations

import json
from contextlib import nullcontext
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from smartborder.commands.store_access import store_sessions
from smartborder.config import Settings
from smartborder.consular import (
    ApplicationInvalid,
    NoticeDispatcher,
    channels_from_settings,
    queue_reminders,
)
from smartborder.i18n import Text
from smartborder.store import consular as repo
from smartborder.store import transaction
from smartborder.store.group_commit import file_lock

app = typer.Typer(
    help="Consular notices: list the outbox, queue expiry reminders, send what is due.",
    no_args_is_help=True,
)
console = Console(emoji=False)


@app.command("notices")
def notices(
    renewal: str | None = typer.Option(None, "--renewal", help="Only this renewal's notices."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List notices: channel, recipient, state, attempts, last error."""
    with store_sessions() as sessions, transaction(sessions) as session:
        rows = [
            {
                "notice_id": r.notice_id,
                "renewal_id": r.renewal_id,
                "kind": r.kind,
                "channel": r.channel,
                "recipient": r.recipient,
                "state": r.state,
                "attempts": r.attempts,
                "next_attempt_at": r.next_attempt_at.isoformat(),
                "last_error": r.last_error,
            }
            for r in repo.notices(session, renewal_id=renewal)
        ]
    if as_json:
        print(json.dumps(rows))
        return
    table = Table("notice", "channel", "recipient", "state", "attempts", "last error")
    for r in rows:
        table.add_row(
            *(str(r[k] or "") for k in ("notice_id", "channel", "recipient", "state")),
            str(r["attempts"]),
            str(r["last_error"] or ""),
        )
    console.print(table)


@app.command("send")
def send() -> None:
    """Send the notices due now through the SMARTBORDER_NOTICE_* channels.

    A serving node does this in the background; failures are recorded and retried later."""
    settings = Settings()
    url = make_url(settings.db_url)
    # a serving node may write the same SQLite file: take its writers' lock (see node.py)
    lock = (
        file_lock(f"{url.database}.write-lock")
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        else nullcontext
    )
    with store_sessions() as sessions:
        dispatcher = NoticeDispatcher(sessions, channels_from_settings(settings), write_lock=lock)
        try:
            sent = dispatcher.run_once()
        finally:
            dispatcher.close()
    print(json.dumps({"sent": sent, "channels": list(dispatcher.channel_names)}))


@app.command("remind")
def remind(
    within_days: int = typer.Option(60, "--within-days", help="Credentials ending within N days."),
) -> None:
    """Queue a reminder for each credential ending soon (once each), through the webhook.

    Needs SMARTBORDER_NOTICE_WEBHOOK_URL; run daily, then `consular send` (or a serving node)."""
    settings = Settings()
    url = settings.notice_webhook_url.strip()
    if not url:
        raise ApplicationInvalid(
            Text(
                "Reminders go through the webhook: set SMARTBORDER_NOTICE_WEBHOOK_URL.",
                "Los recordatorios van por el webhook: configure SMARTBORDER_NOTICE_WEBHOOK_URL.",
            ),
            code="consular.no_webhook",
        )
    with store_sessions() as sessions, transaction(sessions) as session:
        queued = queue_reminders(
            session, within_days=within_days, webhook_url=url, now=datetime.now(UTC)
        )
    print(json.dumps({"queued": len(queued), "credential_ids": queued}))
