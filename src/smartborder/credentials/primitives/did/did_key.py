"""did:key (W3C CCG did:key method): a DID that is its own public key, Multikey-encoded.

``did:key:<publicKeyMultibase>``; the document is derived, never fetched. Besides the current
Multikey form, :func:`did_key_document` can write the ``JsonWebKey2020`` and
``Ed25519VerificationKey2018`` forms (with the X25519 key-agreement key derived from Ed25519)
that older implementations and the CCG test vectors use.
"""

from __future__ import annotations

import base64
from typing import Any

import base58

from smartborder.credentials.errors import DidInvalid
from smartborder.credentials.primitives.did.documents import DID_V1, JWS_2020_V1, MULTIKEY_V1
from smartborder.credentials.primitives.keys import KeyType, PublicKey
from smartborder.credentials.primitives.multibase import encode_base58btc, varint
from smartborder.i18n import Text

ED25519_2018_V1 = "https://w3id.org/security/suites/ed25519-2018/v1"
X25519_2019_V1 = "https://w3id.org/security/suites/x25519-2019/v1"
_X25519_CODEC = 0xEC
_P = 2**255 - 19  # the field prime of Curve25519 (RFC 7748)


def did_key_for(public_key: PublicKey) -> str:
    """``did:key:`` + the key's Multikey value."""
    return "did:key:" + public_key.multikey


def public_key_of_did_key(did: str) -> PublicKey:
    """The public key a did:key (or a did:key URL with fragment) encodes."""
    if not isinstance(did, str) or not did.startswith("did:key:"):
        raise DidInvalid(Text(f"Not a did:key: {did!r}.", f"No es un did:key: {did!r}."))
    ident = did[len("did:key:") :].split("#", 1)[0]
    if not ident.startswith("z"):
        raise DidInvalid(
            Text(
                "A did:key must be base58btc multibase (start with 'z').",
                "Un did:key debe ser multibase base58btc (comenzar con 'z').",
            )
        )
    return PublicKey.from_multikey(ident)


def ed25519_to_x25519(raw_ed25519: bytes) -> bytes:
    """The X25519 public key birationally equivalent to an Ed25519 one (RFC 7748 §4.1:
    u = (1 + y) / (1 - y) mod p)."""
    y = int.from_bytes(raw_ed25519, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow(1 - y, _P - 2, _P) % _P
    return u.to_bytes(32, "little")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def did_key_document(did: str, *, form: str = "Multikey") -> dict[str, Any]:
    """The DID document of a did:key.

    ``form``: ``Multikey`` (current spec), ``JsonWebKey2020`` or
    ``Ed25519VerificationKey2018``; the two legacy forms add the derived X25519
    key-agreement key for Ed25519 keys, and list EC keys under ``keyAgreement`` too."""
    key = public_key_of_did_key(did)
    did = did.split("#", 1)[0]
    mb = key.multikey
    vm_id = f"{did}#{mb}"
    signing = {
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }
    if form == "Multikey":
        return {
            "@context": [DID_V1, MULTIKEY_V1],
            "id": did,
            "verificationMethod": [
                {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}
            ],
            **signing,
        }
    methods: list[dict[str, Any]]
    if form == "JsonWebKey2020":
        context = [DID_V1, JWS_2020_V1]
        methods = [
            {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": _jwk(key)}
        ]
    elif form == "Ed25519VerificationKey2018" and key.type is KeyType.ED25519:
        context = [DID_V1, ED25519_2018_V1, X25519_2019_V1]
        methods = [
            {
                "id": vm_id,
                "type": "Ed25519VerificationKey2018",
                "controller": did,
                "publicKeyBase58": base58.b58encode(key.raw).decode("ascii"),
            }
        ]
    else:
        raise DidInvalid(
            Text(
                f"Unknown did:key document form {form!r}.",
                f"Forma de documento did:key desconocida {form!r}.",
            )
        )
    agreement_id = vm_id
    if key.type is KeyType.ED25519:
        x_raw = ed25519_to_x25519(key.raw)
        x_mb = encode_base58btc(varint(_X25519_CODEC) + x_raw)
        agreement_id = f"{did}#{x_mb}"
        if form == "JsonWebKey2020":
            methods.append(
                {
                    "id": agreement_id,
                    "type": "JsonWebKey2020",
                    "controller": did,
                    "publicKeyJwk": {"kty": "OKP", "crv": "X25519", "x": _b64url(x_raw)},
                }
            )
        else:
            methods.append(
                {
                    "id": agreement_id,
                    "type": "X25519KeyAgreementKey2019",
                    "controller": did,
                    "publicKeyBase58": base58.b58encode(x_raw).decode("ascii"),
                }
            )
    return {
        "@context": context,
        "id": did,
        "verificationMethod": methods,
        **signing,
        "keyAgreement": [agreement_id],
    }


def _jwk(key: PublicKey) -> dict[str, str]:
    jwk = key.jwk
    # Member order of the CCG vectors: kty, crv, x, y.
    return {k: jwk[k] for k in ("kty", "crv", "x", "y") if k in jwk}


__all__ = ["did_key_document", "did_key_for", "ed25519_to_x25519", "public_key_of_did_key"]
