"""Both sides of the line: a crossing chained through the exit customs of one country and the
port of entry of the other, with the inspections in series or joint (UCP).

Northbound a vehicle meets ANAM's export módulos (the document check and the semáforo fiscal:
a random share is selected), the export inspection if selected, the bridge, then CBP's primary
booths (this scenario's lanes) and CBP secondary if referred. Southbound it is CBP's outbound
check, then ANAM's import side. With ``joint_inspection`` (Unified Cargo Processing) the exit
inspection is not held on its own side: a vehicle selected by either agency goes, after entry
primary, to one joint inspection whose spaces are both agencies' spaces together; a vehicle
selected by both is inspected once (the exam lasts the longer of the two agencies' exams).

Time in system runs from arrival at the exit booths to release. Idling (for emissions) is the
time queued and at booths on both sides and queued for an inspection; exams and the bridge
drive are not idling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smartborder.twin.distributions import Distribution, parse_distribution
from smartborder.twin.scenario import Scenario

# Columns of a replication's chain sums (vehicles arriving at the exit booths after warm-up).
N, RELEASED, TIS_SUM, EXIT_WAIT, EXIT_INSP_WAIT, EXIT_INSPECTED = 0, 1, 2, 3, 4, 5
ENTRY_WAIT, INSP_WAIT, INSPECTED, EXAMS, IDLE_S, TIS_P95, SELECTED_EXIT = 6, 7, 8, 9, 10, 11, 12
N_COLS = 13


@dataclass(frozen=True, slots=True)
class ChainPlan:
    modules: tuple[str, str]
    booths: int
    service: Distribution
    selection: float
    spaces: int  # exit inspection spaces (0: none)
    exam: Distribution | None
    transit_s: float
    joint: bool


@dataclass(frozen=True, slots=True)
class ExitSide:
    """Per vehicle: when it left the exit side, its wait at the exit booths and time there,
    whether the semáforo selected it, its wait for the exit inspection and its exam time there
    (both 0 unless inspected on the exit side)."""

    left: np.ndarray
    wait: np.ndarray
    service: np.ndarray
    selected: np.ndarray
    inspection_wait: np.ndarray
    exam: np.ndarray

    def take(self, order: np.ndarray) -> ExitSide:
        return ExitSide(
            *(
                a[order]
                for a in (
                    self.left,
                    self.wait,
                    self.service,
                    self.selected,
                    self.inspection_wait,
                    self.exam,
                )
            )
        )


def compile_chain(s: Scenario) -> ChainPlan | None:
    """The exit module of a chained scenario as the arrays' companion (None without a chain)."""
    if not s.chain:
        return None
    ex = s.chain[0]
    return ChainPlan(
        modules=(s.chain[0].module, s.chain[1].module),
        booths=ex.booths,
        service=parse_distribution(ex.service, pointer="/chain/0/service"),
        selection=ex.selection,
        spaces=ex.inspection.spaces if ex.inspection else 0,
        exam=parse_distribution(ex.inspection.duration, pointer="/chain/0/inspection/duration")
        if ex.inspection
        else None,
        transit_s=ex.transit_s,
        joint=s.joint_inspection,
    )


def exit_side(plan: ChainPlan, t0: np.ndarray, rng: np.random.Generator) -> ExitSide:
    """Vehicles arriving at the exit booths at ``t0`` (sorted) through the exit side."""
    from smartborder.twin.loop import fifo_constant

    n = t0.size
    svc = plan.service.sample(rng, n)
    s1 = fifo_constant(t0, svc, plan.booths)
    done = s1 + svc
    selected = rng.random(n) < plan.selection
    insp_wait = np.zeros(n)
    exam = np.zeros(n)
    if plan.exam is not None and not plan.joint:
        idx = np.flatnonzero(selected)
        order = np.argsort(done[idx], kind="stable")
        idx = idx[order]
        arrive = done[idx]
        dur = plan.exam.sample(rng, idx.size)
        s2 = fifo_constant(arrive, dur, plan.spaces)
        insp_wait[idx] = s2 - arrive
        exam[idx] = dur
        done = done.copy()
        done[idx] = s2 + dur
    return ExitSide(done, s1 - t0, svc, selected, insp_wait, exam)


__all__ = ["ChainPlan", "ExitSide", "compile_chain", "exit_side"]
