"""No input of any shape crashes parsing: it is a declaration or a DeclarationInvalid."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartborder.declarations import DeclarationInvalid, parse_declaration
from smartborder.demo.synthetic import generate_travelers, generate_trucks

NOW = datetime(2026, 11, 30, tzinfo=UTC)
BASES = [
    generate_trucks("2304", date(2026, 12, 1), 1, rng=np.random.default_rng(1))[0],
    generate_travelers("2504", date(2026, 12, 1), 1, rng=np.random.default_rng(1))[0],
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([0, 1]), st.data(), json_values)
def test_any_value_anywhere_is_accepted_or_reported(
    base: int, data: st.DataObject, value: Any
) -> None:
    record = copy.deepcopy(BASES[base])
    paths = _paths(record)[1:]
    path = data.draw(st.sampled_from(paths))
    parent = record
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    try:
        parse_declaration(record, now=NOW)
    except DeclarationInvalid as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.code and p.message.en and p.message.es


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_any_document_is_accepted_or_reported(value: Any) -> None:
    for kind in ("truck", "traveler"):
        doc = {"kind": kind, "x": value} if not isinstance(value, dict) else {**value, "kind": kind}
        try:
            parse_declaration(doc, now=NOW)
        except DeclarationInvalid as exc:
            assert exc.problems
