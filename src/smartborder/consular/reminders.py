"""Reminders before a credential expires: a ``credential.expiring`` notice per credential,
queued once, through the webhook (the node knows a holder's DID, not their address; the
receiver — a wallet provider, a consulate's appointment system — maps DIDs to people).

:func:`queue_reminders` is run by ``smartborder consular remind`` (e.g. daily from cron) and
queues, in one transaction, a notice for every unrevoked credential whose validity ends
within the window and that was not reminded of before; the dispatcher sends them.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from smartborder.consular.expiring import check_window, expiring
from smartborder.store import consular as repo
from smartborder.store.tables.consular import NoticeRow

#: Names reminder notices: one per credential, whichever run queues it first.
_REMINDER_NS = uuid.UUID("8f0b7f0e-2f7a-4c57-9d0e-3c1f5e7a9b21")


def reminder_id(credential_id: str) -> str:
    return str(uuid.uuid5(_REMINDER_NS, credential_id))


def queue_reminders(
    session: Session, *, within_days: int, webhook_url: str, now: datetime
) -> list[str]:
    """Queue a reminder for each credential ending within ``within_days`` (not expired,
    not revoked, not reminded before); returns the credential ids reminded of."""
    days = check_window(within_days)
    queued: list[str] = []
    for holder in repo.holders_expiring(session, now=now, within_days=days):
        for cred in expiring(session, holder, within_days=days, now=now):
            notice_id = reminder_id(cred.credential_id)
            if cred.days_left < 0 or repo.get_notice(session, notice_id) is not None:
                continue
            doc = cred.to_dict()
            payload = {
                "holder": holder,
                **doc,
                "subject_en": f"Your {cred.credential_type} expires in {cred.days_left} days",
                "subject_es": f"Su {cred.credential_type} vence en {cred.days_left} días",
                "message_en": (
                    f"{cred.credential_type} {cred.credential_id}, issued by {cred.issued_by}, "
                    f"expires on {doc['valid_until']}. Renew it online while it is valid: "
                    "POST /consular/renewals."
                ),
                "message_es": (
                    f"{cred.credential_type} {cred.credential_id}, emitida por {cred.issued_by}, "
                    f"vence el {doc['valid_until']}. Renuévela en línea mientras sea válida: "
                    "POST /consular/renewals."
                ),
            }
            repo.add_notices(
                session,
                [
                    NoticeRow(
                        notice_id=notice_id,
                        renewal_id=None,
                        kind="credential.expiring",
                        channel="webhook",
                        recipient=webhook_url,
                        payload=json.dumps(payload, ensure_ascii=False),
                        state="pending",
                        attempts=0,
                        created_at=now,
                        next_attempt_at=now,
                    )
                ],
            )
            queued.append(cred.credential_id)
    return queued


__all__ = ["queue_reminders", "reminder_id"]
