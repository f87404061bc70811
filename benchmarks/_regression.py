"""This tree against an earlier commit in one run: the shared part of the ``*_regression``
benchmarks.

An earlier commit's ``src`` is extracted (``git archive``) into a temporary folder, and a
child benchmark of this tree starts with ``PYTHONPATH`` on each source tree and ``--serve``:
each sets up once, then runs one short step of a named figure per request (:func:`serve`, JSON
lines on stdin/stdout). :func:`interleave` asks the two for the same figure back to back
(A, B, then B, A the next round), round after round, so each pair of steps sees the same load
on a busy machine (whole runs alternated, tens of seconds apart, swung ±10 % here).
Each figure is reported as the median of each side and the median of the per-round ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOLERANCE = 0.05  # issues 11 and 14: within 5 % of the earlier commit


def extract(ref: str, into: Path) -> Path:
    """``ref``'s ``src`` folder, written under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


Figures = dict[str, list[float]]


def interleave(ref: str, script: Path, args: Sequence[str], rounds: int) -> tuple[Figures, Figures]:
    """Each figure of ``script --serve`` on commit ``ref`` and on this tree, one value per
    round, the two of a round measured back to back (which goes first alternates)."""
    with tempfile.TemporaryDirectory(prefix="sb-bench-ref-") as tmp, ExitStack() as stack:
        trees = [extract(ref, Path(tmp)), ROOT / "src"]
        children = [stack.enter_context(_Child(script, args, src)) for src in trees]
        names = [child.names for child in children]
        if names[0] != names[1]:
            raise SystemExit(f"the two trees measure different figures: {names}")
        got: list[Figures] = [{}, {}]
        for r in range(rounds):
            order = [0, 1] if r % 2 == 0 else [1, 0]
            for name in names[0]:
                for side in order:
                    got[side].setdefault(name, []).append(children[side].step(name))
    return got[0], got[1]


class _Child:
    """``script --serve`` running on the source tree ``src``."""

    def __init__(self, script: Path, args: Sequence[str], src: Path) -> None:
        self.src = src
        self.process = subprocess.Popen(
            [sys.executable, str(script), *args, "--serve"],
            env={**os.environ, "PYTHONPATH": str(src)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.names: list[str] = json.loads(self._read())

    def step(self, name: str) -> float:
        """The figure ``name`` (ops/s, CPU time) of one step."""
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(name + "\n")
        stdin.flush()
        cpu: float = json.loads(self._read())[0]
        return cpu

    def _read(self) -> str:
        stdout = self.process.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            raise SystemExit(f"the benchmark on {self.src} stopped (its error is above)")
        return line

    def __enter__(self) -> _Child:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def serve(steps: dict[str, tuple[int, Callable[[], None]]]) -> None:
    """The child's side: answers each figure name read from stdin with one step's
    ``[ops/s CPU, ops/s wall]`` on stdout, as JSON lines (the names first). A step is
    ``(operations, run once)``."""
    print(json.dumps(list(steps)), flush=True)
    for line in sys.stdin:
        count, step = steps[line.strip()]
        c0, w0 = time.process_time(), time.perf_counter()
        step()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        print(json.dumps([count / cpu, count / wall]), flush=True)


def report(
    ref: str, base: Figures, now: Figures, *, judged: Callable[[str], bool], what: str
) -> float:
    """Prints each figure's medians, the median of its per-round ratios (this tree over
    ``ref``) and their interquartile range (the spread: the baselines' rows show the noise),
    then the verdict on the worst median ratio of the ``judged`` figures; returns that ratio."""
    head = f"{'workload | step':<50}{'commit ' + ref:>16}{'this tree':>12}{'ratio':>8}"
    print(f"{head}{'p25–p75':>14}")
    worst = float("inf")
    for key in base:
        b, t = statistics.median(base[key]), statistics.median(now[key])
        ratios = [n / o for o, n in zip(base[key], now[key], strict=True)]
        ratio = statistics.median(ratios)
        p25, _, p75 = statistics.quantiles(ratios, n=4)
        if judged(key):
            worst = min(worst, ratio)
        print(f"{key:<50}{b:>16,.0f}{t:>12,.0f}{ratio:>8.3f}{f'{p25:.2f}–{p75:.2f}':>14}")
    verdict = "within" if worst >= 1 - TOLERANCE else "NOT within"
    print(f"{what}, worst ratio {worst:.3f}: {verdict} {TOLERANCE:.0%} of commit {ref}")
    return worst
