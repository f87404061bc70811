"""Targeting measured: hit rates, the non-compliance the random sample estimates, the share of
violations targeting misses, and each rule's and weight set's precision, lift and revenue.

Pure computation over rows (no I/O): :func:`compute` takes the counts of an agency's decisions
in a period (:class:`Flow`) and, for each declaration the agency examined, whether its
findings held a violation (:class:`Label`). ``smartborder.risk.report`` reads those rows from
the store.

Three streams of decisions:

* **targeted** — the pipeline sent the declaration to examination (inspect, hold, deny), not
  the random sample;
* **random** — the random control sample drew it among declarations that would otherwise have
  been released or sent to documentary review;
* **released** — neither (release or documentary review, no physical examination).

The random sample is a uniform draw from *released + random*, so its violation rate estimates
the non-compliance of the whole un-targeted stream without bias. Every proportion comes with
its counts and a Wilson score interval; one under ``min_count`` examinations is reported as
"not enough data", never as a figure. Combined figures (overall non-compliance, share missed,
lift) take each input's interval at 1 − α/2, so by Bonferroni's inequality the combined
interval covers with probability at least 1 − α.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import NormalDist
from typing import Any

#: Proportions from fewer examinations than this are "not enough data" by default: with 20
#: examinations a Wilson 95 % interval is still ±0.2 wide around 50 %.
MIN_COUNT = 20
TARGETED_OUTCOMES = frozenset({"inspect", "hold", "deny"})
NOT_ENOUGH_DATA = "not_enough_data"


def wilson_interval(hits: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion ``hits / n``.

    Source: E. B. Wilson, "Probable inference, the law of succession, and statistical
    inference", J. Amer. Statist. Assoc. 22(158):209–212 (1927); recommended over the Wald
    interval for small n and proportions near 0 or 1 by L. D. Brown, T. T. Cai and
    A. DasGupta, "Interval Estimation for a Binomial Proportion", Statistical Science
    16(2):101–133 (2001). ``n`` must be positive."""
    if n <= 0 or not 0 <= hits <= n:
        raise ValueError(f"need 0 <= hits <= n and n > 0, not hits={hits}, n={n}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = hits / n
    z2n = z * z / n
    center = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, center - half), min(1.0, center + half)


@dataclass(frozen=True, slots=True)
class Proportion:
    """``hits`` of ``n`` with its interval; ``value`` is ``None`` when ``n < needed``."""

    hits: int
    n: int
    needed: int
    value: float | None
    low: float | None
    high: float | None

    @property
    def enough(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.enough else NOT_ENOUGH_DATA,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "hits": self.hits,
            "count": self.n,
            "needed": self.needed,
        }


def proportion(hits: int, n: int, *, needed: int, confidence: float) -> Proportion:
    if n < max(1, needed):
        return Proportion(hits, n, needed, None, None, None)
    low, high = wilson_interval(hits, n, confidence=confidence)
    return Proportion(hits, n, needed, hits / n, low, high)


@dataclass(frozen=True, slots=True)
class Derived:
    """A figure derived from proportions (a ratio or share): its value and interval, or
    "not enough data" naming the inputs' counts in ``basis``."""

    value: float | None
    low: float | None
    high: float | None
    basis: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.value is not None else NOT_ENOUGH_DATA,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "basis": self.basis,
        }


@dataclass(frozen=True, slots=True)
class Flow:
    """How many decisions of one kind the agency made in the period."""

    random_selection: bool
    outcome: str
    risk_version: str | None
    risk_rules: str | None  # sorted rule ids, comma-joined
    count: int


@dataclass(frozen=True, slots=True)
class Label:
    """One declaration the agency examined (a concluded inspection with its findings)."""

    random_selection: bool
    outcome: str
    risk_version: str | None
    risk_rules: str | None
    violation: bool
    value_usd: float  # revenue at stake in its violation findings (0 without a value)
    valued: bool  # at least one violation finding carried a value


def stream_of(random_selection: bool, outcome: str) -> str:
    """``random``, ``targeted`` or ``released`` (see the module's docstring)."""
    if random_selection:
        return "random"
    return "targeted" if outcome in TARGETED_OUTCOMES else "released"


@dataclass
class _Tally:
    decisions: int = 0
    examined: int = 0
    violations: int = 0
    revenue_usd: float = 0.0
    valued: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    """Precision, lift and revenue of one rule id or weight-set version."""

    key: str
    decisions: int
    precision: Proportion
    lift: Derived
    revenue_usd: float
    valued_findings: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "decisions": self.decisions,
            "examined": self.precision.n,
            "violations": self.precision.hits,
            "precision": self.precision.to_dict(),
            "lift": self.lift.to_dict(),
            "revenue_recovered_usd": round(self.revenue_usd, 2),
            "valued_findings": self.valued_findings,
        }


@dataclass(frozen=True, slots=True)
class EffectivenessReport:
    agency: str
    since: datetime
    until: datetime
    port_code: str | None
    direction: str | None
    confidence: float
    min_count: int
    streams: dict[str, dict[str, Any]]
    targeted_hit_rate: Proportion
    random_hit_rate: Proportion
    non_compliance_untargeted: Proportion
    non_compliance_overall: Derived
    missed_share: Derived
    rules: list[Group] = field(default_factory=list)
    versions: list[Group] = field(default_factory=list)
    revenue_usd: dict[str, float] = field(default_factory=dict)

    @property
    def enough_data(self) -> bool:
        return self.random_hit_rate.enough or self.targeted_hit_rate.enough

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "period": {"from": self.since.isoformat(), "to": self.until.isoformat()},
            "port_code": self.port_code,
            "direction": self.direction,
            "confidence": self.confidence,
            "min_count": self.min_count,
            "status": "ok" if self.enough_data else NOT_ENOUGH_DATA,
            "streams": self.streams,
            "targeted_hit_rate": self.targeted_hit_rate.to_dict(),
            "random_hit_rate": self.random_hit_rate.to_dict(),
            "non_compliance_untargeted": self.non_compliance_untargeted.to_dict(),
            "non_compliance_overall": self.non_compliance_overall.to_dict(),
            "missed_share": self.missed_share.to_dict(),
            "by_rule": {g.key: g.to_dict() for g in self.rules},
            "by_weight_set": {g.key: g.to_dict() for g in self.versions},
            "revenue_recovered_usd": {k: round(v, 2) for k, v in self.revenue_usd.items()},
        }


def compute(
    flows: Iterable[Flow],
    labels: Iterable[Label],
    *,
    agency: str,
    since: datetime,
    until: datetime,
    port_code: str | None = None,
    direction: str | None = None,
    confidence: float = 0.95,
    min_count: int = MIN_COUNT,
) -> EffectivenessReport:
    """The effectiveness report of an agency's decisions ``flows`` and examinations ``labels``."""
    if not 0.5 <= confidence < 1:
        raise ValueError("confidence is between 0.5 and 1")
    # Each input of a combined figure at 1 - alpha/2 (Bonferroni: the pair covers >= 1 - alpha).
    half = 1 - (1 - confidence) / 2
    streams = {s: _Tally() for s in ("targeted", "random", "released")}
    rules: dict[str, _Tally] = {}
    versions: dict[str, _Tally] = {}
    for f in flows:
        stream = stream_of(f.random_selection, f.outcome)
        streams[stream].decisions += f.count
        if f.risk_version is not None and stream == "targeted":
            versions.setdefault(f.risk_version, _Tally()).decisions += f.count
        for rule in _rules(f.risk_rules):
            rules.setdefault(rule, _Tally()).decisions += f.count
    # Labels of one kind counted together first: a year has tens of thousands, a few kinds.
    kinds: dict[tuple[bool, str, str | None, str | None], _Tally] = {}
    for lab in labels:
        k = kinds.get((lab.random_selection, lab.outcome, lab.risk_version, lab.risk_rules))
        if k is None:
            k = kinds[(lab.random_selection, lab.outcome, lab.risk_version, lab.risk_rules)] = (
                _Tally()
            )
        k.examined += 1
        if lab.violation:
            k.violations += 1
            k.revenue_usd += lab.value_usd
            k.valued += lab.valued
    for (random, outcome, version, joined), k in kinds.items():
        stream = stream_of(random, outcome)
        tallies = [streams[stream]]
        if version is not None and stream == "targeted":
            tallies.append(versions.setdefault(version, _Tally()))
        tallies.extend(rules.setdefault(r, _Tally()) for r in _rules(joined))
        for t in tallies:
            t.examined += k.examined
            t.violations += k.violations
            t.revenue_usd += k.revenue_usd
            t.valued += k.valued

    def prop(t: _Tally, level: float = confidence) -> Proportion:
        return proportion(t.violations, t.examined, needed=min_count, confidence=level)

    tgt, rnd = streams["targeted"], streams["random"]
    p_t, p_r = prop(tgt), prop(rnd)
    p_t2, p_r2 = prop(tgt, half), prop(rnd, half)
    n_t = tgt.decisions
    n_u = rnd.decisions + streams["released"].decisions
    overall = _overall(p_t, p_r, p_t2, p_r2, n_t, n_u)
    missed = _missed(p_t, p_r, p_t2, p_r2, n_t, n_u)
    base, base2 = overall, _overall(p_t2, p_r2, p_t2, p_r2, n_t, n_u)

    def group(key: str, t: _Tally) -> Group:
        precision = prop(t)
        lift = _lift(precision, prop(t, half), base, base2)
        return Group(key, t.decisions, precision, lift, t.revenue_usd, t.valued)

    return EffectivenessReport(
        agency=agency,
        since=since,
        until=until,
        port_code=port_code,
        direction=direction,
        confidence=confidence,
        min_count=min_count,
        streams={
            k: {
                "decisions": t.decisions,
                "examined": t.examined,
                "violations": t.violations,
                "revenue_recovered_usd": round(t.revenue_usd, 2),
            }
            for k, t in streams.items()
        },
        targeted_hit_rate=p_t,
        random_hit_rate=p_r,
        non_compliance_untargeted=p_r,
        non_compliance_overall=overall,
        missed_share=missed,
        rules=[group(k, t) for k, t in sorted(rules.items())],
        versions=[group(k, t) for k, t in sorted(versions.items())],
        revenue_usd={k: t.revenue_usd for k, t in streams.items()},
    )


def _rules(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def _overall(
    p_t: Proportion, p_r: Proportion, p_t2: Proportion, p_r2: Proportion, n_t: int, n_u: int
) -> Derived:
    """Non-compliance of every decision: the targeted stream at its examined rate, the rest at
    the random sample's rate, weighted by their decisions."""
    basis = {"targeted_examined": p_t.n, "random_examined": p_r.n, "decisions": n_t + n_u}
    total = n_t + n_u
    if total == 0 or not p_r.enough or (n_t and not p_t.enough):
        return Derived(None, None, None, basis)

    def mix(t: float | None, r: float | None) -> float:
        return ((t or 0.0) * n_t + (r or 0.0) * n_u) / total

    return Derived(
        mix(p_t.value, p_r.value), mix(p_t2.low, p_r2.low), mix(p_t2.high, p_r2.high), basis
    )


def _missed(
    p_t: Proportion, p_r: Proportion, p_t2: Proportion, p_r2: Proportion, n_t: int, n_u: int
) -> Derived:
    """The share of all violations that were in the un-targeted stream (missed by targeting):
    n_u·p_r / (n_u·p_r + n_t·p_t). It grows with p_r and shrinks with p_t, so its bounds pair
    the random rate's low bound with the targeted rate's high bound, and the reverse."""
    basis = {"targeted_examined": p_t.n, "random_examined": p_r.n, "decisions": n_t + n_u}
    if not p_r.enough or (n_t and not p_t.enough):
        return Derived(None, None, None, basis)

    def share(r: float | None, t: float | None) -> float | None:
        missed, found = n_u * (r or 0.0), n_t * (t or 0.0)
        return missed / (missed + found) if missed + found > 0 else None

    value = share(p_r.value, p_t.value)
    if value is None:  # no violation anywhere: no share to speak of
        return Derived(None, None, None, basis)
    return Derived(value, share(p_r2.low, p_t2.high) or 0.0, share(p_r2.high, p_t2.low), basis)


def _lift(precision: Proportion, precision2: Proportion, base: Derived, base2: Derived) -> Derived:
    """Precision over the estimated overall non-compliance rate (how many times better than
    examining at random)."""
    basis = {"examined": precision.n, **base.basis}
    if not precision.enough or base.value is None or not base.value or not base2.low:
        return Derived(None, None, None, basis)
    assert precision.value is not None and precision2.low is not None
    assert precision2.high is not None and base2.high is not None
    return Derived(
        precision.value / base.value,
        precision2.low / base2.high,
        precision2.high / base2.low,
        basis,
    )


__all__ = [
    "MIN_COUNT",
    "NOT_ENOUGH_DATA",
    "TARGETED_OUTCOMES",
    "Derived",
    "EffectivenessReport",
    "Flow",
    "Group",
    "Label",
    "Proportion",
    "compute",
    "proportion",
    "stream_of",
    "wilson_interval",
]
