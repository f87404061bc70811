"""The in-process pre-clearance pipeline, this tree against an earlier commit, in one run.

Why: the renovation of the node (issue 11) must not slow the pipeline: its figures must stay
within 5 % of the commit before it. This extracts that commit's ``src`` (``git archive``) into
a temporary folder and starts ``bench_preclearance_pipeline.py --serve`` of this tree on each
source tree (each builds its workloads and pipelines once), then asks the two for short steps
(``--n`` declarations of one workload through one step) back to back, round after round, so a
busy machine slows both alike; it prints the median decisions/s (CPU time) of each and the
median of the per-round ratios (``_regression.py``).

    .venv/bin/python benchmarks/bench_pipeline_regression.py [--ref COMMIT] [--rounds 25]

``--ref`` defaults to ``$SMARTBORDER_BENCH_BASELINE_REF`` or 3fa55bb (main before the
renovation).
"""

from __future__ import annotations

import argparse
import os

from _regression import HERE, interleave, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ref", default=os.environ.get("SMARTBORDER_BENCH_BASELINE_REF", "3fa55bb")
    )
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--n", type=int, default=2000, help="declarations per workload (a step)")
    parser.add_argument(
        "--common-fields",
        action="store_true",
        help="the same declarations for both trees: without the traveler's trip facts",
    )
    args = parser.parse_args()
    child = ["--n", str(args.n)] + (["--common-fields"] if args.common_fields else [])
    base, now = interleave(args.ref, HERE / "bench_preclearance_pipeline.py", child, args.rounds)
    print(
        f"pre-clearance pipeline in process (decisions/s by CPU time, median of {args.rounds} "
        f"interleaved rounds of {args.n} declarations per workload; ratio: median per round)"
    )
    # the figures judged; the baselines' rows give the noise
    report(args.ref, base, now, judged=lambda key: "full pipeline" in key, what="full pipeline")


if __name__ == "__main__":
    main()
