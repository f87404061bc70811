"""Peer nodes: the other SmartBorder nodes whose credentials this node verifies.

A CBP node and an ANAM node each issue credentials under their own ``did:web`` identities
and publish their own status lists. For one to verify the other's credentials it must fetch
the issuer's DID document and, while a credential is checked, its status list. Verification
stays offline by default; a node operator names its peers (``SMARTBORDER_PEERS``), and only
DIDs and status lists under those base URLs are ever fetched — over HTTPS, size-capped,
cached for their time-to-live by the resolver and the status checker, never followed through
redirects. Anything else is refused as before (so a credential cannot make a node fetch an
address of its choosing).

Two nodes on one machine may talk plain HTTP: a loopback peer (``http://127.0.0.1:8001``) is
accepted when the settings allow it (``SMARTBORDER_PEERS_LOOPBACK_HTTP``; :class:`Settings`
refuses it otherwise, and a non-loopback ``http`` peer always). A did:web is resolved over
HTTPS as its method says, except the DIDs of such a peer (``did:web:127.0.0.1%3A8001``), read
over HTTP from that peer. The HTTPS client trusts the system's authorities and those of
``SMARTBORDER_PEERS_CA_FILE`` (a private or test CA).
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from smartborder.config import DidWebMode, Settings, peer_base_url
from smartborder.credentials.errors import DidWebRefused, StatusListUnavailable
from smartborder.credentials.primitives.did.did_web import did_web_url, fetch_did_web
from smartborder.credentials.primitives.fetch import BodyTooLarge, get_capped
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text

MAX_STATUS_LIST_BYTES = 1_000_000  # a 131,072-entry list (the spec's minimum) is ~16 KB encoded


class Peers:
    """The peer nodes named by their base URLs, and the HTTP client that reaches them.

    ``base_urls`` are HTTPS, or plain HTTP on a loopback host (the settings decide whether
    those are allowed: :meth:`from_settings`); ``ca_file`` adds certificate authorities the
    client trusts; ``client`` replaces the client altogether (tests)."""

    def __init__(
        self,
        base_urls: Sequence[str],
        *,
        client: httpx.Client | None = None,
        timeout_s: float = 5.0,
        ca_file: Path | None = None,
    ) -> None:
        self.bases = tuple(peer_base_url(u, loopback_http=True) for u in base_urls if u.strip())
        self.client = client
        self.timeout_s = timeout_s
        self.ca_file = ca_file

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> Peers:
        """The peers a node's settings name (``SMARTBORDER_PEERS``, checked against
        ``SMARTBORDER_PEERS_LOOPBACK_HTTP``), trusting ``SMARTBORDER_PEERS_CA_FILE``."""
        return cls(settings.peer_urls, ca_file=settings.peers_ca_file, **kwargs)

    def __bool__(self) -> bool:
        return bool(self.bases)

    def owns_url(self, url: str) -> bool:
        return isinstance(url, str) and any(url.startswith(b) for b in self.bases)

    def did_url(self, did: str) -> str | None:
        """Where a peer's ``did:web`` document is read: its HTTPS URL under a peer's base
        URL, or its HTTP URL under a loopback peer's plain-HTTP base; None for another DID."""
        if not isinstance(did, str) or not did.startswith("did:web:"):
            return None
        did = did.split("#", 1)[0]
        try:
            for scheme in ("https", "http"):
                url = did_web_url(did, scheme=scheme)
                if self.owns_url(url):
                    return url
        except (ValueError, SmartBorderError):  # a malformed did:web is no peer's
            return None
        return None

    def owns_did(self, did: str) -> bool:
        """True for a ``did:web`` whose document lives under a peer's base URL."""
        return self.did_url(did) is not None

    def did_document(self, did: str) -> dict[str, Any]:
        """Fetch the DID document of a ``did:web``: a peer's from that peer (over HTTP for a
        loopback HTTP peer), any other over HTTPS (the did:web method)."""
        url = self.did_url(did)
        scheme = "http" if url is not None and url.startswith("http:") else "https"
        return fetch_did_web(did, client=self.http(), scheme=scheme, timeout_s=self.timeout_s)

    def http(self) -> httpx.Client:
        if self.client is None:
            self.client = httpx.Client(
                follow_redirects=False, timeout=self.timeout_s, verify=self._tls()
            )
        return self.client

    def _tls(self) -> ssl.SSLContext | bool:
        if self.ca_file is None:
            return True
        context = ssl.create_default_context()  # the system's authorities, and the file's
        context.load_verify_locations(cafile=str(self.ca_file))
        return context

    def status_list(self, url: str) -> str:
        """The status list credential published at ``url`` on a peer (its ``vc+jwt`` text)."""
        if not self.owns_url(url):
            raise StatusListUnavailable(
                Text(
                    f"The status list {url} is not on this node nor on a peer node; "
                    "name the issuing node in SMARTBORDER_PEERS to check it.",
                    f"La lista de estado {url} no está en este nodo ni en un nodo par; "
                    "agregue el nodo emisor a SMARTBORDER_PEERS para consultarla.",
                )
            )
        try:
            status, body = get_capped(
                self.http(),
                url,
                accept="application/vc+jwt, application/jwt",
                max_bytes=MAX_STATUS_LIST_BYTES,
                timeout_s=self.timeout_s,
            )
        except BodyTooLarge:
            raise StatusListUnavailable(
                Text(
                    f"The status list at {url} is larger than {MAX_STATUS_LIST_BYTES} bytes.",
                    f"La lista de estado en {url} excede {MAX_STATUS_LIST_BYTES} bytes.",
                )
            ) from None
        except httpx.HTTPError as exc:
            raise StatusListUnavailable(
                Text(f"Could not fetch {url}: {exc}.", f"No se pudo obtener {url}: {exc}.")
            ) from exc
        if status != 200:
            raise StatusListUnavailable(
                Text(f"{url} answered HTTP {status}.", f"{url} respondió HTTP {status}.")
            )
        return body.decode("utf-8", errors="replace").strip()


def did_web_options(mode: DidWebMode, peers: Peers) -> dict[str, Any]:
    """The DID resolver options of a verifier under ``SMARTBORDER_VERIFY_DID_WEB=mode``:
    ``any`` fetches every did:web, ``peers`` only those under ``peers``, ``off`` none; a DID
    refused raises :class:`DidWebRefused`. Fetches go through ``peers``' HTTP client (so a
    loopback HTTP peer's DIDs are read over HTTP, every other over HTTPS)."""
    if mode == "any":
        return {"client": peers.client, "web_fetch": peers.did_document}
    return {
        "allow_web": False,
        "web_allowed": peers.owns_did if mode == "peers" else None,
        "web_refused": partial(DidWebRefused.by_policy, mode=mode),
        "client": peers.client,
        "web_fetch": peers.did_document,
    }


__all__ = ["MAX_STATUS_LIST_BYTES", "Peers", "did_web_options"]
