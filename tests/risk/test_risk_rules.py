"""The weight-set engine: loading and validating rule files, conditions, scores and lanes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from smartborder.risk import (
    FACTS,
    OPERATORS,
    RulesInvalid,
    Thresholds,
    load_rules,
    parse_rules,
)


def _doc(*rules: dict[str, Any], **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": "9.9",
        "thresholds": {
            "truck": {"documentary_review": 10, "inspect": 20},
            "traveler": {"documentary_review": 10, "inspect": 20},
        },
        "rules": list(rules),
    }
    doc.update(top)
    return doc


def _rule(when: Any, *, rid: str = "r", kind: str = "truck", weight: float = 5) -> dict[str, Any]:
    return {
        "id": rid,
        "kind": kind,
        "weight": weight,
        "when": when,
        "message": {"en": "E", "es": "S"},
    }


def _problems(doc: Any) -> dict[str, str]:
    with pytest.raises(RulesInvalid) as info:
        parse_rules(doc, source="test.yaml")
    assert info.value.code == "risk.rules.invalid"
    for p in info.value.problems:
        assert p.message.en and p.message.es and p.message.en != p.message.es
    return {p.pointer: p.code for p in info.value.problems}


def test_packaged_rules_load_once_with_their_version() -> None:
    rules = load_rules()
    assert rules.version == "1.2.0"
    assert load_rules() is rules
    assert len(rules.rules["truck"]) >= 15 and len(rules.rules["traveler"]) >= 5
    ids = [r.id for kind in rules.rules.values() for r in kind]
    assert len(ids) == len(set(ids))
    assert "truck.hs.arms_ammunition" in ids and "truck.first_time_shipper" in ids


def test_every_problem_of_a_rules_file_at_once() -> None:
    doc = _doc(
        _rule({"fact": "colour", "op": "eq", "value": "red"}, rid="a"),
        _rule({"fact": "ctpat", "op": "resembles", "value": 1}, rid="b"),
        _rule({"fact": "total_weight_kg", "op": "gt", "value": "heavy"}, rid="c"),
        _rule({"all": []}, rid="d"),
        _rule({"fact": "ctpat", "op": "is_true"}, rid="a"),
        {"id": "e", "kind": "boat", "weight": "x", "when": {}, "message": {"en": "only"}},
        version=None,
        extra=1,
    )
    doc["thresholds"]["traveler"] = {"documentary_review": 50, "inspect": 10}
    assert _problems(doc) == {
        "/extra": "risk.rules.unknown_key",
        "/version": "risk.rules.version",
        "/thresholds/traveler": "risk.rules.thresholds",
        "/rules/0/when/fact": "risk.rules.unknown_fact",
        "/rules/1/when/op": "risk.rules.unknown_operator",
        "/rules/2/when/value": "risk.rules.bad_value",
        "/rules/3/when": "risk.rules.condition",
        "/rules/4/id": "risk.rules.duplicate_id",
        "/rules/5/kind": "risk.rules.kind",
        "/rules/5/weight": "risk.rules.weight",
        "/rules/5/message": "risk.rules.message",
    }


@pytest.mark.parametrize(
    ("when", "pointer"),
    [
        ({"fact": "hs_chapters", "op": "eq", "value": "93"}, "/rules/0/when/value"),
        ({"fact": "ctpat", "op": "is_true", "value": True}, "/rules/0/when/value"),
        ({"fact": "port_code", "op": "intersects", "value": ["2304"]}, "/rules/0/when/value"),
        ({"fact": "port_code", "op": "in", "value": []}, "/rules/0/when/value"),
        ({"fact": "port_code", "op": "in", "value": [2304]}, "/rules/0/when/value"),
        ({"fact": "total_weight_kg", "op": "eq", "value": "heavy"}, "/rules/0/when/value"),
        ({"fact": "direction", "op": "ne", "value": True}, "/rules/0/when/value"),
        ({"fact": "ctpat", "op": "eq", "value": 1}, "/rules/0/when/value"),
        ({"fact": "hs_chapters", "op": "intersects", "value": [93]}, "/rules/0/when/value"),
        ({"fact": "hs_codes", "op": "contains", "value": 930200}, "/rules/0/when/value"),
        ({"not": {"fact": "ctpat", "op": "is_true"}, "x": 1}, "/rules/0/when"),
        (
            {"any": [{"fact": "ctpat", "op": "is_true"}, {"fact": "nope", "op": "is_true"}]},
            "/rules/0/when/any/1/fact",
        ),
        ({"fact": "ctpat", "op": "is_true", "weight": 1}, "/rules/0/when/weight"),
        ("ctpat == true", "/rules/0/when"),  # no expressions: conditions are data
    ],
)
def test_bad_conditions_point_into_the_file(when: Any, pointer: str) -> None:
    assert pointer in _problems(_doc(_rule(when)))


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\nrules: [\n  - id: x\n")
    with pytest.raises(RulesInvalid) as info:
        load_rules(path)
    (problem,) = info.value.problems
    assert problem.code == "risk.rules.yaml" and "line" in problem.message.en


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RulesInvalid) as info:
        load_rules(tmp_path / "absent.yaml")
    assert info.value.problems[0].code == "risk.rules.unreadable"


def test_custom_rules_file_is_loaded_and_cached(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(_doc(_rule({"fact": "ctpat", "op": "is_false"}, weight=12))))
    rules = load_rules(path)
    assert rules.version == "9.9" and load_rules(str(path)) is rules
    result = rules.score("truck", {"ctpat": False})
    assert (result.score, result.lane, result.threshold) == (12, "documentary_review", 10)


def _facts(**values: Any) -> dict[str, Any]:
    return values


@pytest.mark.parametrize(
    ("when", "facts", "expected"),
    [
        (
            {"fact": "hs_chapters", "op": "intersects", "value": ["93", "71"]},
            {"hs_chapters": {"87", "93"}},
            True,
        ),
        (
            {"fact": "hs_chapters", "op": "intersects", "value": ["93"]},
            {"hs_chapters": {"87"}},
            False,
        ),
        (
            {"fact": "origin_countries", "op": "subset_of", "value": ["USA", "MEX"]},
            {"origin_countries": {"MEX"}},
            True,
        ),
        (
            {"fact": "origin_countries", "op": "subset_of", "value": ["USA", "MEX"]},
            {"origin_countries": {"CHN", "MEX"}},
            False,
        ),
        ({"fact": "hs_codes", "op": "contains", "value": "930200"}, {"hs_codes": {"930200"}}, True),
        (
            {"fact": "total_weight_kg", "op": "gt", "value": 30000},
            {"total_weight_kg": 30000.0},
            False,
        ),
        (
            {"fact": "total_weight_kg", "op": "ge", "value": 30000},
            {"total_weight_kg": 30000.0},
            True,
        ),
        (
            {"fact": "direction", "op": "eq", "value": "southbound"},
            {"direction": "southbound"},
            True,
        ),
        ({"fact": "port_code", "op": "not_in", "value": ["2304"]}, {"port_code": "2304"}, False),
        ({"not": {"fact": "ctpat", "op": "is_true"}}, {"ctpat": True}, False),
        (
            {
                "all": [
                    {"fact": "ctpat", "op": "is_false"},
                    {"fact": "seal_missing", "op": "is_true"},
                ]
            },
            {"ctpat": False, "seal_missing": False},
            False,
        ),
        (
            {
                "any": [
                    {"fact": "ctpat", "op": "is_false"},
                    {"fact": "seal_missing", "op": "is_true"},
                ]
            },
            {"ctpat": True, "seal_missing": True},
            True,
        ),
    ],
)
def test_condition_semantics(when: dict[str, Any], facts: dict[str, Any], expected: bool) -> None:
    rules = parse_rules(_doc(_rule(when, weight=1)), source="t")
    assert (rules.score("truck", facts).score == 1) is expected


def test_thresholds_map_scores_to_lanes() -> None:
    th = Thresholds(documentary_review=30, inspect=60)
    assert [th.lane(s) for s in (-10, 0, 29.9, 30, 59, 60, 500)] == [
        "release",
        "release",
        "release",
        "documentary_review",
        "documentary_review",
        "inspect",
        "inspect",
    ]


def test_negative_weights_lower_the_score() -> None:
    rules = parse_rules(
        _doc(
            _rule({"fact": "ctpat", "op": "is_false"}, rid="a", weight=15),
            _rule({"fact": "fast", "op": "is_true"}, rid="b", weight=-10),
        ),
        source="t",
    )
    assert rules.score("truck", {"ctpat": True, "fast": True}).score == -10
    result = rules.score("truck", {"ctpat": False, "fast": False})
    assert [h.rule_id for h in result.hits] == ["a"]


def test_packaged_rules_use_only_known_facts_and_operators() -> None:
    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "src/smartborder/risk/rules/v1.yaml").read_text()
    )

    def leaves(node: Any) -> list[dict[str, Any]]:
        if "fact" in node:
            return [node]
        key = next(iter(node))
        return [
            leaf for child in (node[key] if key != "not" else [node[key]]) for leaf in leaves(child)
        ]

    for rule in raw["rules"]:
        for leaf in leaves(rule["when"]):
            assert leaf["fact"] in FACTS[rule["kind"]] and leaf["op"] in OPERATORS


def test_docs_list_every_rule_and_fact() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "preclearance.md").read_text()
    for kind in load_rules().rules.values():
        for rule in kind:
            assert f"`{rule.id}`" in doc, rule.id
    for catalog in FACTS.values():
        for fact in catalog:
            assert f"`{fact}`" in doc, fact
