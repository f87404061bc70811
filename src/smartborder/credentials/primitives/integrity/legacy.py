"""Linked Data proof suites of the VC 1.1 era, for verification only.

- ``Ed25519Signature2018``: a detached JWS (``EdDSA``, ``b64: false``) in ``proof.jws``;
- ``Ed25519Signature2020``: the Ed25519 signature as multibase base58btc in ``proof.proofValue``;
- ``JsonWebSignature2020``: a detached JWS in ``proof.jws``, EdDSA (Ed25519), ES256 (P-256)
  or ES384 (P-384), by the verification method's JWK.

All three sign the same data (W3C CCG Linked Data Proofs, "create verify hash"): the proof
options (the proof without its signature, under the document's ``@context``) and the document
without its proof are each canonicalized with URDNA2015 (RDFC-1.0, which it became) and hashed
with SHA-256; the data is ``hash(options) || hash(document)``. Nothing here signs: SmartBorder
issues VC 2.0 with Data Integrity cryptosuites only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from smartborder.credentials.errors import (
    JoseInvalid,
    MultibaseInvalid,
    ProofInvalid,
    ProofMalformed,
)
from smartborder.credentials.primitives import jose
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.primitives.integrity.suites import (
    Cryptosuite,
    Transform,
    canonical_form,
)
from smartborder.credentials.primitives.keys import KeyType, PublicKey
from smartborder.credentials.primitives.multibase import decode_base58btc
from smartborder.i18n import Text


class SignatureForm(StrEnum):
    DETACHED_JWS = "jws"
    PROOF_VALUE = "proofValue"


@dataclass(frozen=True)
class LegacySuite:
    """A VC 1.1-era proof type: the keys it takes and where its signature is."""

    name: str
    form: SignatureForm
    key_types: frozenset[KeyType]

    @cached_property
    def rdfc(self) -> Cryptosuite:
        """The suite as a cryptosuite over RDFC, SHA-256 (for the key check and transform)."""
        return Cryptosuite(self.name, Transform.RDFC, self.key_types)

    @property
    def required(self) -> tuple[str, ...]:
        """The proof members that must be non-empty strings."""
        return ("type", "verificationMethod", "proofPurpose", self.form.value)


ED25519_SIGNATURE_2018 = LegacySuite(
    "Ed25519Signature2018", SignatureForm.DETACHED_JWS, frozenset({KeyType.ED25519})
)
ED25519_SIGNATURE_2020 = LegacySuite(
    "Ed25519Signature2020", SignatureForm.PROOF_VALUE, frozenset({KeyType.ED25519})
)
JSON_WEB_SIGNATURE_2020 = LegacySuite(
    "JsonWebSignature2020",
    SignatureForm.DETACHED_JWS,
    frozenset({KeyType.ED25519, KeyType.P256, KeyType.P384}),
)

LEGACY_SUITES: dict[str, LegacySuite] = {
    s.name: s for s in (ED25519_SIGNATURE_2018, ED25519_SIGNATURE_2020, JSON_WEB_SIGNATURE_2020)
}


def legacy_suite_of(proof: Any) -> LegacySuite | None:
    """The legacy suite a proof object names by its ``type``, else None."""
    if not isinstance(proof, dict):
        return None
    kind = proof.get("type")
    return LEGACY_SUITES.get(kind) if isinstance(kind, str) else None


def verify_data(
    suite: LegacySuite,
    document: dict[str, Any],
    options: dict[str, Any],
    *,
    contexts: ContextStore,
    max_work: int,
) -> bytes:
    """``sha256(canonical options) || sha256(canonical document)``; ``options`` is the proof
    without its signature, carrying the document's ``@context``."""
    cs = suite.rdfc
    hash_fn = cs.hash_fn(KeyType.ED25519)  # SHA-256 for every legacy suite
    canonical_options = canonical_form(cs, options, contexts=contexts, max_work=max_work)
    canonical_doc = canonical_form(cs, document, contexts=contexts, max_work=max_work)
    return bytes(hash_fn(canonical_options).digest() + hash_fn(canonical_doc).digest())


def check_signature(suite: LegacySuite, signature: str, data: bytes, *, key: PublicKey) -> None:
    """Raise :class:`ProofInvalid` (or :class:`ProofMalformed`) unless ``signature`` (the
    proof's ``jws`` or ``proofValue``) signs ``data`` under ``key``."""
    suite.rdfc.check_key(key.type)
    if suite.form is SignatureForm.PROOF_VALUE:
        try:
            raw = decode_base58btc(signature)
        except MultibaseInvalid as exc:
            raise ProofMalformed(
                Text(
                    "proof.proofValue is not base58btc multibase.",
                    "proof.proofValue no es multibase base58btc.",
                )
            ) from exc
        if not key.verify(raw, data):
            raise ProofInvalid()
        return
    try:
        header = jose.verify_detached_jws(signature, data, key=key)
    except JoseInvalid as exc:
        raise ProofInvalid(exc.message) from exc
    if suite is ED25519_SIGNATURE_2018 and header.get("alg") != "EdDSA":
        raise ProofInvalid(
            Text(
                "An Ed25519Signature2018 jws must use alg EdDSA.",
                "Un jws Ed25519Signature2018 debe usar alg EdDSA.",
            )
        )


__all__ = [
    "ED25519_SIGNATURE_2018",
    "ED25519_SIGNATURE_2020",
    "JSON_WEB_SIGNATURE_2020",
    "LEGACY_SUITES",
    "LegacySuite",
    "SignatureForm",
    "check_signature",
    "legacy_suite_of",
    "verify_data",
]
