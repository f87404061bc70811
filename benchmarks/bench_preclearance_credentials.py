"""Pre-clearance with verifiable credentials attached: declarations verified per second.

Builds a node home in a temporary directory (SQLite store, the Traceability Vocabulary and
JSON-LD contexts from ../shared), accredits the issuers, and issues real credentials for
synthetic declarations: each truck a USMCA certification of origin per certified shipment,
its carrier's C-TPAT certificate and its Carta Porte (``vc+jwt``, ES384); each traveler a
SENTRI membership when it declares one and a vaccination status (SD-JWT VC, ES384, date of
birth withheld). Then it decides the same declarations through:

- baseline 1: ``Pipeline.default()`` — no credentials stage, no admissibility stage;
- baseline 2: the node's pipeline (``node.build_pipeline``: credentials + admissibility stages) with
  nothing attached;
- the node's pipeline with the credentials attached: every proof, issuer trust, status list
  entry (this node's lists, cached), validity, schema and binding checked.

Also printed: the raw P-384 ECDSA verification rate of ``cryptography`` on the same core, the
floor each ES384 credential costs. Figures are medians of ``--runs`` runs, on this process's
CPU time (one core).

    .venv/bin/python benchmarks/bench_preclearance_credentials.py [--n 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from smartborder.config import Settings
from smartborder.credentials import CredentialService
from smartborder.demo.credentials import DemoCredentials
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.node import build_pipeline
from smartborder.ports import Direction
from smartborder.preclearance import Pipeline
from smartborder.store import make_engine, session_factory, transaction, upgrade

SHARED = Path(__file__).resolve().parents[2] / "shared" / "conformance"


def measure(fn: Callable[[Any], object], items: Sequence[Any], runs: int) -> float:
    rates = []
    for _ in range(runs):
        c0 = time.process_time()
        for item in items:
            fn(item)
        rates.append(len(items) / (time.process_time() - c0))
    return statistics.median(rates)


def raw_p384(runs: int, n: int = 300) -> float:
    key = ec.generate_private_key(ec.SECP384R1())
    pub, msg = key.public_key(), b"x" * 600
    sig = key.sign(msg, ec.ECDSA(hashes.SHA384()))
    algo = ec.ECDSA(hashes.SHA384())
    return measure(lambda _: pub.verify(sig, msg, algo), range(n), runs)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="trucks and travelers each")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not SHARED.exists():
        raise SystemExit(f"needs {SHARED} (the Traceability Vocabulary and contexts)")

    home = Path(tempfile.mkdtemp(prefix="sb-bench-creds-"))
    settings = Settings(
        home=home,
        traceability_vocab_dir=SHARED / "traceability-vocab",
        contexts_dir=SHARED / "contexts",
    )
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    day = (now + timedelta(days=1)).date()
    rng = np.random.default_rng(20261201)
    trucks = generate_trucks("2506", day, args.n, rng=rng, direction=Direction.NORTHBOUND)
    travelers = generate_travelers("2504", day, args.n * 4, rng=rng)
    # Travelers with a declared SENTRI/NEXUS membership first, so most carry two credentials.
    travelers.sort(key=lambda t: t.get("trusted_traveler") is None)
    travelers = travelers[: args.n]

    creds = DemoCredentials(CredentialService.from_settings(settings), now=now)
    t0 = time.perf_counter()
    with transaction(sessions) as session:
        creds.setup(session)
        for payload in trucks + travelers:  # all good credentials (no demo faults)
            payload["presentations"] = creds.credentials_for(session, payload)
    issue_s = time.perf_counter() - t0
    attached = sum(len(p["presentations"]) for p in trucks + travelers)

    baseline = Pipeline.default()
    node = build_pipeline(settings)
    loads = {
        "truck": [baseline.parse(p, now=now) for p in trucks],
        "traveler": [baseline.parse(p, now=now) for p in travelers],
    }
    bare = {k: [d.model_copy(update={"presentations": []}) for d in v] for k, v in loads.items()}
    for items in loads.values():  # warm: trust registry, status lists, DID documents, schemas
        for d in items:
            decision = node.decide(d, now=now)
            assert "credentials.verified" in decision.codes, decision.codes
            assert not [c for c in decision.codes if c.startswith("credentials.check.")]

    print(
        f"pre-clearance with credentials, in process, one core; {args.n} declarations per "
        f"workload, median of {args.runs} runs"
    )
    print(f"issued {attached} credentials in {issue_s:.1f} s (setup, not measured below)")
    p384 = raw_p384(args.runs)
    print(f"reference: raw P-384 ECDSA verification (cryptography): {p384:,.0f}/s")
    print(f"{'workload':<10}{'step':<52}{'decl/s (CPU)':>14}{'creds/s':>10}")
    summary: list[str] = []
    for name in loads:
        n_creds = sum(len(d.presentations) for d in loads[name])
        per = n_creds / len(loads[name])
        for step, pipeline, items in (
            ("baseline: default pipeline, nothing attached", baseline, bare[name]),
            ("baseline: node pipeline, nothing attached", node, bare[name]),
            (f"node pipeline, {per:.2f} credentials attached", node, loads[name]),
        ):
            rate = measure(lambda d, p=pipeline: p.decide(d, now=now), items, args.runs)
            verified = f"{rate * per:,.0f}" if items is loads[name] else ""
            print(f"{name:<10}{step:<52}{rate:>14,.0f}{verified:>10}")
            if items is loads[name]:
                summary.append(f"{name}s {rate:,.0f}/s ({per:.2f} credentials each)")
            elif pipeline is node:
                summary.append(f"{name}s without credentials {rate:,.0f}/s")
    print()
    print("declarations verified per second with presentations attached: " + "; ".join(summary))


if __name__ == "__main__":
    main()
