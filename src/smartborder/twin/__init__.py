"""The port digital twin: a fast simulator of ports of entry for staffing, lanes, pre-clearance,
new ports and emissions.

``load_scenario`` reads a YAML scenario (validated up front), ``simulate`` runs replications
on this process, ``sweep`` runs them and scenario grids on Dask, ``optimize_staffing`` finds the
fewest booth-hours meeting a wait target, ``calibrate`` builds a scenario from BTS volumes and
the Border Wait Times archive. Emission factors live in :mod:`smartborder.twin.emissions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartborder._lazy import lazy_names

if TYPE_CHECKING:  # imported on first use: see smartborder._lazy
    from smartborder.twin.compiled import CompiledScenario, compile_scenario
    from smartborder.twin.distributions import (
        Deterministic,
        Distribution,
        Empirical,
        Exponential,
        Gamma,
        LogNormal,
        parse_distribution,
    )
    from smartborder.twin.errors import (
        CalibrationFailed,
        ClusterUnavailable,
        RunNotFound,
        ScenarioInvalid,
    )
    from smartborder.twin.results import HourLaneStats, LaneSummary, RunResult, SecondarySummary
    from smartborder.twin.scenario import (
        LaneGroup,
        Scenario,
        Secondary,
        SecondaryKind,
        TravelerClass,
        load_scenario,
        shipped_scenarios,
    )
    from smartborder.twin.simulate import replication_seeds, simulate

__all__ = [
    "CalibrationFailed",
    "ClusterUnavailable",
    "CompiledScenario",
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "HourLaneStats",
    "LaneGroup",
    "LaneSummary",
    "LogNormal",
    "RunNotFound",
    "RunResult",
    "Scenario",
    "ScenarioInvalid",
    "Secondary",
    "SecondaryKind",
    "SecondarySummary",
    "TravelerClass",
    "compile_scenario",
    "load_scenario",
    "parse_distribution",
    "replication_seeds",
    "shipped_scenarios",
    "simulate",
]

lazy_names(
    __name__,
    {
        "compiled": (
            "CompiledScenario",
            "compile_scenario",
        ),
        "distributions": (
            "Deterministic",
            "Distribution",
            "Empirical",
            "Exponential",
            "Gamma",
            "LogNormal",
            "parse_distribution",
        ),
        "errors": (
            "CalibrationFailed",
            "ClusterUnavailable",
            "RunNotFound",
            "ScenarioInvalid",
        ),
        "results": (
            "HourLaneStats",
            "LaneSummary",
            "RunResult",
            "SecondarySummary",
        ),
        "scenario": (
            "LaneGroup",
            "Scenario",
            "Secondary",
            "SecondaryKind",
            "TravelerClass",
            "load_scenario",
            "shipped_scenarios",
        ),
        "simulate": (
            "replication_seeds",
            "simulate",
        ),
    },
)
