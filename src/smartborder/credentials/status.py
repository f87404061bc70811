"""Bitstring Status List v1.0: revocation and suspension of issued credentials.

The issuer keeps one :class:`Bitstring` per (issuer, purpose), hands each credential an index
(:func:`status_entry`) and publishes the list as a signed *status list credential*
(:func:`status_list_credential`). A verifier looks the entry up with :class:`StatusChecker`,
which fetches, verifies and caches the list credential for a time-to-live.

Encoding (spec §2.1): the bitstring is GZIP-compressed, base64url-encoded without padding and
given the multibase prefix ``u``; index 0 is the left-most (most significant) bit of the first
byte; a list has at least 131,072 entries (16 KiB) so that one credential hides in the crowd.
"""

from __future__ import annotations

import base64
import gzip
import logging
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from smartborder.credentials.errors import StatusListInvalid, StatusListUnavailable
from smartborder.i18n import Text

log = logging.getLogger(__name__)

MIN_LIST_SIZE = 131_072  # Bitstring Status List v1.0 §2.1: minimum 16 KB (131,072 bits)
MAX_LIST_SIZE = 1 << 24  # refuse lists over 16 Mi entries (2 MiB decompressed): bounds the work
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"


class StatusPurpose(StrEnum):
    REVOCATION = "revocation"  # permanent
    SUSPENSION = "suspension"  # reversible


def _bad(en: str, es: str) -> StatusListInvalid:
    return StatusListInvalid(Text(en, es))


class Bitstring:
    """A mutable list of status bits (one bit per credential)."""

    __slots__ = ("_bits", "size")

    def __init__(self, size: int = MIN_LIST_SIZE, *, data: bytes | None = None) -> None:
        if size < MIN_LIST_SIZE or size % 8:
            raise _bad(
                f"A status list has at least {MIN_LIST_SIZE} entries (a multiple of 8).",
                f"Una lista de estado tiene al menos {MIN_LIST_SIZE} entradas (múltiplo de 8).",
            )
        self.size = size
        self._bits = bytearray(data) if data is not None else bytearray(size // 8)

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise _bad(
                f"Status index {index} is outside the list (0..{self.size - 1}).",
                f"El índice de estado {index} está fuera de la lista (0..{self.size - 1}).",
            )
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool) -> None:
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def encode(self) -> str:
        """The ``encodedList`` value: multibase ``u`` + base64url(gzip(bits)), no padding."""
        # mtime=0 makes the encoding depend only on the bits (stable for caches and tests).
        packed = gzip.compress(bytes(self._bits), mtime=0)
        return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, encoded: str) -> Bitstring:
        """Parse an ``encodedList``; refuses a list shorter than the minimum or larger than bounded."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise _bad(
                "encodedList must be multibase base64url (starting with 'u').",
                "encodedList debe ser multibase base64url (comenzar con 'u').",
            )
        body = encoded[1:]
        try:
            packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            inflater = zlib.decompressobj(wbits=31)  # 31: a GZIP member
            data = inflater.decompress(packed, MAX_LIST_SIZE // 8 + 1)
        except (ValueError, zlib.error) as exc:
            raise _bad(
                "encodedList is not GZIP data in base64url.",
                "encodedList no son datos GZIP en base64url.",
            ) from exc
        if len(data) > MAX_LIST_SIZE // 8 or inflater.unconsumed_tail:
            raise _bad(
                f"The status list is larger than {MAX_LIST_SIZE} entries.",
                f"La lista de estado tiene más de {MAX_LIST_SIZE} entradas.",
            )
        if len(data) * 8 < MIN_LIST_SIZE:
            raise _bad(
                f"The status list has {len(data) * 8} entries; the minimum is {MIN_LIST_SIZE} "
                "(STATUS_LIST_LENGTH_ERROR).",
                f"La lista de estado tiene {len(data) * 8} entradas; el mínimo es {MIN_LIST_SIZE}.",
            )
        return cls(len(data) * 8, data=data)


def status_entry(list_url: str, index: int, purpose: StatusPurpose) -> dict[str, Any]:
    """The ``credentialStatus`` entry for position ``index`` of the list at ``list_url``."""
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose.value,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    bits: Bitstring,
    *,
    list_url: str,
    issuer: str,
    purpose: StatusPurpose,
    valid_from: datetime,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """The unsigned status list credential for ``bits``; sign it like any other credential."""
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": LIST_TYPE,
        "statusPurpose": purpose.value,
        "encodedList": bits.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": subject,
    }


@dataclass(frozen=True, slots=True)
class StatusResult:
    """The status of one credential for one purpose: ``set`` True means revoked/suspended."""

    purpose: str
    index: int
    list_url: str
    set: bool
    issuer: str


def parse_entry(entry: Any) -> tuple[str, int, str]:
    """``(list_url, index, purpose)`` of a ``BitstringStatusListEntry``; raises on a bad entry."""
    if not isinstance(entry, dict) or entry.get("type") != ENTRY_TYPE:
        raise _bad(
            f"credentialStatus must be a {ENTRY_TYPE}.", f"credentialStatus debe ser {ENTRY_TYPE}."
        )
    url, raw_index, purpose = (
        entry.get("statusListCredential"),
        entry.get("statusListIndex"),
        entry.get("statusPurpose"),
    )
    if not isinstance(url, str) or not isinstance(purpose, str):
        raise _bad(
            "The status entry needs statusListCredential and statusPurpose.",
            "La entrada de estado necesita statusListCredential y statusPurpose.",
        )
    if not isinstance(raw_index, str) or not raw_index.isdigit():
        raise _bad(
            'statusListIndex must be a string of digits, e.g. "94567".',
            'statusListIndex debe ser una cadena de dígitos, p. ej. "94567".',
        )
    return url, int(raw_index), purpose


StatusFetcher = Callable[[str], Any]
"""Returns the status list credential at a URL (a JSON object, or a compact ``vc+jwt``)."""
ListVerifier = Callable[[Any, datetime], dict[str, Any]]
"""Verifies a fetched status list credential at ``now`` and returns its JSON document."""


@dataclass(slots=True)
class _Cached:
    fetched_at: datetime
    expires_at: datetime
    doc: dict[str, Any]
    bits: Bitstring


class StatusChecker:
    """Checks ``credentialStatus`` entries, fetching each list once per time-to-live.

    ``fetch`` gets a list credential by URL (an HTTP client, or the local store); ``verify_list``
    checks its proof. The TTL is the list's own ``ttl`` (milliseconds) when it sets one, else
    ``ttl_s``. Times come from the caller's ``now`` so caching is testable.
    """

    def __init__(
        self,
        fetch: StatusFetcher,
        *,
        verify_list: ListVerifier,
        ttl_s: float = 300.0,
        max_lists: int = 256,
    ) -> None:
        self._fetch = fetch
        self._verify = verify_list
        self._ttl = timedelta(seconds=ttl_s)
        self._max = max_lists
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def _list(self, url: str, now: datetime) -> _Cached:
        hit = self._cache.get(url)
        if hit is not None and now < hit.expires_at:
            return hit
        return self._load(url, now)

    def _load(self, url: str, now: datetime) -> _Cached:
        try:
            raw = self._fetch(url)
        except StatusListInvalid:
            raise
        except Exception as exc:  # any transport failure is "unavailable", never "valid"
            raise StatusListUnavailable(
                Text(
                    f"The status list {url} could not be fetched: {exc}.",
                    f"No se pudo obtener la lista de estado {url}: {exc}.",
                )
            ) from exc
        self.fetches += 1
        doc = self._verify(raw, now)
        types = doc.get("type", [])
        if LIST_CREDENTIAL_TYPE not in (types if isinstance(types, list) else [types]):
            raise _bad(
                f"{url} is not a {LIST_CREDENTIAL_TYPE}.", f"{url} no es {LIST_CREDENTIAL_TYPE}."
            )
        subject = doc.get("credentialSubject")
        if not isinstance(subject, dict):
            raise _bad(
                "The status list credential has no subject.",
                "La credencial de lista de estado no tiene sujeto.",
            )
        bits = Bitstring.decode(subject.get("encodedList", ""))
        ttl = subject.get("ttl")
        life = timedelta(milliseconds=ttl) if isinstance(ttl, int) and ttl > 0 else self._ttl
        entry = _Cached(now, now + life, doc, bits)
        with self._lock:
            if url not in self._cache and len(self._cache) >= self._max:
                self._cache.pop(next(iter(self._cache)))
            self._cache[url] = entry
        return entry

    def refresh(self, now: datetime) -> int:
        """Fetch every cached list again (from a background thread: decisions keep reading the
        cached ones meanwhile, so they rarely read a list themselves). A list that cannot be
        fetched keeps its entry until it expires. Returns how many were refreshed."""
        refreshed = 0
        with self._lock:
            urls = list(self._cache)
        for url in urls:
            try:
                self._load(url, now)
                refreshed += 1
            except Exception as exc:  # the old entry serves until it expires
                log.warning("refreshing the status list %s failed: %s", url, exc)
        return refreshed

    def check(self, entry: Any, *, now: datetime) -> StatusResult:
        """The status bit for ``entry``; raises :class:`StatusListInvalid` when it can't be told."""
        url, index, purpose = parse_entry(entry)
        cached = self._list(url, now)
        list_purpose = cached.doc["credentialSubject"].get("statusPurpose")
        listed = list_purpose if isinstance(list_purpose, list) else [list_purpose]
        if purpose not in listed:
            raise _bad(
                f"The entry's statusPurpose {purpose!r} differs from the list's {list_purpose!r}.",
                f"El statusPurpose {purpose!r} de la entrada difiere del de la lista {list_purpose!r}.",
            )
        issuer = cached.doc.get("issuer")
        issuer_url = issuer.get("id") if isinstance(issuer, dict) else issuer
        return StatusResult(purpose, index, url, cached.bits.get(index), str(issuer_url))

    def invalidate(self, url: str | None = None) -> None:
        """Forget one cached list (or all), e.g. after the issuer changed it."""
        with self._lock:
            if url is None:
                self._cache.clear()
            else:
                self._cache.pop(url, None)


__all__ = [
    "MIN_LIST_SIZE",
    "Bitstring",
    "StatusChecker",
    "StatusFetcher",
    "StatusPurpose",
    "StatusResult",
    "parse_entry",
    "status_entry",
    "status_list_credential",
]
