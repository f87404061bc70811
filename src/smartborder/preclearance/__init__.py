"""Pre-clearance: validate → verify credentials → admissibility rules → risk → decision.

``Pipeline.default()`` (or ``Pipeline(stages=[...])``) turns a declaration into a
:class:`Decision`: an :class:`Outcome`, the :class:`Reason` s of every stage (stable code,
stage, rule, English and Spanish), the rule versions used, the agency bound (northbound CBP,
southbound ANAM), the lane and the risk score. Other domains plug in by supplying a
:class:`Stage` for credentials or admissibility (see docs/preclearance.md). The record
lifecycle over the store is in ``preclearance.records`` / ``preclearance.lifecycle``.
"""

from smartborder.preclearance.admissibility_stage import AdmissibilityStage
from smartborder.preclearance.credentials_stage import CredentialsReport, CredentialsStage
from smartborder.preclearance.decision import (
    ENTRY_AGENCY,
    Agency,
    Decision,
    Leg,
    Note,
    Outcome,
    Reason,
    StageName,
    leg_of,
    legs_of,
)
from smartborder.preclearance.lifecycle import State, check_transition, visibility
from smartborder.preclearance.pipeline import Pipeline
from smartborder.preclearance.records import (
    amendment_target,
    get_record,
    list_decisions,
    record_state,
    target_of,
)
from smartborder.preclearance.stages import (
    FAST_DEADLINE_MIN,
    TRUCK_DEADLINE_MIN,
    AdmissibilityNotConfigured,
    CredentialsNotConfigured,
    DecisionDraft,
    FilingStage,
    RiskStage,
    Stage,
)
from smartborder.preclearance.submission import (
    AmendedMeanwhile,
    AmendTarget,
    BatchItem,
    Decider,
    KeyReused,
    PreparedSubmission,
    batch_items,
    prepare,
    prepare_amendment,
    prepare_batch,
    require_object,
    store_many,
)
from smartborder.preclearance.views import RecordDetail, RecordSummary, SubmissionResult

__all__ = [
    "AdmissibilityNotConfigured",
    "AdmissibilityStage",
    "Agency",
    "ENTRY_AGENCY",
    "Leg",
    "leg_of",
    "legs_of",
    "AmendTarget",
    "AmendedMeanwhile",
    "BatchItem",
    "CredentialsNotConfigured",
    "CredentialsReport",
    "CredentialsStage",
    "Decider",
    "Decision",
    "DecisionDraft",
    "FAST_DEADLINE_MIN",
    "FilingStage",
    "KeyReused",
    "Note",
    "Outcome",
    "Pipeline",
    "PreparedSubmission",
    "Reason",
    "RecordDetail",
    "RecordSummary",
    "RiskStage",
    "Stage",
    "StageName",
    "State",
    "SubmissionResult",
    "TRUCK_DEADLINE_MIN",
    "amendment_target",
    "check_transition",
    "batch_items",
    "get_record",
    "target_of",
    "list_decisions",
    "prepare",
    "prepare_amendment",
    "prepare_batch",
    "record_state",
    "require_object",
    "store_many",
    "visibility",
]
