"""This tree against an earlier commit in one run: the shared part of the ``*_regression``
benchmarks.

An earlier commit's ``src`` is extracted (``git archive``) into a temporary folder; a child
benchmark of this tree (one that writes ``{figure: value}`` as JSON to ``--json``) runs with
``PYTHONPATH`` on each source tree alternately (A, B, A, B, …), so a busy machine slows both
alike; each figure's median over the rounds is compared.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
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


def report(
    ref: str, base: Figures, now: Figures, *, judged: Callable[[str], bool], what: str
) -> float:
    """Prints each figure's medians and their ratio, then the verdict on the worst ratio of
    the ``judged`` figures (the others, baselines, show the noise); returns that ratio."""
    print(f"{'workload | step':<50}{'commit ' + ref:>16}{'this tree':>12}{'ratio':>8}")
    worst = float("inf")
    for key in base:
        b, t = statistics.median(base[key]), statistics.median(now[key])
        if judged(key):
            worst = min(worst, t / b)
        print(f"{key:<50}{b:>16,.0f}{t:>12,.0f}{t / b:>8.3f}")
    verdict = "within" if worst >= 1 - TOLERANCE else "NOT within"
    print(f"{what}, worst ratio {worst:.3f}: {verdict} {TOLERANCE:.0%} of commit {ref}")
    return worst
