"""Pre-clearance: validate → verify credentials → admissibility rules → risk → decision.

``Pipeline.default()`` (or ``Pipeline(stages=[...])``) turns a declaration into a
:class:`Decision`: an :class:`Outcome`, the :class:`Reason` s of every stage (stable code,
stage, rule, English and Spanish), the rule versions used, the agency bound (northbound CBP,
southbound ANAM), the lane and the risk score. Other domains plug in by supplying a
:class:`Stage` for credentials or admissibility (see docs/preclearance.md). The record
lifecycle over the store is in ``preclearance.records`` / ``preclearance.lifecycle``.
"""

from smartborder.preclearance.credentials_stage import CredentialsReport, CredentialsStage
from smartborder.preclearance.decision import Agency, Decision, Note, Outcome, Reason, StageName
from smartborder.preclearance.lifecycle import State, visibility
from smartborder.preclearance.pipeline import Pipeline
from smartborder.preclearance.records import (
    BatchItem,
    RecordDetail,
    RecordSummary,
    SubmissionResult,
    amend,
    get_record,
    list_decisions,
    prepare,
    record_state,
    store,
    submit,
    submit_many,
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

__all__ = [
    "CredentialsReport",
    "CredentialsStage",
    "FAST_DEADLINE_MIN",
    "BatchItem",
    "RecordDetail",
    "RecordSummary",
    "State",
    "SubmissionResult",
    "amend",
    "get_record",
    "list_decisions",
    "prepare",
    "record_state",
    "store",
    "submit",
    "submit_many",
    "visibility",
    "TRUCK_DEADLINE_MIN",
    "AdmissibilityNotConfigured",
    "Agency",
    "CredentialsNotConfigured",
    "Decision",
    "DecisionDraft",
    "FilingStage",
    "Note",
    "Outcome",
    "Pipeline",
    "Reason",
    "RiskStage",
    "Stage",
    "StageName",
]
