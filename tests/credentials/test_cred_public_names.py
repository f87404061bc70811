"""The credentials package offers recipes; the primitives under them live apart (pyca's hazmat)."""

from __future__ import annotations

import importlib

import smartborder.credentials as creds
import smartborder.credentials.primitives as primitives

RECIPES = {"issue", "verify", "present", "verify_presentation"}
PRIMITIVE_MODULES = ["contexts", "ldtemplates", "jsonld", "rdfc", "multibase", "keys", "jose"]
PRIMITIVE_MODULES += ["sdjwt", "fetch", "integrity", "did"]


def test_the_public_names_are_exactly_these() -> None:
    assert set(creds.__all__) == {
        "AGENCY_COUNTRY",
        "about_carrier",
        "AttachedResults",
        "Bitstring",
        "ContextStore",
        "Country",
        "CredentialNonConforming",
        "CredentialNotFound",
        "CredentialService",
        "CredentialTypes",
        "CredentialsError",
        "DidResolver",
        "DidUnreachable",
        "DidWebRefused",
        "Format",
        "KeyType",
        "NodeKeys",
        "NodeResolver",
        "NodeVerifier",
        "OrgIdentities",
        "PERSONAL_TYPES",
        "PeerCache",
        "Peers",
        "PresentationExists",
        "PresentationResult",
        "PrivateKey",
        "PublicKey",
        "SMARTBORDER_CONTEXT",
        "StatusChecker",
        "StatusListChanges",
        "StatusListInvalid",
        "StatusListUnavailable",
        "StatusPurpose",
        "StoredTrust",
        "TrustEntry",
        "TrustEntryExists",
        "TrustEntryInvalid",
        "TrustEntryNotFound",
        "TrustRegistry",
        "VerificationResult",
        "add_entry",
        "bind",
        "challenge_of",
        "credentials_of",
        "did_key_for",
        "did_web_for",
        "document_kid",
        "ensure_entry",
        "envelope",
        "issue",
        "load_registry",
        "node_did",
        "node_did_document",
        "parse_datetime",
        "present",
        "is_vc11",
        "keys_of_did_document",
        "sign_document",
        "verify_document",
        "problems_for_verification",
        "problems_of_credential",
        "problems_of_presentation",
        "remove_entry",
        "require_credential",
        "require_presentation",
        "status_entry",
        "unenvelope_presentation",
        "status_list_credential",
        "subjects_of",
        "unenvelope",
        "verify",
        "verify_presentation",
    }


def test_the_package_offers_the_recipes_and_no_raw_proof_or_canonicalization() -> None:
    assert set(creds.__all__) >= RECIPES
    raw = {"add_proof", "verify_proof", "canonicalize", "to_quads", "jcs", "SUITES"}
    assert raw <= set(primitives.__all__)
    assert not raw & set(creds.__all__)
    assert all(hasattr(creds, n) for n in creds.__all__)
    assert all(hasattr(primitives, n) for n in primitives.__all__)


def test_primitives_live_only_under_primitives() -> None:
    for name in PRIMITIVE_MODULES:
        importlib.import_module(f"smartborder.credentials.primitives.{name}")
        try:
            importlib.import_module(f"smartborder.credentials.{name}")
        except ModuleNotFoundError:
            continue
        raise AssertionError(f"smartborder.credentials.{name} should be under primitives")


def test_the_pipeline_stage_is_not_part_of_the_credentials_package() -> None:
    assert "CredentialsStage" not in creds.__all__
