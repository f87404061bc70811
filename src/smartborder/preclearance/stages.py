"""Pipeline stages: the :class:`Stage` protocol, the draft they write to, and built-in stages.

A stage is any object with a ``name`` (one of ``validate``, ``credentials``, ``admissibility``,
``risk``) and a ``run(declaration, draft)`` method that adds reasons to the draft (and, if it
uses versioned rules, records their version). Stages never raise for a declaration's content:
whatever they find is a reason with an outcome. See docs/preclearance.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from smartborder.declarations import Declaration, TravelerDeclaration, TruckShipment
from smartborder.i18n import Text
from smartborder.ports import Direction
from smartborder.preclearance.decision import Agency, Note, Outcome, Reason, StageName
from smartborder.risk import (
    FACT_FUNCTIONS,
    PARTY_KEYS,
    DecidingModel,
    Exploration,
    ModelSlots,
    PartyHistory,
    RuleSet,
    ShadowScorer,
    ViolationHistory,
    apply_verified_claims,
    apply_violations,
    load_rules,
    raw_features,
)


@dataclass(slots=True)
class DecisionDraft:
    """What stages write while a declaration goes through the pipeline."""

    now: datetime
    agency: Agency
    reasons: list[Reason] = field(default_factory=list)
    rule_versions: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    risk_score: float | None = None
    stage: StageName = "validate"
    # Set by a risk stage with a party history: the parties it had not seen before.
    new_parties: list[str] | None = None
    exit_leg: bool = False  # deciding the exit (export) leg of the trip, not its entry
    # Parties the history knows only because an earlier version of this same trip put them
    # there: for this trip they are still first-time (amending must not lower the score).
    own_parties: frozenset[str] = frozenset()
    # Set by a risk stage with a shadow model: the truck's features, scored by the writer
    # with the model that encoded them (``shadow_model``, its id).
    shadow_features: list[float] | None = None
    shadow_model: str | None = None

    def add(self, code: str, rule_id: str, outcome: Outcome, message: Text) -> Reason:
        """Add a reason from the current stage, binding the declaration's agency."""
        reason = Reason(
            code=code,
            stage=self.stage,
            rule_id=rule_id,
            outcome=outcome,
            message_en=message.en,
            message_es=message.es,
            agency=self.agency,
        )
        self.reasons.append(reason)
        return reason

    def note(self, message: Text) -> None:
        """Add a note (not a reason: it does not change the outcome) from the current stage."""
        self.notes.append(Note(stage=self.stage, message_en=message.en, message_es=message.es))


@runtime_checkable
class Stage(Protocol):
    """A pipeline stage. ``name`` says which step it fills; ``run`` adds reasons to ``draft``."""

    name: StageName

    def run(self, declaration: Declaration, draft: DecisionDraft) -> None: ...


# Pre-arrival deadlines for trucks: ACE e-Manifest must be received at least 1 hour before the
# truck reaches the port, 30 minutes for FAST (19 CFR 123.92(a)).
TRUCK_DEADLINE_MIN = 60.0
FAST_DEADLINE_MIN = 30.0


class FilingStage:
    """The ``validate`` stage's timing checks: the pre-arrival deadline and document expiry.

    Structural validation happened when the dict was parsed; this stage judges the filing in
    time. A late truck filing is a reason: documentary review if filed with at least half the
    required lead time, inspection otherwise.
    """

    name: StageName = "validate"

    def run(self, declaration: Declaration, draft: DecisionDraft) -> None:
        # 19 CFR 123.92 binds trucks entering the U.S.; ANAM sets no such lead time southbound.
        if isinstance(declaration, TruckShipment) and declaration.direction is Direction.NORTHBOUND:
            lead_min = (declaration.expected_arrival - draft.now).total_seconds() / 60.0
            fast = declaration.fast
            required = FAST_DEADLINE_MIN if fast else TRUCK_DEADLINE_MIN
            if lead_min < required:
                outcome = (
                    Outcome.DOCUMENTARY_REVIEW if lead_min >= required / 2 else Outcome.INSPECT
                )
                rule = "deadline.truck.fast_30min" if fast else "deadline.truck.1h"
                draft.add(
                    "validate.filing.late",
                    rule,
                    outcome,
                    Text(
                        f"Filed {lead_min:.0f} min before arrival; {'FAST ' if fast else ''}trucks must file at least {required:.0f} min ahead (19 CFR 123.92).",
                        f"Presentado {lead_min:.0f} min antes de la llegada; los camiones {'FAST ' if fast else ''}deben presentar al menos {required:.0f} min antes (19 CFR 123.92).",
                    ),
                )
        elif isinstance(declaration, TravelerDeclaration):
            expires = declaration.document.expires_on
            if expires < declaration.expected_arrival.date():
                draft.add(
                    "validate.document.expired",
                    "document.valid_at_arrival",
                    Outcome.INSPECT,
                    Text(
                        f"The travel document expires on {expires.isoformat()}, before the expected arrival; the traveler goes to secondary.",
                        f"El documento de viaje vence el {expires.isoformat()}, antes de la llegada prevista; el viajero pasa a revisión secundaria.",
                    ),
                )


def _notice(stage: StageName, code: str, rule_id: str, message: Text) -> dict[Agency, Reason]:
    # The same immutable reason for every decision of an agency: built once.
    return {
        agency: Reason(
            code=code,
            stage=stage,
            rule_id=rule_id,
            outcome=Outcome.RELEASE,
            message_en=message.en,
            message_es=message.es,
            agency=agency,
        )
        for agency in ("cbp", "anam")
    }


class CredentialsNotConfigured:
    """Default ``credentials`` stage: verifies nothing, and says so in every decision."""

    name: StageName = "credentials"
    _reasons = _notice(
        "credentials",
        "credentials.not_verified",
        "credentials.not_configured",
        Text(
            "Credentials stage not configured: attached credentials were not verified.",
            "Etapa de credenciales no configurada: las credenciales adjuntas no se verificaron.",
        ),
    )

    def run(self, declaration: Declaration, draft: DecisionDraft) -> None:
        draft.reasons.append(self._reasons[draft.agency])


class AdmissibilityNotConfigured:
    """Default ``admissibility`` stage: evaluates no policy, and says so in every decision."""

    name: StageName = "admissibility"
    _reasons = _notice(
        "admissibility",
        "admissibility.not_evaluated",
        "admissibility.not_configured",
        Text(
            "Admissibility stage not configured: no admissibility policy was evaluated.",
            "Etapa de admisibilidad no configurada: no se evaluó ninguna política de admisibilidad.",
        ),
    )

    def run(self, declaration: Declaration, draft: DecisionDraft) -> None:
        draft.reasons.append(self._reasons[draft.agency])


_LANE_OUTCOME = {o.value: o for o in Outcome}
_LANE_ES = {"documentary_review": "revisión documental", "inspect": "inspección"}


class RiskStage:
    """The ``risk`` stage: scores the declaration with a weight set and maps it to a lane.

    Each matching rule becomes a reason naming its rule id; the reasons carry the outcome of
    the score's lane (so a score under the review threshold leaves the decision at release).
    With a ``history``, first-time shippers and consignees are recognised, and a truck's
    new parties are remembered once it is scored and named in ``draft.new_parties``. With
    ``claims`` (the credentials stage's verified claims of a declaration), what credentials
    prove overrides what is declared (see :func:`smartborder.risk.apply_verified_claims`).
    With ``violations``, a truck whose shipper, consignee or carrier had a violation found by
    an inspection within the weight set's window scores the recent-violation rules.
    With ``models`` (:class:`smartborder.risk.ModelSlots`, or a fixed ``shadow`` scorer), the
    slots are read once per declaration: a truck's learned-model features are computed once
    from the same facts; the shadow model's vector goes into ``draft.shadow_features`` (scored
    and stored beside the decision by the writer, never deciding); a promoted model, if one
    fills the deciding slot, decides trucks instead of the weight set: its probability mapped
    to lanes by its calibrated cut-offs (:class:`smartborder.risk.DecidingModel`), reasons
    ``risk.model.<feature>`` naming the features that pushed the score up, and
    ``rule_versions["risk"]`` ``model:ID``. Travelers are always scored by the weight set.
    With ``exploration``, a share of the declarations scoring just under the inspection
    threshold (the weight set's band in points; the model's band between its ``explore`` and
    ``inspect`` cut-offs) is inspected, with the reason ``risk.exploration`` saying so
    (:class:`smartborder.risk.Exploration`).
    """

    name: StageName = "risk"

    def __init__(
        self,
        rules: RuleSet | None = None,
        *,
        history: PartyHistory | None = None,
        claims: Callable[[Declaration], Mapping[str, Any] | None] | None = None,
        violations: ViolationHistory | None = None,
        shadow: ShadowScorer | None = None,
        exploration: Exploration | None = None,
        models: ModelSlots | None = None,
    ) -> None:
        self.rules = rules or load_rules()
        if models is None and shadow is not None:
            models = ModelSlots(shadow=shadow, violations=shadow.violations)
        self.models = models
        self.exploration = exploration
        self.history = history
        self.claims = claims
        self.violations = violations
        self._window = timedelta(days=self.rules.violation_window_days)
        # A rule's reason depends only on the rule, the lane and the agency: built once each.
        self._reasons: dict[tuple[str, Outcome, Agency], Reason] = {}

    def _reason(self, rule_id: str, outcome: Outcome, agency: Agency, message: Text) -> Reason:
        key = (rule_id, outcome, agency)
        reason = self._reasons.get(key)
        if reason is None:
            reason = self._reasons[key] = Reason(
                code=f"risk.{rule_id}",
                stage="risk",
                rule_id=rule_id,
                outcome=outcome,
                message_en=message.en,
                message_es=message.es,
                agency=agency,
            )
        return reason

    def run(self, declaration: Declaration, draft: DecisionDraft) -> None:
        kind = declaration.kind
        history = self.history
        if history is not None and draft.own_parties:
            history = _ExceptOwn(history, draft.own_parties)
        facts = FACT_FUNCTIONS[kind](declaration, now=draft.now, history=history)
        proven = self.claims(declaration) if self.claims is not None else None
        if proven:
            apply_verified_claims(kind, facts, proven)
        if self.violations is not None:
            since = draft.now - self._window
            apply_violations(facts, declaration, self.violations, since=since, until=draft.now)
        models = self.models
        deciding: DecidingModel | None = None
        if models is not None and isinstance(declaration, TruckShipment):
            deciding, shadow = models.view
            if deciding is not None or shadow is not None:
                raw = raw_features(declaration, facts, violations=models.violations, now=draft.now)
                if shadow is not None:
                    draft.shadow_features = shadow.encode(raw)
                    draft.shadow_model = shadow.model_id
                if deciding is not None:
                    self._decide_by_model(deciding, deciding.encode(raw), draft)
        if deciding is None:
            self._decide_by_weights(kind, facts, draft)
        new_parties = facts.get(PARTY_KEYS)
        if self.history is not None and new_parties is not None:
            draft.new_parties = new_parties
            for key in new_parties:
                self.history.remember(key)

    def _decide_by_weights(self, kind: str, facts: Mapping[str, Any], draft: DecisionDraft) -> None:
        result = self.rules.score(kind, facts)
        draft.risk_score = result.score
        draft.rule_versions["risk"] = self.rules.version
        outcome = _LANE_OUTCOME[result.lane]
        reasons = draft.reasons
        for hit in result.hits:
            reasons.append(self._reason(hit.rule_id, outcome, draft.agency, hit.message))
        if result.threshold is not None:
            draft.note(
                Text(
                    f"Risk score {result.score:g} reached the {result.lane} threshold {result.threshold:g} (weight set {self.rules.name} {self.rules.version}).",
                    f"La puntuación de riesgo {result.score:g} alcanzó el umbral {result.threshold:g} de {_LANE_ES[result.lane]} (conjunto de pesos {self.rules.name} {self.rules.version}).",
                )
            )
        explore = self.exploration
        if explore is not None and result.lane != "inspect":
            threshold = self.rules.thresholds[kind].inspect
            if explore.near(result.score, threshold) and explore.draw():
                draft.add(
                    "risk.exploration",
                    "exploration",
                    Outcome.INSPECT,
                    Text(
                        f"Selected for inspection as exploration, not as a risk finding: the score {result.score:g} is within {explore.band:g} points under the inspection threshold {threshold:g}, where inspections teach the risk model most.",
                        f"Seleccionado para inspección como exploración, no como hallazgo de riesgo: la puntuación {result.score:g} está a menos de {explore.band:g} puntos del umbral de inspección {threshold:g}, donde las inspecciones más enseñan al modelo de riesgo.",
                    ),
                )

    def _decide_by_model(
        self, deciding: DecidingModel, vector: list[float], draft: DecisionDraft
    ) -> None:
        """A truck decided by the promoted model (see :class:`smartborder.risk.DecidingModel`)."""
        score = deciding.score(vector)
        cut = deciding.cutoffs
        lane = cut.lane(score)
        draft.risk_score = round(score, 6)
        draft.rule_versions["risk"] = deciding.version
        if lane != "release":
            outcome = _LANE_OUTCOME[lane]
            reasons = deciding.reasons(vector)
            if not reasons:  # the score is high on the model's base rate alone
                reasons = [("score", deciding.note(score, lane))]
            for feature, text in reasons:
                draft.add(f"risk.model.{feature}", f"model.{feature}", outcome, text)
            draft.note(deciding.note(score, lane))
        explore = self.exploration
        if (
            explore is not None
            and lane != "inspect"
            and cut.explore <= score < cut.inspect
            and explore.draw()
        ):
            draft.add(
                "risk.exploration",
                "exploration",
                Outcome.INSPECT,
                Text(
                    f"Selected for inspection as exploration, not as a risk finding: the learned model's score {score:.4f} is just under its inspection cut-off {cut.inspect:.4f} (at or above {cut.explore:.4f}), where inspections teach the risk model most.",
                    f"Seleccionado para inspección como exploración, no como hallazgo de riesgo: la puntuación {score:.4f} del modelo aprendido está justo debajo de su corte de inspección {cut.inspect:.4f} (igual o mayor que {cut.explore:.4f}), donde las inspecciones más enseñan al modelo de riesgo.",
                ),
            )


class _ExceptOwn:
    """A party history that has not seen ``own`` (a trip's own parties, when amended)."""

    def __init__(self, history: PartyHistory, own: frozenset[str]) -> None:
        self._history = history
        self._own = own

    def seen(self, key: str) -> bool:
        return key not in self._own and self._history.seen(key)

    def remember(self, key: str) -> None:
        self._history.remember(key)


__all__ = [
    "FAST_DEADLINE_MIN",
    "TRUCK_DEADLINE_MIN",
    "AdmissibilityNotConfigured",
    "CredentialsNotConfigured",
    "DecisionDraft",
    "FilingStage",
    "RiskStage",
    "Stage",
]
