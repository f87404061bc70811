"""Credential types: Traceability Vocabulary schemas loaded at run time, and SmartBorder's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cred_fixtures import NOW, carta_porte, make_issuer, own_types, resolver, sentri

from conftest import shared_path
from smartborder.credentials import recipes
from smartborder.credentials.datamodel import parse_datetime
from smartborder.credentials.errors import (
    CredentialNonConforming,
    CredentialTypeUnknown,
    SchemaViolation,
)
from smartborder.credentials.primitives import jose
from smartborder.credentials.types import CORRIDOR_VOCAB_TYPES, OWN_TYPES, CredentialTypes


@pytest.fixture(scope="module")
def vocab() -> CredentialTypes:
    return CredentialTypes(vocab_dir=shared_path("conformance", "traceability-vocab"))


def test_corridor_types_come_from_the_vocabulary_and_their_examples_validate(
    vocab: CredentialTypes,
) -> None:
    for name in CORRIDOR_VOCAB_TYPES:
        assert vocab.is_vocabulary(name)
        example = vocab.example(name)
        assert vocab.credential_problems(name, example) == [], name
        assert vocab.subject_problems(name, example["credentialSubject"]) == [], name


def test_every_vocabulary_example_validates(vocab: CredentialTypes) -> None:
    names = [n for n in vocab.names() if vocab.is_vocabulary(n)]
    assert len(names) >= 80
    failures = {n: vocab.credential_problems(n, vocab.example(n)) for n in names}
    assert {n: p for n, p in failures.items() if p} == {}


def test_vocabulary_subject_violation_names_the_place(vocab: CredentialTypes) -> None:
    example = vocab.example("CTPATCertificate")
    example["credentialSubject"]["tier"] = 3  # a string in the schema
    problems = vocab.subject_problems("CTPATCertificate", example["credentialSubject"])
    assert {p.pointer for p in problems} == {"/credentialSubject/tier"}


def test_own_schemas_ship_in_the_package() -> None:
    types = own_types()
    assert set(OWN_TYPES) <= set(types.names())
    assert not types.is_vocabulary("CartaPorteCredential")


def test_vocabulary_type_without_the_directory_is_a_clear_error() -> None:
    cred = {"type": ["VerifiableCredential", "CTPATCertificate"], "credentialSubject": {}}
    with pytest.raises(CredentialTypeUnknown, match="TRACEABILITY_VOCAB_DIR"):
        own_types().require_subject(cred)


def test_schema_violation_refused_on_issue() -> None:
    issuer = make_issuer()
    bad = carta_porte(idCCP="not-a-folio")
    with pytest.raises(SchemaViolation) as info:
        recipes.issue(
            bad, key=issuer.key, verification_method=issuer.vm, now=NOW, types=own_types()
        )
    assert info.value.problems[0].pointer == "/credentialSubject/idCCP"
    with pytest.raises(SchemaViolation):
        recipes.issue(
            sentri(program="GLOBAL ENTRY"),
            key=issuer.key,
            verification_method=issuer.vm,
            now=NOW,
            types=own_types(),
        )


def test_schema_violation_caught_on_verify() -> None:
    issuer = make_issuer()
    doc = carta_porte(transpInternac="Maybe")
    doc.update(issuer=issuer.did, id="urn:uuid:0b3c")
    token = jose.sign_jwt(doc, key=issuer.key, kid=issuer.vm)  # signed around the recipe's checks
    result = recipes.verify(token, now=NOW, resolver=resolver(), types=own_types())
    assert (
        result.failed_checks == ["schema"]
        and "/credentialSubject/transpInternac" in result.errors[0]
    )


def test_nonconforming_credential_refused_before_signing() -> None:
    issuer = make_issuer()
    doc = carta_porte()
    doc["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    with pytest.raises(CredentialNonConforming, match="first @context"):
        recipes.issue(
            doc, key=issuer.key, verification_method=issuer.vm, now=NOW, types=own_types()
        )


def test_vocabulary_credential_issues_and_verifies(vocab: CredentialTypes) -> None:
    issuer = make_issuer()
    cred = vocab.example("USMCACertificationOfOrigin")
    cred.pop("id", None)
    cred["issuer"] = {**cred["issuer"], "id": issuer.did}
    during = parse_datetime(cred["validFrom"]) + timedelta(days=1)
    token = recipes.issue(
        cred, key=issuer.key, verification_method=issuer.vm, now=during, types=vocab
    )
    result = recipes.verify(token, now=during, resolver=resolver(), types=vocab)
    assert result.verified, result.errors
    assert result.credential_type == "USMCACertificationOfOrigin"
