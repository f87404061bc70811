"""Verifiable credentials: keys, DIDs, offline JSON-LD, RDFC-1.0 and Data Integrity proofs.

Core primitives (keys, DIDs, contexts, canonicalization, proofs) are exported here; the
securing mechanisms and recipes built on them (VC-JOSE, SD-JWT VC, status lists, credential
types) add their names below.
"""

# --- core: keys, DIDs, contexts, canonicalization, Data Integrity ---------------------------
from smartborder.credentials.contexts import ContextStore, default_store
from smartborder.credentials.datamodel import (
    problems_of_credential,
    problems_of_presentation,
    require_credential,
    require_presentation,
)
from smartborder.credentials.did import (
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
from smartborder.credentials.errors import CredentialsError
from smartborder.credentials.holder import PresentationResult, prove, verify_presentation
from smartborder.credentials.integrity import (
    SUITES,
    ProofCheck,
    ProofResult,
    add_proof,
    jcs,
    verify_proof,
)
from smartborder.credentials.issuers import NodeResolver, OrgIdentities
from smartborder.credentials.jsonld import check_limits, to_quads
from smartborder.credentials.keys import KeyType, PrivateKey, PublicKey
from smartborder.credentials.keystore import NodeKeys
from smartborder.credentials.rdfc import (
    CanonicalResult,
    canonicalize,
    canonicalize_nquads,
    parse_nquads,
)
from smartborder.credentials.recipes import (
    Format,
    VerificationResult,
    issue,
    verify,
)
from smartborder.credentials.stage import CredentialsReport, CredentialsStage  # pre-clearance
from smartborder.credentials.status import (
    Bitstring,
    StatusChecker,
    StatusPurpose,
    status_entry,
    status_list_credential,
)
from smartborder.credentials.trust import StoredTrust, TrustEntry, TrustRegistry
from smartborder.credentials.types import SMARTBORDER_CONTEXT, CredentialTypes
from smartborder.credentials.vcapi import CredentialService

__all__ = [
    # core
    "SUITES",
    "CanonicalResult",
    "ContextStore",
    "CredentialsError",
    "DidResolver",
    "KeyType",
    "NodeKeys",
    "PrivateKey",
    "ProofCheck",
    "ProofResult",
    "PublicKey",
    "VerificationMethod",
    "add_proof",
    "build_document",
    "canonicalize",
    "canonicalize_nquads",
    "check_limits",
    "default_store",
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
    # securing, status, types, recipes, VC-API
    "Bitstring",
    "CredentialService",
    "CredentialTypes",
    "Format",
    "NodeResolver",
    "OrgIdentities",
    "PresentationResult",
    "SMARTBORDER_CONTEXT",
    "StatusChecker",
    "StatusPurpose",
    "VerificationResult",
    "issue",
    "problems_of_credential",
    "problems_of_presentation",
    "prove",
    "require_credential",
    "require_presentation",
    "status_entry",
    "status_list_credential",
    "verify",
    "verify_presentation",
    # pre-clearance
    "CredentialsReport",
    "CredentialsStage",
    "StoredTrust",
    "TrustEntry",
    "TrustRegistry",
]
