"""Violations found by inspections, as risk history: a party (shipper, consignee, carrier)
named on a trip where an inspection found a violation scores higher on its next trips for a
window of days the weight set gives (``violation_window_days``; 365 by default).

A clean inspection (``no_discrepancy``) adds nothing and takes nothing away: recent-violation
facts can only add points.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session, sessionmaker

from smartborder.declarations import TruckShipment
from smartborder.risk.facts import ALL_PARTY_KEYS, parties_of, party_key
from smartborder.store import risk as repo

log = logging.getLogger("smartborder.risk")

PartyRole = Literal["shipper", "consignee", "carrier"]
ROLES: tuple[PartyRole, ...] = ("shipper", "consignee", "carrier")
#: The fact each role's recent violation sets.
VIOLATION_FACTS: dict[PartyRole, str] = {r: f"recent_violation_{r}" for r in ROLES}
DEFAULT_WINDOW_DAYS = 365.0


def carrier_key(t: TruckShipment) -> str:
    """A carrier's key: its SCAC (the code every U.S. truck manifest carries)."""
    return f"scac:{t.scac}"


def violation_parties(declaration: Any) -> dict[PartyRole, list[str]]:
    """The keys of a trip's shippers, consignees and carrier, by role (none for a traveler)."""
    if not isinstance(declaration, TruckShipment):
        return {}
    return {
        "shipper": list(dict.fromkeys(party_key(s.shipper) for s in declaration.shipments)),
        "consignee": list(dict.fromkeys(party_key(s.consignee) for s in declaration.shipments)),
        "carrier": [carrier_key(declaration)],
    }


def violation_rows(
    declaration: Any, codes: Iterable[str], *, found_at: datetime, source: str
) -> list[dict[str, Any]]:
    """The ``risk_violations`` rows a finding event adds: each party of the trip, each code."""
    parties = violation_parties(declaration)
    return [
        {"key": key, "role": role, "code": code, "found_at": found_at, "source": source}
        for code in dict.fromkeys(codes)
        for role, keys in parties.items()
        for key in keys
    ]


def store_violations(session: Session, rows: list[dict[str, Any]]) -> None:
    """Store violation rows in the session's transaction (rows stored before are skipped)."""
    if rows:
        repo.store_violations(session.connection(), rows)


class ViolationHistory(Protocol):
    """When violations were found on each party key."""

    def any_between(self, keys: Iterable[str], since: datetime, until: datetime) -> bool: ...


@dataclass
class InMemoryViolationHistory:
    """A process-local :class:`ViolationHistory` (tests, benchmarks)."""

    times: dict[str, list[datetime]] = field(default_factory=dict)

    def add(self, key: str, at: datetime) -> None:
        bisect.insort(self.times.setdefault(key, []), at)

    def any_between(self, keys: Iterable[str], since: datetime, until: datetime) -> bool:
        return _any_between(self.times, keys, since, until)

    def count_between(self, keys: Iterable[str], since: datetime, until: datetime) -> int:
        return _count_between(self.times, keys, since, until)


def _any_between(
    times: Mapping[str, list[datetime]], keys: Iterable[str], since: datetime, until: datetime
) -> bool:
    for key in keys:
        found = times.get(key)
        if found:
            i = bisect.bisect_left(found, since)
            if i < len(found) and found[i] <= until:
                return True
    return False


def _count_between(
    times: Mapping[str, list[datetime]], keys: Iterable[str], since: datetime, until: datetime
) -> int:
    """How many violations were found on ``keys`` from ``since`` to ``until`` (the learned
    model's party-history features)."""
    n = 0
    for key in keys:
        found = times.get(key)
        if found:
            n += bisect.bisect_right(found, until) - bisect.bisect_left(found, since)
    return n


def apply_violations(
    facts: dict[str, Any],
    declaration: Any,
    history: ViolationHistory,
    *,
    since: datetime,
    until: datetime,
) -> None:
    """Set the recent-violation facts of a truck: a violation found on one of its parties
    between ``since`` and ``until`` (the weight set's window before the decision)."""
    if not isinstance(declaration, TruckShipment):
        return
    keys = facts.get(ALL_PARTY_KEYS)  # computed already where a party history is kept
    if keys is None:
        keys = parties_of(declaration)
    facts["recent_violation_shipper"] = history.any_between(keys[0::2], since, until)
    facts["recent_violation_consignee"] = history.any_between(keys[1::2], since, until)
    facts["recent_violation_carrier"] = history.any_between(
        (carrier_key(declaration),), since, until
    )


class StoreViolationHistory:
    """A :class:`ViolationHistory` over the store's ``risk_violations`` table, read into memory
    and topped up with what any process stored every ``refresh_s`` seconds (as
    :class:`~smartborder.risk.StorePartyHistory` does: by the read that finds it stale, or by a
    background thread after :meth:`keep_fresh`). A violation stored by another process counts
    here at most ``refresh_s`` seconds later."""

    def __init__(
        self, sessions: Callable[[], sessionmaker[Session]], *, refresh_s: float = 5.0
    ) -> None:
        self._sessions = sessions
        self._refresh_s = refresh_s
        self._times: dict[str, list[datetime]] = {}
        self._seq = 0
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def refresh(self) -> None:
        """Read the violations stored since the last read, by any process."""
        with self._lock:
            with self._sessions()() as session:
                while rows := repo.violations_after(session, self._seq):
                    for _, key, at in rows:
                        bisect.insort(self._times.setdefault(key, []), at)
                    self._seq = rows[-1][0]
            self._loaded_at = time.monotonic()

    def keep_fresh(self) -> None:
        """Top the view up on a background thread every ``refresh_s`` seconds until :meth:`close`."""
        if self._thread is not None:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._refresh_until_closed, args=(self._stop,), name="violations", daemon=True
        )
        self._thread.start()

    def _refresh_until_closed(self, stop: threading.Event) -> None:
        while True:
            try:
                self.refresh()
            except Exception:  # the store is unreachable: reads keep what they have
                log.warning("violation history: refresh failed; retrying", exc_info=True)
            if stop.wait(self._refresh_s):
                return

    def close(self) -> None:
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            self._thread.join()

    def any_between(self, keys: Iterable[str], since: datetime, until: datetime) -> bool:
        if self._thread is None and time.monotonic() - self._loaded_at >= self._refresh_s:
            self.refresh()
        return _any_between(self._times, keys, since, until)

    def count_between(self, keys: Iterable[str], since: datetime, until: datetime) -> int:
        if self._thread is None and time.monotonic() - self._loaded_at >= self._refresh_s:
            self.refresh()
        return _count_between(self._times, keys, since, until)
