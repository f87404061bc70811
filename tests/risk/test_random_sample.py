"""The random control sample: drawn with the OS CSPRNG among declarations that would not be
examined, stated in the decision as random_selection with its own reason, score untouched."""

from __future__ import annotations

import inspect
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from pydantic import ValidationError

from smartborder.config import Settings
from smartborder.demo.synthetic import generate_trucks
from smartborder.preclearance import Outcome, Pipeline
from smartborder.risk import (
    RANDOM_REASON_CODE,
    RANDOM_RULE_ID,
    RandomRateInvalid,
    RandomSample,
)

DAY = date(2026, 12, 1)
NOON = datetime(2026, 11, 30, 12, tzinfo=UTC)  # a day ahead of every arrival: filed in time


def _trucks(n: int = 120) -> list[dict]:  # type: ignore[type-arg]
    return generate_trucks("2304", DAY, n, rng=np.random.default_rng(7))


def _always(k: int) -> int:
    return 0  # the lowest draw: selected at any rate above 0


def _never(k: int) -> int:
    return (1 << k) - 1  # the highest draw: selected only at rate 1


def test_rate_zero_never_selects_even_the_lowest_draw() -> None:
    sample = RandomSample(0.0, bits=_always)
    assert not any(sample.draw() for _ in range(1000))
    plain, zero = Pipeline.default(), Pipeline.default(random_sample=sample)
    for record in _trucks(40):
        a, b = plain.decide(record, now=NOON), zero.decide(record, now=NOON)
        assert not b.random_selection and a.outcome == b.outcome and a.reasons == b.reasons


def test_rate_one_selects_every_eligible_declaration_and_keeps_the_score() -> None:
    plain = Pipeline.default()
    always = Pipeline.default(random_sample=RandomSample(1.0, unchecked=True, bits=_never))
    eligible = targeted = 0
    for record in _trucks():
        before, after = plain.decide(record, now=NOON), always.decide(record, now=NOON)
        assert after.risk_score == before.risk_score  # never changes the risk score
        assert after.rule_versions == before.rule_versions
        if before.outcome in (Outcome.RELEASE, Outcome.DOCUMENTARY_REVIEW):
            eligible += 1
            assert after.random_selection and after.outcome is Outcome.INSPECT
            assert after.lane == "secondary_inspection"
            extra = [r for r in after.reasons if r not in before.reasons]
            assert [(r.code, r.rule_id, r.stage) for r in extra] == [
                (RANDOM_REASON_CODE, RANDOM_RULE_ID, "decision")
            ]
            assert extra[0].outcome is Outcome.INSPECT and extra[0].agency == "cbp"
            assert "at random" in extra[0].message_en and "al azar" in extra[0].message_es
            # the weight set's reasons are the same ones: random is never a risk rule
            assert [r for r in after.reasons if r.stage == "risk"] == [
                r for r in before.reasons if r.stage == "risk"
            ]
        else:  # targeted already: not eligible, nothing drawn
            targeted += 1
            assert not after.random_selection and after == before
    assert eligible > 50


def test_a_late_filing_sent_to_inspection_is_not_drawn() -> None:
    always = Pipeline.default(random_sample=RandomSample(1.0, unchecked=True))
    record = _trucks(1)[0]
    arrival = datetime.fromisoformat(record["expected_arrival"]).astimezone(UTC)
    decision = always.decide(record, now=arrival - timedelta(minutes=10))  # 10 min: inspect
    assert decision.outcome is Outcome.INSPECT and not decision.random_selection
    assert RANDOM_REASON_CODE not in decision.codes


def test_the_draw_uses_the_os_csprng() -> None:
    assert inspect.signature(RandomSample).parameters["bits"].default is secrets.randbits
    source = inspect.getsource(inspect.getmodule(RandomSample))  # type: ignore[arg-type]
    assert "import random\n" not in source and "from random" not in source


def test_the_csprng_draws_at_the_rate() -> None:
    sample = RandomSample(0.1)
    n = 20_000
    hits = sum(sample.draw() for _ in range(n))
    # binomial sd = sqrt(0.1 * 0.9 / 20000) = 0.0021; ±0.02 is over 9 sd
    assert 0.08 < hits / n < 0.12


def _count_draws(calls: list[int]) -> Iterator[int]:
    while True:
        calls.append(1)
        yield 0


def test_only_eligible_declarations_consume_a_draw() -> None:
    calls: list[int] = []
    gen = _count_draws(calls)
    pipeline = Pipeline.default(random_sample=RandomSample(0.2, bits=lambda k: next(gen)))
    record = _trucks(1)[0]
    arrival = datetime.fromisoformat(record["expected_arrival"]).astimezone(UTC)
    pipeline.decide(record, now=arrival - timedelta(minutes=10))  # inspect: no draw
    assert calls == []
    assert pipeline.decide(record, now=NOON).random_selection
    assert calls == [1]


@pytest.mark.parametrize("rate", [-0.01, 0.21, 1.0, float("nan"), "x"])
def test_a_rate_outside_0_to_0_2_is_refused(rate: object) -> None:
    with pytest.raises(RandomRateInvalid) as err:
        RandomSample(rate)  # type: ignore[arg-type]
    assert err.value.code == "risk.random_rate.invalid"
    assert "0.2" in err.value.message.en and "0.2" in err.value.message.es


@pytest.mark.parametrize("rate", ["0.25", "-1", "nan"])
def test_the_setting_is_validated(rate: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTBORDER_RANDOM_EXAMINATION_RATE", rate)
    with pytest.raises(ValidationError, match="between 0 and 0.2"):
        Settings()


def test_the_setting_defaults_to_a_small_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMARTBORDER_RANDOM_EXAMINATION_RATE", raising=False)
    assert 0.01 <= Settings().random_examination_rate <= 0.02
