"""``check_plan`` finds what is wrong with a plan before anyone is decided by it."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartborder.admissibility import PlanNotFound, check_plan

HEAD = """
id: broken
title: {en: Broken plan, es: Plan roto}
"""

FAULTY = (
    HEAD
    + """
blocks:
  - country: USA
    phases:
      - id: open-until-2021
        title: {en: Open, es: Abierto}
        effective_until: 2021-01-01T00:00:00Z
        admit: [everyone]
      # a gap: nothing decides anyone from 2021-01-01 to 2021-06-01
      - id: essential
        title: {en: Essential only, es: Solo esencial}
        effective_from: 2021-06-01T00:00:00Z
        admit: [essential-purpose]
        deny_reason: {en: "only essential travel", es: "solo viajes esenciales"}
      - id: backwards
        title: {en: Ends before it starts, es: Termina antes de empezar}
        effective_from: 2022-06-01T00:00:00Z
        effective_until: 2022-01-01T00:00:00Z
        admit: [everyone]
  - country: USA
    regions: [atlantis]
    phases:
      - id: nowhere
        title: {en: Unknown region, es: Región desconocida}
        effective_from: 2021-06-01T00:00:00Z
        admit: [everyone]
  - country: MEX
    phases:
      - id: mexico
        title: {en: Open, es: Abierto}
        admit: [everyone]
policies:
  - |
    @id("broken/sentri-perk")
    permit(principal, action == Action::"enter", resource)
    when { context.destination == Country::"USA" && principal.trusted_traveler.contains("SENTRI") };
  - |
    @id("broken/no-sentri-at-all")
    forbid(principal, action == Action::"enter", resource)
    when { principal.trusted_traveler.contains("SENTRI") };
"""
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("plan", ["baseline-us-mx", "covid-us-land-2020", "sentri-first-sd-tj"])
def test_shipped_plans_pass_with_no_findings(plan: str) -> None:
    report = check_plan(plan)
    assert report.ok
    assert report.findings == []
    assert report.probes > 1000


def test_check_finds_every_fault_of_a_broken_plan(tmp_path: Path) -> None:
    report = check_plan(write(tmp_path, FAULTY))
    assert not report.ok
    found = {(f.code, f.where) for f in report.findings}
    assert ("admissibility.never_applies.dates", "broken/backwards") in found
    assert ("admissibility.never_applies.region", "broken/nowhere") in found
    assert ("admissibility.permit_shadowed", "broken/sentri-perk") in found
    gaps = [f for f in report.findings if f.code == "admissibility.undecided"]
    assert gaps and all(f.where.startswith("USA/") for f in gaps)
    # the gap starts when the open phase ends, and the essential-only phase decides everyone
    assert {f.where.rsplit("/", 1)[1] for f in gaps} == {"2021-01-01T00:00:00Z"}
    assert all(f.es for f in report.findings)


def test_check_reports_cedar_syntax_with_its_location(tmp_path: Path) -> None:
    text = (
        HEAD
        + "blocks: []\npolicies:\n  - permit(principal, action, resource) when { context.at = 3 };\n"
    )
    report = check_plan(write(tmp_path, text))
    assert not report.ok
    (finding,) = report.findings
    assert finding.code == "admissibility.cedar_syntax"
    assert finding.where == "/policies/0"
    assert "not a valid operator" in finding.en


def test_check_reports_schema_errors_naming_the_policy(tmp_path: Path) -> None:
    text = (
        HEAD
        + 'blocks: []\npolicies:\n  - |\n    @id("broken/typo")\n    permit(principal, action, resource) when { principal.nationallity == "USA" };\n'
    )
    report = check_plan(write(tmp_path, text))
    (finding,) = report.findings
    assert finding.code == "admissibility.cedar_schema"
    assert finding.where == "/policies/broken/typo"
    assert "nationallity" in finding.en


def test_check_reports_plan_format_problems(tmp_path: Path) -> None:
    text = (
        HEAD
        + "blocks:\n  - country: USA\n    phases:\n      - id: p\n        title: {en: x, es: x}\n        admit: [martians]\n"
    )
    report = check_plan(write(tmp_path, text))
    codes = {f.code for f in report.findings}
    assert "admissibility.unknown_category" in codes
    assert not report.ok


def test_unknown_plan_is_not_found() -> None:
    with pytest.raises(PlanNotFound):
        check_plan("no-such-plan")


def test_policies_naming_a_port_or_crossing_are_probed_there(tmp_path: Path) -> None:
    text = (
        HEAD
        + """blocks:
  - country: USA
    phases:
      - id: open
        title: {en: Open, es: Abierto}
        admit: [everyone]
  - country: MEX
    phases:
      - id: open-mx
        title: {en: Open, es: Abierto}
        admit: [everyone]
policies:
  - |
    @id("broken/laredo-closed")
    forbid(principal, action == Action::"enter", resource == Port::"2304");
  - |
    @id("broken/chaparral-closed")
    forbid(principal, action == Action::"enter", resource == Crossing::"250401");
"""
    )
    report = check_plan(write(tmp_path, text))
    assert report.ok
    never = {f.where for f in report.findings if f.code.startswith("admissibility.never_applies")}
    assert never == set()


def test_a_requirement_in_an_unknown_region_is_reported(tmp_path: Path) -> None:
    """A document rule scoped to a region that does not exist is reported as never applying."""
    path = tmp_path / "nowhere.yaml"
    path.write_text(
        """
id: nowhere
title: {en: x, es: x}
layers_over: baseline-us-mx
blocks:
  - country: USA
    requirements:
      - id: only-in-atlantis
        title: {en: x, es: x}
        regions: [atlantis]
        satisfied_by: [[document:passport]]
        deny_reason: {en: x, es: x}
        bring: {en: x, es: x}
        sources: ["none"]
""",
        encoding="utf-8",
    )
    report = check_plan(path)
    assert [f.code for f in report.findings] == ["admissibility.never_applies.region"]
    assert report.findings[0].where == "nowhere/only-in-atlantis"
