"""The other agency's node, as this node reaches it: its base URL and DID, its keys (read
from its DID document, refreshed when a document names a key not seen yet), and an OAuth2
client-credentials token for posting documents to it."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from smartborder.credentials import PublicKey, did_web_for, keys_of_did_document
from smartborder.exchange.errors import PeerUnreachable
from smartborder.i18n import Text

# Unknown key ids make the node fetch the peer's DID document at most this often: a forged
# document naming random kids must not turn the receiver into a request amplifier.
KEY_REFRESH_MIN_S = 5.0
TOKEN_MARGIN_S = 30.0  # a token is renewed this long before it expires


class PeerNode:
    def __init__(
        self,
        base_url: str,
        *,
        agency: str,
        client_id: str = "",
        client_secret: str = "",
        http: httpx.Client | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        self.did = did_web_for(self.base.rstrip("/"))
        self.agency = agency
        self._client_id = client_id
        self._client_secret = client_secret
        self.http = http or httpx.Client(timeout=timeout_s, follow_redirects=False)
        self._keys: dict[str, PublicKey] = {}
        self._keys_at = float("-inf")
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    # --- keys -------------------------------------------------------------------------------

    def key_for(self, kid: str) -> PublicKey | None:
        """The peer's public key ``kid``; the DID document is fetched again (rate-limited)
        when the key is not known yet (a rotated key)."""
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._keys_at >= KEY_REFRESH_MIN_S:
                self._keys_at = time.monotonic()
                try:
                    self._keys = self.fetch_keys()
                except PeerUnreachable:
                    return None
        return self._keys.get(kid)

    def fetch_keys(self) -> dict[str, PublicKey]:
        response = self._get(".well-known/did.json")
        try:
            document = response.json()
            return keys_of_did_document(document)
        except Exception as exc:  # a malformed document: no key is trusted from it
            raise PeerUnreachable(
                Text(
                    f"The peer's DID document at {self.base}.well-known/did.json is not usable: {exc}.",
                    f"El documento DID del nodo par en {self.base}.well-known/did.json no es utilizable: {exc}.",
                )
            ) from exc

    # --- sending ------------------------------------------------------------------------------

    def token(self, *, renew: bool = False) -> str:
        now = time.monotonic()
        if self._token and not renew and self._token[1] - TOKEN_MARGIN_S > now:
            return self._token[0]
        try:
            response = self.http.post(
                self.base + "oauth/token",
                data={"grant_type": "client_credentials", "scope": "exchange:write"},
                auth=(self._client_id, self._client_secret),
            )
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        if response.status_code != 200:
            raise PeerUnreachable(
                Text(
                    f"The peer refused this node's client ({response.status_code}): check SMARTBORDER_EXCHANGE_CLIENT_ID and _SECRET.",
                    f"El nodo par rechazó el cliente de este nodo ({response.status_code}): revise SMARTBORDER_EXCHANGE_CLIENT_ID y _SECRET.",
                ),
                extra={"status": response.status_code},
            )
        body = response.json()
        self._token = (str(body["access_token"]), now + float(body.get("expires_in", 300)))
        return self._token[0]

    def post_documents(self, tokens: list[str]) -> dict[str, Any]:
        """POST documents to the peer's inbox; its per-document answers. PeerUnreachable if
        the peer cannot take them now (the outbox retries)."""
        for attempt in (0, 1):
            try:
                response = self.http.post(
                    self.base + "exchange/inbox",
                    json={"documents": tokens},
                    headers={"Authorization": f"Bearer {self.token(renew=attempt == 1)}"},
                )
            except httpx.HTTPError as exc:
                raise self._unreachable(exc) from exc
            if response.status_code == 401 and attempt == 0:
                continue  # the token expired or the peer restarted with new keys: once more
            if response.status_code != 200:
                raise PeerUnreachable(
                    Text(
                        f"The peer answered {response.status_code} to the documents.",
                        f"El nodo par respondió {response.status_code} a los documentos.",
                    ),
                    extra={"status": response.status_code, "body": response.text[:500]},
                )
            result: dict[str, Any] = response.json()
            return result
        raise AssertionError("unreachable")

    def _get(self, path: str) -> httpx.Response:
        try:
            response = self.http.get(self.base + path)
            response.raise_for_status()
            return response
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc

    def _unreachable(self, exc: Exception) -> PeerUnreachable:
        return PeerUnreachable(
            Text(
                f"The peer node {self.base} cannot be reached: {exc}.",
                f"No se puede contactar al nodo par {self.base}: {exc}.",
            )
        )

    def close(self) -> None:
        self.http.close()
