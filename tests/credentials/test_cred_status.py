"""Bitstring Status List v1.0: encoding, revocation and suspension, cache with a time-to-live."""

from __future__ import annotations

import base64
import gzip
from datetime import timedelta
from typing import Any

import pytest
from cred_fixtures import NOW, carta_porte, make_issuer, own_types, resolver

from smartborder.credentials import recipes
from smartborder.credentials.errors import StatusListInvalid
from smartborder.credentials.primitives import jose
from smartborder.credentials.status import (
    MIN_LIST_SIZE,
    Bitstring,
    StatusChecker,
    StatusPurpose,
    status_entry,
    status_list_credential,
)

LIST = "https://node.example/credentials/status-lists/acme-revocation"
SUSP = "https://node.example/credentials/status-lists/acme-suspension"


def test_index_zero_is_the_leftmost_bit_and_the_list_round_trips() -> None:
    bits = Bitstring()
    bits.set(0, True)
    bits.set(MIN_LIST_SIZE - 1, True)
    raw = gzip.decompress(base64.urlsafe_b64decode(bits.encode()[1:] + "=="))
    assert raw[0] == 0x80 and raw[-1] == 0x01 and len(raw) == MIN_LIST_SIZE // 8
    back = Bitstring.decode(bits.encode())
    assert back.get(0) and back.get(MIN_LIST_SIZE - 1) and not back.get(1)


def test_short_lists_and_gzip_bombs_are_refused() -> None:
    short = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(1024))).decode().rstrip("=")
    with pytest.raises(StatusListInvalid, match="minimum"):
        Bitstring.decode(short)
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(64 * 1024 * 1024))).decode().rstrip(
        "="
    )
    with pytest.raises(StatusListInvalid, match="larger than"):
        Bitstring.decode(bomb)
    with pytest.raises(StatusListInvalid, match="outside"):
        Bitstring().get(MIN_LIST_SIZE)


class Publisher:
    """An issuer publishing its two lists as signed vc+jwt, counting fetches."""

    def __init__(self) -> None:
        self.issuer = make_issuer()
        self.lists = {LIST: Bitstring(), SUSP: Bitstring()}
        self.fetched = 0

    def fetch(self, url: str) -> str:
        self.fetched += 1
        purpose = StatusPurpose.REVOCATION if url == LIST else StatusPurpose.SUSPENSION
        doc = status_list_credential(
            self.lists[url], list_url=url, issuer=self.issuer.did, purpose=purpose, valid_from=NOW
        )
        return jose.sign_jwt(doc, key=self.issuer.key, kid=self.issuer.vm)

    def issue(self, index: int) -> str:
        cred = carta_porte()
        cred["credentialStatus"] = [
            status_entry(LIST, index, StatusPurpose.REVOCATION),
            status_entry(SUSP, index, StatusPurpose.SUSPENSION),
        ]
        token = recipes.issue(
            cred,
            key=self.issuer.key,
            verification_method=self.issuer.vm,
            now=NOW,
            types=own_types(),
        )
        assert isinstance(token, str)
        return token


def _verify_list(raw: Any, now: Any) -> dict[str, Any]:
    result = recipes.verify(raw, now=now, resolver=resolver(), types=own_types())
    assert result.verified, result.errors
    assert result.credential is not None
    return result.credential


def test_revoked_and_suspended_credentials_are_detected() -> None:
    pub = Publisher()
    checker = StatusChecker(pub.fetch, verify_list=_verify_list, ttl_s=0.001)
    good, revoked, suspended = pub.issue(7), pub.issue(94567), pub.issue(131071)
    pub.lists[LIST].set(94567, True)
    pub.lists[SUSP].set(131071, True)
    ok = recipes.verify(good, now=NOW, resolver=resolver(), types=own_types(), status=checker)
    assert ok.verified and "status" in ok.checks
    r = recipes.verify(
        revoked,
        now=NOW + timedelta(seconds=1),
        resolver=resolver(),
        types=own_types(),
        status=checker,
    )
    assert r.failed_checks == ["status"] and "revoked" in r.errors[0]
    s = recipes.verify(
        suspended,
        now=NOW + timedelta(seconds=2),
        resolver=resolver(),
        types=own_types(),
        status=checker,
    )
    assert s.failed_checks == ["status"] and "suspended" in s.errors[0]
    # Suspension is reversible.
    pub.lists[SUSP].set(131071, False)
    again = recipes.verify(
        suspended,
        now=NOW + timedelta(seconds=3),
        resolver=resolver(),
        types=own_types(),
        status=checker,
    )
    assert again.verified


def test_lists_are_cached_for_their_time_to_live() -> None:
    pub = Publisher()
    checker = StatusChecker(pub.fetch, verify_list=_verify_list, ttl_s=60)
    token = pub.issue(3)
    for s in range(0, 50, 10):
        assert recipes.verify(
            token,
            now=NOW + timedelta(seconds=s),
            resolver=resolver(),
            types=own_types(),
            status=checker,
        ).verified
    assert pub.fetched == 2  # one per list, within the TTL
    pub.lists[LIST].set(3, True)
    stale = recipes.verify(
        token,
        now=NOW + timedelta(seconds=59),
        resolver=resolver(),
        types=own_types(),
        status=checker,
    )
    assert stale.verified  # still cached: the TTL is the freshness the verifier accepted
    fresh = recipes.verify(
        token,
        now=NOW + timedelta(seconds=61),
        resolver=resolver(),
        types=own_types(),
        status=checker,
    )
    assert "revoked" in fresh.errors[0] and pub.fetched == 4


def test_a_list_published_by_someone_else_is_not_trusted() -> None:
    pub, mallory = Publisher(), Publisher()
    checker = StatusChecker(mallory.fetch, verify_list=_verify_list)
    result = recipes.verify(
        pub.issue(5), now=NOW, resolver=resolver(), types=own_types(), status=checker
    )
    assert result.failed_checks == ["status"] and "not published by the issuer" in result.errors[0]


def test_unreachable_list_fails_closed() -> None:
    def down(url: str) -> str:
        raise OSError("connection refused")

    pub = Publisher()
    result = recipes.verify(
        pub.issue(5),
        now=NOW,
        resolver=resolver(),
        types=own_types(),
        status=StatusChecker(down, verify_list=_verify_list),
    )
    assert not result.verified and "could not be fetched" in result.errors[0]


def test_unchecked_status_is_a_warning() -> None:
    result = recipes.verify(Publisher().issue(1), now=NOW, resolver=resolver(), types=own_types())
    assert result.verified and result.warnings


def test_a_background_refresh_renews_cached_lists_and_keeps_them_when_the_source_fails() -> None:
    pub = Publisher()
    checker = StatusChecker(pub.fetch, verify_list=_verify_list, ttl_s=60)
    token = pub.issue(3)

    def check(at_s: int) -> Any:
        at = NOW + timedelta(seconds=at_s)
        return recipes.verify(token, now=at, resolver=resolver(), types=own_types(), status=checker)

    assert check(0).verified and pub.fetched == 2
    pub.lists[LIST].set(3, True)
    assert checker.refresh(NOW + timedelta(seconds=30)) == 2  # what a refresher thread does
    assert pub.fetched == 4
    revoked = check(80)  # 80 s after the first read, 50 s after the refresh: no fetch of its own
    assert "revoked" in revoked.errors[0] and pub.fetched == 4

    def down(url: str) -> str:
        raise OSError("connection refused")

    checker._fetch = down
    assert checker.refresh(NOW + timedelta(seconds=85)) == 0
    assert "revoked" in check(85).errors[0]  # the entry from the last good read still serves
