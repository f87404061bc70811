"""This tree against an earlier commit in one run: the shared part of the ``*_regression``
benchmarks.

An earlier commit's ``src`` is extracted (``git archive``) into a temporary folder, and a
child benchmark of this tree runs with ``PYTHONPATH`` on each source tree, alternately, so a
busy machine slows both alike:

- :func:`alternate`: whole runs of a child that writes ``{figure: value}`` as JSON to
  ``--json``, A, B, A, B, …;
- :func:`interleave`: one long-lived child per tree that runs one short step of a named figure
  per request (``--serve``: JSON lines), A, B, B, A, … per figure, so each pair of steps
  sees the same load (for figures whose setup is slow and steps short).

Each figure is reported as the median of each side and the median of the per-pair ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
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


def run(script: Path, src: Path, args: Sequence[str], out: Path) -> dict[str, float]:
    """The figures ``script`` writes when run on the source tree ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run(
        [sys.executable, str(script), *args, "--json", str(out)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    figures: dict[str, float] = json.loads(out.read_text())
    return figures


Figures = dict[str, list[float]]


def alternate(ref: str, script: Path, args: Sequence[str], rounds: int) -> tuple[Figures, Figures]:
    """Each figure of ``script`` on commit ``ref`` and on this tree, one value per round."""
    with tempfile.TemporaryDirectory(prefix="sb-bench-ref-") as tmp:
        trees = [extract(ref, Path(tmp)), ROOT / "src"]
        got: list[Figures] = [{}, {}]
        for _ in range(rounds):
            for figures, src in zip(got, trees, strict=True):
                for key, value in run(script, src, args, Path(tmp) / "out.json").items():
                    figures.setdefault(key, []).append(value)
    return got[0], got[1]


def interleave(ref: str, script: Path, args: Sequence[str], rounds: int) -> tuple[Figures, Figures]:
    """Each figure of ``script --serve`` on commit ``ref`` and on this tree, one value per
    round, the two of a round measured back to back (which goes first alternates)."""
    with tempfile.TemporaryDirectory(prefix="sb-bench-ref-") as tmp, ExitStack() as stack:
        trees = [extract(ref, Path(tmp)), ROOT / "src"]
        children = []
        for src in trees:
            child = subprocess.Popen(
                [sys.executable, str(script), *args, "--serve"],
                env={**os.environ, "PYTHONPATH": str(src)},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            stack.callback(child.wait)
            stack.callback(child.stdin.close)  # type: ignore[union-attr]
            children.append(child)
        names = [json.loads(child.stdout.readline()) for child in children]  # type: ignore[union-attr]
        got: list[Figures] = [{}, {}]
        for r in range(rounds):
            order = [0, 1] if r % 2 == 0 else [1, 0]
            for name in names[0]:
                for side in order:
                    child = children[side]
                    child.stdin.write(name + "\n")  # type: ignore[union-attr]
                    child.stdin.flush()  # type: ignore[union-attr]
                    cpu, _ = json.loads(child.stdout.readline())  # type: ignore[union-attr]
                    got[side].setdefault(name, []).append(cpu)
    return got[0], got[1]


def report(
    ref: str, base: Figures, now: Figures, *, judged: Callable[[str], bool], what: str
) -> float:
    """Prints each figure's medians and the median of its per-round ratios (this tree over
    ``ref``), then the verdict on the worst ratio of the ``judged`` figures (the others,
    baselines, show the noise); returns that ratio."""
    print(f"{'workload | step':<50}{'commit ' + ref:>16}{'this tree':>12}{'ratio':>8}")
    worst = float("inf")
    for key in base:
        b, t = statistics.median(base[key]), statistics.median(now[key])
        ratio = statistics.median(n / o for o, n in zip(base[key], now[key], strict=True))
        if judged(key):
            worst = min(worst, ratio)
        print(f"{key:<50}{b:>16,.0f}{t:>12,.0f}{ratio:>8.3f}")
    verdict = "within" if worst >= 1 - TOLERANCE else "NOT within"
    print(f"{what}, worst ratio {worst:.3f}: {verdict} {TOLERANCE:.0%} of commit {ref}")
    return worst
