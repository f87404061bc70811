"""did:jwk: a DID that is a base64url-encoded public JWK (did:jwk method specification)."""

from __future__ import annotations

import base64
import json
from typing import Any

from smartborder.credentials.errors import DidInvalid
from smartborder.credentials.primitives.did.documents import DID_V1, JWS_2020_V1
from smartborder.credentials.primitives.keys import KeyType, PublicKey
from smartborder.i18n import Text

_MAX_DID_JWK_CHARS = 2048


def did_jwk_for(public_key: PublicKey) -> str:
    """``did:jwk:`` + base64url(UTF-8 JSON of the public JWK, members sorted)."""
    payload = json.dumps(public_key.jwk, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return "did:jwk:" + base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def jwk_of_did_jwk(did: str) -> dict[str, Any]:
    """The JWK a did:jwk encodes (a private ``d`` member is refused)."""
    if not isinstance(did, str) or not did.startswith("did:jwk:"):
        raise DidInvalid(Text(f"Not a did:jwk: {did!r}.", f"No es un did:jwk: {did!r}."))
    ident = did[len("did:jwk:") :].split("#", 1)[0]
    if len(ident) > _MAX_DID_JWK_CHARS:
        raise DidInvalid(Text("The did:jwk is too long.", "El did:jwk es demasiado largo."))
    try:
        jwk = json.loads(base64.urlsafe_b64decode(ident + "=" * (-len(ident) % 4)))
    except ValueError as exc:
        raise DidInvalid(
            Text("The did:jwk is not base64url JSON.", "El did:jwk no es JSON en base64url.")
        ) from exc
    if not isinstance(jwk, dict) or "d" in jwk:
        raise DidInvalid(
            Text(
                "A did:jwk must encode a public JWK object.",
                "Un did:jwk debe codificar un objeto JWK público.",
            )
        )
    return jwk


def public_key_of_did_jwk(did: str) -> PublicKey:
    return PublicKey.from_jwk(jwk_of_did_jwk(did))


def did_jwk_document(did: str) -> dict[str, Any]:
    """The DID document of a did:jwk: one ``JsonWebKey2020`` method with id ``#0``."""
    did = did.split("#", 1)[0]
    jwk = jwk_of_did_jwk(did)
    key = PublicKey.from_jwk(jwk)
    vm_id = did + "#0"
    doc: dict[str, Any] = {
        "@context": [DID_V1, JWS_2020_V1],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
        ],
    }
    use = jwk.get("use")
    if use != "enc":
        for rel in (
            "assertionMethod",
            "authentication",
            "capabilityInvocation",
            "capabilityDelegation",
        ):
            doc[rel] = [vm_id]
    if use != "sig" and key.type is not KeyType.ED25519:
        doc["keyAgreement"] = [vm_id]
    return doc


__all__ = ["did_jwk_document", "did_jwk_for", "jwk_of_did_jwk", "public_key_of_did_jwk"]
