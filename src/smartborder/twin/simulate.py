"""``simulate``: run a scenario for a number of independent replications."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from smartborder.twin.compiled import CompiledScenario, compile_scenario
from smartborder.twin.replication import Replication, run_replication
from smartborder.twin.results import RunResult, summarize
from smartborder.twin.scenario import Scenario

Progress = Callable[[int, int], None]


def replication_seeds(seed: int | None, replications: int) -> list[np.random.SeedSequence]:
    """One independent seed per replication (``SeedSequence.spawn``): the same ``seed`` gives the
    same streams wherever a replication runs (here, or on any Dask worker)."""
    return np.random.SeedSequence(seed).spawn(replications)


def simulate(
    scenario: Scenario | CompiledScenario,
    *,
    replications: int = 1,
    seed: int | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Run ``replications`` independent replications on this process and summarize them."""
    comp = scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)
    t0 = time.perf_counter()
    reps: list[Replication] = []
    for i, ss in enumerate(replication_seeds(seed, replications)):
        reps.append(run_replication(comp, np.random.default_rng(ss)))
        if progress is not None:
            progress(i + 1, replications)
    return summarize(comp, reps, seed=seed, elapsed_s=time.perf_counter() - t0)
