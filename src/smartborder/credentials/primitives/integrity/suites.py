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

from smartborder.credentials.errors import (
    CryptosuiteUnsupported,
    DocumentTooLarge,
    JsonLdInvalid,
    KeyUnsupported,
)
from smartborder.credentials.primitives.contexts import ContextStore
from smartborder.credentials.primitives.jsonld import check_limits, to_quads
from smartborder.credentials.primitives.keys import KeyType
from smartborder.credentials.primitives.rdfc import DEFAULT_MAX_WORK, canonical_nquads
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
# for floats (number formatting), for NaN and infinities (orjson writes ``null``; RFC 8785
# refuses them) and for keys above U+E000 (RFC 8785 sorts by UTF-16 code units), so output
# that could hold any of them falls back to the reference implementation.
#
# The test runs in C: one ``bytes.translate`` into a small alphabet, then two literal-prefix
# regex searches. orjson writes no whitespace, so a number or null token starts right after
# '":' (object member), '[' or ','. Translated: '"' -> q, ':' -> ':', '[' and ',' -> ',',
# digits, '-' and the 'n' 'u' of null -> '0', '.' 'e' 'E' and the 'l' of null -> '.', bytes
# 0xEE-0xFF (UTF-8 lead bytes of U+E000 and above) -> '!', everything else -> 'x'. A float is
# then 'q:0...0.' or ',0...0.', and so is null. A string holding such a run (e.g. "a,1.5")
# matches too and merely takes the slow path. A literal prefix keeps the regex engine's
# candidate positions few (a character-class prefix tried every ':' and ',': ~8 µs a
# credential, against ~1.5 µs for this).
def _class_of(byte: int) -> int:
    ch = chr(byte)
    if ch in "0123456789-nu":
        return ord("0")
    if ch in ".eEl":
        return ord(".")
    if ch in "[,":
        return ord(",")
    if ch in '":':
        return ord("q") if ch == '"' else ord(":")
    return ord("!") if byte >= 0xEE else ord("x")


_JCS_CLASSES = bytes(_class_of(b) for b in range(256))
_MEMBER_NUMBER_OR_NULL = re.compile(rb"q:00*\.")
_ITEM_NUMBER_OR_NULL = re.compile(rb",00*\.")


_member_number_or_null = _MEMBER_NUMBER_OR_NULL.search
_item_number_or_null = _ITEM_NUMBER_OR_NULL.search
_JCS_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER


def _needs_reference(out: bytes) -> bool:
    """True when orjson's bytes might differ from RFC 8785's (see above)."""
    if out[0] != 0x7B and out[0] != 0x5B:  # not '{' or '[': a bare scalar (a float or NaN
        return True  # would follow no separator)
    classes = out.translate(_JCS_CLASSES)
    return (
        _member_number_or_null(classes) is not None
        or _item_number_or_null(classes) is not None
        or b"!" in classes
    )


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
        out = orjson.dumps(value, option=_JCS_OPTIONS)
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
    if _needs_reference(out):
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
    return canonical_nquads(quads, max_work=max_work).encode("utf-8")


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
