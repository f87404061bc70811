"""The pre-clearance pipeline: validate → verify credentials → admissibility → risk → decision."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from smartborder.declarations import (
    Declaration,
    HSNomenclature,
    TravelerDeclaration,
    TruckShipment,
    TrustedTravelerProgram,
    parse_declaration,
    parse_declaration_json,
)
from smartborder.i18n import Text
from smartborder.ports import Direction, LaneType
from smartborder.preclearance.decision import (
    ENTRY_AGENCY,
    Agency,
    Decision,
    Note,
    Outcome,
    Reason,
)
from smartborder.preclearance.stages import (
    AdmissibilityNotConfigured,
    CredentialsNotConfigured,
    DecisionDraft,
    FilingStage,
    RiskStage,
    Stage,
)
from smartborder.risk import (
    RANDOM_REASON_CODE,
    RANDOM_RULE_ID,
    Exploration,
    ModelSlots,
    PartyHistory,
    RandomSample,
    RuleSet,
    ShadowScorer,
    ViolationHistory,
    parties_of,
)

_ORDER = {"validate": 0, "credentials": 1, "admissibility": 2, "risk": 3}
_LANE_OF = {
    Outcome.DOCUMENTARY_REVIEW: "secondary_documents",
    Outcome.INSPECT: "secondary_inspection",
}
_SEVERITY = {o: o.severity for o in Outcome}
_EXIT_NOTE = Note(
    stage="decision",
    message_en="Exit leg (export clearance): admissibility rules apply on the entry leg, by the other agency.",
    message_es="Tramo de salida (despacho de exportación): las reglas de admisibilidad se aplican en el tramo de entrada, por la otra agencia.",
)
_PARSED = (TruckShipment, TravelerDeclaration)
# Plain strings of the release lanes (an enum's .value is a slow descriptor in a hot loop).
_GENERAL, _READY, _SENTRI, _FAST = (
    LaneType.GENERAL.value,
    LaneType.READY.value,
    LaneType.SENTRI.value,
    LaneType.FAST.value,
)


class Pipeline:
    """Runs the stages in order and combines their reasons into one :class:`Decision`.

    ``stages`` must be in pipeline order (validate, credentials, admissibility, risk); the
    most severe outcome among all reasons wins. ``Pipeline.default()`` builds the standard
    stages and lets each domain supply its own credentials or admissibility stage.
    """

    def __init__(
        self,
        stages: Sequence[Stage],
        *,
        hs: HSNomenclature | None = None,
        agency: Agency | None = None,
        random_sample: RandomSample | None = None,
    ) -> None:
        ranks = [_ORDER.get(s.name, -1) for s in stages]
        if -1 in ranks or ranks != sorted(ranks):
            raise ValueError(
                "stages must be named validate, credentials, admissibility or risk, in that order"
            )
        self.stages: tuple[Stage, ...] = tuple(stages)
        self.hs = hs
        # A sovereign node decides its own agency's leg of every trip (the exit leg of a trip
        # leaving its country, the entry leg of one arriving); None: the entry leg's agency.
        self.agency = agency
        self._exit_stages = tuple(s for s in self.stages if s.name != "admissibility")
        # The agency's random control sample (None or rate 0: nothing drawn).
        self.random_sample = random_sample if random_sample and random_sample.rate > 0 else None
        self._random_reasons: dict[Agency, Reason] = {}

    @classmethod
    def default(
        cls,
        *,
        credentials: Stage | None = None,
        admissibility: Stage | None = None,
        rules: RuleSet | None = None,
        history: PartyHistory | None = None,
        hs: HSNomenclature | None = None,
        claims: Callable[[Declaration], Mapping[str, Any] | None] | None = None,
        agency: Agency | None = None,
        violations: ViolationHistory | None = None,
        shadow: ShadowScorer | None = None,
        exploration: Exploration | None = None,
        random_sample: RandomSample | None = None,
        models: ModelSlots | None = None,
    ) -> Pipeline:
        """The standard pipeline; stages not supplied default to ones that say they did nothing.

        ``claims`` gives the risk stage a declaration's verified credential claims;
        ``violations`` the violations inspections found on parties; ``shadow`` a learned
        model scoring trucks in shadow (fixed), or ``models`` the node's model slots (the
        deciding and the shadow model, kept fresh); ``exploration`` inspections of uncertain
        cases; ``random_sample`` the agency's random control sample."""
        return cls(
            [
                FilingStage(),
                credentials or CredentialsNotConfigured(),
                admissibility or AdmissibilityNotConfigured(),
                RiskStage(
                    rules,
                    history=history,
                    claims=claims,
                    violations=violations,
                    shadow=shadow,
                    exploration=exploration,
                    models=models,
                ),
            ],
            hs=hs,
            agency=agency,
            random_sample=random_sample,
        )

    def parse(self, payload: Mapping[str, Any] | bytes | str, *, now: datetime) -> Declaration:
        """Validate a JSON object (a mapping, or its JSON text) into a declaration.

        Raises ``DeclarationInvalid`` with every problem. JSON text is validated without an
        intermediate dict, which is faster for large truck manifests.
        """
        if isinstance(payload, bytes | str):
            return parse_declaration_json(payload, now=now, hs=self.hs)
        return parse_declaration(payload, now=now, hs=self.hs)

    def decide(
        self, declaration: Declaration | Mapping[str, Any] | bytes | str, *, now: datetime
    ) -> Decision:
        """Decide a declaration (or a JSON object or text, validated first) as of ``now``.

        A naive ``now`` is taken as UTC.
        """
        return self.decide_with_parties(declaration, now=now)[0]

    def decide_with_parties(
        self,
        declaration: Declaration | Mapping[str, Any] | bytes | str,
        *,
        now: datetime,
        own_parties: frozenset[str] = frozenset(),
    ) -> tuple[Decision, list[str]]:
        """:meth:`decide`, and the trading parties of the declaration its risk stage's history
        had not seen (all of them without a history): what storing it adds to the store's
        history. The history now remembers them. ``own_parties``: parties an earlier
        version of the same trip introduced, still first-time for this one."""
        if not isinstance(declaration, _PARSED):
            declaration = self.parse(declaration, now=now)
        now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
        entry = ENTRY_AGENCY[declaration.direction]
        agency = self.agency or entry
        draft = DecisionDraft(now=now, agency=agency, own_parties=own_parties)
        stages = self.stages
        if agency != entry:
            # The exit leg: export clearance. Admissibility rules say who may *enter* a
            # country, so they are the other agency's to apply.
            stages = self._exit_stages
            draft.exit_leg = True
            draft.notes.append(_EXIT_NOTE)
        for stage in stages:
            draft.stage = stage.name
            stage.run(declaration, draft)
        parties = draft.new_parties
        if parties is None:
            parties = list(dict.fromkeys(parties_of(declaration)))
        return _conclude(declaration, draft, self._random_draw), parties

    def _random_draw(self, draft: DecisionDraft, outcome: Outcome) -> bool:
        """Draw the control sample for a declaration that would not be examined; a selected
        one gets the sample's reason (stage ``decision``), the risk score is left alone."""
        sample = self.random_sample
        if sample is None or outcome not in _RANDOM_ELIGIBLE or not sample.draw():
            return False
        reason = self._random_reasons.get(draft.agency)
        if reason is None:
            text = sample.reason_text()
            reason = self._random_reasons[draft.agency] = Reason(
                code=RANDOM_REASON_CODE,
                stage="decision",
                rule_id=RANDOM_RULE_ID,
                outcome=Outcome.INSPECT,
                message_en=text.en,
                message_es=text.es,
                agency=draft.agency,
            )
        draft.reasons.append(reason)
        return True


_RANDOM_ELIGIBLE = (Outcome.RELEASE, Outcome.DOCUMENTARY_REVIEW)


def _conclude(
    declaration: Declaration,
    draft: DecisionDraft,
    random_draw: Callable[[DecisionDraft, Outcome], bool],
) -> Decision:
    outcome = Outcome.RELEASE
    worst = 0
    for reason in draft.reasons:
        severity = _SEVERITY[reason.outcome]
        if severity > worst:
            worst, outcome = severity, reason.outcome
    truck = isinstance(declaration, TruckShipment)
    if outcome is Outcome.DENY and truck:
        outcome = Outcome.HOLD
        draft.stage = "decision"
        draft.add(
            "decision.deny_as_hold",
            "decision.trucks_not_denied",
            Outcome.HOLD,
            Text(
                "A stage asked to deny a truck shipment; trucks are held instead of denied.",
                "Una etapa pidió denegar un embarque de camión; los camiones se retienen en lugar de denegarse.",
            ),
        )
    random_selection = random_draw(draft, outcome)
    if random_selection:
        outcome = Outcome.INSPECT
    if draft.exit_leg:
        lane: str | None = None  # entry lanes (SENTRI, FAST, READY) belong to the entry leg
    elif outcome is Outcome.RELEASE:
        lane = _release_lane(declaration)
    else:
        lane = _LANE_OF.get(outcome)
    return Decision(
        outcome=outcome,
        reasons=draft.reasons,
        rule_versions=draft.rule_versions,
        agencies=[draft.agency],
        lane=lane,
        risk_score=draft.risk_score,
        decided_at=draft.now,
        notes=draft.notes,
        random_selection=random_selection,
        shadow_features=draft.shadow_features,
        shadow_model=draft.shadow_model,
    )


def _release_lane(declaration: Declaration) -> str:
    if declaration.direction is Direction.SOUTHBOUND:
        return _GENERAL
    if isinstance(declaration, TruckShipment):
        return _FAST if declaration.fast else _GENERAL
    tt = declaration.trusted_traveler
    if (
        tt is not None
        and tt.program is TrustedTravelerProgram.SENTRI
        and declaration.vehicle_plate is not None
    ):
        return _SENTRI
    if tt is not None or declaration.rfid_document:
        return _READY
    return _GENERAL
