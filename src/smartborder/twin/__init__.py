"""The port digital twin: a fast simulator of ports of entry for staffing, lanes, pre-clearance,
new ports and emissions.

``load_scenario`` reads a YAML scenario (validated up front), ``simulate`` runs replications
on this process, ``sweep`` runs them and scenario grids on Dask, ``optimize_staffing`` finds the
fewest booth-hours meeting a wait target, ``calibrate`` builds a scenario from BTS volumes and
the Border Wait Times archive; ``serve_arrivals`` runs a port on known arrivals (pre-arrival
declarations) and returns each vehicle's path. Emission factors live in :mod:`smartborder.ports.emissions`.

Ports as one system: ``load_system`` reads ports (calibrated baselines, scenarios, a new port)
and a demand split, ``compare_system`` runs them before and after. Both sides of the line: a
scenario's ``chain`` puts the exit customs of one country before its lanes, and
``compare_joint`` measures what one joint inspection (UCP) saves over two in series.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use (below): the simulator costs numba and scipy
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
    from smartborder.twin.replication import VehiclePaths, serve_arrivals
    from smartborder.twin.results import (
        ChainSummary,
        HourLaneStats,
        LaneSummary,
        RunResult,
        SecondarySummary,
    )
    from smartborder.twin.scenario import (
        SEMAFORO_RED_SHARE,
        CalibrationRecord,
        ChainModule,
        Inspection,
        LaneGroup,
        Scenario,
        Secondary,
        SecondaryKind,
        TravelerClass,
        load_scenario,
        shipped_scenarios,
    )
    from smartborder.twin.simulate import replication_seeds, simulate
    from smartborder.twin.system import (
        DemandSplit,
        NewPort,
        PortEntry,
        System,
        load_system,
        shipped_systems,
    )
    from smartborder.twin.system_compare import SystemComparison, compare_system
    from smartborder.twin.ucp import JointSaving, compare_joint

__all__ = [
    "SEMAFORO_RED_SHARE",
    "CalibrationFailed",
    "CalibrationRecord",
    "ChainModule",
    "ChainSummary",
    "ClusterUnavailable",
    "CompiledScenario",
    "DemandSplit",
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "HourLaneStats",
    "Inspection",
    "JointSaving",
    "LaneGroup",
    "LaneSummary",
    "LogNormal",
    "NewPort",
    "PortEntry",
    "RunNotFound",
    "RunResult",
    "Scenario",
    "ScenarioInvalid",
    "Secondary",
    "SecondaryKind",
    "SecondarySummary",
    "System",
    "SystemComparison",
    "TravelerClass",
    "VehiclePaths",
    "compare_joint",
    "compare_system",
    "compile_scenario",
    "load_scenario",
    "load_system",
    "parse_distribution",
    "replication_seeds",
    "serve_arrivals",
    "shipped_scenarios",
    "shipped_systems",
    "simulate",
]

# Start-up is a feature: ``from smartborder.twin import Scenario`` (the API's routes, the CLI)
# imports ``twin.scenario`` only, not the simulator (numba) or its statistics (scipy).
_WHERE = {
    name: f"{__name__}.{module}"
    for module, names in {
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
        "replication": (
            "VehiclePaths",
            "serve_arrivals",
        ),
        "results": (
            "ChainSummary",
            "HourLaneStats",
            "LaneSummary",
            "RunResult",
            "SecondarySummary",
        ),
        "scenario": (
            "SEMAFORO_RED_SHARE",
            "CalibrationRecord",
            "ChainModule",
            "Inspection",
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
        "system": (
            "DemandSplit",
            "NewPort",
            "PortEntry",
            "System",
            "load_system",
            "shipped_systems",
        ),
        "system_compare": (
            "SystemComparison",
            "compare_system",
        ),
        "ucp": (
            "JointSaving",
            "compare_joint",
        ),
    }.items()
    for name in names
}


class _LazyPackage(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name not in _WHERE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(_WHERE[name]), name)
        types.ModuleType.__setattr__(self, name, value)  # once: later reads are plain
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing a submodule binds it on the package: ``twin.simulate`` must stay the
        # function of that name, not become the module ``twin.simulate``.
        if isinstance(value, types.ModuleType) and _WHERE.get(name) == value.__name__:
            value = getattr(value, name)
        types.ModuleType.__setattr__(self, name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *_WHERE})


sys.modules[__name__].__class__ = _LazyPackage
