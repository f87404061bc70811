"""W3C RDF Dataset Canonicalization (RDFC-1.0) test suite, every entry of its manifest.

Eval tests compare canonical N-Quads byte for byte, map tests compare the issued blank node
identifiers, and the negative test (a 10-node blank node clique) must stop with
``credentials.rdfc.poisoned`` within the default work bound.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED, shared_path
from smartborder.credentials.errors import RdfcPoisoned
from smartborder.credentials.primitives.rdfc import canonicalize, parse_nquads

_MANIFEST = SHARED / "conformance" / "rdf-canon" / "tests" / "manifest.jsonld"


def _entries() -> list[Any]:
    if not _MANIFEST.exists():
        return [pytest.param(None, id="suite-absent")]
    entries = json.loads(_MANIFEST.read_text(encoding="utf-8"))["entries"]
    return [pytest.param(e, id=e["id"].lstrip("#")) for e in entries]


def _hash_name(entry: dict[str, Any]) -> str:
    return str(entry.get("hashAlgorithm") or "SHA256").lower()


@pytest.mark.parametrize("entry", _entries())
def test_rdfc10_manifest_entry(entry: dict[str, Any] | None) -> None:
    root: Path = shared_path("conformance", "rdf-canon", "tests")
    assert entry is not None
    quads = parse_nquads((root / entry["action"]).read_text(encoding="utf-8"))
    kind = entry["type"]
    if kind == "rdfc:RDFC10NegativeEvalTest":
        started = time.process_time()
        with pytest.raises(RdfcPoisoned) as info:
            canonicalize(quads, hash_algorithm=_hash_name(entry))
        assert info.value.code == "credentials.rdfc.poisoned"
        assert "poisoned" in info.value.message.en and "envenenado" in info.value.message.es
        # The bound is on steps, not time; this only guards against the bound being lost.
        assert time.process_time() - started < 20
        return
    result = canonicalize(quads, hash_algorithm=_hash_name(entry))
    expected = (root / entry["result"]).read_text(encoding="utf-8")
    if kind == "rdfc:RDFC10EvalTest":
        assert result.nquads == expected
    elif kind == "rdfc:RDFC10MapTest":
        assert result.issued == json.loads(expected)
    else:
        pytest.fail(f"unknown test type {kind}")


def test_suite_has_every_kind_of_test() -> None:
    shared_path("conformance", "rdf-canon", "tests", "manifest.jsonld")
    kinds = {e.values[0]["type"] for e in _entries()}
    assert kinds == {
        "rdfc:RDFC10EvalTest",
        "rdfc:RDFC10MapTest",
        "rdfc:RDFC10NegativeEvalTest",
    }
