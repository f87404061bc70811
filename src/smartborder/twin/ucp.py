"""What joint inspection (UCP, Unified Cargo Processing) saves on a chained crossing: the same
scenario run with two inspections in series and with one joint inspection, on the same seeds."""

from __future__ import annotations

from pydantic import BaseModel, Field

from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.twin.errors import ScenarioInvalid
from smartborder.twin.results import ChainSummary
from smartborder.twin.scenario import Scenario


class JointSaving(BaseModel):
    """Serial and joint runs of one crossing, and what joint inspection saves (serial minus
    joint: a positive number is a saving)."""

    scenario: str
    replications: int
    seed: int | None
    serial: ChainSummary
    joint: ChainSummary
    time_in_system_mean_min_saved: float | None
    time_in_system_p95_min_saved: float | None
    wait_min_per_vehicle_saved: float | None
    exams_per_day_saved: float = Field(description="Trucks selected by both inspected once.")
    co2_kg_per_day_saved: float
    nox_g_per_day_saved: float
    pm25_g_per_day_saved: float


def _less(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def compare_joint(
    scenario: Scenario, *, replications: int = 5, seed: int | None = 0
) -> JointSaving:
    """Run ``scenario`` with ``joint_inspection`` off and on (common random numbers)."""
    from smartborder.twin.simulate import simulate

    if not scenario.chain:
        raise ScenarioInvalid(
            problems=[
                Problem(
                    "/chain",
                    "twin.no_chain",
                    Text(
                        "Joint inspection needs a chained crossing: give the scenario a chain "
                        "(an exit module, then the entry module).",
                        "La inspección conjunta requiere un cruce encadenado: dé al escenario "
                        "una cadena (un módulo de salida y luego el de entrada).",
                    ),
                )
            ]
        )
    serial = simulate(
        scenario.with_changes(joint_inspection=False), replications=replications, seed=seed
    ).chain
    joint = simulate(
        scenario.with_changes(joint_inspection=True), replications=replications, seed=seed
    ).chain
    assert serial is not None and joint is not None
    return JointSaving(
        scenario=scenario.name,
        replications=replications,
        seed=seed,
        serial=serial,
        joint=joint,
        time_in_system_mean_min_saved=_less(
            serial.time_in_system_mean_min, joint.time_in_system_mean_min
        ),
        time_in_system_p95_min_saved=_less(
            serial.time_in_system_p95_min, joint.time_in_system_p95_min
        ),
        wait_min_per_vehicle_saved=_less(serial.wait_min_per_vehicle, joint.wait_min_per_vehicle),
        exams_per_day_saved=serial.exams_per_day - joint.exams_per_day,
        co2_kg_per_day_saved=serial.co2_kg_per_day - joint.co2_kg_per_day,
        nox_g_per_day_saved=serial.nox_g_per_day - joint.nox_g_per_day,
        pm25_g_per_day_saved=serial.pm25_g_per_day - joint.pm25_g_per_day,
    )


__all__ = ["JointSaving", "compare_joint"]
