"""The effectiveness figures on small cases computed by hand, and "not enough data"."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from smartborder.risk import NOT_ENOUGH_DATA, Flow, Label, compute, wilson_interval
from smartborder.risk.report import labels_of

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
UNTIL = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hits", "n", "low", "high"),
    [
        # By hand, z = 1.959964: 0/10 -> centre = half = 0.192073 / 1.384146 = 0.138767
        (0, 10, 0.0, 0.277533),
        # 5/10 -> centre 0.5, half = 1.415994 * sqrt(0.025 + 0.009604) = 0.263407
        (5, 10, 0.236593, 0.763407),
        (10, 40, 0.141871, 0.401940),
        (2, 50, 0.011039, 0.134601),
    ],
)
def test_wilson_interval_known_values(hits: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(hits, n)
    assert lo == pytest.approx(low, abs=1e-6) and hi == pytest.approx(high, abs=1e-6)


def test_wilson_interval_is_symmetric_and_narrows_with_n() -> None:
    lo, hi = wilson_interval(3, 20)
    lo2, hi2 = wilson_interval(17, 20)
    assert lo == pytest.approx(1 - hi2) and hi == pytest.approx(1 - lo2)
    assert wilson_interval(300, 2000)[1] - wilson_interval(300, 2000)[0] < hi - lo


def test_wilson_interval_refuses_an_empty_sample() -> None:
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def _labels(
    n: int, hits: int, *, random: bool, rules: str | None = None, value: float = 0.0
) -> list[Label]:
    outcome = "inspect"
    version = None if random else "1.2"
    return [
        Label(
            random,
            outcome,
            version,
            rules,
            i < hits,
            value if i < hits else 0.0,
            value > 0 and i < hits,
        )
        for i in range(n)
    ]


def _hand_case() -> dict:  # type: ignore[type-arg]
    flows = [
        Flow(False, "inspect", "1.2", "truck.a", 100),  # targeted
        Flow(True, "inspect", "1.1", None, 50),  # the random sample
        Flow(False, "release", "1.2", None, 800),
        Flow(False, "release", "1.2", "truck.a", 50),  # rule matched, under the threshold
    ]
    labels = _labels(40, 10, random=False, rules="truck.a", value=1000.0) + _labels(
        50, 2, random=True, value=250.0
    )
    report = compute(flows, labels, agency="cbp", since=SINCE, until=UNTIL, min_count=20)
    return report.to_dict()


def test_hit_rates_non_compliance_and_missed_share_by_hand() -> None:
    r = _hand_case()
    assert r["status"] == "ok"
    assert r["streams"]["targeted"] == {
        "decisions": 100,
        "examined": 40,
        "violations": 10,
        "revenue_recovered_usd": 10_000.0,
    }
    assert r["streams"]["random"]["decisions"] == 50
    assert r["streams"]["released"]["decisions"] == 850
    t, rnd = r["targeted_hit_rate"], r["random_hit_rate"]
    assert (t["value"], t["hits"], t["count"]) == (0.25, 10, 40)
    assert (t["low"], t["high"]) == pytest.approx(wilson_interval(10, 40))
    assert (rnd["value"], rnd["hits"], rnd["count"]) == (0.04, 2, 50)
    assert r["non_compliance_untargeted"] == rnd
    # overall: (100 * 0.25 + 900 * 0.04) / 1000 = 0.061
    overall = r["non_compliance_overall"]
    assert overall["value"] == pytest.approx(0.061)
    assert overall["low"] < 0.061 < overall["high"]
    # missed: 900 * 0.04 / (900 * 0.04 + 100 * 0.25) = 36 / 61
    missed = r["missed_share"]
    assert missed["value"] == pytest.approx(36 / 61)
    assert 0 <= missed["low"] < 36 / 61 < missed["high"] <= 1
    # Bonferroni: the inputs at 97.5 %, so the bounds are wider than at 95 %
    lo95, hi95 = wilson_interval(2, 50)
    assert missed["high"] > 900 * hi95 / (900 * hi95 + 100 * wilson_interval(10, 40)[0])
    assert r["revenue_recovered_usd"] == {"targeted": 10_000.0, "random": 500.0, "released": 0.0}


def test_precision_lift_and_revenue_per_rule_and_weight_set() -> None:
    r = _hand_case()
    rule = r["by_rule"]["truck.a"]
    assert rule["decisions"] == 150 and rule["examined"] == 40 and rule["violations"] == 10
    assert rule["precision"]["value"] == 0.25
    assert rule["lift"]["value"] == pytest.approx(0.25 / 0.061)
    assert rule["lift"]["low"] < rule["lift"]["value"] < rule["lift"]["high"]
    assert rule["revenue_recovered_usd"] == 10_000.0 and rule["valued_findings"] == 10
    # weight sets: the targeted stream by version (the random stream is not targeting)
    assert set(r["by_weight_set"]) == {"1.2"}
    version = r["by_weight_set"]["1.2"]
    assert version["decisions"] == 100 and version["precision"]["hits"] == 10


def test_two_random_examinations_are_not_a_figure() -> None:
    flows = [Flow(True, "inspect", "1.2", None, 2), Flow(False, "release", "1.2", None, 98)]
    labels = _labels(2, 0, random=True)
    r = compute(flows, labels, agency="cbp", since=SINCE, until=UNTIL).to_dict()
    assert r["status"] == NOT_ENOUGH_DATA
    rnd = r["random_hit_rate"]
    assert rnd == {
        "status": NOT_ENOUGH_DATA,
        "value": None,
        "low": None,
        "high": None,
        "hits": 0,
        "count": 2,
        "needed": 20,
    }
    assert r["missed_share"]["status"] == NOT_ENOUGH_DATA
    assert r["non_compliance_overall"]["value"] is None


def test_a_period_without_labels_says_not_enough_data() -> None:
    r = compute([], [], agency="anam", since=SINCE, until=UNTIL).to_dict()
    assert r["status"] == NOT_ENOUGH_DATA
    for key in ("targeted_hit_rate", "random_hit_rate", "non_compliance_overall", "missed_share"):
        assert r[key]["status"] == NOT_ENOUGH_DATA and r[key]["value"] is None
    assert r["by_rule"] == {} and r["by_weight_set"] == {}


def test_labels_of_merges_a_declarations_findings_events() -> None:
    def body(*findings: dict) -> str:  # type: ignore[type-arg]
        return orjson.dumps({"findings": list(findings)}).decode()

    rows = [
        ("d1", False, "inspect", "1.2", "truck.a", body({"code": "no_discrepancy"})),
        (
            "d1",
            False,
            "inspect",
            "1.2",
            "truck.a",
            body({"code": "misdeclared_value", "value_usd": 1200.5}),
        ),
        ("d2", True, "inspect", "1.2", None, body({"code": "no_discrepancy", "value_usd": 99})),
        ("d3", True, "inspect", "1.2", None, body({"code": "undeclared_goods"})),
    ]
    labels = {
        (lab.random_selection, lab.violation, lab.value_usd, lab.valued) for lab in labels_of(rows)
    }
    assert labels == {
        (False, True, 1200.5, True),
        (True, False, 0.0, False),
        (True, True, 0.0, False),
    }
