"""VC-JOSE (application/vc+jwt): issue → verify in ES384, ES256 and EdDSA; tampering caught."""

from __future__ import annotations

import base64
import json

import pytest
from cred_fixtures import NOW, carta_porte, make_issuer, own_types, resolver

from smartborder.credentials import recipes
from smartborder.credentials.errors import JoseInvalid
from smartborder.credentials.primitives import jose
from smartborder.credentials.primitives.keys import KeyType


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("key_type", "alg"), [("P-384", "ES384"), ("P-256", "ES256"), ("Ed25519", "EdDSA")]
)
def test_issue_then_verify_round_trip(key_type: str, alg: str) -> None:
    issuer = make_issuer(key_type)
    token = recipes.issue(
        carta_porte(), key=issuer.key, verification_method=issuer.vm, now=NOW, types=own_types()
    )
    assert isinstance(token, str)
    header = jose.read_header(token)
    assert header["alg"] == alg and header["typ"] == "vc+jwt" and header["kid"] == issuer.vm
    result = recipes.verify(token, now=NOW, resolver=resolver(), types=own_types())
    assert result.verified, result.errors
    assert result.checks[:2] == ["proof", "issuer"] and "schema" in result.checks
    assert result.credential_type == "CartaPorteCredential"
    assert result.credential is not None and result.credential["issuer"] == issuer.did


def test_enveloped_form_verifies_too() -> None:
    issuer = make_issuer()
    token = recipes.issue(
        carta_porte(), key=issuer.key, verification_method=issuer.vm, now=NOW, types=own_types()
    )
    assert isinstance(token, str)
    result = recipes.verify(
        recipes.envelope(token), now=NOW, resolver=resolver(), types=own_types()
    )
    assert result.verified


def test_a_changed_claim_breaks_the_signature() -> None:
    issuer = make_issuer()
    token = recipes.issue(
        carta_porte(), key=issuer.key, verification_method=issuer.vm, now=NOW, types=own_types()
    )
    assert isinstance(token, str)
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["credentialSubject"]["mercancias"]["pesoBrutoTotal"] = 1.0
    forged = ".".join([head, _b64(json.dumps(claims).encode()), sig])
    result = recipes.verify(forged, now=NOW, resolver=resolver(), types=own_types())
    assert not result.verified and result.failed_checks == ["proof"]
    assert "signature does not verify" in result.errors[0]


def test_alg_none_and_unknown_algorithms_are_refused_before_any_key_lookup() -> None:
    claims = _b64(b'{"a":1}')
    for alg in ("none", "HS256", "RS256"):
        header = _b64(json.dumps({"alg": alg, "typ": "vc+jwt", "kid": "did:key:x#y"}).encode())
        with pytest.raises(JoseInvalid, match="refused"):
            jose.verify_jwt(f"{header}.{claims}.", resolve_key=lambda kid: pytest.fail("looked up"))


def test_signed_by_another_key_than_kid_fails() -> None:
    issuer, other = make_issuer(), make_issuer()
    token = jose.sign_jwt({"a": 1}, key=other.key, kid=issuer.vm)
    with pytest.raises(JoseInvalid):
        jose.verify_jwt(token, resolve_key=recipes.key_resolver(resolver()))


def test_issuer_must_control_the_signing_key() -> None:
    issuer, other = make_issuer(), make_issuer()
    cred = carta_porte()
    cred["issuer"] = other.did
    token = jose.sign_jwt({**cred, "id": "urn:uuid:1"}, key=issuer.key, kid=issuer.vm)
    result = recipes.verify(token, now=NOW, resolver=resolver(), types=own_types())
    assert "issuer" in result.failed_checks


def test_expired_credential_is_detected_with_now() -> None:
    issuer = make_issuer(KeyType.ED25519)
    token = recipes.issue(
        carta_porte(), key=issuer.key, verification_method=issuer.vm, now=NOW, types=own_types()
    )
    later = NOW.replace(year=2027)
    result = recipes.verify(token, now=later, resolver=resolver(), types=own_types())
    assert not result.verified and result.failed_checks == ["validity"]
    assert "expired" in result.errors[0]
    earlier = NOW.replace(year=2025)
    assert (
        "validity"
        in recipes.verify(token, now=earlier, resolver=resolver(), types=own_types()).failed_checks
    )


def test_oversize_jwt_is_refused_before_parsing() -> None:
    with pytest.raises(JoseInvalid, match="at most"):
        jose.read_header("a" * (jose.MAX_JWT_BYTES + 1))
