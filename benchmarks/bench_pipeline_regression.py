"""The in-process pre-clearance pipeline, this tree against an earlier commit, in one run.

Why: the renovation of the node (issue 11) must not slow the pipeline: its figures must stay
within 5 % of the commit before it. This extracts that commit's ``src`` (``git archive``) into
a temporary folder and runs ``bench_preclearance_pipeline.py`` of this tree against both
source trees, alternately (A, B, A, B, …) so a busy machine slows both alike, then prints the
median decisions/s (CPU time) of each and their ratio.

    .venv/bin/python benchmarks/bench_pipeline_regression.py [--ref COMMIT] [--rounds 3]

``--ref`` defaults to ``$SMARTBORDER_BENCH_BASELINE_REF`` or 3fa55bb (main before the
renovation).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def extract(ref: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def run(src: Path, out: Path, n: int, runs: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run(
        [
            sys.executable,
            str(HERE / "bench_preclearance_pipeline.py"),
            "--n",
            str(n),
            "--runs",
            str(runs),
            "--json",
            str(out),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    figures: dict[str, float] = json.loads(out.read_text())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ref", default=os.environ.get("SMARTBORDER_BENCH_BASELINE_REF", "3fa55bb")
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sb-bench-ref-") as tmp:
        before = extract(args.ref, Path(tmp))
        trees = {f"commit {args.ref}": before, "this tree": ROOT / "src"}
        got: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
        for _ in range(args.rounds):
            for name, src in trees.items():
                for key, value in run(src, Path(tmp) / "out.json", args.n, args.runs).items():
                    got[name].setdefault(key, []).append(value)
    base, now = (got[name] for name in trees)
    print(
        f"pre-clearance pipeline in process (decisions/s by CPU time, median of {args.rounds} "
        f"alternating rounds of {args.runs} runs × {args.n} declarations)"
    )
    print(f"{'workload | step':<50}{'commit ' + args.ref:>16}{'this tree':>12}{'ratio':>8}")
    worst = float("inf")
    for key in base:
        b, t = statistics.median(base[key]), statistics.median(now[key])
        if "full pipeline" in key:  # the figures judged; the baselines' rows give the noise
            worst = min(worst, t / b)
        print(f"{key:<50}{b:>16,.0f}{t:>12,.0f}{t / b:>8.3f}")
    verdict = "within" if worst >= 0.95 else "NOT within"
    print(f"full pipeline, worst ratio {worst:.3f}: {verdict} 5 % of commit {args.ref}")


if __name__ == "__main__":
    main()
