"""The pre-clearance pipeline's ``admissibility`` stage: every traveler, and every truck's
driver, is decided under the version in force at the declared port and arrival instant for
the destination country (``RulesInForce``, the lookup the self-check uses too); the decision's
``rule_versions`` and reasons cite that version and the deciding policies in English and Spanish."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartborder.admissibility import (
    DEFAULT_PLAN,
    AdmissibilityResult,
    PlanRef,
    Policies,
    RulesInForce,
    Traveler,
    TravelerInvalid,
    evaluate,
    policies_for,
    traveler_from_declaration,
)
from smartborder.declarations import Declaration, TravelerDeclaration, TruckShipment
from smartborder.i18n import Text
from smartborder.preclearance.decision import Outcome as PipelineOutcome
from smartborder.preclearance.decision import StageName
from smartborder.preclearance.stages import DecisionDraft

_OUTCOMES = {
    "admit": PipelineOutcome.RELEASE,
    "review": PipelineOutcome.DOCUMENTARY_REVIEW,
    "deny": PipelineOutcome.DENY,
}

Claims = Callable[[Declaration], Mapping[str, Any] | None]


def driver_traveler(shipment: TruckShipment) -> Traveler:
    """A truck's driver as a traveler on a lawful-trade trip. A FAST card is a declared FAST
    membership (verified only by a credential) and a trusted-traveler card among the documents
    carried; the list is not complete (a driver's visa is not declared on the shipment)."""
    d = shipment.driver
    doc = d.travel_document
    documents = [doc.type] if doc else []
    if d.fast_card:
        documents.append("trusted_traveler_card")
    return Traveler(
        id=f"driver:{getattr(shipment, 'idempotency_key', None) or id(shipment)}",
        nationality=d.nationality,
        lawful_resident_of=(doc.issuing_country,)
        if doc and doc.type == "permanent_resident_card"
        else (),
        date_of_birth=d.date_of_birth,
        purpose="lawful_trade",
        trusted_traveler_declared=("FAST",) if d.fast_card else (),
        document_expires_on=doc.expires_on if doc else None,
        documents=tuple(documents),
        documents_complete=False,
    )


class AdmissibilityStage:
    """Implements ``preclearance.Stage``: evaluates under the version ``rules`` finds in force
    at each declaration's port and arrival instant, or, without ``rules``, always under ``plan``
    (a built-in id, a YAML path, a ``Plan`` or a published version's ``Policies``). ``claims``
    may supply verified credential claims per declaration (vaccination, trusted-traveler
    membership)."""

    name: StageName = "admissibility"

    def __init__(
        self,
        plan: PlanRef = DEFAULT_PLAN,
        *,
        claims: Claims | None = None,
        rules: RulesInForce | None = None,
    ) -> None:
        self.rules = rules
        self.policies = rules.fallback if rules is not None else policies_for(plan).warm()
        self.claims = claims

    def policies_for(self, declaration: Declaration) -> Policies:
        """The policy set that decides ``declaration``."""
        if self.rules is None:
            return self.policies
        return self.rules.policies_at(
            declaration.port_code, declaration.expected_arrival, declaration.direction
        )

    def decide(
        self, declaration: Declaration, policies: Policies | None = None
    ) -> AdmissibilityResult:
        extra = self.claims(declaration) if self.claims else None
        if isinstance(declaration, TravelerDeclaration):
            subject = traveler_from_declaration(declaration, claims=extra)
        else:
            subject = driver_traveler(declaration)
            subject = subject.with_claims(extra) if extra else subject
        return evaluate(
            subject,
            port=declaration.port_code,
            at=declaration.expected_arrival,
            plan=policies or self.policies_for(declaration),
            direction=declaration.direction,
        )

    def run(self, declaration: Declaration, draft: DecisionDraft) -> None:
        policies = self.policies_for(declaration)
        draft.rule_versions["admissibility"] = policies.version
        try:
            result = self.decide(declaration, policies)
        except TravelerInvalid as exc:
            # Impossible values (e.g. an expired document) are for an officer, not a silent pass.
            problems = "; ".join(p.message.en for p in exc.problems)
            problems_es = "; ".join(p.message.es for p in exc.problems)
            draft.add(
                "admissibility.traveler_invalid",
                policies.plan_id,
                PipelineOutcome.DOCUMENTARY_REVIEW,
                Text(
                    f"Admissibility not decided: {problems}",
                    f"Admisibilidad no decidida: {problems_es}",
                ),
            )
            return
        outcome = _OUTCOMES[result.decision.value]
        label = result.decision.label
        who = "" if isinstance(declaration, TravelerDeclaration) else "driver: "
        quien = "" if isinstance(declaration, TravelerDeclaration) else "conductor: "
        for reason in result.reasons:
            draft.add(
                f"admissibility.{result.decision.value}",
                reason.policy,
                outcome,
                Text(
                    f"{who}{label.en}: {reason.en} (policy {reason.policy}, {result.version})",
                    f"{quien}{label.es}: {reason.es} (política {reason.policy}, {result.version})",
                ),
            )
