"""VC 1.1 fixtures signed *outside* SmartBorder: canonicalized with pyld's own URDNA2015,
hashed with hashlib, signed with ``cryptography``, following each suite's published algorithm
(imported by module name; not a conftest). A round trip through the library's own code could
not tell an interoperable signature from a self-consistent one; these can."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld

from smartborder.credentials.primitives.suite_contexts import (
    ED25519_2020_V1,
    JWS_2020_V1,
    ed25519_2020_context,
    jws_2020_context,
)

VC_V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

Signer = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


def loader_over(contexts_dir: Path) -> Any:
    """A pyld document loader over the shared context files (and the suites' term files)."""
    files = {VC_V1: "credentials-v1.jsonld", EXAMPLES_V2: "credentials-examples-v2.jsonld"}
    built = {ED25519_2020_V1: ed25519_2020_context(), JWS_2020_V1: jws_2020_context()}

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url in built:
            document = built[url]
        elif url in files:
            document = json.loads((contexts_dir / files[url]).read_text(encoding="utf-8"))
        else:
            raise ValueError(f"no local context for {url}")
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def urdna2015(doc: dict[str, Any], loader: Any) -> bytes:
    out = jsonld.normalize(
        doc, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    )
    return str(out).encode("utf-8")


def did_key(key: Signer) -> tuple[str, str]:
    """``(did, verification method id)`` of a did:key for ``key`` (multicodec by hand)."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        prefix = b"\xed\x01"
    else:
        raw = key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        prefix = b"\x80\x24"  # p256-pub, varint of 0x1200
    mb = "z" + base58.b58encode(prefix + raw).decode("ascii")
    return f"did:key:{mb}", f"did:key:{mb}#{mb}"


def did_jwk(key: Signer) -> tuple[str, str]:
    """``(did, verification method id)`` of a did:jwk for ``key``: its public JWK by hand,
    resolved to a ``JsonWebKey2020`` verification method."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
    else:
        numbers = key.public_key().public_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": _b64url(numbers.x.to_bytes(32, "big")),
            "y": _b64url(numbers.y.to_bytes(32, "big")),
        }
    did = "did:jwk:" + _b64url(json.dumps(jwk, separators=(",", ":")).encode("utf-8"))
    return did, did + "#0"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _raw_sign(key: Signer, data: bytes) -> bytes:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign(
    doc: dict[str, Any],
    *,
    key: Signer,
    suite: str,
    loader: Any,
    created: str = "2026-05-01T00:00:00Z",
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    vm: str | None = None,
    header: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``doc`` with a ``suite`` proof: canonicalize the proof options (under the document's
    @context) and the document separately, SHA-256 each, concatenate, sign; the signature as
    multibase (Ed25519Signature2020) or a detached ``b64: false`` JWS (the other two)."""
    options: dict[str, Any] = {
        "type": suite,
        "created": created,
        "verificationMethod": vm or did_key(key)[1],
        "proofPurpose": purpose,
    }
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    data = (
        hashlib.sha256(urdna2015({**options, "@context": doc["@context"]}, loader)).digest()
        + hashlib.sha256(urdna2015(doc, loader)).digest()
    )
    proof = dict(options)
    if suite == "Ed25519Signature2020":
        proof["proofValue"] = "z" + base58.b58encode(_raw_sign(key, data)).decode("ascii")
    else:
        alg = "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "ES256"
        head = _b64url(
            json.dumps(header or {"alg": alg, "b64": False, "crit": ["b64"]}).encode("utf-8")
        )
        signature = _raw_sign(key, head.encode("ascii") + b"." + data)
        proof["jws"] = f"{head}..{_b64url(signature)}"
    return {**doc, "proof": proof}


def jwt(claims: dict[str, Any], *, key: Signer, kid: str, typ: str | None = "JWT") -> str:
    """A compact JWS over ``claims`` (EdDSA or ES256), as a VC 1.1 JWT issuer writes it."""
    alg = "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "ES256"
    header: dict[str, Any] = {"alg": alg, "kid": kid}
    if typ is not None:
        header["typ"] = typ
    signing_input = (
        _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(claims).encode())
    )
    return signing_input + "." + _b64url(_raw_sign(key, signing_input.encode("ascii")))
