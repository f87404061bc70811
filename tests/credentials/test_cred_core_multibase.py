"""Multibase base58btc decoding: the Rust decoder (``based58``) and the pure-Python fallback
give the ``base58`` package's bytes, keep leading zero bytes and refuse what is not base58."""

from __future__ import annotations

from collections.abc import Callable

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.credentials import multibase
from smartborder.credentials.errors import MultibaseInvalid
from smartborder.credentials.multibase import decode_base58btc, encode_base58btc

DECODERS: list[Callable[[str], bytes]] = [multibase._decode_base58_python]
if multibase._based58 is not None:
    DECODERS.append(multibase._decode_base58_native)


@pytest.fixture(params=DECODERS, ids=lambda f: f.__name__)
def decoder(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], bytes]:
    chosen: Callable[[str], bytes] = request.param
    monkeypatch.setattr(multibase, "_decode_base58", chosen)
    return chosen


@settings(max_examples=300, deadline=None)
@given(data=st.binary(min_size=1, max_size=130), zeros=st.integers(min_value=0, max_value=3))
def test_decoders_agree_with_the_base58_package(data: bytes, zeros: int) -> None:
    value = b"\0" * zeros + data
    text = base58.b58encode(value).decode("ascii")
    for decode in DECODERS:
        assert decode(text) == value
    assert decode_base58btc("z" + text) == value


def test_signature_sized_values_round_trip(decoder: Callable[[str], bytes]) -> None:
    for size in (32, 34, 35, 49, 64, 96):
        for fill in (b"\0", b"\x01", b"\xff"):
            value = fill * size
            assert decode_base58btc(encode_base58btc(value)) == value


@pytest.mark.parametrize(
    "bad", ["", "z", "u123", "z0", "zO", "zI", "zl", "z+", "z é", "zé", "z\x00", "z" + "2" * 5000]
)
def test_invalid_values_are_refused(bad: str, decoder: Callable[[str], bytes]) -> None:
    with pytest.raises(MultibaseInvalid):
        decode_base58btc(bad)
