"""Outcomes replayed in time order, as the pipeline saw them: for each declaration the facts
(with the party history and the violations found before it), its features and the weight
set's score; after it, what its inspection found joins the violation history.

The same :class:`Replay` drives the demo's simulated agency (``demo.outcomes``), so the
features a model learns from are computed exactly as shadow scoring computes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from smartborder.declarations import TruckShipment
from smartborder.risk.facts import PARTY_KEYS, InMemoryPartyHistory, truck_facts
from smartborder.risk.model.features import RawFeatures, raw_features
from smartborder.risk.model.outcomes import LabelledDeclaration
from smartborder.risk.scoring import RiskResult, RuleSet
from smartborder.risk.violations import InMemoryViolationHistory, apply_violations, violation_rows


@dataclass
class Replay:
    """The party and violation history of a stream of declarations, advanced one at a time."""

    rules: RuleSet
    parties: InMemoryPartyHistory = field(default_factory=InMemoryPartyHistory)
    violations: InMemoryViolationHistory = field(default_factory=InMemoryViolationHistory)

    def decide(self, declaration: TruckShipment, now: datetime) -> tuple[RawFeatures, RiskResult]:
        """The features and the weight set's result of a declaration decided at ``now``; its
        parties are remembered as seen (as the risk stage remembers them)."""
        facts = truck_facts(declaration, now=now, history=self.parties)
        window = timedelta(days=self.rules.violation_window_days)
        apply_violations(facts, declaration, self.violations, since=now - window, until=now)
        features = raw_features(declaration, facts, violations=self.violations, now=now)
        result = self.rules.score("truck", facts)
        for key in facts[PARTY_KEYS]:
            self.parties.remember(key)
        return features, result

    def found(self, declaration: TruckShipment, codes: Sequence[str], at: datetime) -> None:
        """An inspection at ``at`` found violations ``codes`` on the declaration's trip."""
        for row in violation_rows(declaration, codes, found_at=at, source="replay"):
            self.violations.add(row["key"], at)


@dataclass(frozen=True)
class Replayed:
    """Outcomes replayed: one entry per declaration, in time order."""

    rows: list[RawFeatures]
    labelled: np.ndarray  # bool: inspected
    violation: np.ndarray  # bool (False where not inspected)
    value_usd: np.ndarray
    weight_score: np.ndarray
    random_selection: np.ndarray
    filed_at: list[datetime]

    @property
    def n_labelled(self) -> int:
        return int(self.labelled.sum())

    @property
    def n_violations(self) -> int:
        return int(self.violation[self.labelled].sum())


def replay(outcomes: Sequence[LabelledDeclaration], rules: RuleSet) -> Replayed:
    """Replay ``outcomes`` (sorted by ``filed_at``) through a fresh :class:`Replay`; a
    violation counts in the history from the declaration's expected arrival (its inspection)."""
    r = Replay(rules)
    rows: list[RawFeatures] = []
    scores = np.empty(len(outcomes))
    for i, o in enumerate(outcomes):
        features, result = r.decide(o.declaration, o.filed_at)
        rows.append(features)
        scores[i] = result.score
        if o.violation:
            r.found(
                o.declaration, [c for c in o.findings if c != "no_discrepancy"], _inspected_at(o)
            )
    return Replayed(
        rows=rows,
        labelled=np.array([o.inspected for o in outcomes], dtype=bool),
        violation=np.array([o.violation for o in outcomes], dtype=bool),
        value_usd=np.array([o.value_usd for o in outcomes]),
        weight_score=scores,
        random_selection=np.array([o.random_selection for o in outcomes], dtype=bool),
        filed_at=[o.filed_at for o in outcomes],
    )


def _inspected_at(o: LabelledDeclaration) -> datetime:
    return max(o.declaration.expected_arrival, o.filed_at)


__all__ = ["Replay", "Replayed", "replay"]
