"""JCS (RFC 8785): the fast path gives exactly the reference implementation's bytes."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.credentials.errors import DocumentTooLarge
from smartborder.credentials.primitives import jcs

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.sampled_from(["z6MkrJVna1e5", "1.5", "7e3", "\ue000", "\U0001f303", "did:key:z82Lk9e"]),
)
_json = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(
            st.one_of(st.text(max_size=6), st.sampled_from(["\ue000", "\U0001f303", "a", "é"])),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(value=st.dictionaries(st.text(max_size=6), _json, max_size=6))
def test_jcs_equals_rfc8785_reference(value: dict[str, Any]) -> None:
    assert jcs(value) == rfc8785.dumps(value)


def test_jcs_rfc8785_examples() -> None:
    # RFC 8785 §3.2.2/3.2.3: numbers in ECMAScript form; keys sorted by UTF-16 code units.
    assert jcs({"b": 1e21, "a": 0.000001, "c": -0.0}) == b'{"a":0.000001,"b":1e+21,"c":0}'
    assert jcs({"\ue000": 1, "\U0001f303": 2}) == '{"\U0001f303":2,"\ue000":1}'.encode()


def test_jcs_refuses_deep_nesting_and_big_integers() -> None:
    deep: Any = 1
    for _ in range(300):
        deep = [deep]
    with pytest.raises(DocumentTooLarge):
        jcs({"a": deep})
    with pytest.raises(Exception) as info:
        jcs({"a": 2**60})
    assert getattr(info.value, "code", "").startswith("credentials.")


def test_jcs_refuses_nan_and_infinity() -> None:
    # orjson writes NaN and infinities as null; RFC 8785 refuses them, and so must the fast path.
    for bad in ({"a": float("nan")}, {"a": [1, float("inf")]}, {"a": {"b": -float("inf")}}):
        with pytest.raises(Exception) as info:
            jcs(bad)
        assert getattr(info.value, "code", "").startswith("credentials.")


def test_jcs_fast_path_cases() -> None:
    # Bare scalars, nulls, fractional-second times and numbers inside strings.
    cases: list[Any] = [
        1e16,
        1.5,
        "x",
        None,
        [None, 1, -2],
        {"a": None},
        {"t": "2025-03-01T08:00:00.500Z", "p": "18250.00", "q": "a,1.5", "r": "x:1e5"},
        {"a": [1e21, -0.0, 5e-324]},
        {"é": "Constitución", "\ue000": 1, "\U0001f303": 2},
    ]
    for value in cases:
        assert jcs(value) == rfc8785.dumps(value), value
