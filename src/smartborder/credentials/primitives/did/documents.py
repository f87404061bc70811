"""DID documents: verification methods, relationships, and lookup of a method by id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from smartborder.credentials.errors import (
    ProofPurposeMismatch,
    VerificationMethodInvalid,
    VerificationMethodNotFound,
)
from smartborder.credentials.primitives.keys import KeyType, PublicKey
from smartborder.credentials.primitives.multibase import decode_base58btc
from smartborder.i18n import Text

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
JWS_2020_V1 = "https://w3id.org/security/suites/jws-2020/v1"

#: Verification relationships of DID Core, in the order SmartBorder writes them.
RELATIONSHIPS: tuple[str, ...] = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)
SIGNING_RELATIONSHIPS: tuple[str, ...] = RELATIONSHIPS[:4]


@dataclass(frozen=True)
class VerificationMethod:
    """A verification method of a DID document, with its parsed public key."""

    id: str
    type: str
    controller: str
    public_key: PublicKey

    def to_json(self, *, form: str = "Multikey") -> dict[str, Any]:
        """The JSON form: ``Multikey`` (publicKeyMultibase) or ``JsonWebKey`` (publicKeyJwk)."""
        out: dict[str, Any] = {"id": self.id, "type": form, "controller": self.controller}
        if form == "Multikey":
            out["publicKeyMultibase"] = self.public_key.multikey
        else:
            out["publicKeyJwk"] = self.public_key.jwk
        return out


def parse_verification_method(entry: Mapping[str, Any]) -> VerificationMethod:
    """Read a verification method object (Multikey, JsonWebKey/JsonWebKey2020, or the legacy
    Ed25519VerificationKey2018/2020 forms)."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
        raise VerificationMethodInvalid()
    vm_type = str(entry.get("type", ""))
    if "publicKeyMultibase" in entry:
        mb = entry["publicKeyMultibase"]
        if vm_type == "Ed25519VerificationKey2020" and isinstance(mb, str):
            try:
                key = PublicKey.from_multikey(mb)
            except Exception:
                key = PublicKey.from_raw(KeyType.ED25519, decode_base58btc(mb))
        else:
            key = PublicKey.from_multikey(mb)
    elif "publicKeyJwk" in entry:
        key = PublicKey.from_jwk(entry["publicKeyJwk"])
    elif "publicKeyBase58" in entry and vm_type == "Ed25519VerificationKey2018":
        key = PublicKey.from_raw(
            KeyType.ED25519, decode_base58btc("z" + str(entry["publicKeyBase58"]))
        )
    else:
        raise VerificationMethodInvalid()
    return VerificationMethod(
        id=entry["id"], type=vm_type, controller=str(entry.get("controller", "")), public_key=key
    )


def _absolute(ref: str, did: str) -> str:
    return did + ref if ref.startswith("#") else ref


def build_document(
    did: str,
    methods: Sequence[VerificationMethod],
    *,
    relationships: Mapping[str, Iterable[str]] | None = None,
    services: Sequence[Mapping[str, Any]] = (),
    form: str = "Multikey",
    context: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A DID document. By default every method is listed under every signing relationship."""
    if relationships is None:
        ids = [m.id for m in methods]
        relationships = dict.fromkeys(SIGNING_RELATIONSHIPS, ids)
    doc: dict[str, Any] = {
        "@context": list(context or [DID_V1, MULTIKEY_V1 if form == "Multikey" else JWS_2020_V1]),
        "id": did,
        "verificationMethod": [m.to_json(form=form) for m in methods],
    }
    for rel in RELATIONSHIPS:
        refs = list(relationships.get(rel, ()))
        if refs:
            doc[rel] = refs
    if services:
        doc["service"] = [dict(s) for s in services]
    return doc


def find_verification_method(
    document: Mapping[str, Any], method_id: str, *, purpose: str | None = None
) -> VerificationMethod:
    """The method ``method_id`` of ``document``; with ``purpose``, it must also be listed
    under that relationship (else :class:`ProofPurposeMismatch`)."""
    did = str(document.get("id", ""))
    found: VerificationMethod | None = None
    candidates: list[Any] = list(document.get("verificationMethod", []) or [])
    for rel in RELATIONSHIPS:
        candidates.extend(e for e in document.get(rel, []) or [] if isinstance(e, Mapping))
    for entry in candidates:
        if isinstance(entry, Mapping) and _absolute(str(entry.get("id", "")), did) == method_id:
            found = parse_verification_method({**entry, "id": method_id})
            break
    if found is None:
        raise VerificationMethodNotFound(
            Text(
                f"The DID document of {did} has no verification method {method_id}.",
                f"El documento DID de {did} no tiene el método de verificación {method_id}.",
            ),
            extra={"verificationMethod": method_id},
        )
    if purpose is not None:
        refs = document.get(purpose, []) or []
        listed = any(
            _absolute(r if isinstance(r, str) else str(r.get("id", "")), did) == method_id
            for r in refs
            if isinstance(r, str | Mapping)
        )
        if not listed:
            raise ProofPurposeMismatch(
                Text(
                    f"{method_id} is not listed under {purpose!r} in the DID document of {did}.",
                    f"{method_id} no figura en {purpose!r} en el documento DID de {did}.",
                ),
                extra={"verificationMethod": method_id, "proofPurpose": purpose},
            )
    return found


__all__ = [
    "DID_V1",
    "JWS_2020_V1",
    "MULTIKEY_V1",
    "RELATIONSHIPS",
    "SIGNING_RELATIONSHIPS",
    "VerificationMethod",
    "build_document",
    "find_verification_method",
    "parse_verification_method",
]
