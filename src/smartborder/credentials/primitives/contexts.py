"""JSON-LD contexts, strictly offline: a document loader over a local directory.

No context is ever fetched from the network. A :class:`ContextStore` maps each known context
URL to a file found in one or more local directories (``Settings.contexts_dir``; the tests
point it at ``../shared/conformance``), checks the file against its SHA-256 where the spec
publishes one, and refuses any other URL with :class:`ContextUnknown`.

Which file serves which URL is written below (the context files do not name their own URL).
A directory may add or override mappings with a ``contexts.json`` index file
(``{"<url>": "<path relative to that file>"}``), and code may :meth:`ContextStore.register`
a context built in memory (e.g. one generated from the Traceability Vocabulary's schemas).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from smartborder.config import Settings
from smartborder.credentials.errors import ContextTampered, ContextUnknown, JsonLdInvalid
from smartborder.i18n import Text

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
JWK_V1 = "https://w3id.org/security/jwk/v1"
BITSTRING_STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
UNDEFINED_TERMS_V2 = "https://www.w3.org/ns/credentials/undefined-terms/v2"
STATUS_LIST_2021_V1 = "https://w3id.org/vc/status-list/2021/v1"
TRACEABILITY_V1 = "https://w3id.org/traceability/v1"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"
JWS_2020_V1 = "https://w3id.org/security/suites/jws-2020/v1"

#: Context URL -> file names that hold it (first found wins), as the W3C and the W3C CCG
#: Traceability Vocabulary ship them.
KNOWN_CONTEXT_FILES: dict[str, tuple[str, ...]] = {
    CREDENTIALS_V1: ("credentials-v1.jsonld", "vc-v1.json"),
    CREDENTIALS_V2: ("credentials-v2.jsonld",),
    DATA_INTEGRITY_V1: ("data-integrity-v1.jsonld",),
    DATA_INTEGRITY_V2: ("data-integrity-v2.jsonld",),
    MULTIKEY_V1: ("multikey-v1.jsonld",),
    JWK_V1: ("jwk-v1.jsonld",),
    BITSTRING_STATUS_LIST_V1: ("bitstring-status-list-v1.jsonld",),
    EXAMPLES_V2: ("credentials-examples-v2.jsonld",),
    UNDEFINED_TERMS_V2: ("credentials-undefined-terms-v2.jsonld",),
    STATUS_LIST_2021_V1: ("status-list-v1.json",),
    "https://ref.gs1.org/gs1/vc/license-context/": ("gs1-license-context.json",),
    "https://ref.gs1.org/gs1/vc/declaration-context/": ("declaration-context.json",),
    "https://ref.gs1.org/gs1/vc/trade-item-context/": ("trade-item-context.json",),
    "https://www.w3.org/ns/activitystreams": ("activity-pub.json",),
    TRACEABILITY_V1: ("traceability-v1.jsonld", "traceability-v1.json"),
    ED25519_2020_V1: ("ed25519-signature-2020-v1.jsonld", "ed25519-2020-v1.jsonld"),
    JWS_2020_V1: ("jws-2020-v1.jsonld", "lds-jws2020-v1.jsonld"),
}

#: SHA-256 (hex) of context files, only where the specification itself publishes the digest.
#: VC Data Model 2.0 (W3C Recommendation, 2025-05-15), section "Base Context", publishes the
#: SHA2-256 digest of https://www.w3.org/ns/credentials/v2; VC Data Model 1.1 (W3C
#: Recommendation, 2022-03-03), appendix "Base Context", publishes the SHA-256 digest of
#: https://www.w3.org/2018/credentials/v1. The other specs used here (Data Integrity,
#: Multikey/JWK, Bitstring Status List, the 2020 signature suites) were not confirmed to
#: publish one, so their files are not pinned.
PINNED_SHA256: dict[str, str] = {
    CREDENTIALS_V2: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    CREDENTIALS_V1: "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
}

INDEX_FILE = "contexts.json"
# A context file larger than this is refused before parsing (the largest W3C one is ~13 kB).
MAX_CONTEXT_BYTES = 1_048_576
# Directory walks stop this deep: enough for the Traceability Vocabulary's nested layout.
_MAX_WALK_DEPTH = 6

DocumentLoader = Callable[[str, dict[str, Any]], dict[str, Any]]


def _walk(root: Path) -> Iterable[Path]:
    root_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root):
        depth = len(Path(dirpath).parts) - root_depth
        dirnames.sort()
        if depth >= _MAX_WALK_DEPTH:
            dirnames[:] = []
        for name in sorted(filenames):
            if name.endswith((".json", ".jsonld")):
                yield Path(dirpath) / name


class ContextStore:
    """Local JSON-LD contexts by URL. Thread-safe; parsed documents are cached."""

    def __init__(
        self,
        directories: Path | str | Iterable[Path | str] | None = None,
        *,
        extra: Mapping[str, dict[str, Any]] | None = None,
        pinned: Mapping[str, str] | None = None,
    ) -> None:
        if directories is None:
            dirs: list[Path] = []
        elif isinstance(directories, str | Path):
            dirs = [Path(directories)]
        else:
            dirs = [Path(d) for d in directories]
        self.directories = tuple(dirs)
        self._pinned = dict(PINNED_SHA256 if pinned is None else pinned)
        self._files: dict[str, Path] = {}
        self._docs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        #: pyld's resolved contexts for this store (see :mod:`.jsonld`); cleared on register.
        self.resolved_cache: dict[str, Any] = {}
        #: Called (without arguments) whenever a context is registered, so caches derived from
        #: this store's contexts (e.g. :mod:`.ldtemplates`) can drop what they compiled.
        self._on_change: list[Callable[[], None]] = []
        #: Caches other modules derive from this store, by name (they live as long as it does).
        self.derived: dict[str, Any] = {}
        self._index(dirs)
        for url, doc in (extra or {}).items():
            self.register(url, doc)

    @classmethod
    def from_settings(cls, settings: Settings) -> ContextStore:
        """The store over ``settings.contexts_dir`` (an empty store when unset)."""
        return cls(settings.contexts_dir)

    def _index(self, dirs: list[Path]) -> None:
        by_name: dict[str, Path] = {}
        overrides: dict[str, Path] = {}
        for root in dirs:
            if not root.is_dir():
                continue
            for path in _walk(root):
                if path.name == INDEX_FILE:
                    try:
                        index = json.loads(path.read_text(encoding="utf-8"))
                    except (OSError, ValueError):
                        continue
                    if isinstance(index, dict):
                        for url, rel in index.items():
                            if isinstance(url, str) and isinstance(rel, str):
                                overrides.setdefault(url, (path.parent / rel).resolve())
                    continue
                by_name.setdefault(path.name, path)
        for url, names in KNOWN_CONTEXT_FILES.items():
            for name in names:
                if name in by_name:
                    self._files[url] = by_name[name]
                    break
        self._files.update(overrides)

    def register(self, url: str, document: dict[str, Any]) -> None:
        """Serve ``document`` (a JSON object with ``@context``) for ``url`` from memory."""
        if not isinstance(document, dict) or "@context" not in document:
            raise JsonLdInvalid(
                Text(
                    f"A context document for {url} must be an object with '@context'.",
                    f"Un documento de contexto para {url} debe ser un objeto con '@context'.",
                )
            )
        with self._lock:
            self._docs[url] = document
            self.resolved_cache.clear()
            listeners = list(self._on_change)
        for listener in listeners:
            listener()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after every :meth:`register` (a derived cache clears itself)."""
        with self._lock:
            self._on_change.append(listener)

    @property
    def urls(self) -> list[str]:
        """Every context URL this store can serve."""
        return sorted(set(self._files) | set(self._docs))

    def __contains__(self, url: object) -> bool:
        return url in self._files or url in self._docs

    def get(self, url: str) -> dict[str, Any]:
        """The parsed context document for ``url``; :class:`ContextUnknown` if not local."""
        doc = self._docs.get(url)
        if doc is not None:
            return doc
        path = self._files.get(url)
        if path is None:
            raise ContextUnknown.for_url(url)
        try:
            if path.stat().st_size > MAX_CONTEXT_BYTES:
                raise ContextTampered(
                    Text(
                        f"Context file {path} for {url} is larger than {MAX_CONTEXT_BYTES} bytes.",
                        f"El archivo de contexto {path} para {url} excede {MAX_CONTEXT_BYTES} bytes.",
                    )
                )
            raw = path.read_bytes()
        except OSError as exc:
            raise ContextUnknown.for_url(url) from exc
        expected = self._pinned.get(url)
        if expected is not None:
            actual = hashlib.sha256(raw).hexdigest()
            if actual != expected:
                raise ContextTampered(
                    Text(
                        f"Context file {path} for {url} has SHA-256 {actual}, but the "
                        f"specification publishes {expected}; replace the file with the "
                        "published one.",
                        f"El archivo de contexto {path} para {url} tiene SHA-256 {actual}, pero "
                        f"la especificación publica {expected}; reemplace el archivo por el "
                        "publicado.",
                    ),
                    extra={"context": url},
                )
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise ContextTampered(
                Text(
                    f"Context file {path} for {url} is not valid JSON.",
                    f"El archivo de contexto {path} para {url} no es JSON válido.",
                )
            ) from exc
        if not isinstance(doc, dict) or "@context" not in doc:
            raise ContextTampered(
                Text(
                    f"Context file {path} for {url} has no '@context'.",
                    f"El archivo de contexto {path} para {url} no tiene '@context'.",
                )
            )
        with self._lock:
            self._docs[url] = doc
        return doc

    def loader(self) -> DocumentLoader:
        """A pyld document loader that serves only this store (never the network)."""

        def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": self.get(url),
            }

        return load


__all__ = [
    "BITSTRING_STATUS_LIST_V1",
    "CREDENTIALS_V1",
    "CREDENTIALS_V2",
    "DATA_INTEGRITY_V1",
    "DATA_INTEGRITY_V2",
    "EXAMPLES_V2",
    "JWK_V1",
    "KNOWN_CONTEXT_FILES",
    "MULTIKEY_V1",
    "PINNED_SHA256",
    "STATUS_LIST_2021_V1",
    "TRACEABILITY_V1",
    "UNDEFINED_TERMS_V2",
    "ContextStore",
    "DocumentLoader",
    "ED25519_2020_V1",
    "JWS_2020_V1",
]


_BUILTIN: list[ContextStore] = []


def builtin_store() -> ContextStore:
    """A store over no directory (only contexts registered in memory, e.g. SmartBorder's own),
    one per process: what a recipe uses when its caller passes no ``contexts``. It never reads
    the environment; a node passes ``ContextStore.from_settings(settings)`` explicitly."""
    if not _BUILTIN:
        _BUILTIN.append(ContextStore())
    return _BUILTIN[0]


__all__ += ["builtin_store"]
