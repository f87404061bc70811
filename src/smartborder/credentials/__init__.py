"""Verifiable credentials, the safe way: ``issue``, ``verify``, ``present``.

These recipes secure and check W3C Verifiable Credentials 2.0 with fixed, standard suites
(VC-JOSE ``vc+jwt``, SD-JWT VC, Data Integrity ``eddsa-*``/``ecdsa-*``) and run every check a
border decision relies on: proof and signer, data model, the type's JSON Schema, validity at
the caller's ``now``, Bitstring Status List entries. They also verify (never issue) VC 1.1
credentials and presentations: Ed25519Signature2018/2020, JsonWebSignature2020, VC-JWT 1.1. Around them: credential types, the trust
registry, status lists, this node's organization identities and keys, the VC-API service, and
the peers whose DID documents and status lists a node reads in the background.

The primitives the recipes are built from — canonicalization, Data Integrity proofs, JOSE,
SD-JWT, multibase, keys' encodings, DID methods — live apart in
:mod:`smartborder.credentials.primitives` (pyca/cryptography's "hazmat"): use them to build
or test a securing mechanism, not to decide whether a credential is good.
"""

from smartborder.credentials.binding import PERSONAL_TYPES, about_carrier, bind, subjects_of
from smartborder.credentials.datamodel import (
    is_vc11,
    parse_datetime,
    problems_for_verification,
    problems_of_credential,
    problems_of_presentation,
    require_credential,
    require_presentation,
)
from smartborder.credentials.documents import (
    document_kid,
    keys_of_did_document,
    sign_document,
    verify_document,
)
from smartborder.credentials.errors import (
    CredentialNonConforming,
    CredentialNotFound,
    CredentialsError,
    DidUnreachable,
    DidWebRefused,
    PresentationExists,
    StatusListInvalid,
    StatusListUnavailable,
)
from smartborder.credentials.holder import (
    PresentationResult,
    challenge_of,
    credentials_of,
    unenvelope_presentation,
    verify_presentation,
)
from smartborder.credentials.holder import prove as present
from smartborder.credentials.issuers import NodeResolver, OrgIdentities
from smartborder.credentials.keystore import NodeKeys, node_did, node_did_document
from smartborder.credentials.node_verifier import AttachedResults, NodeVerifier
from smartborder.credentials.peer_cache import PeerCache
from smartborder.credentials.peers import Peers
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.primitives.did import DidResolver, did_key_for, did_web_for
from smartborder.credentials.primitives.keys import KeyType, PrivateKey, PublicKey
from smartborder.credentials.recipes import (
    Format,
    VerificationResult,
    envelope,
    issue,
    unenvelope,
    verify,
)
from smartborder.credentials.service import CredentialService
from smartborder.credentials.status import (
    Bitstring,
    StatusChecker,
    StatusPurpose,
    status_entry,
    status_list_credential,
)
from smartborder.credentials.status_lists import StatusListChanges
from smartborder.credentials.trust import (
    AGENCY_COUNTRY,
    Country,
    StoredTrust,
    TrustEntry,
    TrustEntryExists,
    TrustEntryInvalid,
    TrustEntryNotFound,
    TrustRegistry,
    add_entry,
    ensure_entry,
    load_registry,
    remove_entry,
)
from smartborder.credentials.types import SMARTBORDER_CONTEXT, CredentialTypes

__all__ = [
    # the recipes and what they return
    "Format",
    "PresentationResult",
    "VerificationResult",
    "envelope",
    "issue",
    "present",
    "unenvelope",
    "verify",
    "verify_presentation",
    # reading a presentation before verifying it: the challenge it answers, its credentials,
    # its envelope
    "challenge_of",
    "credentials_of",
    "unenvelope_presentation",
    # signed JSON documents between nodes (not credentials)
    "document_kid",
    "keys_of_did_document",
    "sign_document",
    "verify_document",
    # what a caller passes them: keys, identities, resolvers, contexts, types
    "ContextStore",
    "CredentialTypes",
    "DidResolver",
    "KeyType",
    "NodeKeys",
    "NodeResolver",
    "OrgIdentities",
    "PrivateKey",
    "PublicKey",
    "SMARTBORDER_CONTEXT",
    "did_key_for",
    "did_web_for",
    "node_did",
    "node_did_document",
    # data model checks
    "is_vc11",
    "parse_datetime",
    "problems_for_verification",
    "problems_of_credential",
    "problems_of_presentation",
    "require_credential",
    "require_presentation",
    # status lists
    "Bitstring",
    "StatusChecker",
    "StatusListChanges",
    "StatusPurpose",
    "status_entry",
    "status_list_credential",
    # trust, peers, the VC-API service
    "AGENCY_COUNTRY",
    "CredentialService",
    "PeerCache",
    "Peers",
    "Country",
    "StoredTrust",
    "TrustEntry",
    "TrustRegistry",
    "add_entry",
    "ensure_entry",
    "load_registry",
    "remove_entry",
    # verifying attached credentials for decisions (the pre-clearance stage's engine)
    "PERSONAL_TYPES",
    "AttachedResults",
    "NodeVerifier",
    "about_carrier",
    "bind",
    "subjects_of",
    # errors (the whole tree is in smartborder.credentials.errors)
    "CredentialNonConforming",
    "CredentialNotFound",
    "CredentialsError",
    "DidUnreachable",
    "DidWebRefused",
    "PresentationExists",
    "StatusListInvalid",
    "StatusListUnavailable",
    "TrustEntryExists",
    "TrustEntryInvalid",
    "TrustEntryNotFound",
]
