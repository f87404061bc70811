"""The four Data Integrity cryptosuites: which keys they take, how they transform and hash.

- ``eddsa-rdfc-2022`` / ``ecdsa-rdfc-2019``: RDFC-1.0 canonical N-Quads of the JSON-LD.
- ``eddsa-jcs-2022`` / ``ecdsa-jcs-2019``: JCS (RFC 8785) of the JSON.
Hash: SHA-256, except ECDSA on P-384 which uses SHA-384 (vc-di-ecdsa §3). The data signed is
``hash(canonical proof configuration) || hash(canonical document)``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
import rfc8785

from smartborder.credentials.contexts import ContextStore
from smartborder.credentials.errors import (
    CryptosuiteUnsupported,
    DocumentTooLarge,
    JsonLdInvalid,
    KeyUnsupported,
)
from smartborder.credentials.jsonld import check_limits, to_quads
from smartborder.credentials.keys import KeyType
from smartborder.credentials.rdfc import DEFAULT_MAX_WORK, canonicalize
from smartborder.i18n import Text


class Transform(StrEnum):
    RDFC = "rdfc"
    JCS = "jcs"


@dataclass(frozen=True)
class Cryptosuite:
    """A cryptosuite's fixed choices."""

    name: str
    transform: Transform
    key_types: frozenset[KeyType]

    def hash_fn(self, key_type: KeyType) -> Callable[[bytes], Any]:
        return hashlib.sha384 if key_type is KeyType.P384 else hashlib.sha256

    def check_key(self, key_type: KeyType) -> None:
        if key_type not in self.key_types:
            raise KeyUnsupported(
                Text(
                    f"{self.name} does not take {key_type} keys (it takes "
                    f"{', '.join(sorted(self.key_types))}).",
                    f"{self.name} no acepta claves {key_type} (acepta "
                    f"{', '.join(sorted(self.key_types))}).",
                )
            )


EDDSA_RDFC_2022 = Cryptosuite("eddsa-rdfc-2022", Transform.RDFC, frozenset({KeyType.ED25519}))
EDDSA_JCS_2022 = Cryptosuite("eddsa-jcs-2022", Transform.JCS, frozenset({KeyType.ED25519}))
ECDSA_RDFC_2019 = Cryptosuite(
    "ecdsa-rdfc-2019", Transform.RDFC, frozenset({KeyType.P256, KeyType.P384})
)
ECDSA_JCS_2019 = Cryptosuite(
    "ecdsa-jcs-2019", Transform.JCS, frozenset({KeyType.P256, KeyType.P384})
)

SUITES: dict[str, Cryptosuite] = {
    s.name: s for s in (EDDSA_RDFC_2022, EDDSA_JCS_2022, ECDSA_RDFC_2019, ECDSA_JCS_2019)
}


def get_suite(name: object) -> Cryptosuite:
    suite = SUITES.get(name) if isinstance(name, str) else None
    if suite is None:
        raise CryptosuiteUnsupported(extra={"cryptosuite": str(name)})
    return suite


#: Largest JCS output accepted, bytes: bounds the work of hashing and signing.
MAX_JCS_BYTES = 4 * 1024 * 1024
# orjson with sorted keys writes exactly the RFC 8785 bytes for strings, integers, booleans,
# null, arrays and objects (same escapes, raw UTF-8), measured equal in the tests. It differs
# only for floats (number formatting) and for keys above U+E000 (RFC 8785 sorts by UTF-16
# code units), so output that could hold either falls back to the reference implementation.
# orjson writes no whitespace, so a number token starts right after ':', '[' or ','; one that
# holds '.' or 'e' is a float. A string containing such a run (e.g. "a:1.5") also matches and
# merely takes the slow path. One regex search in C (a Python loop over every digit-dot hit
# cost ~12 µs a document, a fifth of a verification).
_FLOAT_NUMBER = re.compile(rb"[:\[,]-?[0-9]+[.eE]")


def _may_hold_float(out: bytes) -> bool:
    return _FLOAT_NUMBER.search(out) is not None


_HIGH_CHARS = re.compile(rb"[\xee-\xff]")


def _jcs_reference(value: Any) -> bytes:
    check_limits(value)
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise JsonLdInvalid(
            Text(
                f"The document cannot be canonicalized with JCS: {exc}.",
                f"El documento no puede canonicalizarse con JCS: {exc}.",
            )
        ) from exc


def jcs(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme bytes (orjson fast path, rfc8785 otherwise)."""
    try:
        out = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER)
    except (orjson.JSONEncodeError, TypeError):
        return _jcs_reference(
            value
        )  # too deep, a big integer, or not JSON: the slow path says which
    if len(out) > MAX_JCS_BYTES:
        raise DocumentTooLarge(
            Text(
                f"The document is larger than {MAX_JCS_BYTES} bytes.",
                f"El documento excede {MAX_JCS_BYTES} bytes.",
            )
        )
    if _may_hold_float(out) or (not out.isascii() and _HIGH_CHARS.search(out)):
        return _jcs_reference(value)
    return out


def canonical_form(
    suite: Cryptosuite,
    value: dict[str, Any],
    *,
    contexts: ContextStore,
    max_work: int = DEFAULT_MAX_WORK,
) -> bytes:
    """The suite's canonical bytes of ``value`` (RDFC N-Quads or JCS JSON), UTF-8."""
    if suite.transform is Transform.JCS:
        return jcs(value)
    quads = to_quads(value, contexts=contexts)
    return canonicalize(quads, max_work=max_work).nquads.encode("utf-8")


__all__ = [
    "ECDSA_JCS_2019",
    "ECDSA_RDFC_2019",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "SUITES",
    "Cryptosuite",
    "Transform",
    "canonical_form",
    "get_suite",
    "jcs",
]
