"""The trust registry: which issuers are accredited for which credential types, per country.

A verified signature only proves *who* signed; the registry says whether that signer may speak
for a credential type to a country's border agency. An entry is ``(issuer DID, credential
type, country)``, where the country is the one whose agency accepts the credential: ``US``
(CBP, northbound decisions) or ``MX`` (ANAM, southbound). Admins edit entries through the API
(``/trust-registry``); the pre-clearance pipeline reads an in-memory snapshot
(:class:`TrustRegistry`) that :class:`StoredTrust` reloads from the store every ``ttl_s``
seconds — in a background thread once started, so a decision never reads the store — and an
edit takes effect within ``ttl_s`` (at once on the API's own pipeline, which is told to
reload).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session, sessionmaker

from smartborder.credentials.errors import CredentialsError
from smartborder.errors import Conflict, InvalidInput, NotFound
from smartborder.i18n import Text
from smartborder.store import transaction
from smartborder.store import trust as repo
from smartborder.store.tables.trust import TrustEntryRow

log = logging.getLogger(__name__)

Country = Literal["US", "MX"]
#: The country whose agency a decision binds.
AGENCY_COUNTRY: dict[str, Country] = {"cbp": "US", "anam": "MX"}
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%\-]+$")
_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,99}$")


class TrustEntryInvalid(CredentialsError, InvalidInput):
    code = "credentials.trust.invalid"
    default_message = Text(
        "The trust registry entry is not valid: give an issuer DID, a credential type and a country (US or MX).",
        "La entrada del registro de confianza no es válida: indique un DID emisor, un tipo de credencial y un país (US o MX).",
    )


class TrustEntryNotFound(CredentialsError, NotFound):
    code = "credentials.trust.not_found"
    default_message = Text(
        "No such entry in the trust registry; GET /trust-registry lists them.",
        "No existe esa entrada en el registro de confianza; GET /trust-registry las lista.",
    )


class TrustEntryExists(CredentialsError, Conflict):
    code = "credentials.trust.exists"
    default_message = Text(
        "This issuer is already accredited for this credential type and country.",
        "Este emisor ya está acreditado para este tipo de credencial y país.",
    )


class TrustEntry(BaseModel):
    """One accreditation: ``issuer`` may issue ``credential_type`` for ``country``'s agency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: str = Field(max_length=500, description="The issuer's DID (did:web, did:key, did:jwk).")
    credential_type: str = Field(max_length=100, description="e.g. USMCACertificationOfOrigin.")
    country: Country = Field(description="The accepting country: US (CBP) or MX (ANAM).")
    name: str | None = Field(default=None, max_length=200, description="Who the issuer is.")
    added_by: str | None = None
    added_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.issuer, self.credential_type, self.country)


def check_entry(entry: TrustEntry) -> TrustEntry:
    """Refuse an entry whose issuer is not a DID or whose type is not a type name."""
    if not _DID.match(entry.issuer):
        raise TrustEntryInvalid(
            Text(
                f"issuer {entry.issuer!r} is not a DID; use e.g. did:web:border.example:orgs:acme.",
                f"issuer {entry.issuer!r} no es un DID; use p. ej. did:web:border.example:orgs:acme.",
            )
        )
    if not _TYPE.match(entry.credential_type):
        raise TrustEntryInvalid(
            Text(
                f"credential_type {entry.credential_type!r} is not a credential type name (e.g. CTPATCertificate).",
                f"credential_type {entry.credential_type!r} no es un nombre de tipo de credencial (p. ej. CTPATCertificate).",
            )
        )
    return entry


class TrustRegistry:
    """An immutable snapshot of the registry, fast to query in the pipeline's hot loop."""

    __slots__ = ("_keys", "entries")

    def __init__(self, entries: Iterable[TrustEntry] = ()) -> None:
        self.entries: tuple[TrustEntry, ...] = tuple(entries)
        self._keys = frozenset(e.key for e in self.entries)

    def accredited(self, issuer: str, credential_type: str, country: str) -> bool:
        return (issuer, credential_type, country) in self._keys

    def issuers_for(self, credential_type: str, country: str) -> list[str]:
        return sorted(
            e.issuer
            for e in self.entries
            if e.credential_type == credential_type and e.country == country
        )

    def __len__(self) -> int:
        return len(self.entries)


def _entry_of(row: TrustEntryRow) -> TrustEntry:
    return TrustEntry(
        issuer=row.issuer,
        credential_type=row.credential_type,
        country=row.country,  # only US or MX are ever written
        name=row.name,
        added_by=row.added_by,
        added_at=row.added_at,
    )


def load_registry(session: Session) -> TrustRegistry:
    return TrustRegistry(_entry_of(r) for r in repo.list_entries(session))


def add_entry(session: Session, entry: TrustEntry, *, added_by: str, now: datetime) -> TrustEntry:
    """Accredit an issuer; :class:`TrustEntryExists` when it already is."""
    check_entry(entry)
    if repo.find_entry(session, *entry.key) is not None:
        raise TrustEntryExists(extra={"issuer": entry.issuer, "type": entry.credential_type})
    row = TrustEntryRow(
        issuer=entry.issuer,
        credential_type=entry.credential_type,
        country=entry.country,
        name=entry.name,
        added_by=added_by,
        added_at=now.astimezone(UTC),
    )
    repo.add_entry(session, row)
    return _entry_of(row)


def ensure_entry(session: Session, entry: TrustEntry, *, added_by: str, now: datetime) -> bool:
    """Accredit an issuer unless it already is; True when an entry was added."""
    if repo.find_entry(session, *check_entry(entry).key) is not None:
        return False
    add_entry(session, entry, added_by=added_by, now=now)
    return True


def remove_entry(session: Session, issuer: str, credential_type: str, country: str) -> None:
    """Withdraw an accreditation; :class:`TrustEntryNotFound` when there is none."""
    if repo.delete_entry(session, issuer, credential_type, country) == 0:
        raise TrustEntryNotFound()


SessionsRef = sessionmaker[Session] | Callable[[], sessionmaker[Session]]


def session_maker(sessions: SessionsRef) -> sessionmaker[Session]:
    # A callable defers opening the store until it is needed (see CredentialsStage).
    return sessions if isinstance(sessions, sessionmaker) else sessions()


class StoredTrust:
    """The registry as stored: a snapshot reloaded every ``ttl_s`` seconds (thread-safe).

    After :meth:`start`, a background thread reloads it, so :meth:`registry` — called inside
    every decision, on the event loop — only reads the last snapshot and never touches the
    store (if a reload fails, the last snapshot keeps serving and the thread tries again next
    period). Without :meth:`start` (the CLI, tests) the snapshot is reloaded on first use after
    ``ttl_s``. ``sessions`` is a session factory, or a function returning one (called on first
    use).
    """

    def __init__(
        self,
        sessions: SessionsRef,
        *,
        ttl_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._ttl = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshot: TrustRegistry | None = None
        self._loaded_at = 0.0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.reloads = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def registry(self) -> TrustRegistry:
        snapshot = self._snapshot
        if snapshot is not None and (self.running or self._clock() - self._loaded_at < self._ttl):
            return snapshot
        with self._lock:
            if self._snapshot is None or (
                not self.running and self._clock() - self._loaded_at >= self._ttl
            ):
                self._load()
            assert self._snapshot is not None
            return self._snapshot

    def _load(self) -> None:
        with transaction(session_maker(self._sessions)) as session:
            snapshot = load_registry(session)
        self._snapshot, self._loaded_at = snapshot, self._clock()
        self.reloads += 1

    def reload(self) -> TrustRegistry:
        """Reload the snapshot now, in the calling thread (after an edit, off the event loop)."""
        with self._lock:
            self._load()
            assert self._snapshot is not None
            return self._snapshot

    def invalidate(self) -> None:
        """Take an edit into account: reload now when the background thread runs (the caller is
        the API's threadpool, after the commit), else on next use."""
        if self.running:
            try:
                self.reload()
            except Exception:  # the thread retries; the old snapshot serves meanwhile
                log.exception("trust registry reload failed")
                self._wake.set()
        else:
            self._snapshot = None

    def start(self) -> None:
        """Load the registry now and keep it fresh from a daemon thread (idempotent)."""
        if self.running:
            return
        self.reload()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name="smartborder-trust-registry", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._ttl)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                with self._lock:
                    self._load()
            except Exception:  # keep serving the last snapshot; try again next period
                log.exception("trust registry reload failed")

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the background thread (the snapshot stays readable)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            self._wake.set()
            thread.join(timeout_s)

    close = stop


__all__ = [
    "AGENCY_COUNTRY",
    "SessionsRef",
    "Country",
    "StoredTrust",
    "TrustEntry",
    "TrustEntryExists",
    "TrustEntryInvalid",
    "TrustEntryNotFound",
    "TrustRegistry",
    "add_entry",
    "check_entry",
    "ensure_entry",
    "load_registry",
    "remove_entry",
    "session_maker",
]
