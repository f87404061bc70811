"""The domain's public surface is exactly the intended names."""

from __future__ import annotations

import smartborder.admissibility as adm


def test_public_names_are_pinned() -> None:
    assert sorted(adm.__all__) == sorted(
        [
            "BASELINE_PLAN",
            "AGENCY_COUNTRY",
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
    )
    for name in adm.__all__:
        assert hasattr(adm, name), name


def test_every_compiled_policy_carries_the_required_annotations() -> None:
    import json

    import cedarpy

    for plan in adm.BUILTIN_PLANS:
        est = json.loads(cedarpy.policies_to_json_str(adm.policies_for(plan).cedar))
        for policy in est["staticPolicies"].values():
            ann = policy["annotations"]
            for key in (
                "id",
                "title_en",
                "title_es",
                "country",
                "region",
                "effective_from",
                "effective_until",
            ):
                assert key in ann, (plan, ann.get("id"), key)
