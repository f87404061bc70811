"""Scoring by a weight set: a compiled :class:`RuleSet` sums the weights of the rules whose
condition matches a declaration's facts and maps the total to a lane (``LANES``). Rule files are
read and compiled into rule sets by :mod:`smartborder.risk.rulefile`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from smartborder.i18n import Text

Predicate = Callable[[Mapping[str, Any]], bool]

LANES = ("release", "documentary_review", "inspect")


class RuleHit(NamedTuple):
    """A rule that matched, with the points it added."""

    rule_id: str
    weight: float
    message: Text


class RiskResult(NamedTuple):
    """The score, its lane (one of ``LANES``), the rules that matched, the threshold crossed."""

    score: float
    lane: str
    hits: tuple[RuleHit, ...]
    threshold: float | None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    weight: float
    message: Text
    when: Predicate
    source: Mapping[str, Any]

    hit: RuleHit = field(init=False, compare=False)  # what a match reports, built once

    def __post_init__(self) -> None:
        object.__setattr__(self, "hit", RuleHit(self.id, self.weight, self.message))


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scores at or above ``documentary_review`` / ``inspect`` send a declaration there."""

    documentary_review: float
    inspect: float

    def lane(self, score: float) -> str:
        if score >= self.inspect:
            return "inspect"
        if score >= self.documentary_review:
            return "documentary_review"
        return "release"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A loaded, compiled weight set."""

    version: str
    name: str
    source: str
    thresholds: Mapping[str, Thresholds]
    rules: Mapping[str, tuple[Rule, ...]]  # by declaration kind
    #: How long a violation found by an inspection counts against the trip's parties.
    violation_window_days: float = 365.0

    def score(self, kind: str, facts: Mapping[str, Any]) -> RiskResult:
        """Score the facts of a declaration of ``kind`` and map the score to a lane."""
        total = 0.0
        hits: list[RuleHit] = []
        for rule in self.rules.get(kind, ()):
            if rule.when(facts):
                total += rule.weight
                hits.append(rule.hit)
        th = self.thresholds[kind]
        lane = th.lane(total)
        crossed = (
            th.inspect
            if lane == "inspect"
            else th.documentary_review
            if lane == "documentary_review"
            else None
        )
        return RiskResult(total, lane, tuple(hits), crossed)
