"""Resolution of did:key, did:jwk and did:web, and of verification methods by DID URL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from smartborder.credentials.errors import DidInvalid, DidMethodUnsupported
from smartborder.credentials.primitives.did.did_jwk import did_jwk_document
from smartborder.credentials.primitives.did.did_key import did_key_document
from smartborder.credentials.primitives.did.did_web import fetch_did_web
from smartborder.credentials.primitives.did.documents import (
    VerificationMethod,
    find_verification_method,
)
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text

_MAX_CACHED_METHODS = 4096


class DidResolver:
    """Resolves DIDs to DID documents.

    did:key and did:jwk are derived locally. did:web is fetched with ``client`` (an
    ``httpx.Client``; pass a ``fastapi.testclient.TestClient`` or an ``httpx.MockTransport``
    client to resolve against a local node without any network), over ``web_scheme``
    (``https``; ``http`` only for a local development node), and cached for
    ``cache_ttl_s``. ``documents`` pins DID documents locally (they win over fetching);
    with ``allow_web=False`` a did:web not pinned is refused, so nothing touches the network,
    except those ``web_allowed(did)`` accepts (the DIDs of named peer nodes); ``web_refused(did)``
    makes the error raised for a refused one (default :class:`DidMethodUnsupported`).
    ``web_fetch(did)``, when given, supplies did:web documents instead of ``client`` (e.g. a
    cache of peers' documents kept fresh in the background).
    """

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        web_scheme: str = "https",
        documents: Mapping[str, Mapping[str, Any]] | None = None,
        allow_web: bool = True,
        web_allowed: Callable[[str], bool] | None = None,
        web_refused: Callable[[str], SmartBorderError] | None = None,
        timeout_s: float = 5.0,
        cache_ttl_s: float = 300.0,
        web_fetch: Callable[[str], dict[str, Any]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._owns_client = False
        self.web_scheme = web_scheme
        self.allow_web = allow_web
        self.web_allowed = web_allowed
        self.web_refused = web_refused
        self.timeout_s = timeout_s
        self.web_fetch = web_fetch
        self.cache_ttl_s = cache_ttl_s
        self._clock = clock
        self._pinned: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (documents or {}).items()}
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        # Parsed verification methods by (DID URL, purpose): did:key and did:jwk never change,
        # did:web entries expire with their document.
        self._methods: dict[tuple[str, str | None], tuple[float, VerificationMethod]] = {}
        self._lock = threading.Lock()

    def pin(self, did: str, document: Mapping[str, Any]) -> None:
        """Serve ``document`` for ``did`` from memory (e.g. this node's own DID)."""
        with self._lock:
            self._pinned[did] = dict(document)
            self._methods.clear()

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(follow_redirects=False)
            self._owns_client = True
        return self._client

    def resolve(self, did: str) -> dict[str, Any]:
        """The DID document of ``did`` (a fragment is ignored)."""
        if not isinstance(did, str) or not did.startswith("did:"):
            raise DidInvalid(Text(f"Not a DID: {did!r}.", f"No es un DID: {did!r}."))
        did = did.split("#", 1)[0]
        pinned = self._pinned.get(did)
        if pinned is not None:
            return pinned
        method = did.split(":", 2)[1] if did.count(":") >= 2 else ""
        if method == "key":
            return did_key_document(did)
        if method == "jwk":
            return did_jwk_document(did)
        if method == "web":
            if not self.allow_web and not (self.web_allowed and self.web_allowed(did)):
                if self.web_refused is not None:
                    raise self.web_refused(did)
                raise DidMethodUnsupported(
                    Text(
                        f"{did} is not pinned and did:web fetching is disabled here.",
                        f"{did} no está fijado y aquí la obtención de did:web está deshabilitada.",
                    )
                )
            now = self._clock()
            hit = self._cache.get(did)
            if hit is not None and hit[0] > now:
                return hit[1]
            if self.web_fetch is not None:
                doc = self.web_fetch(did)
            else:
                doc = fetch_did_web(
                    did, client=self._http(), scheme=self.web_scheme, timeout_s=self.timeout_s
                )
            with self._lock:
                self._cache[did] = (now + self.cache_ttl_s, doc)
            return doc
        raise DidMethodUnsupported(
            Text(
                f"DID method {method!r} is not supported; use did:key, did:jwk or did:web.",
                f"El método DID {method!r} no está soportado; use did:key, did:jwk o did:web.",
            )
        )

    def verification_method(
        self, method_id: str, *, purpose: str | None = None
    ) -> VerificationMethod:
        """The verification method named by a DID URL; with ``purpose`` (e.g.
        ``assertionMethod``) it must be authorized for it in its DID document."""
        if not isinstance(method_id, str) or "#" not in method_id:
            raise DidInvalid(
                Text(
                    f"A verification method must be a DID URL with a fragment: {method_id!r}.",
                    f"Un método de verificación debe ser una URL DID con fragmento: {method_id!r}.",
                )
            )
        key = (method_id, purpose)
        now = self._clock()
        hit = self._methods.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        method = find_verification_method(self.resolve(method_id), method_id, purpose=purpose)
        expires = now + self.cache_ttl_s if method_id.startswith("did:web:") else float("inf")
        with self._lock:
            if len(self._methods) >= _MAX_CACHED_METHODS:
                self._methods.clear()
            self._methods[key] = (expires, method)
        return method

    def close(self) -> None:
        if self._owns_client and self._client is not None:
            self._client.close()


__all__ = ["DidResolver"]
