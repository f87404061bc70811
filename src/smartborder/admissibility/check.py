"""``check_plan``: everything that can be known about a plan before anyone is decided by it.

1. syntax and schema (the plan format, each hand-written Cedar policy, the whole set against the
   schema); 2. policies that can never apply (an empty date window, an unknown region or
   country, or no probe at all satisfies them); 3. permits shadowed by forbids (every probe a
   permit admits is also forbidden); 4. traveler categories no policy decides (Cedar would deny
   them with no policy to cite).

Probes are every combination of the traveler attributes the policies read (values they name,
one value they do not name, and "missing"), at every instant where a rule changes and just
before the first, at one port of each region the policies name and one elsewhere, in both
directions. Between two consecutive instants the rules do not change, so these probes cover
every regime the plan defines.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import cedarpy
from pydantic import BaseModel

from smartborder import ports
from smartborder.admissibility.categories import PROGRAMS, PURPOSES, meters
from smartborder.admissibility.cedar import (
    Policies,
    Request,
    _cedar_request,
    _traveler_entity,
    load_policies,
)
from smartborder.admissibility.compile import compile_plan
from smartborder.admissibility.errors import PlanInvalid, PlanNotFound, PolicyInvalid
from smartborder.admissibility.graph import COUNTRIES, DESTINATION
from smartborder.admissibility.graph import port_graph as _graph
from smartborder.admissibility.plan import Plan, cedar_instant, instants_in, parse_plan, plan_text
from smartborder.errors import InvalidInput, Problem
from smartborder.i18n import Text


class Finding(BaseModel):
    severity: str  # "error" | "warning"
    code: str
    where: str  # a JSON pointer into the plan, or a policy id
    en: str
    es: str


class CheckReport(BaseModel):
    plan: str
    policies: int = 0
    probes: int = 0
    findings: list[Finding] = []

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def _from_problem(p: Problem, severity: str = "error") -> Finding:
    return Finding(
        severity=severity, code=p.code, where=p.pointer, en=p.message.en, es=p.message.es
    )


def _f(severity: str, code: str, where: str, text: Text) -> Finding:
    return Finding(severity=severity, code=code, where=where, en=text.en, es=text.es)


_ATTR = re.compile(r"principal(?:\.| has )(\w+)")
_STR = re.compile(r'"([^"\\]*)"')
_REGION = re.compile(r'Region::"([^"]+)"')
_NAMED = re.compile(r'(Port|Crossing)::"([^"]+)"')


_NATIONALITY = re.compile(r'principal\.nationality == "([A-Z]{3})"')
_LIMIT = re.compile(r"^(within-miles|within-km|stay-up-to-days):(.+)$")


def _document_profiles(alternatives: list[str]) -> list[dict[str, Any]]:
    """Document facts to probe: each alternative of each requirement met exactly, then with
    each of its limits just exceeded, everything at once, nothing, and nothing known."""
    profiles: list[dict[str, Any]] = [{}, {"documents": [], "documents_complete": True}]
    everything: dict[str, Any] = {"documents": set(), "documents_complete": True}
    for token in alternatives:
        met: dict[str, Any] = {"documents": set(), "documents_complete": True}
        limits: list[tuple[str, int]] = []
        for part in token.split("+"):
            if part.startswith("document:"):
                met["documents"].add(part.partition(":")[2])
                continue
            m = _LIMIT.match(part)
            if not m:
                continue
            kind, value = m.groups()
            if kind == "stay-up-to-days":
                limits.append(("stay_days", int(value)))
            else:
                limits.append(
                    (
                        "destination_distance_m",
                        meters(float(value), "mi" if kind == "within-miles" else "km"),
                    )
                )
        for key, value in limits:
            met[key] = value
            everything[key] = min(value, everything.get(key, value))
        everything["documents"] |= met["documents"]
        profiles.append(met)
        for key, value in limits:
            profiles.append({**met, key: value + 1})
    if alternatives:
        profiles.append(everything)
    out = []
    seen = set()
    for prof in profiles:
        fixed = {k: sorted(v) if isinstance(v, set) else v for k, v in prof.items()}
        key = json.dumps(fixed, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(fixed)
    return out


def _probe_travelers(
    cedar: str, alternatives: list[str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Probe travelers, in two groups: every combination of the values the phases' attributes
    name, each carrying every document the rules ask; and every document profile with every
    nationality and residence (document rules depend on status, not on purpose or vaccination)."""
    attrs = set(_ATTR.findall(cedar))
    literals = set(_STR.findall(cedar))
    uses_purpose = "context.purpose" in cedar or "context has purpose" in cedar
    # Purposes named by exactly the same policies are interchangeable: probe one of each group.
    chunks = cedar.split("\n\n")
    groups: dict[tuple[int, ...], str] = {}
    for p in PURPOSES:
        if p in literals:
            groups.setdefault(tuple(i for i, c in enumerate(chunks) if f'"{p}"' in c), p)
    named = list(groups.values())
    unnamed = [p for p in PURPOSES if p not in literals][:1]
    countries = [c for c in COUNTRIES if c in literals] or ["USA"]
    others = [c for c in COUNTRIES if c not in countries][:1] or ["GTM"]
    nationality: list[str | None] = (
        [*countries, *others, None] if "nationality" in attrs else [None]
    )
    # Document rules may name more nationalities (e.g. Canadians need no visa).
    named_nat = sorted(set(_NATIONALITY.findall(cedar)) - set(countries) - set(others))
    doc_nationality = [*nationality, *named_nat] if "nationality" in attrs else [None]
    residence: list[tuple[str, ...]] = (
        [(), *[(c,) for c in countries if c in COUNTRIES]]
        if "lawful_resident_of" in attrs
        else [()]
    )
    purpose: list[str | None] = [*named, *unnamed, None] if uses_purpose else [None]
    vax: list[tuple[bool | None, bool | None]] = [(None, None)]
    if "fully_vaccinated" in attrs:
        vax = [(None, None), (False, None), (True, None), (True, True), (True, False)]
        if "vaccination_proof" not in attrs:
            vax = [(None, None), (False, None), (True, None)]
    age: list[int | None] = [None, 10, 40] if "age" in attrs else [None]
    programs = sorted(p for p in literals if p in set(PROGRAMS))
    trusted: list[tuple[tuple[str, ...], tuple[str, ...]]] = [((), ())]
    if "trusted_traveler" in attrs or "trusted_traveler_declared" in attrs:
        trusted += [((p,), ()) for p in programs] + [((), (p,)) for p in programs]
    profiles = _document_profiles(alternatives or [])
    full, unknown = profiles[-1], profiles[0]  # everything every rule asks; nothing known
    combos = [
        (nat, res, pur, v, a, tt, doc)
        for nat, res, pur, v, a, tt in itertools.product(
            nationality, residence, purpose, vax, age, trusted
        )
        for doc in ([full] if alternatives else [unknown])
    ]
    split = len(combos)
    if alternatives:
        combos += [
            (nat, res, purpose[0], vax[0], age[-1], trusted[0], doc)
            for nat, res, doc in itertools.product(doc_nationality, residence, profiles)
        ]
    probes: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    seen: set[str] = set()
    for n, (nat, res, pur, (fv, proof), a, (tt, ttd), doc) in enumerate(combos):
        facts: dict[str, Any] = {
            "lawful_resident_of": list(res),
            "trusted_traveler": list(tt),
            "trusted_traveler_declared": list(ttd),
            "documents": list(doc.get("documents", [])),
        }
        for key, value in (
            ("nationality", nat),
            ("purpose", pur),
            ("fully_vaccinated", fv),
            ("vaccination_proof", proof),
            ("age", a),
            ("documents_complete", doc.get("documents_complete")),
            ("destination_distance_m", doc.get("destination_distance_m")),
            ("stay_days", doc.get("stay_days")),
        ):
            if value is not None:
                facts[key] = value
        key = json.dumps(facts, sort_keys=True)
        if key not in seen:
            seen.add(key)
            probes[0 if n < split else 1].append(facts)
    return probes


def _describe(facts: dict[str, Any]) -> str:
    keys = (
        "nationality",
        "lawful_resident_of",
        "purpose",
        "fully_vaccinated",
        "vaccination_proof",
        "age",
        "trusted_traveler",
        "trusted_traveler_declared",
        "documents",
        "destination_distance_m",
        "stay_days",
    )
    parts = []
    for k in keys:
        v = facts.get(k)
        if v in (None, []):
            continue
        parts.append(f"{k}={','.join(v) if isinstance(v, list) else v}")
    return " ".join(parts) or "no attributes"


def _probe_ports(cedar: str) -> list[tuple[str, str]]:
    named = set(_REGION.findall(cedar))
    out: list[tuple[str, str]] = []
    others = []
    for region in ports.regions():
        if region.id in named:
            out.append((region.port_codes[0], region.id))
        else:
            others.append((region.port_codes[0], region.id))
    # A port or crossing a policy names is probed itself, beside its region's representative.
    for kind, ident in _NAMED.findall(cedar):
        code = ident if kind == "Port" else None
        if kind == "Crossing":
            try:
                code = ports.port_of_crossing(ident).code
            except InvalidInput:
                continue
        try:
            region_id = ports.get_port(code or ident).region
        except InvalidInput:
            continue
        out.append((ident, region_id))
    return list(dict.fromkeys(out + others[:1]))


def _probe_instants(cedar: str) -> list[datetime]:
    marks = instants_in(cedar)
    if not marks:
        return [datetime.fromisoformat("2020-01-01T00:00:00+00:00")]
    return [marks[0] - timedelta(days=1), *marks]


def _static(plan: Plan, policies: Policies) -> tuple[list[Finding], set[str]]:
    findings: list[Finding] = []
    flagged: set[str] = set()
    known_regions = {r.id for r in ports.regions()}
    for m in policies.by_id.values():
        if m.effective_from and m.effective_until and m.effective_from >= m.effective_until:
            flagged.add(m.id)
            findings.append(
                _f(
                    "warning",
                    "admissibility.never_applies.dates",
                    m.id,
                    Text(
                        f"Policy {m.id} can never apply: it starts {cedar_instant(m.effective_from)} but ends {cedar_instant(m.effective_until)}.",
                        f"La política {m.id} nunca puede aplicarse: empieza {cedar_instant(m.effective_from)} y termina {cedar_instant(m.effective_until)}.",
                    ),
                )
            )
        unknown = [r for r in (m.regions or ()) if r not in known_regions]
        if unknown and len(unknown) == len(m.regions or ()):
            flagged.add(m.id)
            findings.append(
                _f(
                    "warning",
                    "admissibility.never_applies.region",
                    m.id,
                    Text(
                        f"Policy {m.id} can never apply: no region {', '.join(unknown)} (regions: {', '.join(sorted(known_regions))}).",
                        f"La política {m.id} nunca puede aplicarse: no existe la región {', '.join(unknown)} (regiones: {', '.join(sorted(known_regions))}).",
                    ),
                )
            )
        if m.country and m.country not in COUNTRIES:
            flagged.add(m.id)
            findings.append(
                _f(
                    "warning",
                    "admissibility.never_applies.country",
                    m.id,
                    Text(
                        f"Policy {m.id} can never apply: destination {m.country} is not USA or MEX.",
                        f"La política {m.id} nunca puede aplicarse: el destino {m.country} no es USA ni MEX.",
                    ),
                )
            )
    for i, raw in enumerate(plan.policies):
        if "@id(" not in raw:
            findings.append(
                _f(
                    "warning",
                    "admissibility.policy_without_id",
                    f"/policies/{i}",
                    Text(
                        "This policy has no @id; decisions citing it will show Cedar's positional id, which changes with order.",
                        "Esta política no tiene @id; las decisiones que la citen mostrarán el id posicional de Cedar, que cambia con el orden.",
                    ),
                )
            )
    return findings, flagged


def _probe(policies: Policies) -> tuple[int, list[Finding]]:
    cedar = policies.cedar
    est = json.loads(cedarpy.policies_to_json_str(cedar))
    for p in est.get("staticPolicies", {}).values():
        p["effect"] = "permit"  # every satisfied policy then shows among the reasons
    probe_set = cedarpy.PolicySet.from_json_str(json.dumps(est))
    base, _, crossing_port = _graph()
    alternatives = [
        token for m in policies.by_id.values() if m.kind == "require" for token in m.categories
    ]
    phased, documented = _probe_travelers(cedar, alternatives)
    travelers = phased + documented
    entities = base.with_added_json_str(
        json.dumps([_traveler_entity(str(i), f) for i, f in enumerate(travelers)])
    )
    # Phases change with time and region: their probes go to every instant, at the ports the
    # phases name. Document rules have no dates in the shipped plans but name ports: their
    # probes go to every port named anywhere, before the first and at the last instant.
    phase_text = "\n\n".join(c for c in cedar.split("\n\n") if '@kind("require")' not in c)
    instants = _probe_instants(cedar)
    plan_a = itertools.product(instants, _probe_ports(phase_text), DESTINATION)
    plan_b = itertools.product(
        sorted({instants[0], instants[-1]}), _probe_ports(cedar), DESTINATION
    )
    requests = []
    keys = []
    for group, schedule in (
        (range(len(phased)), plan_a),
        (range(len(phased), len(travelers)), plan_b),
    ):
        for at, (port, region), direction in schedule:
            for i in group:
                probe = Request(str(i), travelers[i], port, at, direction)
                requests.append(_cedar_request(str(i), probe, crossing_port))
                keys.append((at, region, direction, i))
    results = cedarpy.is_authorized_batch(requests, probe_set, entities)
    satisfied: dict[str, int] = defaultdict(int)
    shadow_ok: dict[str, bool] = {}  # permit id → some probe where no forbid fires
    shadowers: dict[str, set[str]] = defaultdict(set)
    undecided: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for key, res in zip(keys, results, strict=True):
        fired = [
            policies.by_cedar_id[c] for c in res.diagnostics.reasons if c in policies.by_cedar_id
        ]
        for m in fired:
            satisfied[m.id] += 1
        forbids = [m.id for m in fired if m.effect == "forbid"]
        for m in fired:
            if m.effect == "permit":
                if not forbids:
                    shadow_ok[m.id] = True
                else:
                    shadow_ok.setdefault(m.id, False)
                    shadowers[m.id].update(forbids)
        if not fired:
            at, region, direction, i = key
            undecided[(DESTINATION[direction], cedar_instant(at), region)].append(
                _describe(travelers[i])
            )
    findings: list[Finding] = []
    for m in policies.by_id.values():
        if satisfied.get(m.id, 0) == 0:
            findings.append(
                _f(
                    "warning",
                    "admissibility.never_applies",
                    m.id,
                    Text(
                        f"Policy {m.id} applies to no probed traveler, instant, port or direction.",
                        f"La política {m.id} no se aplica a ningún viajero, instante, puerto o sentido probado.",
                    ),
                )
            )
    for pid, ok in shadow_ok.items():
        if not ok:
            by = ", ".join(sorted(shadowers[pid]))
            findings.append(
                _f(
                    "error",
                    "admissibility.permit_shadowed",
                    pid,
                    Text(
                        f"Permit {pid} is shadowed: every crossing it admits is also forbidden by {by}, so it never decides.",
                        f"El permiso {pid} está sombreado: todo cruce que admite también lo prohíbe {by}, así que nunca decide.",
                    ),
                )
            )
    for (dest, since, region), who in sorted(undecided.items()):
        examples = "; ".join(who[:3]) + (f"; … ({len(who)} in all)" if len(who) > 3 else "")
        findings.append(
            _f(
                "warning",
                "admissibility.undecided",
                f"{dest}/{region}/{since}",
                Text(
                    f"No policy decides these travelers entering {dest} at {region} from {since}: {examples}. Cedar would deny them without a reason to cite.",
                    f"Ninguna política decide a estos viajeros que entran a {dest} por {region} desde {since}: {examples}. Cedar los negaría sin razón que citar.",
                ),
            )
        )
    return len(requests), findings


def check_plan(plan: str | Path) -> CheckReport:
    """Check a built-in plan id or a plan YAML file; the report lists findings, never raises for
    a faulty plan (only :class:`PlanNotFound` for a missing one)."""
    try:
        text, source = plan_text(plan)
    except PlanNotFound:
        raise
    report = CheckReport(plan=str(plan))
    try:
        parsed = parse_plan(text, source=source)
    except PlanInvalid as exc:
        report.findings += [_from_problem(p) for p in exc.problems] or [
            _f("error", exc.code, "/", exc.message)
        ]
        return report
    report.plan = parsed.id
    for i, raw in enumerate(parsed.policies):
        try:
            cedarpy.PolicySet.from_str(raw)
        except ValueError as exc:
            report.findings.append(
                _f(
                    "error",
                    "admissibility.cedar_syntax",
                    f"/policies/{i}",
                    Text(
                        f"Cedar syntax error in policies[{i}]: {exc}",
                        f"Error de sintaxis Cedar en policies[{i}]: {exc}",
                    ),
                )
            )
    if not report.ok:
        return report
    try:
        cedar = compile_plan(parsed)
        policies = load_policies(cedar, plan_id=parsed.id, version=f"{parsed.id}@check")
    except (PlanInvalid, PolicyInvalid) as exc:
        report.findings += [_from_problem(p) for p in exc.problems] or [
            _f("error", exc.code, "/", exc.message)
        ]
        return report
    report.policies = len(policies)
    static, flagged = _static(parsed, policies)
    report.findings += static
    report.probes, dynamic = _probe(policies)
    report.findings += [
        f for f in dynamic if not (f.code == "admissibility.never_applies" and f.where in flagged)
    ]
    return report
