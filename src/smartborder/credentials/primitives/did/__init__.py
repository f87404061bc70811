"""DIDs: did:key, did:jwk, did:web, their documents, and a resolver."""

from smartborder.credentials.primitives.did.did_jwk import (
    did_jwk_document,
    did_jwk_for,
    public_key_of_did_jwk,
)
from smartborder.credentials.primitives.did.did_key import (
    did_key_document,
    did_key_for,
    public_key_of_did_key,
)
from smartborder.credentials.primitives.did.did_web import did_web_for, did_web_url, fetch_did_web
from smartborder.credentials.primitives.did.documents import (
    VerificationMethod,
    build_document,
    find_verification_method,
    parse_verification_method,
)
from smartborder.credentials.primitives.did.resolver import DidResolver

__all__ = [
    "DidResolver",
    "VerificationMethod",
    "build_document",
    "did_jwk_document",
    "did_jwk_for",
    "did_key_document",
    "did_key_for",
    "did_web_for",
    "did_web_url",
    "fetch_did_web",
    "find_verification_method",
    "parse_verification_method",
    "public_key_of_did_jwk",
    "public_key_of_did_key",
]
