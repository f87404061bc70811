"""Joint inspection and inspection results, event-sourced.

Either agency requests an inspection of a trip (``request``; ``joint`` for both agencies at
one facility), which is ``schedule``\\ d at a facility of the trip's port (an inspection dock or
a joint facility such as a UCP one), ``start``\\ ed, gets each agency's findings
(``record_findings``, stable :class:`FindingCode` s) and is ``conclude``\\ d by each agency
taking part with an :class:`InspectionOutcome`; each concluding agency signs an
``InspectionReport`` credential. Every command appends an immutable :class:`InspectionEvent`
and updates the materialized :class:`Inspection` through the pure :func:`apply`, in the
caller's transaction; :func:`receive` applies an event from the other node idempotently.
:func:`satisfies` says whether a concluded inspection counts for an agency (mutual
recognition). Violations found feed the risk history (``smartborder.risk``). See
docs/inspections.md.
"""

from smartborder.inspections.errors import (
    AlreadyInspected,
    ConcurrentChange,
    FacilityUnknown,
    FindingCodeUnknown,
    InspectionInvalid,
    InspectionNotFound,
    NotYourInspection,
    OutcomeUnknown,
    ReportNotFound,
    StepOutOfOrder,
    TripNotFound,
)
from smartborder.inspections.facilities import JOINT_FACILITIES, facilities_of
from smartborder.inspections.model import (
    AGENCIES,
    FINDING_LABELS,
    Agency,
    AgencyPart,
    EventKind,
    Finding,
    FindingCode,
    Inspection,
    InspectionEvent,
    InspectionOutcome,
    Step,
)
from smartborder.inspections.recognition import satisfies
from smartborder.inspections.replay import apply, next_steps, replay
from smartborder.inspections.reports import REPORT_TYPE, report_credential
from smartborder.inspections.workflow import (
    Concluded,
    acting_agency,
    conclude,
    events_of,
    get,
    load,
    of_trip,
    receive,
    record_findings,
    report,
    request,
    schedule,
    start,
    view,
)

__all__ = [
    "AGENCIES",
    "Agency",
    "AgencyPart",
    "AlreadyInspected",
    "ConcurrentChange",
    "Concluded",
    "EventKind",
    "FINDING_LABELS",
    "FacilityUnknown",
    "Finding",
    "FindingCode",
    "FindingCodeUnknown",
    "Inspection",
    "InspectionEvent",
    "InspectionInvalid",
    "InspectionNotFound",
    "InspectionOutcome",
    "JOINT_FACILITIES",
    "NotYourInspection",
    "OutcomeUnknown",
    "REPORT_TYPE",
    "ReportNotFound",
    "Step",
    "StepOutOfOrder",
    "TripNotFound",
    "acting_agency",
    "apply",
    "conclude",
    "events_of",
    "facilities_of",
    "get",
    "load",
    "next_steps",
    "of_trip",
    "receive",
    "record_findings",
    "replay",
    "report",
    "report_credential",
    "request",
    "satisfies",
    "schedule",
    "start",
    "view",
]
