"""Signed JSON documents between nodes: a compact JWS (RFC 7515) over a JSON object, signed
with one of this node's keys and checked against the keys of a peer's DID document.

The recipe for what is not a credential — an exchange document between the two agencies'
nodes: the claims are the node's own format, the signature the standard one, with the fixed
algorithms of the credentials stack (EdDSA, ES256, ES384).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smartborder.credentials.primitives.did import find_verification_method
from smartborder.credentials.primitives.jose import (
    read_header,
    sign_compact,
    verify_jwt_with_key,
)
from smartborder.credentials.primitives.keys import PrivateKey, PublicKey


def sign_document(claims: dict[str, Any], *, key: PrivateKey, kid: str, typ: str) -> str:
    """``claims`` as a compact JWS signed by ``key`` (named by ``kid``, a DID URL)."""
    return sign_compact(claims, key=key, kid=kid, typ=typ)


def document_kid(token: str) -> str:
    """The ``kid`` of a signed document's header (not verified; JoseInvalid if malformed)."""
    return str(read_header(token)["kid"])


def verify_document(token: str, *, key: PublicKey, typ: str) -> dict[str, Any]:
    """The claims of ``token`` if its signature verifies with ``key``; JoseInvalid (with the
    reason) otherwise."""
    return verify_jwt_with_key(token, key=key, typ=typ)[1]


def keys_of_did_document(document: Mapping[str, Any]) -> dict[str, PublicKey]:
    """The public keys of a DID document's assertion methods, by their DID URL."""
    out: dict[str, PublicKey] = {}
    refs = document.get("assertionMethod") or []
    did = str(document.get("id", ""))
    for ref in refs if isinstance(refs, list) else []:
        method_id = (
            ref
            if isinstance(ref, str)
            else str(ref.get("id", ""))
            if isinstance(ref, Mapping)
            else ""
        )
        if method_id.startswith("#"):
            method_id = did + method_id
        if method_id:
            out[method_id] = find_verification_method(
                document, method_id, purpose="assertionMethod"
            ).public_key
    return out


__all__ = ["document_kid", "keys_of_did_document", "sign_document", "verify_document"]
