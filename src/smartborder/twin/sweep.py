"""Replications and scenario grids on Dask distributed.

A local cluster (one process, threads = cores; the numba kernels release the GIL) is started
by default; ``scheduler="tcp://HOST:PORT"`` uses an existing cluster instead. Replication i of
a run always draws from ``SeedSequence(seed).spawn(n)[i]``, so results are identical for the
same seed wherever the replications run.
"""

from __future__ import annotations

import copy
import importlib
import itertools
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.twin.compiled import compile_scenario
from smartborder.twin.errors import ClusterUnavailable, ScenarioInvalid
from smartborder.twin.replication import Replication, run_replication
from smartborder.twin.results import RunResult, summarize
from smartborder.twin.scenario import Scenario
from smartborder.twin.simulate import replication_seeds

Progress = Callable[[int, int], None]


def _one(scenario: Scenario, ss: np.random.SeedSequence) -> Replication:
    return run_replication(compile_scenario(scenario), np.random.default_rng(ss))


@contextmanager
def dask_client(scheduler: str | None = None) -> Iterator[Any]:
    """A Dask client: on ``scheduler`` if given, else on a new local cluster (closed after)."""
    dist: Any = importlib.import_module("distributed")  # untyped library: keep it Any
    Client, LocalCluster = dist.Client, dist.LocalCluster
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ClusterUnavailable(extra={"scheduler": scheduler, "reason": str(exc)}) from None
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(
        n_workers=1,
        threads_per_worker=os.cpu_count() or 1,
        processes=False,
        dashboard_address=None,
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def run_replications(
    client: Any,
    scenario: Scenario,
    *,
    replications: int,
    seed: int | None,
    progress: Progress | None = None,
) -> RunResult:
    """Run the replications of one scenario on ``client`` and summarize them in order."""
    as_completed: Any = importlib.import_module("distributed").as_completed

    t0 = time.perf_counter()
    seeds = replication_seeds(seed, replications)
    futures = [client.submit(_one, scenario, ss, pure=False) for ss in seeds]
    index = {f.key: i for i, f in enumerate(futures)}
    reps: list[Replication | None] = [None] * replications
    for done, fut in enumerate(as_completed(futures), start=1):
        reps[index[fut.key]] = fut.result()
        if progress is not None:
            progress(done, replications)
    ordered = [r for r in reps if r is not None]
    return summarize(
        compile_scenario(scenario), ordered, seed=seed, elapsed_s=time.perf_counter() - t0
    )


def simulate_on_dask(
    scenario: Scenario,
    *,
    replications: int = 10,
    seed: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """``simulate`` with the replications spread over a Dask cluster."""
    with dask_client(scheduler) as client:
        return run_replications(
            client, scenario, replications=replications, seed=seed, progress=progress
        )


def apply_change(scenario: Scenario, path: str, value: Any) -> Scenario:
    """A copy of ``scenario`` with the field at ``path`` set to ``value``.

    Paths are dotted: ``demand_scale``, ``days``, ``lanes.<lane id>.booths``,
    ``classes.<class name>.rate_per_h``, ``secondary.<mode>.spaces``.
    """
    data = copy.deepcopy(scenario.model_dump(mode="json"))
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            key = {"lanes": "id", "classes": "name", "secondary": "mode"}[parts[i - 1]]
            matches = [x for x in node if str(x.get(key)) == part]
            if not matches:
                raise _bad_path(path)
            node = matches[0]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise _bad_path(path)
    if not isinstance(node, dict) or parts[-1] not in node:
        raise _bad_path(path)
    node[parts[-1]] = value
    return Scenario.model_validate(data)


def _bad_path(path: str) -> ScenarioInvalid:
    return ScenarioInvalid(
        problems=[
            Problem(
                "/" + path.replace(".", "/"),
                "twin.bad_path",
                Text(
                    f"No field {path!r} in the scenario; use e.g. demand_scale or lanes.<id>.booths.",
                    f"No existe el campo {path!r} en el escenario; use p. ej. demand_scale o lanes.<id>.booths.",
                ),
            )
        ]
    )


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the values in ``grid`` (a cartesian product, in order)."""
    keys = list(grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grid.values())]


def sweep(
    scenario: Scenario,
    grid: Mapping[str, Sequence[Any]],
    *,
    replications: int = 10,
    seed: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[tuple[dict[str, Any], RunResult]]:
    """Run every grid point (same seeds at each: common random numbers) on Dask."""
    points = grid_points(grid)
    variants = []
    for point in points:
        s = scenario
        for path, value in point.items():
            s = apply_change(s, path, value)
        variants.append(s)
    total = len(points) * replications
    out = []
    with dask_client(scheduler) as client:
        for k, (point, s) in enumerate(zip(points, variants, strict=True)):

            def step(done: int, _n: int, k: int = k) -> None:
                if progress is not None:
                    progress(k * replications + done, total)

            res = run_replications(client, s, replications=replications, seed=seed, progress=step)
            out.append((point, res))
    return out


__all__ = ["apply_change", "dask_client", "grid_points", "simulate_on_dask", "sweep"]
