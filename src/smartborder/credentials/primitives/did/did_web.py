"""did:web: a DID whose document is served over HTTPS at a domain (did:web method spec).

``did:web:example.com`` -> ``https://example.com/.well-known/did.json``;
``did:web:example.com:orgs:cbp`` -> ``https://example.com/orgs/cbp/did.json``; a port is
percent-encoded (``did:web:localhost%3A8000``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx

from smartborder.credentials.errors import DidInvalid, DidNotFound, DidUnreachable
from smartborder.credentials.primitives.fetch import BodyTooLarge, get_capped
from smartborder.i18n import Text

#: A DID document larger than this is refused (bounds memory and parse work).
MAX_DID_DOCUMENT_BYTES = 256 * 1024


def did_web_for(base_url: str, *path: str) -> str:
    """The did:web of a base URL (``https://host:port/a/b``) and optional extra path segments."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise DidInvalid(
            Text(f"Not a URL with a host: {base_url!r}.", f"No es una URL con host: {base_url!r}.")
        )
    host = parts.hostname
    if parts.port:
        host += f":{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(s, safe="") for s in parts.path.strip("/").split("/") if s]
    segments += [quote(s, safe="") for s in path if s]
    return "did:web:" + ":".join(segments)


def did_web_url(did: str, *, scheme: str = "https") -> str:
    """The URL of a did:web's DID document."""
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise DidInvalid(Text(f"Not a did:web: {did!r}.", f"No es un did:web: {did!r}."))
    ident = did[len("did:web:") :].split("#", 1)[0]
    segments = ident.split(":")
    if not segments[0] or any(not s for s in segments):
        raise DidInvalid(Text(f"Malformed did:web: {did!r}.", f"did:web mal formado: {did!r}."))
    host = unquote(segments[0])
    if "/" in host or "@" in host:
        raise DidInvalid(
            Text(f"Malformed did:web host in {did!r}.", f"Host de did:web mal formado en {did!r}.")
        )
    path = "/".join(unquote(s) for s in segments[1:])
    if path:
        return f"{scheme}://{host}/{path}/did.json"
    return f"{scheme}://{host}/.well-known/did.json"


def fetch_did_web(
    did: str, *, client: httpx.Client, scheme: str = "https", timeout_s: float = 5.0
) -> dict[str, Any]:
    """Fetch and check a did:web document (its ``id`` must equal ``did``)."""
    did = did.split("#", 1)[0]
    url = did_web_url(did, scheme=scheme)
    try:
        status, body = get_capped(
            client,
            url,
            accept="application/did+json, application/json",
            max_bytes=MAX_DID_DOCUMENT_BYTES,
            timeout_s=timeout_s,
        )
    except BodyTooLarge:
        raise DidUnreachable(
            Text(
                f"The DID document at {url} is larger than {MAX_DID_DOCUMENT_BYTES} bytes.",
                f"El documento DID en {url} excede {MAX_DID_DOCUMENT_BYTES} bytes.",
            )
        ) from None
    except httpx.HTTPError as exc:
        raise DidUnreachable(
            Text(f"Could not fetch {url}: {exc}.", f"No se pudo obtener {url}: {exc}."),
            extra={"did": did},
        ) from exc
    if status == 404:
        raise DidNotFound(
            Text(f"No DID document at {url} (404).", f"No hay documento DID en {url} (404)."),
            extra={"did": did},
        )
    if status != 200:
        raise DidUnreachable(
            Text(f"{url} answered HTTP {status}.", f"{url} respondió HTTP {status}."),
            extra={"did": did},
        )
    try:
        doc = json.loads(bytes(body))
    except ValueError as exc:
        raise DidUnreachable(
            Text(f"{url} did not return JSON.", f"{url} no devolvió JSON.")
        ) from exc
    if not isinstance(doc, dict) or doc.get("id") != did:
        raise DidNotFound(
            Text(
                f"The document at {url} is not the DID document of {did} (its id differs).",
                f"El documento en {url} no es el documento DID de {did} (su id difiere).",
            ),
            extra={"did": did},
        )
    return doc


__all__ = ["MAX_DID_DOCUMENT_BYTES", "did_web_for", "did_web_url", "fetch_did_web"]
