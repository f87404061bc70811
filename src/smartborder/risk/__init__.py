"""Risk scoring by weight sets: versioned YAML rules over named facts, score → lane.

``load_rules()`` loads the packaged ``rules/v1.yaml`` (or a file you name), validating it
completely (:class:`RulesInvalid` lists every problem with a JSON pointer into the file) and
compiling its conditions into closures; ``RuleSet.score(kind, facts)`` sums the weights of
the matching rules and maps the total to ``release``, ``documentary_review`` or ``inspect``.
Facts come from :func:`truck_facts` / :func:`traveler_facts` (catalogs in ``FACTS``); a
truck's recent-violation facts from a :class:`ViolationHistory` (:func:`apply_violations`) of
the violations inspections found (:func:`violation_rows`, :func:`store_violations`).

Measured risk management: the agency's random control sample (:class:`RandomSample`, drawn
by the pipeline) and the targeting effectiveness report (:func:`report_query`,
:func:`effectiveness_report`, computed by :func:`compute`). See docs/risk-effectiveness.md.
"""

from smartborder.risk.effectiveness import (
    MIN_COUNT,
    NOT_ENOUGH_DATA,
    EffectivenessReport,
    Flow,
    Label,
    compute,
    wilson_interval,
)
from smartborder.risk.errors import (
    RandomRateInvalid,
    ReportForbidden,
    ReportQueryInvalid,
    RulesInvalid,
)
from smartborder.risk.facts import (
    FACT_FUNCTIONS,
    FACTS,
    PARTY_KEYS,
    InMemoryPartyHistory,
    PartyHistory,
    apply_verified_claims,
    parties_of,
    party_key,
    remember_parties,
    traveler_facts,
    truck_facts,
)
from smartborder.risk.history import StorePartyHistory
from smartborder.risk.random_sample import (
    ELIGIBLE_OUTCOMES,
    MAX_RANDOM_RATE,
    RANDOM_REASON_CODE,
    RANDOM_RULE_ID,
    RandomSample,
    check_rate,
)
from smartborder.risk.report import (
    MAX_PERIOD,
    ReportQuery,
    effectiveness_report,
    reader_agency,
    report_query,
)
from smartborder.risk.rulefile import OPERATORS, load_rules, parse_rules
from smartborder.risk.scoring import LANES, RiskResult, Rule, RuleHit, RuleSet, Thresholds
from smartborder.risk.violations import (
    VIOLATION_FACTS,
    InMemoryViolationHistory,
    StoreViolationHistory,
    ViolationHistory,
    apply_violations,
    store_violations,
    violation_parties,
    violation_rows,
)

__all__ = [
    "ELIGIBLE_OUTCOMES",
    "MAX_RANDOM_RATE",
    "RANDOM_REASON_CODE",
    "RANDOM_RULE_ID",
    "RandomRateInvalid",
    "RandomSample",
    "ReportForbidden",
    "ReportQueryInvalid",
    "check_rate",
    "MIN_COUNT",
    "NOT_ENOUGH_DATA",
    "EffectivenessReport",
    "Flow",
    "Label",
    "compute",
    "wilson_interval",
    "MAX_PERIOD",
    "ReportQuery",
    "effectiveness_report",
    "reader_agency",
    "report_query",
    "FACTS",
    "FACT_FUNCTIONS",
    "PARTY_KEYS",
    "StorePartyHistory",
    "StoreViolationHistory",
    "VIOLATION_FACTS",
    "InMemoryViolationHistory",
    "ViolationHistory",
    "apply_violations",
    "store_violations",
    "violation_parties",
    "violation_rows",
    "LANES",
    "OPERATORS",
    "InMemoryPartyHistory",
    "PartyHistory",
    "RiskResult",
    "Rule",
    "RuleHit",
    "RuleSet",
    "RulesInvalid",
    "Thresholds",
    "apply_verified_claims",
    "load_rules",
    "parse_rules",
    "parties_of",
    "party_key",
    "remember_parties",
    "traveler_facts",
    "truck_facts",
]
