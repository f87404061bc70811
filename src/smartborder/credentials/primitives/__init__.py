"""The primitives under the credential recipes — the "hazardous materials" (as pyca calls its
``hazmat``): easy to misuse on their own, so :mod:`smartborder.credentials` wraps them in
``issue`` / ``verify`` / ``present`` with fixed suites and every check in place.

Here live keys, multibase, DID methods (did:key, did:jwk, did:web) and documents, offline
JSON-LD contexts and compiled templates, RDF Dataset Canonicalization (RDFC-1.0), JCS, Data
Integrity proofs (``integrity``), JOSE (``jose``) and SD-JWT (``sdjwt``). Use them to build a
new securing mechanism or to test one, not to decide whether a credential is good.
"""

from smartborder.credentials.primitives.contexts import ContextStore, builtin_store
from smartborder.credentials.primitives.did import (
    DidResolver,
    VerificationMethod,
    build_document,
    did_jwk_document,
    did_jwk_for,
    did_key_document,
    did_key_for,
    did_web_for,
    did_web_url,
    find_verification_method,
)
from smartborder.credentials.primitives.integrity import (
    SUITES,
    ProofCheck,
    ProofResult,
    add_proof,
    jcs,
    verify_proof,
)
from smartborder.credentials.primitives.jsonld import check_limits, to_quads
from smartborder.credentials.primitives.keys import KeyType, PrivateKey, PublicKey
from smartborder.credentials.primitives.rdfc import (
    CanonicalResult,
    canonicalize,
    canonicalize_nquads,
    parse_nquads,
)

__all__ = [
    "SUITES",
    "CanonicalResult",
    "ContextStore",
    "DidResolver",
    "KeyType",
    "PrivateKey",
    "ProofCheck",
    "ProofResult",
    "PublicKey",
    "VerificationMethod",
    "add_proof",
    "build_document",
    "builtin_store",
    "canonicalize",
    "canonicalize_nquads",
    "check_limits",
    "did_jwk_document",
    "did_jwk_for",
    "did_key_document",
    "did_key_for",
    "did_web_for",
    "did_web_url",
    "find_verification_method",
    "jcs",
    "parse_nquads",
    "to_quads",
    "verify_proof",
]
