"""This node's signing keys on disk, with rotation that keeps old keys verifiable.

Keys live in ``$SMARTBORDER_HOME/keys/`` as PKCS#8 PEM files readable only by their owner
(0600, directory 0700), with an index ``keys.json`` (public facts only: id, type, created,
retired). Rotation adds a new active key per type; retired keys stay in the DID document's
``verificationMethod`` and ``assertionMethod`` so credentials signed before keep verifying,
but :meth:`NodeKeys.active` never signs with them again.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from smartborder.config import Settings
from smartborder.credentials.errors import KeyInvalid
from smartborder.credentials.primitives.did.did_web import did_web_for
from smartborder.credentials.primitives.did.documents import (
    SIGNING_RELATIONSHIPS,
    VerificationMethod,
    build_document,
)
from smartborder.credentials.primitives.keys import KeyType, PrivateKey
from smartborder.i18n import Text

INDEX = "keys.json"
#: The service type of the W3C CCG Traceability Interoperability API.
TRACEABILITY_SERVICE_TYPE = "TraceabilityAPI"


@dataclass(frozen=True)
class KeyRecord:
    """Public facts about one node key."""

    id: str  # fragment, e.g. "key-1"
    type: KeyType
    created: str
    retired: str | None = None

    @property
    def file(self) -> str:
        return f"{self.id}.pem"


class NodeKeys:
    """The node's keys in ``directory`` (see module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def from_settings(cls, settings: Settings) -> NodeKeys:
        return cls(Path(settings.home) / "keys")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # several API workers may start at once
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def records(self) -> list[KeyRecord]:
        """All keys, oldest first (active and retired)."""
        path = self.directory / INDEX
        if not path.exists():
            return []
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [
            KeyRecord(
                id=r["id"], type=KeyType(r["type"]), created=r["created"], retired=r.get("retired")
            )
            for r in raw.get("keys", [])
        ]

    def _write(self, records: Sequence[KeyRecord]) -> None:
        data = {
            "keys": [
                {"id": r.id, "type": r.type.value, "created": r.created, "retired": r.retired}
                for r in records
            ]
        }
        tmp = self.directory / (INDEX + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
        os.replace(tmp, self.directory / INDEX)

    def _new(self, records: list[KeyRecord], key_type: KeyType) -> KeyRecord:
        n = 1 + max((int(r.id.split("-")[-1]) for r in records), default=0)
        record = KeyRecord(
            id=f"key-{n}", type=key_type, created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        PrivateKey.generate(key_type).save(self.directory / record.file)
        records.append(record)
        return record

    def ensure(
        self, key_types: Sequence[KeyType] = (KeyType.ED25519, KeyType.P384)
    ) -> list[KeyRecord]:
        """Create an active key for each type that has none; return all records."""
        records = self.records()
        if all(any(r.type is kt and r.retired is None for r in records) for kt in key_types):
            return records  # the common case: nothing to create, no lock, no write
        with self._locked():
            records = self.records()
            for kt in key_types:
                if not any(r.type is kt and r.retired is None for r in records):
                    self._new(records, kt)
            self._write(records)
            return records

    def rotate(self, key_type: KeyType = KeyType.ED25519) -> KeyRecord:
        """Retire the active key of ``key_type`` (kept for verification) and create a new one."""
        with self._locked():
            records = self.records()
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            records = [
                KeyRecord(r.id, r.type, r.created, now)
                if r.type is key_type and r.retired is None
                else r
                for r in records
            ]
            new = self._new(records, key_type)
            self._write(records)
            return new

    def private_key(self, key_id: str) -> PrivateKey:
        """The private key with fragment ``key_id`` (refuses a file others can read)."""
        record = next((r for r in self.records() if r.id == key_id), None)
        if record is None:
            raise KeyInvalid(
                Text(f"No node key {key_id!r}.", f"No existe la clave del nodo {key_id!r}.")
            )
        path = self.directory / record.file
        if os.stat(path).st_mode & 0o077:
            raise KeyInvalid(
                Text(
                    f"Key file {path} is readable by others; run chmod 600 on it.",
                    f"El archivo de clave {path} es legible por otros; ejecute chmod 600.",
                )
            )
        return PrivateKey.load(path)

    def active(self, key_type: KeyType = KeyType.ED25519) -> tuple[str, PrivateKey]:
        """(fragment id, key) of the active key of ``key_type``, created if missing."""
        record = next((r for r in self.records() if r.type is key_type and r.retired is None), None)
        if record is None:
            self.ensure([key_type])
            record = next(r for r in self.records() if r.type is key_type and r.retired is None)
        return record.id, self.private_key(record.id)

    def did_document(self, did: str, *, service_endpoint: str | None = None) -> dict[str, Any]:
        """The DID document: every key (active and retired) as a Multikey verification method
        under every signing relationship, and a ``TraceabilityAPI`` service."""
        methods = [
            VerificationMethod(
                id=f"{did}#{r.id}",
                type="Multikey",
                controller=did,
                public_key=self.private_key(r.id).public,
            )
            for r in self.records()
        ]
        ids = [m.id for m in methods]
        services = []
        if service_endpoint:
            services.append(
                {
                    "id": f"{did}#traceability-api",
                    # A set of types (DID Core allows one or several): the profile's API
                    # configuration schema asks for an array.
                    "type": [TRACEABILITY_SERVICE_TYPE],
                    "serviceEndpoint": service_endpoint,
                }
            )
        return build_document(
            did, methods, relationships=dict.fromkeys(SIGNING_RELATIONSHIPS, ids), services=services
        )


__all__ = ["TRACEABILITY_SERVICE_TYPE", "KeyRecord", "NodeKeys"]


def node_did(settings: Settings) -> str:
    """This node's did:web, from ``settings.base_url`` (e.g. ``did:web:border.example``)."""
    return did_web_for(str(settings.base_url))


def node_did_document(settings: Settings) -> dict[str, Any]:
    """This node's DID document (its keys created on first use), with its TraceabilityAPI
    service at ``settings.base_url``."""
    keys = NodeKeys.from_settings(settings)
    keys.ensure()
    return keys.did_document(
        node_did(settings), service_endpoint=str(settings.base_url).rstrip("/")
    )


__all__ += ["node_did", "node_did_document"]
