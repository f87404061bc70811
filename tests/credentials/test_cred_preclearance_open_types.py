"""The open issuer profile does not open the border: a credential of a type the trust registry
does not accredit verifies as a credential, yet the pre-clearance credentials stage still
refuses to count it (the border's policy lives in the registry and the pipeline)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from precl_fixtures import World, make_world, usmca_truck

from conftest import shared_path
from smartborder.credentials import recipes
from smartborder.credentials.primitives.keys import KeyType
from smartborder.preclearance import Outcome

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(
        tmp_path_factory.mktemp("precl-open"),
        shared_path("conformance", "traceability-vocab"),
        shared_path("conformance", "contexts"),
        now=NOW,
    )


def _open_credential(world: World, org: str, truck: dict[str, Any]) -> Any:
    """A well-formed credential of a type no schema (and no accreditation) covers, about the
    truck's carrier, signed by ``org``'s own key under the open profile."""
    vm, key = world.svc.identities.signer(org, KeyType.P384)
    return recipes.issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "ExampleCredential"],
            "credentialSubject": {"carrier": truck["carrier"]["name"], "scac": truck.get("scac")},
        },
        key=key,
        verification_method=vm,
        now=NOW,
        types=world.svc.types,
        open_types=True,
    )


def test_unaccredited_open_type_verifies_but_is_refused_by_the_stage(world: World) -> None:
    truck = usmca_truck(NOW)
    token = _open_credential(world, "carrier", truck)
    alone = recipes.verify(token, now=NOW, resolver=world.svc.resolver, types=world.svc.types)
    assert alone.verified and alone.credential_type == "ExampleCredential", alone.errors
    decision = world.pipeline.decide({**truck, "presentations": [token]}, now=NOW)
    assert decision.outcome is not Outcome.RELEASE, decision.codes
    untrusted = [r for r in decision.reasons if r.code == "credentials.check.untrusted"]
    assert untrusted and "ExampleCredential" in untrusted[0].message_en, decision.codes
    assert untrusted[0].outcome is not Outcome.RELEASE
