"""Admissibility rules: who may enter which country, at which port, when — as Cedar policies.

Plans are data (YAML in ``plans/``) compiled to Cedar, validated against the schema
(``schema.cedarschema``), published as immutable versions, and evaluated to admit / deny /
review with the deciding policy ids and an explanation in English and Spanish::

    from smartborder.admissibility import Traveler, evaluate
    r = evaluate(Traveler(nationality="MEX", age=40, purpose="tourism", fully_vaccinated=False),
                 port="2504", at=datetime(2022, 2, 1, 20, tzinfo=UTC))
    r.decision            # Outcome.DENY
    r.explanation("en")   # "Denied: from 2022-01-22 non-U.S. travelers must show proof ..."
"""

from smartborder.admissibility.categories import (
    DOCUMENT_LABELS,
    DOCUMENT_TYPES,
    ESSENTIAL_PURPOSES,
    PROGRAMS,
    PURPOSE_LABELS,
    PURPOSES,
)
from smartborder.admissibility.cedar import Policies, load_policies
from smartborder.admissibility.check import CheckReport, Finding, check_plan
from smartborder.admissibility.compile import compile_plan
from smartborder.admissibility.errors import (
    InForceOverlap,
    PlanInvalid,
    PlanNotFound,
    PolicyInvalid,
    ScopeInvalid,
    TransitionOutOfOrder,
    TravelerInvalid,
    VersionNotFound,
    WrongAgency,
)
from smartborder.admissibility.graph import schema_text
from smartborder.admissibility.impact import ImpactReport, impact
from smartborder.admissibility.in_force import RulesInForce
from smartborder.admissibility.lifecycle import activate, approve, check_author, propose, withdraw
from smartborder.admissibility.model import (
    AdmissibilityResult,
    Outcome,
    Reason,
    Traveler,
    traveler_from_declaration,
)
from smartborder.admissibility.plan import (
    BASELINE_PLAN,
    BUILTIN_PLANS,
    DEFAULT_PLAN,
    Plan,
    load_plan,
    parse_plan,
)
from smartborder.admissibility.plan_history import (
    AGENCY_COUNTRY,
    Activation,
    Actor,
    PlanStatus,
    plan_status,
    version_in_force,
)
from smartborder.admissibility.service import (
    PlanRef,
    evaluate,
    evaluate_many,
    policies_for,
    request_for,
)
from smartborder.admissibility.versions import (
    PublishedVersion,
    get_version,
    list_versions,
    publish,
    version_policies,
)

__all__ = [
    "AGENCY_COUNTRY",
    "BASELINE_PLAN",
    "BUILTIN_PLANS",
    "DEFAULT_PLAN",
    "DOCUMENT_LABELS",
    "DOCUMENT_TYPES",
    "ESSENTIAL_PURPOSES",
    "PROGRAMS",
    "PURPOSES",
    "PURPOSE_LABELS",
    "Activation",
    "Actor",
    "AdmissibilityResult",
    "CheckReport",
    "Finding",
    "ImpactReport",
    "InForceOverlap",
    "Outcome",
    "Plan",
    "PlanInvalid",
    "PlanNotFound",
    "PlanRef",
    "PlanStatus",
    "Policies",
    "PolicyInvalid",
    "PublishedVersion",
    "Reason",
    "RulesInForce",
    "ScopeInvalid",
    "TransitionOutOfOrder",
    "Traveler",
    "TravelerInvalid",
    "VersionNotFound",
    "WrongAgency",
    "activate",
    "approve",
    "check_author",
    "check_plan",
    "compile_plan",
    "evaluate",
    "evaluate_many",
    "get_version",
    "impact",
    "list_versions",
    "load_plan",
    "load_policies",
    "parse_plan",
    "plan_status",
    "policies_for",
    "propose",
    "publish",
    "request_for",
    "schema_text",
    "traveler_from_declaration",
    "version_in_force",
    "version_policies",
    "withdraw",
]
