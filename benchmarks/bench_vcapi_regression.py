"""VC-API verify throughput, this tree against an earlier commit, in one run.

Why: the interoperability work (issue 14) must not slow ``POST /credentials/verify``: its
throughput must stay within 5 % of the commit before it. This extracts that commit's ``src``
(``git archive``) into a temporary folder and starts ``_vcapi_verify.py --serve`` of this tree
on each source tree (each builds its node and issues its credentials once), then asks the two
for short steps (``--n`` verifications of one format) back to back, round after round, so
a busy machine slows both alike; it prints the median verifications/s (CPU time) of each and
the median of the per-round ratios (``_regression.py``). The raw signature rows run the same
code on both sides: their ratios show the noise.

    .venv/bin/python benchmarks/bench_vcapi_regression.py [--ref COMMIT] [--rounds 15]

``--ref`` defaults to ``$SMARTBORDER_BENCH_BASELINE_REF`` or 6b79dff (main before the
interoperability work).
"""

from __future__ import annotations

import argparse
import os

from _regression import HERE, interleave, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ref", default=os.environ.get("SMARTBORDER_BENCH_BASELINE_REF", "6b79dff")
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=100, help="credentials per format (a step)")
    args = parser.parse_args()
    child = ["--n", str(args.n)]
    base, now = interleave(args.ref, HERE / "_vcapi_verify.py", child, args.rounds)
    print(
        f"VC-API verify in process (verifications/s by CPU time, median of {args.rounds} "
        f"interleaved rounds of {args.n} credentials per format; ratio: median per round)"
    )
    report(
        args.ref, base, now, judged=lambda key: "/credentials/verify" in key, what="VC-API verify"
    )


if __name__ == "__main__":
    main()
