"""Outcomes files: the generator is deterministic and its lines are valid; a bad file is
refused with every problem by line, and too few labels or a period that is not later are
stated, never trained or judged on."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from model_fixtures import CODES, later_lines, model, read, train_lines

from smartborder.demo.outcomes import generate_outcomes
from smartborder.risk import (
    NotEnoughData,
    OutcomesInvalid,
    PeriodNotLater,
    evaluate,
    load_rules,
    read_outcomes,
    replay,
    train,
)


def _small(seed: int = 3, **kw: object) -> list[dict[str, object]]:
    return list(generate_outcomes(weeks=1, per_day=4, seed=seed, **kw))  # type: ignore[arg-type]


def test_generator_gives_the_same_lines_for_the_same_seed() -> None:
    assert _small(3) == _small(3)
    assert _small(3) != _small(4)


def test_generated_lines_are_valid_outcomes_in_time_order() -> None:
    lines = [orjson.dumps(o) for o in _small(5)]
    outs = read(lines)
    assert len(outs) == len(lines) == 1 * 7 * 3 * 4
    assert [o.filed_at for o in outs] == sorted(o.filed_at for o in outs)
    assert all(o.inspected == bool(o.findings) for o in outs)


def test_inspect_all_labels_every_truck_and_random_sample_is_flagged() -> None:
    assert all(o["inspected"] for o in _small(6, inspect_all=True))
    sample = [o for o in _small(6, random_rate=1.0) if o["random_selection"]]
    assert sample and all(o["inspected"] for o in sample)


def _lines(*objs: object) -> list[bytes]:
    return [orjson.dumps(o) if not isinstance(o, bytes) else o for o in objs]


def _good() -> dict[str, object]:
    return _small(3)[0]


def _problems(lines: list[bytes]) -> dict[str, str]:
    with pytest.raises(OutcomesInvalid) as err:
        read_outcomes(lines, source="f.jsonl", finding_codes=CODES)
    assert err.value.code == "risk.outcomes.invalid"
    return {p.pointer: p.code for p in err.value.problems}


def test_malformed_line_is_named_by_its_number() -> None:
    problems = _problems(_lines(_good(), b'{"declaration_id": "x", oops', b"[1, 2]"))
    assert problems == {
        "/lines/2": "risk.outcomes.malformed",
        "/lines/3": "risk.outcomes.malformed",
    }


def test_unknown_finding_code_is_refused() -> None:
    bad = {**_good(), "inspected": True, "findings": ["lost_in_transit"], "violation": True}
    assert _problems(_lines(bad)) == {"/lines/1/findings/0": "risk.outcomes.unknown_finding"}


@pytest.mark.parametrize(
    "change",
    [
        {"inspected": False, "findings": ["misdeclared_value"], "violation": True},
        {"inspected": True, "findings": ["no_discrepancy"], "violation": True},
        {"inspected": True, "findings": ["misdeclared_value"], "violation": False},
        {"inspected": True, "findings": [], "violation": False},
        {"inspected": True, "findings": ["no_discrepancy", "undeclared_goods"], "violation": True},
    ],
)
def test_impossible_findings_are_refused(change: dict[str, object]) -> None:
    problems = _problems(_lines({**_good(), **change}))
    assert list(problems.values()) == ["risk.outcomes.impossible"]


def test_unknown_declaration_id_without_a_declaration_is_refused() -> None:
    line = {"declaration_id": "not-stored", "inspected": False, "findings": []}
    assert _problems(_lines(line)) == {
        "/lines/1/declaration_id": "risk.outcomes.unknown_declaration"
    }
    # the store is asked, and knows none
    with pytest.raises(OutcomesInvalid):
        read_outcomes(_lines(line), source="f", finding_codes=CODES, stored=lambda ids: {})


def test_a_declaration_twice_and_a_bad_declaration_are_refused() -> None:
    good = _good()
    broken = {**good, "declaration_id": "other", "declaration": {"kind": "truck"}}
    problems = _problems(_lines(good, good, broken))
    assert problems == {
        "/lines/2/declaration_id": "risk.outcomes.duplicate",
        "/lines/3/declaration": "risk.outcomes.declaration_invalid",
    }


def test_too_few_labels_is_not_enough_data_to_train() -> None:
    outs = read([orjson.dumps(o) for o in _small(3)])
    with pytest.raises(NotEnoughData) as err:
        train(replay(outs, load_rules()), now=datetime.now(UTC))
    assert err.value.code == "risk.model.not_enough_data"


@pytest.mark.slow
def test_the_training_period_or_a_period_without_labels_is_refused() -> None:
    m = model()
    with pytest.raises(PeriodNotLater) as late:
        evaluate(m, replay(read(list(train_lines())), load_rules()), rate=0.05, weight_set="1.2.0")
    assert late.value.code == "risk.model.period_not_later"
    unlabelled = [
        {**o, "inspected": False, "findings": [], "violation": False, "value_usd": 0}
        for o in (orjson.loads(x) for x in later_lines())
    ]
    with pytest.raises(NotEnoughData):
        evaluate(m, replay(read(_lines(*unlabelled)), load_rules()), rate=0.05, weight_set="1.2.0")
