"""SD-JWT VC: a traveler shows "SENTRI member" without the date of birth; bindings hold."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cred_fixtures import NOW, make_issuer, own_types, resolver, sentri

from smartborder.credentials import recipes
from smartborder.credentials.errors import SdJwtInvalid
from smartborder.credentials.primitives import sdjwt
from smartborder.credentials.primitives.keys import PrivateKey

PRIVATE = ["birthDate", "givenName", "familyName", "passId", "nationality"]


def _issue(holder: PrivateKey) -> str:
    issuer = make_issuer()
    token = recipes.issue(
        sentri(),
        key=issuer.key,
        verification_method=issuer.vm,
        now=NOW,
        types=own_types(),
        format="dc+sd-jwt",
        disclosable=PRIVATE,
        holder=holder.public,
    )
    assert isinstance(token, str)
    return token


def test_membership_shown_without_date_of_birth() -> None:
    holder = PrivateKey.generate("Ed25519")
    issued = _issue(holder)
    # The signed part alone never carries the private claims in clear.
    assert "1985-03-14" not in base64.urlsafe_b64decode(issued.split(".")[1] + "==").decode(
        "utf-8", "replace"
    )
    shown = sdjwt.present(
        issued,
        disclose=[],
        holder_key=holder,
        audience="https://cbp.example",
        nonce="n-42",
        now=NOW,
    )
    assert "1985-03-14" not in "".join(
        base64.urlsafe_b64decode(d + "==").decode() for d in shown.split("~")[1:-1]
    )
    result = recipes.verify(
        shown,
        now=NOW,
        resolver=resolver(),
        types=own_types(),
        audience="https://cbp.example",
        nonce="n-42",
    )
    assert result.verified, result.errors
    assert result.credential is not None
    subject = result.credential["credentialSubject"]
    assert subject["program"] == "SENTRI" and subject["membershipStatus"] == "active"
    assert "birthDate" not in subject and "givenName" not in subject
    assert result.disclosed == [] and "key_binding" in result.checks


def test_holder_may_choose_to_show_the_name() -> None:
    holder = PrivateKey.generate("P-256")
    shown = sdjwt.present(
        _issue(holder), disclose=["givenName"], holder_key=holder, audience="a", nonce="n", now=NOW
    )
    result = recipes.verify(
        shown, now=NOW, resolver=resolver(), types=own_types(), audience="a", nonce="n"
    )
    assert result.verified and result.disclosed == ["givenName"]
    assert (
        result.credential is not None
        and result.credential["credentialSubject"]["givenName"] == "Ana"
    )


def test_forged_disclosure_is_refused() -> None:
    holder = PrivateKey.generate("Ed25519")
    shown = sdjwt.present(_issue(holder), disclose=[], holder_key=None, now=NOW)
    fake = (
        base64.urlsafe_b64encode(json.dumps(["salt", "birthDate", "2001-01-01"]).encode())
        .rstrip(b"=")
        .decode()
    )
    forged = shown[:-1] + "~" + fake + "~"
    with pytest.raises(SdJwtInvalid, match="not referenced"):
        sdjwt.verify(
            forged, resolve_key=recipes.key_resolver(resolver()), now=NOW, require_key_binding=False
        )


@pytest.mark.parametrize(
    ("aud", "nonce", "age_s", "match"),
    [
        ("https://other.example", "n", 0, "audience"),
        ("a", "replayed", 0, "nonce"),
        ("a", "n", 3600, "last 300 s"),
    ],
)
def test_key_binding_checks_audience_nonce_and_age(
    aud: str, nonce: str, age_s: int, match: str
) -> None:
    holder = PrivateKey.generate("Ed25519")
    shown = sdjwt.present(
        _issue(holder),
        disclose=[],
        holder_key=holder,
        audience=aud,
        nonce=nonce,
        now=NOW - timedelta(seconds=age_s),
    )
    result = recipes.verify(
        shown, now=NOW, resolver=resolver(), types=own_types(), audience="a", nonce="n"
    )
    assert not result.verified and result.failed_checks == ["proof"]
    assert match in result.errors[0]


def test_presentation_signed_by_someone_else_than_the_holder_fails() -> None:
    holder, thief = PrivateKey.generate("Ed25519"), PrivateKey.generate("Ed25519")
    shown = sdjwt.present(
        _issue(holder), disclose=[], holder_key=thief, audience="a", nonce="n", now=NOW
    )
    result = recipes.verify(
        shown, now=NOW, resolver=resolver(), types=own_types(), audience="a", nonce="n"
    )
    assert not result.verified and "key-binding" in result.errors[0]


def test_missing_key_binding_is_refused_when_the_credential_is_bound() -> None:
    holder = PrivateKey.generate("Ed25519")
    shown = sdjwt.present(_issue(holder), disclose=[], now=NOW)
    result = recipes.verify(shown, now=NOW, resolver=resolver(), types=own_types())
    assert not result.verified and "key-binding" in result.errors[0]


def test_birth_date_may_not_be_made_non_disclosable_claims_like_iss() -> None:
    issuer = make_issuer()
    with pytest.raises(SdJwtInvalid, match="may not be selectively disclosable"):
        sdjwt.issue(
            {"iss": issuer.did, "vct": "x"}, key=issuer.key, kid=issuer.vm, disclosable=["iss"]
        )


def test_expired_sd_jwt_is_detected() -> None:
    holder = PrivateKey.generate("Ed25519")
    later = NOW.replace(year=2031)
    shown = sdjwt.present(
        _issue(holder), disclose=[], holder_key=holder, audience="a", nonce="n", now=later
    )
    result = recipes.verify(
        shown, now=later, resolver=resolver(), types=own_types(), audience="a", nonce="n"
    )
    assert result.failed_checks == ["validity"]
