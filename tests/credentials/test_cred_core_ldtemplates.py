"""Compiled JSON-LD templates give exactly pyld's RDF, for the W3C documents and for
documents of the same shape with other (including tricky) values."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import shared_path
from smartborder.credentials import ContextStore
from smartborder.credentials.errors import CredentialsError
from smartborder.credentials.primitives import to_quads
from smartborder.credentials.primitives.ldtemplates import templates_for

TRICKY = [
    "ex:foo",
    "schema:name",
    "_:b0",
    "relative/path",
    "#fragment",
    "@id",
    "@type",
    "has space:x",
    "urn:uuid:1",
    "https://example.com/a b",
    "did:web:example.com",
    "assertionMethod",
    "authentication",
    "VerifiableCredential",
    "2025-01-01T00:00:00Z",
    'quote " and \\ backslash',
    "line\nbreak",
    "ñandú ∞ 🌃",
    "",
]


@pytest.fixture(scope="module")
def contexts() -> ContextStore:
    return ContextStore([shared_path("conformance")])


def _documents() -> list[Path]:
    roots = [shared_path("conformance", "vc-di-eddsa"), shared_path("conformance", "vc-di-ecdsa")]
    return sorted(p for r in roots for p in r.rglob("*.json"))


def _both(doc: dict[str, Any], contexts: ContextStore) -> tuple[Any, Any]:
    def run(compiled: bool) -> Any:
        try:
            return sorted(set(to_quads(doc, contexts=contexts, compiled=compiled)))
        except CredentialsError as exc:
            return exc.code

    return run(False), run(True)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [
            p
            for k, v in value.items()
            if k not in ("@context", "type")
            for p in _leaves(v, (*path, k))
        ]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def test_w3c_documents_same_rdf_both_ways(contexts: ContextStore) -> None:
    checked = 0
    for path in _documents():
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "@context" not in doc:
            continue
        for _ in range(2):  # the second time comes from the template
            expected, got = _both(doc, contexts)
            assert got == expected, path
        checked += 1
    assert checked >= 10
    assert templates_for(contexts).hits > 0


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_same_shape_other_values_same_rdf(data: st.DataObject, contexts: ContextStore) -> None:
    name = data.draw(
        st.sampled_from(["signedProofChain2.json", "signedProofSet2.json", "unsigned.json"])
    )
    folder = "proof-set-chain" if name != "unsigned.json" else ""
    path = shared_path(
        "conformance", "vc-di-eddsa", "TestVectors", *([folder] if folder else []), name
    )
    base = json.loads(path.read_text(encoding="utf-8"))
    base.setdefault("credentialSubject", {})["items"] = [
        {"hsCode": "870421", "quantity": 4, "price": {"value": "18250.00", "currency": "USD"}},
        {"hsCode": "401120", "quantity": 48, "price": {"value": "212.75", "currency": "USD"}},
    ]
    to_quads(base, contexts=contexts)  # builds the template for this shape
    doc = copy.deepcopy(base)
    for path in data.draw(st.lists(st.sampled_from(_leaves(base)), min_size=1, max_size=6)):
        value = data.draw(
            st.one_of(st.sampled_from(TRICKY), st.text(max_size=8), st.integers(-5, 10**6))
        )
        _set(doc, path, value)
    expected, got = _both(doc, contexts)
    assert got == expected


def test_templates_serve_documents_of_a_known_shape(contexts: ContextStore) -> None:
    store = ContextStore([shared_path("conformance")])
    doc = json.loads(
        shared_path("conformance", "vc-di-eddsa", "TestVectors", "unsigned.json").read_text(
            encoding="utf-8"
        )
    )
    to_quads(doc, contexts=store)
    for i in range(5):
        other = copy.deepcopy(doc)
        other["id"] = f"urn:uuid:{i}"
        other["credentialSubject"]["alumniOf"] = f"School {i}"
        assert sorted(to_quads(other, contexts=store)) == sorted(
            to_quads(other, contexts=store, compiled=False)
        )
    assert templates_for(store).hits >= 5
    assert templates_for(store).misses == 1


def test_values_json_ld_would_expand_never_reuse_a_template(tmp_path: Path) -> None:
    ctx_url = "https://contexts.example/test/v1"
    context = {
        "@context": {
            "@vocab": "https://ex.example/#",
            "id": "@id",
            "rel": {"@id": "https://ex.example/#rel", "@type": "@vocab"},
            "link": {"@id": "https://ex.example/#link", "@type": "@id"},
            "dc": "http://purl.org/dc/terms/",
            "ex2": "https://ex2.example/",
            "Thing": "https://ex.example/#Thing",
        }
    }
    store = ContextStore([tmp_path], extra={ctx_url: context})
    base = {
        "@context": ctx_url,
        "id": "urn:x:1",
        "rel": "https://a.example/x",
        "link": "https://b.example/y",
        "name": "n",
    }
    to_quads(base, contexts=store)
    for rel, link in [
        ("dc:title", "https://b.example/z"),  # a compact IRI under @vocab
        ("Thing", "ex2:foo"),  # a term, and a compact IRI under @id
        ("ex2:bar", "urn:x:2"),
        ("urn:other:1", "relative"),
    ]:
        doc = {**base, "rel": rel, "link": link}
        assert sorted(set(to_quads(doc, contexts=store))) == sorted(
            set(to_quads(doc, contexts=store, compiled=False))
        ), (rel, link)
