"""Generated outcomes and a model trained on them, built once per test process (the
generator and the training take seconds)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

import orjson

from smartborder.demo.outcomes import generate_outcomes
from smartborder.inspections import FindingCode
from smartborder.risk import (
    LabelledDeclaration,
    LearnedModel,
    load_rules,
    read_outcomes,
    replay,
    train,
)

CODES = {c.value: c.violation for c in FindingCode}
WORLD = 20260105
TRAIN_WEEKS = 4
LATER_START = date(2026, 2, 2)  # the week after the training weeks
PER_DAY = 50


@cache
def train_lines() -> tuple[bytes, ...]:
    return tuple(
        orjson.dumps(o) for o in generate_outcomes(weeks=TRAIN_WEEKS, per_day=PER_DAY, seed=WORLD)
    )


@cache
def later_lines() -> tuple[bytes, ...]:
    """Two later weeks of the same world, every truck inspected (a full audit)."""
    return tuple(
        orjson.dumps(o)
        for o in generate_outcomes(
            weeks=2, per_day=PER_DAY, seed=7, world_seed=WORLD, start=LATER_START, inspect_all=True
        )
    )


def read(lines: tuple[bytes, ...] | list[bytes]) -> list[LabelledDeclaration]:
    return read_outcomes(lines, source="test", finding_codes=CODES)


@cache
def model() -> LearnedModel:
    return train(replay(read(train_lines()), load_rules()), now=datetime(2026, 2, 2, tzinfo=UTC))
