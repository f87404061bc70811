"""Data Integrity proofs: eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019;
and, for verification only, the VC 1.1-era Ed25519Signature2018/2020 and JsonWebSignature2020."""

from smartborder.credentials.primitives.integrity.legacy import LEGACY_SUITES, LegacySuite
from smartborder.credentials.primitives.integrity.proofs import (
    DEFAULT_MAX_CLOCK_SKEW,
    ProofCheck,
    ProofResult,
    add_proof,
    format_datetime,
    parse_datetime,
    verify_proof,
)
from smartborder.credentials.primitives.integrity.suites import (
    SUITES,
    Cryptosuite,
    Transform,
    canonical_form,
    get_suite,
    jcs,
)

__all__ = [
    "DEFAULT_MAX_CLOCK_SKEW",
    "LEGACY_SUITES",
    "SUITES",
    "Cryptosuite",
    "LegacySuite",
    "ProofCheck",
    "ProofResult",
    "Transform",
    "add_proof",
    "canonical_form",
    "format_datetime",
    "get_suite",
    "jcs",
    "parse_datetime",
    "verify_proof",
]
