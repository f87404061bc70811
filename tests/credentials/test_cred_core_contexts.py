"""Offline JSON-LD: only local contexts, pinned where the spec publishes a hash, and unknown
contexts or undefined terms refused with clear bilingual errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import shared_path
from smartborder.credentials import ContextStore
from smartborder.credentials.errors import (
    ContextTampered,
    ContextUnknown,
    DocumentTooLarge,
    JsonLdInvalid,
)
from smartborder.credentials.primitives import check_limits, to_quads
from smartborder.credentials.primitives.contexts import CREDENTIALS_V2, PINNED_SHA256


@pytest.fixture(scope="module")
def contexts() -> ContextStore:
    return ContextStore([shared_path("conformance")])


def _credential(*contexts: str) -> dict[str, object]:
    return {
        "@context": [CREDENTIALS_V2, *contexts],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:smartborder.example",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:carrier", "name": "Transportes del Norte"},
    }


def test_store_serves_w3c_and_traceability_contexts(contexts: ContextStore) -> None:
    for url in (
        CREDENTIALS_V2,
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
        "https://w3id.org/security/jwk/v1",
        "https://www.w3.org/ns/credentials/status/v1",
        "https://www.w3.org/ns/credentials/examples/v2",
        "https://www.w3.org/ns/credentials/undefined-terms/v2",
        "https://w3id.org/vc/status-list/2021/v1",
        "https://ref.gs1.org/gs1/vc/license-context/",
    ):
        assert "@context" in contexts.get(url), url


def test_unknown_context_is_refused_in_both_languages(contexts: ContextStore) -> None:
    doc = _credential("https://evil.example/context.jsonld")
    with pytest.raises(ContextUnknown) as info:
        to_quads(doc, contexts=contexts)
    err = info.value
    assert err.code == "credentials.context.unknown"
    assert "https://evil.example/context.jsonld" in err.message.en
    assert "desconocido" in err.message.es and "red" in err.message.es
    assert err.extra["context"] == "https://evil.example/context.jsonld"


def test_empty_store_refuses_even_the_base_context() -> None:
    with pytest.raises(ContextUnknown):
        to_quads(_credential(), contexts=ContextStore(None))


def test_pinned_context_with_wrong_hash_is_refused(tmp_path: Path) -> None:
    original = shared_path("conformance", "contexts", "credentials-v2.jsonld").read_bytes()
    (tmp_path / "credentials-v2.jsonld").write_bytes(
        original.replace(b"schema.org/name", b"evil.example/name")
    )
    store = ContextStore([tmp_path])
    with pytest.raises(ContextTampered) as info:
        store.get(CREDENTIALS_V2)
    assert PINNED_SHA256[CREDENTIALS_V2] in info.value.message.en
    # The shipped file matches the digest the VC 2.0 Recommendation publishes.
    assert "@context" in ContextStore([shared_path("conformance", "contexts")]).get(CREDENTIALS_V2)


def test_index_file_and_registered_contexts_extend_the_store(tmp_path: Path) -> None:
    (tmp_path / "mine.jsonld").write_text(
        json.dumps({"@context": {"cargo": "https://smartborder.example/v#cargo"}})
    )
    (tmp_path / "contexts.json").write_text(
        json.dumps({"https://smartborder.example/ctx/v1": "mine.jsonld"})
    )
    store = ContextStore([tmp_path], extra={"https://smartborder.example/ctx/v2": {"@context": {}}})
    assert "https://smartborder.example/ctx/v1" in store.urls
    assert store.get("https://smartborder.example/ctx/v2") == {"@context": {}}


def test_undefined_term_is_an_error_not_silently_dropped(contexts: ContextStore) -> None:
    doc = _credential()
    doc["credentialSubject"] = {"id": "did:example:carrier", "hsCode": "870423"}
    with pytest.raises(JsonLdInvalid) as info:
        to_quads(doc, contexts=contexts)
    assert info.value.code == "credentials.jsonld.undefined_term"
    assert "hsCode" in info.value.message.en
    # With the examples context (@vocab) the same term is defined and kept.
    doc["@context"] = [CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2"]
    quads = to_quads(doc, contexts=contexts)
    assert any("hsCode" in q[1] for q in quads)


def test_deep_and_huge_documents_are_refused_before_parsing() -> None:
    deep: dict[str, object] = {}
    cur = deep
    for _ in range(100):
        nxt: dict[str, object] = {}
        cur["a"] = nxt
        cur = nxt
    with pytest.raises(DocumentTooLarge) as info:
        check_limits(deep)
    assert info.value.code == "credentials.document.too_large"
    with pytest.raises(DocumentTooLarge):
        check_limits({"items": list(range(50_000))})
