"""The public names of declarations, preclearance and risk (others build on exactly these)."""

from __future__ import annotations

import smartborder.declarations
import smartborder.preclearance
import smartborder.risk


def test_declarations_public_names() -> None:
    assert set(smartborder.declarations.__all__) == {
        "COUNTRY_CODES", "GENERIC_RFCS", "CommodityLine", "Declaration", "DeclarationInvalid", "Driver", "Equipment",
        "HSFileInvalid", "HSNomenclature", "MexicanElements", "Purpose", "Shipment",
        "TravelerDeclaration", "TruckShipment", "TrustedTraveler", "TrustedTravelerProgram",
        "UsmcaCertification", "Vaccination", "json_schemas", "load_hs", "parse_declaration", "parse_declaration_json",
        "parse_traveler", "parse_truck", "problems_of",
    }  # fmt: skip


def test_preclearance_public_names() -> None:
    assert set(smartborder.preclearance.__all__) == {
        "FAST_DEADLINE_MIN", "TRUCK_DEADLINE_MIN", "AdmissibilityNotConfigured", "Agency", "ENTRY_AGENCY", "Leg", "leg_of", "legs_of",
        "CredentialsNotConfigured", "Decision", "DecisionDraft", "FilingStage", "Note", "Outcome",
        "Pipeline", "Reason", "RiskStage", "Stage", "StageName",
        # the stage adapters of the other domains live with the pipeline
        "AdmissibilityStage", "CredentialsStage", "CredentialsReport",
        # the one write path: prepare, then store (amendments as version n)
        "Decider", "PreparedSubmission", "prepare", "prepare_amendment", "prepare_batch",
        "AmendTarget", "amendment_target", "check_transition", "target_of", "store_many", "batch_items", "require_object",
        "KeyReused", "AmendedMeanwhile",
        # the record lifecycle over the store
        "BatchItem", "RecordDetail", "RecordSummary", "State", "SubmissionResult",
        "get_record", "list_decisions", "record_state", "visibility",
    }  # fmt: skip


def test_risk_public_names() -> None:
    assert set(smartborder.risk.__all__) == {
        "FACTS", "FACT_FUNCTIONS", "PARTY_KEYS", "StorePartyHistory", "LANES", "OPERATORS", "InMemoryPartyHistory", "PartyHistory", "RiskResult",
        "Rule", "RuleHit", "RuleSet", "RulesInvalid", "Thresholds", "apply_verified_claims", "load_rules",
        "parties_of",
        "parse_rules",
        "party_key", "remember_parties", "traveler_facts", "truck_facts",
        # violations found by inspections (smartborder.inspections feeds them)
        "VIOLATION_FACTS", "ViolationHistory", "InMemoryViolationHistory", "StoreViolationHistory",
        "apply_violations", "store_violations", "violation_parties", "violation_rows",
        # the random control sample and the effectiveness report (issue 16)
        "ELIGIBLE_OUTCOMES", "MAX_RANDOM_RATE", "RANDOM_REASON_CODE", "RANDOM_RULE_ID",
        "RandomRateInvalid", "RandomSample", "check_rate", "EffectivenessReport", "Flow",
        "MAX_PERIOD", "MIN_COUNT", "NOT_ENOUGH_DATA", "ReportForbidden", "ReportQuery",
        "ReportQueryInvalid", "compute", "effectiveness_report", "reader_agency", "report_query",
        "wilson_interval",
        # the learned model in shadow (issue 16)
        "Exploration", "FEATURE_NAMES", "FeatureSpace", "FindingCodes", "Label",
        "LabelledDeclaration", "LearnedModel", "ModelFileInvalid", "ModelNotFound",
        "NotEnoughData", "OutcomesInvalid", "PeriodNotLater", "PromotionRefused", "Replay",
        "Replayed", "ShadowScorer", "evaluate", "judge_promotion", "load_model", "model_listing",
        "outcome_line", "outcomes_from_store", "promote", "read_outcomes", "record_promotion",
        "register", "replay", "shadow_scorer", "stored_lookup", "train",
        # a promoted model decides; demotion; models picked up while running
        "Cutoffs", "DecidingModel", "ModelSlots", "NothingToDemote", "Slots", "calibrate",
        "deciding_version", "demote", "feature_label", "raw_features",
    }  # fmt: skip


def test_every_public_name_exists() -> None:
    for module in (smartborder.declarations, smartborder.preclearance, smartborder.risk):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
