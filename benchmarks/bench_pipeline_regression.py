"""The in-process pre-clearance pipeline, this tree against an earlier commit, in one run.

Why: the renovation of the node (issue 11) must not slow the pipeline: its figures must stay
within 5 % of the commit before it. This extracts that commit's ``src`` (``git archive``) into
a temporary folder and runs ``bench_preclearance_pipeline.py`` of this tree against both
source trees, alternately (A, B, A, B, …) so a busy machine slows both alike, then prints the
median decisions/s (CPU time) of each and the median of the per-round ratios
(``_regression.py``).

    .venv/bin/python benchmarks/bench_pipeline_regression.py [--ref COMMIT] [--rounds 3]

``--ref`` defaults to ``$SMARTBORDER_BENCH_BASELINE_REF`` or 3fa55bb (main before the
renovation).
"""

from __future__ import annotations

import argparse
import os

from _regression import HERE, alternate, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ref", default=os.environ.get("SMARTBORDER_BENCH_BASELINE_REF", "3fa55bb")
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    child = ["--n", str(args.n), "--runs", str(args.runs)]
    base, now = alternate(args.ref, HERE / "bench_preclearance_pipeline.py", child, args.rounds)
    print(
        f"pre-clearance pipeline in process (decisions/s by CPU time, median of {args.rounds} "
        f"alternating rounds of {args.runs} runs × {args.n} declarations; ratio: median per round)"
    )
    # the figures judged; the baselines' rows give the noise
    report(args.ref, base, now, judged=lambda key: "full pipeline" in key, what="full pipeline")


if __name__ == "__main__":
    main()
