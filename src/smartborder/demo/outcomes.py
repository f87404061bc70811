"""Inspection outcomes over simulated weeks, from a documented hidden ground truth.

A persistent population of Mexican shippers, U.S. consignees and carriers files northbound
truck declarations (:func:`smartborder.demo.synthetic.generate_trucks`, re-partied from the
population) at Otay Mesa, Laredo and El Paso. Whether a trip breaks the rules is drawn from
:data:`HIDDEN_TRUTH`, a logistic model the weight set (``risk/rules/v1.yaml``) only partly
knows: it has no notion of risky shippers or carriers as such (only of recent violations),
of apparel, honey or sugar, of a USMCA certification on goods from outside North America, of
a weight gap between 20 % and 30 %, or of the Laredo transshipment route; and it overrates
fresh produce. A simulated agency inspects what the weight set sends to inspection plus a
random control sample; inspections find the drawn violations (finding codes and revenue at
stake), which then count in the party history as they would on a node.

Each outcome is one line of the outcomes format (``risk.model.outcomes``). The same seed and
arguments give the same lines. The figures are modelling assumptions, not published rates.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from smartborder.declarations import TruckShipment, parse_declaration
from smartborder.demo.synthetic import (
    _FAMILY,
    _MX_CITIES,
    _US_CITIES,
    filed_at,
    generate_trucks,
    make_rfc,
)
from smartborder.risk import Replay, RuleSet, load_rules

PORTS = ("2506", "2304", "2402")  # Otay Mesa, Laredo, El Paso
LAREDO = "2304"
THIRD_COUNTRIES = ("CHN", "VNM", "TWN", "KOR")
#: Chapters whose goods are transshipped through Mexico in this world (electronics, machinery,
#: apparel).
TRANSSHIPPED_CHAPTERS = frozenset({"84", "85", "61", "62"})

#: The hidden ground truth: log-odds of a violation, term by term (see the module docstring).
HIDDEN_TRUTH: dict[str, float] = {
    "base": -4.0,
    "risky_shipper": 2.3,  # RISKY_SHIPPER_SHARE of the shippers
    "risky_carrier": 1.3,  # RISKY_CARRIER_SHARE of the carriers
    "chapter_61_62_apparel": 1.1,
    "chapter_04_honey": 1.6,
    "chapter_17_sugar": 0.9,
    "third_country_origin": 0.8,
    "third_country_origin_with_usmca": 1.4,  # on top: a USMCA certification on such goods
    "third_country_origin_via_laredo": 0.6,
    "weight_gap_over_20pct": 2.0,
    "fresh_produce": -0.4,
    "first_trip_of_shipper": 0.3,
}
RISKY_SHIPPER_SHARE = 0.07
RISKY_CARRIER_SHARE = 0.06
_CAUSE_CODES: dict[str, tuple[str, ...]] = {
    "risky_shipper": ("misdeclared_value", "undeclared_goods", "prohibited_goods"),
    "risky_carrier": ("security_finding", "undeclared_goods", "documentary_discrepancy"),
    "chapter_61_62_apparel": ("misdeclared_origin", "misdeclared_value"),
    "chapter_04_honey": ("misdeclared_origin", "misclassified_hs"),
    "chapter_17_sugar": ("misdeclared_origin", "misdeclared_quantity"),
    "third_country_origin": ("misdeclared_origin",),
    "third_country_origin_with_usmca": ("misdeclared_origin",),
    "third_country_origin_via_laredo": ("misdeclared_origin", "misclassified_hs"),
    "weight_gap_over_20pct": ("undeclared_goods", "misdeclared_quantity"),
    "base": ("documentary_discrepancy", "misdeclared_value", "misclassified_hs"),
}


@dataclass(frozen=True)
class World:
    """The persistent population and its hidden risks."""

    shippers: list[dict[str, Any]]
    shipper_risky: np.ndarray
    consignees: list[dict[str, Any]]
    carriers: list[tuple[str, str, bool]]  # SCAC, name, C-TPAT
    carrier_risky: np.ndarray


def make_world(
    rng: np.random.Generator, *, shippers: int = 600, consignees: int = 400, carriers: int = 150
) -> World:
    mx_names = ("MAQUILADORA", "MANUFACTURAS", "INDUSTRIAS", "AGRICOLA", "COMERCIALIZADORA")
    us_names = ("LOGISTICS", "DISTRIBUTION", "IMPORTS", "MANUFACTURING", "SUPPLY")
    mx_cities = _MX_CITIES["CA"] + _MX_CITIES["TX"]
    us_cities = _US_CITIES["CA"] + _US_CITIES["TX"]

    def party(name: str, city: tuple[str, str], country: str, rfc: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": name,
            "address": {
                "street": f"{int(rng.integers(100, 9999))} BLVD INDUSTRIAL",
                "city": city[0],
                "region": city[1],
                "country": country,
            },
        }
        if rfc:
            out["rfc"] = make_rfc(rng)
        return out

    mx = [
        party(
            f"{mx_names[int(rng.integers(len(mx_names)))]} {_FAMILY[int(rng.integers(len(_FAMILY)))]} {i:03d} SA DE CV",
            mx_cities[int(rng.integers(len(mx_cities)))],
            "MEX",
            True,
        )
        for i in range(shippers)
    ]
    us = [
        party(
            f"{_FAMILY[int(rng.integers(len(_FAMILY)))]} {us_names[int(rng.integers(len(us_names)))]} {i:03d} INC",
            us_cities[int(rng.integers(len(us_cities)))],
            "USA",
            False,
        )
        for i in range(consignees)
    ]
    scacs: set[str] = set()
    while len(scacs) < carriers:
        scacs.add("".join(chr(65 + int(c)) for c in rng.integers(0, 26, 4)))
    fleet = [
        (
            s,
            f"TRANSPORTES {_FAMILY[int(rng.integers(len(_FAMILY)))]} SA DE CV",
            bool(rng.random() < 0.55),
        )
        for s in sorted(scacs)
    ]
    return World(
        shippers=mx,
        shipper_risky=rng.random(shippers) < RISKY_SHIPPER_SHARE,
        consignees=us,
        carriers=fleet,
        carrier_risky=rng.random(carriers) < RISKY_CARRIER_SHARE,
    )


def _zipf(rng: np.random.Generator, n: int) -> int:
    """A population index with a skew: big traders file most declarations."""
    weights = 1.0 / np.arange(1, n + 1) ** 0.8
    return int(rng.choice(n, p=weights / weights.sum()))


def generate_outcomes(
    *,
    weeks: int,
    per_day: int,
    seed: int = 20260105,
    start: date = date(2026, 1, 5),
    random_rate: float = 0.05,
    inspect_all: bool = False,
    rules: RuleSet | None = None,
    world_seed: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Outcome lines for ``weeks`` weeks from ``start``, ``per_day`` trucks per port and day.

    The simulated agency inspects the weight set's ``inspect`` lane and a random control
    sample of ``random_rate`` of the rest (``random_selection``); ``inspect_all`` inspects
    every truck (a full audit: exact precision at any rate, for evaluation). ``world_seed``
    (default ``seed``) fixes the population, so later weeks of the same world can be drawn
    with another ``seed`` and ``start``."""
    rng = np.random.default_rng(seed)
    world = make_world(np.random.default_rng(seed if world_seed is None else world_seed))
    rules = rules or load_rules()
    agency = Replay(rules)
    seen_shippers: set[int] = set()
    shipper_weights = 1.0 / np.arange(1, len(world.shippers) + 1) ** 0.8
    shipper_weights /= shipper_weights.sum()
    for day_n in range(weeks * 7):
        day = start + timedelta(days=day_n)
        batch: list[tuple[dict[str, Any], Any, int, int]] = []
        for port in PORTS:
            for record in generate_trucks(port, day, per_day, rng=rng):
                s_idx = int(rng.choice(len(world.shippers), p=shipper_weights))
                c_idx = int(rng.integers(len(world.carriers)))
                _repart(record, world, s_idx, c_idx, rng)
                batch.append((record, filed_at(record, rng=rng), s_idx, c_idx))
        batch.sort(key=lambda b: b[1])
        for record, filed, s_idx, c_idx in batch:
            declaration = parse_declaration(record, now=filed)
            assert isinstance(declaration, TruckShipment)
            _, result = agency.decide(declaration, filed)
            terms = _truth_terms(declaration, world, s_idx, c_idx, first=s_idx not in seen_shippers)
            seen_shippers.add(s_idx)
            logit = sum(HIDDEN_TRUTH[t] for t in terms)
            violation = bool(rng.random() < 1.0 / (1.0 + np.exp(-logit)))
            targeted = result.lane == "inspect"
            randomly = not targeted and bool(rng.random() < random_rate)
            inspected = inspect_all or targeted or randomly
            findings: list[str] = []
            value = 0.0
            if inspected:
                if violation:
                    findings = _findings(terms, rng)
                    value = round(float(rng.lognormal(7.6, 1.0)), 2)  # median ≈ $2,000
                    agency.found(declaration, findings, max(declaration.expected_arrival, filed))
                else:
                    findings = ["no_discrepancy"]
            yield {
                "declaration_id": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
                "filed_at": filed.isoformat(),
                "declaration": record,
                "inspected": inspected,
                "random_selection": randomly and not inspect_all,
                "findings": findings,
                "violation": inspected and violation,
                "value_usd": value,
            }


def _truth_terms(
    t: TruckShipment, world: World, s_idx: int, c_idx: int, *, first: bool
) -> list[str]:
    terms = ["base"]
    if world.shipper_risky[s_idx]:
        terms.append("risky_shipper")
    if world.carrier_risky[c_idx]:
        terms.append("risky_carrier")
    chapters = {line.hs_code[:2] for s in t.shipments for line in s.lines}
    if chapters & {"61", "62"}:
        terms.append("chapter_61_62_apparel")
    if "04" in chapters:
        terms.append("chapter_04_honey")
    if "17" in chapters:
        terms.append("chapter_17_sugar")
    if chapters & {"07", "08"}:
        terms.append("fresh_produce")
    third = any(line.origin_country in THIRD_COUNTRIES for s in t.shipments for line in s.lines)
    if third:
        terms.append("third_country_origin")
        if any(s.usmca is not None for s in t.shipments):
            terms.append("third_country_origin_with_usmca")
        if t.port_code == LAREDO:
            terms.append("third_country_origin_via_laredo")
    if any(sum(ln.weight_kg for ln in s.lines) / s.weight_kg < 0.8 for s in t.shipments):
        terms.append("weight_gap_over_20pct")
    if first:
        terms.append("first_trip_of_shipper")
    return terms


def _findings(terms: Sequence[str], rng: np.random.Generator) -> list[str]:
    """The finding codes of a violation: from its strongest cause (by the truth's weight)."""
    causes = [t for t in terms if t in _CAUSE_CODES and HIDDEN_TRUTH[t] > 0] or ["base"]
    weights = np.array([HIDDEN_TRUTH[c] for c in causes])
    cause = causes[int(rng.choice(len(causes), p=weights / weights.sum()))]
    codes = _CAUSE_CODES[cause]
    return [codes[int(rng.integers(len(codes)))]]


def _repart(
    record: dict[str, Any], world: World, s_idx: int, c_idx: int, rng: np.random.Generator
) -> None:
    """Give a generated record the world's parties and carrier, and its goods their origins
    (some transshipped from outside North America) and weight gaps."""
    old, (scac, name, ctpat) = record["scac"], world.carriers[c_idx]
    for key in ("trip_number", "idempotency_key"):
        record[key] = record[key].replace(old, scac, 1)
    record["scac"] = scac
    record["carrier"] = {"name": name, "ctpat": ctpat}
    if not ctpat:
        record["driver"].pop("fast_card", None)
    for eq in record["equipment"]:
        eq["number"] = (
            eq["number"].replace(old, scac, 1) if eq["type"] != "container" else eq["number"]
        )
    shipper = world.shippers[s_idx]
    gap = rng.random() < 0.04
    for i, s in enumerate(record["shipments"]):
        s["shipment_control_number"] = s["shipment_control_number"].replace(old, scac, 1)
        s["shipper"] = copy.deepcopy(shipper)
        s["consignee"] = copy.deepcopy(world.consignees[_zipf(rng, len(world.consignees))])
        s["foreign_place_of_lading"] = {
            "city": shipper["address"]["city"],
            "region": shipper["address"]["region"],
            "country": "MEX",
        }
        for line in s["lines"]:
            if line["hs_code"][:2] in TRANSSHIPPED_CHAPTERS and rng.random() < 0.15:
                line["origin_country"] = THIRD_COUNTRIES[int(rng.integers(len(THIRD_COUNTRIES)))]
        if gap and i == 0:
            factor = float(rng.uniform(0.6, 0.8))
            for line in s["lines"]:
                line["weight_kg"] = round(line["weight_kg"] * factor, 1)
        if "usmca" in s:
            s["usmca"]["certifier"] = copy.deepcopy(s["shipper"])
            s["usmca"]["exporter"] = copy.deepcopy(s["shipper"])
            s["usmca"]["importer"] = copy.deepcopy(s["consignee"])
    record["mexico"]["rfc_sender"] = shipper["rfc"]


__all__ = ["HIDDEN_TRUTH", "PORTS", "World", "generate_outcomes", "make_world"]
