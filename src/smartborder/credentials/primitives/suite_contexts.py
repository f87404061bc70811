"""Term definitions for the VC 1.1-era proof suites whose context files are not at hand.

``Ed25519Signature2020`` and ``JsonWebSignature2020`` proofs name their terms through
``https://w3id.org/security/suites/ed25519-2020/v1`` and
``https://w3id.org/security/suites/jws-2020/v1``. Neither file is in the conformance data, no
specification publishes a SHA-256 of either, and contexts are never fetched at run time, so
SmartBorder writes its own small definitions of the terms those suites use: each term maps to
the IRI the suite's specification gives it (the Security Vocabulary, ``dc:created``), and
nothing else. The Ed25519Signature2020 one is checked against the canonical proof N-Quads
that vc-di-eddsa publishes for its Ed25519Signature2020 test vector.

:func:`ensure_suite_contexts` adds them to a :class:`ContextStore` only where the store has
no file for the URL: a deployment that places the published files in its contexts directory
uses those instead. Any other context a legacy credential names (e.g. ``security/v2`` or
``suites/ed25519-2018/v1``) must be in the contexts directory, or verification fails with
:class:`~smartborder.credentials.errors.ContextUnknown`.
"""

from __future__ import annotations

from typing import Any

from smartborder.credentials.primitives.contexts import ED25519_2020_V1, JWS_2020_V1, ContextStore

_SEC = "https://w3id.org/security#"
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def _relationship(name: str) -> dict[str, Any]:
    # DID Core relationships as proof purposes; "authentication" is sec:authenticationMethod.
    suffix = "" if name == "assertionMethod" else "Method"
    return {"@id": f"{_SEC}{name}{suffix}", "@type": "@id", "@container": "@set"}


def _proof_terms(signature_term: str, signature_def: dict[str, Any] | str) -> dict[str, Any]:
    """The terms inside a proof node of one of these suites."""
    purposes = {
        "@protected": True,
        "id": "@id",
        "type": "@type",
        **{
            name: _relationship(name)
            for name in (
                "assertionMethod",
                "authentication",
                "capabilityInvocation",
                "capabilityDelegation",
                "keyAgreement",
            )
        },
    }
    return {
        "@protected": True,
        "id": "@id",
        "type": "@type",
        "challenge": f"{_SEC}challenge",
        "created": {"@id": "http://purl.org/dc/terms/created", "@type": _XSD_DATETIME},
        "domain": f"{_SEC}domain",
        "expires": {"@id": f"{_SEC}expiration", "@type": _XSD_DATETIME},
        "nonce": f"{_SEC}nonce",
        "proofPurpose": {"@id": f"{_SEC}proofPurpose", "@type": "@vocab", "@context": purposes},
        signature_term: signature_def,
        "verificationMethod": {"@id": f"{_SEC}verificationMethod", "@type": "@id"},
    }


def _key_terms(key_term: str, key_def: dict[str, Any]) -> dict[str, Any]:
    """The terms inside a verification method node of one of these suites."""
    return {
        "@protected": True,
        "id": "@id",
        "type": "@type",
        "controller": {"@id": f"{_SEC}controller", "@type": "@id"},
        "revoked": {"@id": f"{_SEC}revoked", "@type": _XSD_DATETIME},
        key_term: key_def,
    }


def ed25519_2020_context() -> dict[str, Any]:
    """SmartBorder's definitions of the Ed25519Signature2020 suite's terms."""
    return {
        "@context": {
            "@protected": True,
            "Ed25519Signature2020": {
                "@id": f"{_SEC}Ed25519Signature2020",
                "@context": _proof_terms(
                    "proofValue", {"@id": f"{_SEC}proofValue", "@type": f"{_SEC}multibase"}
                ),
            },
            "Ed25519VerificationKey2020": {
                "@id": f"{_SEC}Ed25519VerificationKey2020",
                "@context": _key_terms(
                    "publicKeyMultibase",
                    {"@id": f"{_SEC}publicKeyMultibase", "@type": f"{_SEC}multibase"},
                ),
            },
        }
    }


def jws_2020_context() -> dict[str, Any]:
    """SmartBorder's definitions of the JsonWebSignature2020 suite's terms."""
    return {
        "@context": {
            "@protected": True,
            "JsonWebSignature2020": {
                "@id": f"{_SEC}JsonWebSignature2020",
                "@context": _proof_terms("jws", f"{_SEC}jws"),
            },
            "JsonWebKey2020": {
                "@id": f"{_SEC}JsonWebKey2020",
                "@context": _key_terms(
                    "publicKeyJwk", {"@id": f"{_SEC}publicKeyJwk", "@type": "@json"}
                ),
            },
        }
    }


def ensure_suite_contexts(store: ContextStore) -> ContextStore:
    """Serve the two suite contexts from ``store`` where it has no file of its own for them."""
    for url, build in ((ED25519_2020_V1, ed25519_2020_context), (JWS_2020_V1, jws_2020_context)):
        if url not in store:
            store.register(url, build())
    return store


__all__ = [
    "ED25519_2020_V1",
    "JWS_2020_V1",
    "ed25519_2020_context",
    "ensure_suite_contexts",
    "jws_2020_context",
]
