"""The learned risk model: what shadow scoring adds to a decision, and training time.

**Shadow scoring** (target: ≤ 50 µs added per declaration to the in-process pipeline). Trucks
of the generated world (``demo.outcomes``, Otay Mesa, Laredo, El Paso) are decided from dicts
through the default pipeline with a party and a violation history, once without and once with
the shadow model (the risk stage computing the model's features), and the shadow vectors are
scored as the node's writer scores them: one LightGBM call per group commit of ``--group``
declarations, rows serialized for the store. Same run, same trucks; CPU time of this process
(one thread), the two alternating which runs first, garbage collected before each. The alternative the write path does not use, one LightGBM call per declaration,
is measured beside it, and the SHAP contributions of one row (computed only when someone asks
why, from the stored vector).

**Training** (target: 1 M labelled declarations ≤ 2 minutes). ``--base`` declarations of the
generated world, every one inspected (labelled), are replayed as training replays them
(parse, facts, party and violation history, features: measured per declaration); ``--n``
labelled rows are then drawn from them with replacement (the replay of 1 M generated
declarations alone takes minutes: its per-row cost is printed, and the end-to-end figure
extrapolated from it) and ``risk.train`` fits them: vocabularies, encoding, LightGBM with its
chronological holdout, all 200 rounds (early stopping off: resampled rows repeat, and the
worst case is what a target needs), 2 threads (OpenMP's idle threads sleeping:
``risk.model.learned.lightgbm``); then once more as ``smartborder risk train`` runs, with
early stopping on the holdout. Baseline in the same run: encoding the rows alone
(``FeatureSpace.encode``), the part of ``train`` that is not LightGBM. Wall and CPU seconds
are printed with the load average: on 2 cores shared with other work, wall waits for a core.

    .venv/bin/python benchmarks/bench_risk_model.py [--n 1000000] [--base 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson

from smartborder.demo.outcomes import generate_outcomes
from smartborder.inspections import FindingCode
from smartborder.preclearance import Pipeline
from smartborder.risk import (
    Cutoffs,
    DecidingModel,
    FeatureSpace,
    InMemoryPartyHistory,
    InMemoryViolationHistory,
    ModelSlots,
    Replayed,
    ShadowScorer,
    load_rules,
    read_outcomes,
    replay,
    train,
)

CODES = {c.value: c.violation for c in FindingCode}


def _cpu(fn: Any, *args: Any) -> float:
    gc.collect()  # no collection of the previous run's garbage inside this one
    c0 = time.process_time()
    fn(*args)
    return time.process_time() - c0


def _one_call_each(model: Any, vectors: list[Any]) -> None:
    for v in vectors:
        model.predict(np.array([v]))


def shadow_overhead(lines: list[bytes], model: Any, runs: int, group: int) -> None:
    outcomes = [orjson.loads(x) for x in lines]
    items = [(o["declaration"], datetime.fromisoformat(o["filed_at"])) for o in outcomes]
    n = len(items)

    def pipelines() -> tuple[Pipeline, Pipeline, ShadowScorer]:
        violations = InMemoryViolationHistory()
        scorer = ShadowScorer(model, violations=violations)
        plain = Pipeline.default(
            history=InMemoryPartyHistory(), violations=InMemoryViolationHistory()
        )
        shadowed = Pipeline.default(
            history=InMemoryPartyHistory(), violations=violations, shadow=scorer
        )
        return plain, shadowed, scorer

    def decide(pipe: Pipeline) -> list[Any]:
        return [pipe.decide(d, now=t) for d, t in items]

    def decide_and_score(pipe: Pipeline, scorer: ShadowScorer) -> None:
        decisions = decide(pipe)
        at = datetime.now(UTC)
        for start in range(0, n, group):
            chunk = decisions[start : start + group]
            scorer.rows([("id", 1, d.shadow_features) for d in chunk], at=at)

    base: list[float] = []
    with_shadow: list[float] = []
    single: list[float] = []
    for run in range(runs):
        plain, shadowed, scorer = pipelines()
        if run % 2:  # alternate which goes first: neither gets the warmer caches every time
            with_shadow.append(_cpu(decide_and_score, shadowed, scorer) / n * 1e6)
            base.append(_cpu(decide, plain) / n * 1e6)
        else:
            base.append(_cpu(decide, plain) / n * 1e6)
            with_shadow.append(_cpu(decide_and_score, shadowed, scorer) / n * 1e6)
        vectors = [d.shadow_features for d in decide(pipelines()[1])][: min(n, 2000)]
        single.append(_cpu(_one_call_each, model, vectors) / len(vectors) * 1e6)
    contrib_rows = np.array(vectors[:200])
    contrib = _cpu(model.contributions, contrib_rows) / len(contrib_rows) * 1e6
    b, s = statistics.median(base), statistics.median(with_shadow)
    print(f"shadow scoring: {n} trucks, median of {runs} runs, CPU µs per declaration")
    print(f"  baseline: pipeline without shadow (dict → decision)   {b:8.1f}")
    print(
        f"  pipeline with shadow features + writer's batch score   {s:8.1f}   (groups of {group})"
    )
    print(f"  added by shadow scoring                               {s - b:8.1f}   target ≤ 50")
    print(
        f"  alternative: one LightGBM call per declaration         {statistics.median(single):8.1f}   (the call alone)"
    )
    print(f"  SHAP contributions of one row (on request only)       {contrib:8.1f}")


def deciding_cost(lines: list[bytes], model: Any, runs: int) -> None:
    """What a promoted model deciding costs per truck against the weight set deciding: one
    LightGBM call a truck, and SHAP reasons for those it sends to review or inspection."""
    outs = read_outcomes(lines, source="bench", finding_codes=CODES)
    # these trucks are of the training period (calibrate takes later ones): cut where it would
    scores = np.sort(model.predict(model.space.encode(replay(outs, load_rules()).rows)))[::-1]
    inspect, review = (float(scores[round(share * len(scores)) - 1]) for share in (0.05, 0.15))
    cutoffs = Cutoffs(inspect, review, review, 0.05, 0.15, len(scores))
    items = [(o.declaration, o.filed_at) for o in outs]
    n = len(items)

    def decide(pipe: Pipeline) -> list[Any]:
        return [pipe.decide(d, now=t) for d, t in items]

    weights: list[float] = []
    by_model: list[float] = []
    flagged = 0
    for run in range(runs):
        plain = Pipeline.default(
            history=InMemoryPartyHistory(), violations=InMemoryViolationHistory()
        )
        violations = InMemoryViolationHistory()
        slots = ModelSlots(deciding=DecidingModel(model, cutoffs), violations=violations)
        deciding = Pipeline.default(
            history=InMemoryPartyHistory(), violations=violations, models=slots
        )
        pair = [(weights, plain), (by_model, deciding)]
        for into, pipe in pair if run % 2 == 0 else pair[::-1]:
            into.append(_cpu(decide, pipe) / n * 1e6)
        flagged = sum(d.risk_score >= cutoffs.documentary_review for d in decide(deciding))
    w, m = statistics.median(weights), statistics.median(by_model)
    print(f"a promoted model deciding: {n} trucks, median of {runs} runs, CPU µs per declaration")
    print(f"  baseline: the weight set deciding                      {w:8.1f}")
    print(
        f"  the model deciding (cut-offs at 5 %; {flagged / n:.1%} with reasons) {m:8.1f}   (+{m - w:.1f})"
    )


def training(base_lines: list[bytes], n: int, runs: int) -> None:
    rules = load_rules()
    c0 = time.process_time()
    w0 = time.perf_counter()
    outs = read_outcomes(base_lines, source="bench", finding_codes=CODES)
    read_us = (time.process_time() - c0) / len(outs) * 1e6
    replayed = replay(outs, rules)
    per_row_us = (time.process_time() - c0) / len(outs) * 1e6
    per_row_wall = (time.perf_counter() - w0) / len(outs) * 1e6
    rng = np.random.default_rng(1)
    idx = np.sort(rng.integers(0, len(outs), n))  # time order kept: the holdout stays latest
    big = Replayed(
        rows=[replayed.rows[i] for i in idx],
        labelled=np.ones(n, dtype=bool),
        violation=replayed.violation[idx],
        value_usd=replayed.value_usd[idx],
        weight_score=replayed.weight_score[idx],
        random_selection=replayed.random_selection[idx],
        filed_at=[replayed.filed_at[i] for i in idx],
    )
    space = FeatureSpace.learn([c for _, c in big.rows])
    encode: list[float] = []
    fit: list[float] = []
    fit_cpu: list[float] = []
    rounds = 0
    print(f"training: {n:,} labelled rows (drawn from {len(outs):,} replayed); wall s (CPU s)")
    for run in range(runs):
        w0 = time.perf_counter()
        space.encode(big.rows)
        encode.append(time.perf_counter() - w0)
        w0, c0 = time.perf_counter(), time.process_time()
        model = train(big, now=datetime.now(UTC), early_stopping=False)
        fit.append(time.perf_counter() - w0)
        fit_cpu.append(time.process_time() - c0)
        rounds = int(model.metrics["rounds"])
        print(
            f"  run {run + 1}: encode {encode[-1]:.1f}, train {fit[-1]:.1f} ({fit_cpu[-1]:.1f} CPU)"
        )
    w0, c0 = time.perf_counter(), time.process_time()
    early = train(big, now=datetime.now(UTC))
    early_wall, early_cpu = time.perf_counter() - w0, time.process_time() - c0
    t = statistics.median(fit)
    print(f"  median of {runs} run(s), load average {os.getloadavg()[0]:.1f}")
    print(
        f"  baseline: encoding the rows alone                     {statistics.median(encode):8.1f}"
    )
    print(
        f"  risk.train (encode + LightGBM, {rounds} rounds, 2 threads) {t:8.1f}"
        f"   ({statistics.median(fit_cpu):.1f} CPU, all threads)   target ≤ 120"
    )
    print(
        f"  with early stopping (as `risk train`: {early.metrics['rounds']} rounds)     {early_wall:8.1f}   ({early_cpu:.1f} CPU)"
    )
    print(
        f"  replay per declaration (parse, facts, features)       {per_row_us:8.1f} µs CPU ({per_row_wall:.1f} wall)"
        f"; of which reading and validating the line {read_us:.1f}"
    )
    print(
        f"  end to end for {n:,} (replay extrapolated + train)   {per_row_wall * n / 1e6 + t:8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="labelled rows to train on")
    parser.add_argument("--base", type=int, default=20_000, help="generated declarations replayed")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--group", type=int, default=64, help="declarations per group commit")
    args = parser.parse_args()
    per_day = max(1, args.base // (3 * 7 * 4))
    train_lines = [orjson.dumps(o) for o in generate_outcomes(weeks=4, per_day=per_day)]
    audit = [
        orjson.dumps(o)
        for o in generate_outcomes(weeks=4, per_day=per_day, seed=3, inspect_all=True)
    ]
    model = train(
        replay(read_outcomes(train_lines, source="b", finding_codes=CODES), load_rules()),
        now=datetime.now(UTC),
    )
    shadow_overhead(audit[:4000], model, args.runs, args.group)
    deciding_cost(audit[:4000], model, args.runs)
    training(audit, args.n, args.runs)


if __name__ == "__main__":
    main()
