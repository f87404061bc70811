"""Admissibility decisions per second and single-decision latency, with the baselines measured
in the same run.

Policy set: covid-us-land-2020 as base plus a reopening plan for every region (three phases
each, dates staggered by region), both countries, all U.S.-Mexico ports: > 50 Cedar policies.
Travelers: generated pre-arrivals (declarations.synthetic) at every port for 20 days.

Figures (CPU time of this process, i.e. one core, so that other load on the machine does not
inflate them; wall-clock rates are printed beside):
  batch, production path   decide_batch(): request classes asked once, policy subsets per
                           destination/region/regime
  batch, every request     decide_batch(memo=False): one Cedar request per traveler, subsets
  batch, whole set         decide_batch(memo=False, whole=True): one request per traveler over
                           all policies (baseline: plain Cedar batch authorization)
  single, cached set       evaluate() on the parsed, cached policy set, memo cleared per call
  single, re-parse         cedarpy.is_authorized() given the policy text each call (baseline)

Run: .venv/bin/python benchmarks/bench_admissibility_decisions.py  (about a minute)
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

import cedarpy
import numpy as np

from smartborder import ports
from smartborder.admissibility import impact, policies_for, request_for
from smartborder.admissibility.cedar import _cedar_request, _traveler_entity, decide_batch
from smartborder.admissibility.graph import port_graph
from smartborder.admissibility.plan import parse_plan
from smartborder.admissibility.service import evaluate
from smartborder.demo import generate_trips


def regional_plan() -> str:
    blocks = []
    for i, region in enumerate(ports.regions()):
        d1 = date(2021, 3, 1) + timedelta(days=14 * i)
        d2, d3 = d1 + timedelta(days=60), d1 + timedelta(days=120)
        blocks.append(
            f"""
  - country: USA
    regions: [{region.id}]
    phases:
      - id: {region.id}-1
        title: {{en: "{region.id} phase 1", es: "{region.id} fase 1"}}
        effective_from: {d1}T08:00:00Z
        effective_until: {d2}T07:00:00Z
        admit: [citizen-or-national, permanent-resident, essential-purpose, "trusted-traveler:SENTRI"]
        deny_reason: {{en: "phase 1 of {region.id}", es: "fase 1 de {region.id}"}}
      - id: {region.id}-2
        title: {{en: "{region.id} phase 2", es: "{region.id} fase 2"}}
        effective_from: {d2}T07:00:00Z
        effective_until: {d3}T07:00:00Z
        admit: [citizen-or-national, permanent-resident, essential-purpose, "trusted-traveler:SENTRI", fully-vaccinated]
        deny_reason: {{en: "phase 2 of {region.id}", es: "fase 2 de {region.id}"}}
      - id: {region.id}-3
        title: {{en: "{region.id} phase 3", es: "{region.id} fase 3"}}
        effective_from: {d3}T07:00:00Z
        effective_until: 2023-05-12T04:00:00Z
        admit: [everyone]"""
        )
    return (
        "id: regional-reopening\ntitle: {en: Regional reopening, es: Reapertura regional}\n"
        "base: covid-us-land-2020\nblocks:" + "".join(blocks) + "\n"
    )


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> None:
    plan = parse_plan(regional_plan())
    c0 = time.process_time()
    policies = policies_for(plan)
    parse_ms = (time.process_time() - c0) * 1000
    c0 = time.process_time()
    policies.warm()
    warm_ms = (time.process_time() - c0) * 1000
    baseline = policies_for("covid-us-land-2020").warm()
    print(
        f"policy set: {len(policies)} policies ({policies.version}); ports: {len(ports.all_ports())}"
    )
    print(
        f"compile+parse+validate {parse_ms:.0f} ms CPU; parse all {len(policies._slices)} subsets {warm_ms:.0f} ms CPU"
    )
    rng = np.random.default_rng(2021)
    codes = [p.code for p in ports.all_ports()]
    trips = generate_trips(codes, date(2021, 5, 20), date(2021, 6, 8), 40, rng=rng)
    requests = [request_for(t.traveler, port=t.port, at=t.at) for t in trips]
    print(f"pre-arrivals: {len(requests)}")

    def rate(label: str, n: int, runs: int, call: Callable[[], object]) -> None:
        cpu, wall = [], []
        for _ in range(runs):
            policies.memo.clear()
            c0, w0 = time.process_time(), time.perf_counter()
            call()
            cpu.append(n / (time.process_time() - c0))
            wall.append(n / (time.perf_counter() - w0))
        print(
            f"{label}: median {statistics.median(cpu):,.0f} decisions/s CPU ({statistics.median(wall):,.0f}/s wall)"
        )

    rate("batch, production path", len(requests), 5, lambda: decide_batch(policies, requests))
    print(f"  ({len(policies.memo)} request classes)")
    sample = requests[:4000]
    rate("batch, every request", len(sample), 3, lambda: decide_batch(policies, sample, memo=False))
    rate(
        "batch, whole set (baseline)",
        len(sample),
        3,
        lambda: decide_batch(policies, sample, memo=False, whole=True),
    )

    c0 = time.process_time()
    report = impact(policies, baseline, trips)
    elapsed = time.process_time() - c0
    print(
        f"impact, both plans incl. request building: {2 * report.total / elapsed:,.0f} decisions/s CPU ({report.changed} changed)"
    )

    single, reparse = [], []
    for trip in trips[:2000]:
        policies.memo.clear()
        t0 = time.process_time()
        evaluate(trip.traveler, port=trip.port, at=trip.at, plan=policies)
        single.append((time.process_time() - t0) * 1000)
    base, _, crossing_port = port_graph()
    base_json = str(base)
    for req in requests[:300]:
        t0 = time.process_time()
        ents = json.loads(base_json) + [_traveler_entity("t", req.facts)]
        cedarpy.is_authorized(_cedar_request("t", req, crossing_port), policies.cedar, ents)
        reparse.append((time.process_time() - t0) * 1000)
    print(
        f"single, cached set: p50 {percentile(single, 50):.3f} ms, p99 {percentile(single, 99):.3f} ms CPU"
    )
    print(
        f"single, re-parse policies and entities (baseline): p50 {percentile(reparse, 50):.3f} ms, p99 {percentile(reparse, 99):.3f} ms CPU"
    )


if __name__ == "__main__":
    main()
