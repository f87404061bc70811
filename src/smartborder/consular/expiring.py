"""Which of a holder's credentials expire soon: those issued on this node about their DID
(``credentialSubject.id``), unrevoked, whose validity ends within N days (or already ended)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from smartborder.consular.errors import ApplicationInvalid
from smartborder.consular.rules import RULES
from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.store import consular as repo

#: The longest window a holder may ask about: ten years, the longest passport term.
MAX_WITHIN_DAYS = 3653


@dataclass(frozen=True, slots=True)
class ExpiringCredential:
    """One of the holder's credentials that expires within the window asked about."""

    credential_id: str
    credential_type: str
    issuer: str
    issued_by: str
    valid_until: datetime
    days_left: int
    suspended: bool
    renewable: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "credential_id": self.credential_id,
            "credential_type": self.credential_type,
            "issuer": self.issuer,
            "issued_by": self.issued_by,
            "valid_until": self.valid_until.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "days_left": self.days_left,
            "expired": self.days_left < 0,
            "suspended": self.suspended,
            # an expired document is renewed in person; online only while it is valid
            "renewable_online": self.renewable and self.days_left >= 0 and not self.suspended,
        }


def check_window(within_days: Any) -> int:
    if (
        isinstance(within_days, bool)
        or not isinstance(within_days, int)
        or not 1 <= within_days <= MAX_WITHIN_DAYS
    ):
        raise ApplicationInvalid(
            Text(
                f"within_days must be a whole number of days from 1 to {MAX_WITHIN_DAYS}.",
                f"within_days debe ser un número entero de días de 1 a {MAX_WITHIN_DAYS}.",
            ),
            code="consular.within_days_invalid",
            problems=[
                Problem(
                    "/within_days",
                    "consular.within_days_invalid",
                    Text(f"1 to {MAX_WITHIN_DAYS}", f"de 1 a {MAX_WITHIN_DAYS}"),
                )
            ],
        )
    return within_days


def expiring(
    session: Session, holder: str, *, within_days: int, now: datetime
) -> list[ExpiringCredential]:
    """The holder's credentials ending by ``now + within_days`` (soonest first), including
    those already expired (flagged: they are renewed in person)."""
    days = check_window(within_days)
    rows = repo.issued_to(session, holder, valid_until_by=now + timedelta(days=days))
    out: list[ExpiringCredential] = []
    for row in rows:
        assert row.valid_until is not None  # the query keeps only rows with one
        left = (row.valid_until - now).total_seconds() / 86_400
        out.append(
            ExpiringCredential(
                credential_id=row.credential_id,
                credential_type=row.credential_type,
                issuer=row.issuer,
                issued_by=row.org,
                valid_until=row.valid_until,
                days_left=math.floor(left),
                suspended=row.suspended,
                renewable=row.credential_type in RULES,
            )
        )
    return out


__all__ = ["MAX_WITHIN_DAYS", "ExpiringCredential", "check_window", "expiring"]
