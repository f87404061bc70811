"""Multibase base58btc decoding gives the ``base58`` package's bytes, keeps leading zero
bytes and refuses what is not base58."""

from __future__ import annotations

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.credentials.errors import MultibaseInvalid
from smartborder.credentials.primitives.multibase import decode_base58btc, encode_base58btc


@settings(max_examples=300, deadline=None)
@given(data=st.binary(min_size=1, max_size=130), zeros=st.integers(min_value=0, max_value=3))
def test_decoding_agrees_with_the_base58_package(data: bytes, zeros: int) -> None:
    value = b"\0" * zeros + data
    text = base58.b58encode(value).decode("ascii")
    assert decode_base58btc("z" + text) == value


def test_signature_sized_values_round_trip() -> None:
    for size in (32, 34, 35, 49, 64, 96):
        for fill in (b"\0", b"\x01", b"\xff"):
            value = fill * size
            assert decode_base58btc(encode_base58btc(value)) == value


@pytest.mark.parametrize(
    "bad", ["", "z", "u123", "z0", "zO", "zI", "zl", "z+", "z é", "zé", "z\x00", "z" + "2" * 5000]
)
def test_invalid_values_are_refused(bad: str) -> None:
    with pytest.raises(MultibaseInvalid):
        decode_base58btc(bad)
