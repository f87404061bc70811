"""Compiled conditions agree with a direct reading of the condition language (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.risk import parse_rules

# A few truck facts of each type, with values to draw from.
BOOLS = ["ctpat", "fast", "seal_missing"]
NUMBERS = ["total_weight_kg", "minutes_before_arrival"]
STRINGS = ["direction", "port_code"]
SETS = ["hs_chapters", "origin_countries"]
WORDS = ["a", "b", "c", "d"]

numbers = st.integers(min_value=-5, max_value=5).map(float)
words = st.sampled_from(WORDS)
word_lists = st.lists(words, min_size=1, max_size=3)

leaves = st.one_of(
    st.builds(
        lambda f, op: {"fact": f, "op": op},
        st.sampled_from(BOOLS),
        st.sampled_from(["is_true", "is_false"]),
    ),
    st.builds(
        lambda f, op, v: {"fact": f, "op": op, "value": v},
        st.sampled_from(NUMBERS),
        st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne"]),
        numbers,
    ),
    st.builds(
        lambda f, op, v: {"fact": f, "op": op, "value": v},
        st.sampled_from(STRINGS),
        st.sampled_from(["eq", "ne"]),
        words,
    ),
    st.builds(
        lambda f, op, v: {"fact": f, "op": op, "value": v},
        st.sampled_from(STRINGS),
        st.sampled_from(["in", "not_in"]),
        word_lists,
    ),
    st.builds(
        lambda f, op, v: {"fact": f, "op": op, "value": v},
        st.sampled_from(SETS),
        st.sampled_from(["intersects", "subset_of"]),
        word_lists,
    ),
    st.builds(lambda f, v: {"fact": f, "op": "contains", "value": v}, st.sampled_from(SETS), words),
)
conditions = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(kids, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(kids, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, kids),
    ),
    max_leaves=8,
)
facts = st.fixed_dictionaries(
    {
        **{f: st.booleans() for f in BOOLS},
        **dict.fromkeys(NUMBERS, numbers),
        **dict.fromkeys(STRINGS, words),
        **{f: st.sets(words, max_size=3) for f in SETS},
    }
)


def reference(cond: dict[str, Any], f: dict[str, Any]) -> bool:
    if "all" in cond:
        return all(reference(c, f) for c in cond["all"])
    if "any" in cond:
        return any(reference(c, f) for c in cond["any"])
    if "not" in cond:
        return not reference(cond["not"], f)
    x, op, v = f[cond["fact"]], cond["op"], cond.get("value")
    return {
        "is_true": lambda: x is True,
        "is_false": lambda: x is False,
        "eq": lambda: x == v,
        "ne": lambda: x != v,
        "lt": lambda: x < v,
        "le": lambda: x <= v,
        "gt": lambda: x > v,
        "ge": lambda: x >= v,
        "in": lambda: x in v,
        "not_in": lambda: x not in v,
        "intersects": lambda: bool(set(x) & set(v)),
        "subset_of": lambda: set(x) <= set(v),
        "contains": lambda: v in x,
    }[op]()


@settings(max_examples=400, deadline=None)
@given(
    st.lists(conditions, min_size=1, max_size=4),
    st.lists(st.integers(-20, 40), min_size=4, max_size=4),
    facts,
)
def test_score_is_the_sum_of_matching_weights(
    whens: list[Any], weights: list[int], f: dict[str, Any]
) -> None:
    doc = {
        "version": "p",
        "thresholds": {
            "truck": {"documentary_review": 10, "inspect": 30},
            "traveler": {"documentary_review": 10, "inspect": 30},
        },
        "rules": [
            {
                "id": f"r{i}",
                "kind": "truck",
                "weight": weights[i],
                "when": w,
                "message": {"en": "e", "es": "s"},
            }
            for i, w in enumerate(whens)
        ],
    }
    rules = parse_rules(doc, source="property")
    result = rules.score("truck", f)
    expected = [i for i, w in enumerate(whens) if reference(w, f)]
    assert [h.rule_id for h in result.hits] == [f"r{i}" for i in expected]
    assert result.score == sum(weights[i] for i in expected)
    assert result.lane == (
        "inspect"
        if result.score >= 30
        else "documentary_review"
        if result.score >= 10
        else "release"
    )
