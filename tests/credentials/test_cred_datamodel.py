"""VC Data Model 2.0 conformance: each rule broken is reported with where and why."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.credentials.datamodel import (
    problems_of_credential,
    problems_of_presentation,
    require_credential,
)
from smartborder.credentials.errors import CredentialNonConforming


def good() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/traceability/v1"],
        "id": "urn:uuid:6a0a8e4e-8a56-4b36-9f0a-0d6c5f7c1c11",
        "type": ["VerifiableCredential", "CTPATCertificate"],
        "issuer": {"id": "did:web:cbp.example", "name": "CBP"},
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00-06:00",
        "credentialSubject": {"id": "did:web:carrier.example", "tier": "Certified"},
    }


def codes(doc: Any) -> set[tuple[str, str]]:
    return {
        (p.pointer, p.code.removeprefix("credentials.dm.")) for p in problems_of_credential(doc)
    }


def test_a_conforming_credential_has_no_problems() -> None:
    assert problems_of_credential(good()) == []
    assert require_credential(good())["issuer"]["id"] == "did:web:cbp.example"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("@context"), ("/@context", "context_missing")),
        (
            lambda d: d.__setitem__(
                "@context",
                ["https://w3id.org/traceability/v1", "https://www.w3.org/ns/credentials/v2"],
            ),
            ("/@context/0", "context_order"),
        ),
        (
            lambda d: d.__setitem__("@context", ["https://www.w3.org/2018/credentials/v1"]),
            ("/@context/0", "context_order"),
        ),
        (lambda d: d.__setitem__("type", ["CTPATCertificate"]), ("/type", "type_missing")),
        (lambda d: d.__setitem__("id", "not a url"), ("/id", "not_url")),
        (lambda d: d.__setitem__("issuer", "CBP"), ("/issuer", "not_url")),
        (lambda d: d.__setitem__("issuer", {"name": "CBP"}), ("/issuer/id", "not_url")),
        (lambda d: d.pop("issuer"), ("/issuer", "issuer_missing")),
        (lambda d: d.pop("credentialSubject"), ("/credentialSubject", "subject_missing")),
        (lambda d: d.__setitem__("credentialSubject", []), ("/credentialSubject", "subject_empty")),
        (
            lambda d: d["credentialSubject"].__setitem__("id", "carrier 7"),
            ("/credentialSubject/id", "not_url"),
        ),
        (lambda d: d.__setitem__("validFrom", "2026-01-01T00:00:00"), ("/validFrom", "datetime")),
        (
            lambda d: d.__setitem__("validUntil", "2025-01-01T00:00:00Z"),
            ("/validUntil", "validity_order"),
        ),
        (
            lambda d: d.__setitem__("issuanceDate", "2026-01-01T00:00:00Z"),
            ("/issuanceDate", "vc11_property"),
        ),
        (
            lambda d: d.__setitem__("credentialStatus", {"id": "https://x.example/1#3"}),
            ("/credentialStatus/type", "type_missing"),
        ),
        (
            lambda d: d.__setitem__("credentialSchema", {"type": "JsonSchema"}),
            ("/credentialSchema/id", "not_url"),
        ),
    ],
)
def test_each_broken_rule_is_named_with_its_pointer(mutate: Any, expected: tuple[str, str]) -> None:
    doc = good()
    mutate(doc)
    assert expected in codes(doc)
    with pytest.raises(CredentialNonConforming) as info:
        require_credential(doc)
    assert info.value.problems and info.value.message.es


def test_presentation_reports_problems_inside_its_credentials() -> None:
    bad = good()
    bad["issuer"] = "nobody"
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:web:carrier.example",
        "verifiableCredential": [good(), bad],
    }
    pointers = [p.pointer for p in problems_of_presentation(vp)]
    assert pointers == ["/verifiableCredential/1/issuer"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "@context",
    "type",
    "id",
    "issuer",
    "credentialSubject",
    "validFrom",
    "validUntil",
    "credentialStatus",
    "credentialSchema",
    "evidence",
    "termsOfUse",
    "issuanceDate",
]


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), value=JSON)
def test_any_value_in_any_field_gives_problems_never_a_crash(field: str, value: Any) -> None:
    doc = good()
    doc[field] = value
    problems = problems_of_credential(doc)
    assert all(p.pointer.startswith("/") and p.message.en and p.message.es for p in problems)
    vp = {"@context": value, "type": value, "holder": value, "verifiableCredential": [doc, value]}
    assert isinstance(problems_of_presentation(vp), list)
