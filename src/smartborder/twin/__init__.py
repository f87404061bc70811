"""The port digital twin: a fast simulator of ports of entry for staffing, lanes, pre-clearance,
new ports and emissions.

``load_scenario`` reads a YAML scenario (validated up front), ``simulate`` runs replications
on this process, ``sweep`` runs them and scenario grids on Dask, ``optimize_staffing`` finds the
fewest booth-hours meeting a wait target, ``calibrate`` builds a scenario from BTS volumes and
the Border Wait Times archive; ``serve_arrivals`` runs a port on known arrivals (pre-arrival
declarations) and returns each vehicle's path. Emission factors live in :mod:`smartborder.ports.emissions`.
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
    "VehiclePaths",
    "compile_scenario",
    "load_scenario",
    "parse_distribution",
    "replication_seeds",
    "serve_arrivals",
    "shipped_scenarios",
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
