"""Property tests: any change to a signed header, payload, signature or disclosure is caught."""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

import pytest
from cred_fixtures import NOW, Issuer, carta_porte, make_issuer, own_types, resolver, sentri
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smartborder.credentials as creds
from smartborder.credentials import recipes
from smartborder.credentials.errors import SdJwtInvalid
from smartborder.credentials.primitives import jose, sdjwt
from smartborder.credentials.primitives.keys import PrivateKey
from smartborder.errors import SmartBorderError


def _dec(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _enc(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@cache
def _signed() -> tuple[Issuer, str]:
    issuer = make_issuer("P-384")
    token = recipes.issue(
        carta_porte(), key=issuer.key, verification_method=issuer.vm, now=NOW, types=own_types()
    )
    assert isinstance(token, str)
    return issuer, token


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(part=st.integers(0, 2), position=st.integers(0, 10_000), flip=st.integers(1, 255))
def test_every_byte_change_in_a_vc_jwt_fails(part: int, position: int, flip: int) -> None:
    _, token = _signed()
    parts = token.split(".")
    raw = bytearray(_dec(parts[part]))
    raw[position % len(raw)] ^= flip
    parts[part] = _enc(bytes(raw))
    # A changed kid fails at key lookup (DID errors), anything else at the JWS check.
    with pytest.raises(SmartBorderError):
        jose.verify_jwt(".".join(parts), resolve_key=recipes.key_resolver(resolver()))
    result = recipes.verify(".".join(parts), now=NOW, resolver=resolver(), types=own_types())
    assert not result.verified and result.failed_checks == ["proof"]


@cache
def _sd() -> str:
    issuer = make_issuer("P-256")
    holder = PrivateKey.generate("Ed25519")
    token = recipes.issue(
        sentri(),
        key=issuer.key,
        verification_method=issuer.vm,
        now=NOW,
        types=own_types(),
        format="dc+sd-jwt",
        disclosable=["birthDate", "givenName", "familyName"],
    )
    assert isinstance(token, str) and holder
    return token


@settings(max_examples=40, deadline=None)
@given(which=st.integers(0, 2), position=st.integers(0, 10_000), flip=st.integers(1, 255))
def test_every_byte_change_in_a_disclosure_fails(which: int, position: int, flip: int) -> None:
    parts = _sd().split("~")
    raw = bytearray(_dec(parts[1 + which]))
    raw[position % len(raw)] ^= flip
    parts[1 + which] = _enc(bytes(raw))
    with pytest.raises(SdJwtInvalid):
        sdjwt.verify(
            "~".join(parts),
            resolve_key=recipes.key_resolver(resolver()),
            now=NOW,
            require_key_binding=False,
        )


def test_public_names_of_the_securing_layer() -> None:
    for name in (
        "issue",
        "verify",
        "present",
        "verify_presentation",
        "CredentialService",
        "StatusChecker",
        "Bitstring",
        "CredentialTypes",
        "VerificationResult",
        "require_credential",
    ):
        assert name in creds.__all__ and hasattr(creds, name)


def test_deeply_nested_payloads_are_refused_with_a_clear_error() -> None:
    issuer = make_issuer()
    for depth, reason in ((200, "nested deeper"), (30_000, "not JSON")):
        body = '{"x":' * depth + "1" + "}" * depth
        head = _enc(json.dumps({"alg": "ES384", "typ": "vc+jwt", "kid": issuer.vm}).encode())
        payload = _enc(body.encode())
        sig = _enc(issuer.key.sign(f"{head}.{payload}".encode()))
        result = recipes.verify(
            f"{head}.{payload}.{sig}", now=NOW, resolver=resolver(), types=own_types()
        )
        assert not result.verified and reason in result.errors[0]


def test_deep_request_body_is_a_client_error(client_for: Any) -> None:
    cbp = client_for("cbp", org="CBP")
    body = '{"verifiableCredential":' + '{"x":' * 5000 + "1" + "}" * 5000 + "}"
    resp = cbp.post(
        "/credentials/verify", content=body, headers={"content-type": "application/json"}
    )
    assert 400 <= resp.status_code < 500


def test_deep_data_integrity_documents_are_refused_before_any_work() -> None:
    from smartborder.credentials import holder

    deep: dict[str, Any] = {"a": 1}
    for _ in range(2000):
        deep = {"x": deep}
    deep["proof"] = {"type": "DataIntegrityProof"}
    for result in (
        recipes.verify(deep, now=NOW, resolver=resolver(), types=own_types()),
        holder.verify_presentation(deep, now=NOW, resolver=resolver(), types=own_types()),
    ):
        assert not result.verified and result.failed_checks == ["proof"]
        assert "nested deeper" in result.errors[0]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=30),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=10), c, max_size=3),
    max_leaves=10,
)
_FIELDS = st.sampled_from(
    [
        "type",
        "issuer",
        "credentialSubject",
        "validFrom",
        "validUntil",
        "credentialStatus",
        "@context",
        "id",
    ]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=_FIELDS, value=_JSON)
def test_signed_but_malformed_credentials_are_reported_never_raised(field: str, value: Any) -> None:
    issuer, _ = _signed()
    doc = carta_porte()
    doc.update(issuer=issuer.did, id="urn:uuid:7")
    doc[field] = value
    token = jose.sign_jwt(doc, key=issuer.key, kid=issuer.vm)
    result = recipes.verify(token, now=NOW, resolver=resolver(), types=own_types())
    assert isinstance(result.verified, bool)
    if not result.verified:
        assert result.errors and result.failed_checks
