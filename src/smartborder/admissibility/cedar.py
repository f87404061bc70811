"""The Cedar engine: parsed, schema-validated policy sets (cached), the port graph as Cedar
entities, and decisions for one traveler or a batch.

Cedar decides allow/deny; this module turns that into admit / deny / review: a denial by a
restriction whose exemption could not be judged because the traveler lacks a needed attribute
becomes ``review`` naming the attribute, and a Cedar evaluation error is never an allow.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import cedarpy

from smartborder import ports
from smartborder.admissibility.categories import ATTRIBUTE_LABELS, judge_all, unknown_needs_of
from smartborder.admissibility.errors import PolicyInvalid
from smartborder.admissibility.graph import DESTINATION, region_of_port, schema
from smartborder.admissibility.graph import lineage as _lineage
from smartborder.admissibility.graph import port_graph as _graph
from smartborder.admissibility.graph import uid as _uid
from smartborder.admissibility.model import OPTIONAL_ATTRIBUTES
from smartborder.admissibility.plan import cedar_instant, digest, instants_in
from smartborder.errors import Problem
from smartborder.i18n import Text


@dataclass(frozen=True, slots=True)
class PolicyMeta:
    """What a policy's annotations say about it (read back from the Cedar text)."""

    id: str
    cedar_id: str
    effect: str  # "permit" | "forbid"
    kind: str  # "admit" | "restrict" | "" (hand-written)
    title: Text
    reason: Text
    country: str | None
    regions: tuple[str, ...] | None
    effective_from: datetime | None
    effective_until: datetime | None
    categories: tuple[str, ...]
    needs: tuple[str, ...]
    exempt: tuple[str, ...] = ()
    bring: Text | None = None
    ports: tuple[str, ...] | None = None
    except_regions: tuple[str, ...] = ()
    except_ports: tuple[str, ...] = ()

    def in_force(
        self, *, destination: str, region: str | None, at: datetime, port: str | None = None
    ) -> bool:
        """Whether this policy's scope covers the crossing (``port``: a port code, when the
        policy's own port scope must be judged too)."""
        if self.country and self.country != destination:
            return False
        if self.regions is not None and region not in self.regions:
            return False
        if region in self.except_regions:
            return False
        if port is not None and (
            port in self.except_ports or (self.ports is not None and port not in self.ports)
        ):
            return False
        if self.effective_from is not None and at < self.effective_from:
            return False
        return not (self.effective_until is not None and at >= self.effective_until)

    def exempts(self, facts: dict[str, Any]) -> bool | None:
        """Whether ``facts`` fall in one of a requirement's exemptions (None: cannot tell)."""
        if not self.exempt or not self.country:
            return False
        out: bool | None = False
        for name in self.exempt:
            try:
                value = judge_all(name, self.country, facts)
            except KeyError:
                continue
            if value:
                return True
            if value is None:
                out = None
        return out

    def unknown_needs(self, facts: dict[str, Any]) -> set[str]:
        """Attributes this policy needs that are missing, where they could change its outcome."""
        if self.categories and self.country:
            out: set[str] = set()
            for name in self.categories:
                try:
                    out |= unknown_needs_of(name, self.country, facts)
                except KeyError:
                    continue
            return out
        return {n for n in self.needs if n in OPTIONAL_ATTRIBUTES and n not in facts}


def _instant(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _meta(cedar_id: str, policy: dict[str, Any]) -> PolicyMeta:
    ann: dict[str, str] = policy.get("annotations") or {}
    pid = ann.get("id") or cedar_id
    region = ann.get("region", "*")
    title = Text(ann.get("title_en", pid), ann.get("title_es", ann.get("title_en", pid)))
    effect = policy.get("effect", "permit")
    default_reason = (
        Text("a policy admits this crossing", "una política admite este cruce")
        if effect == "permit"
        else Text("a policy forbids this crossing", "una política prohíbe este cruce")
    )
    return PolicyMeta(
        id=pid,
        cedar_id=cedar_id,
        effect=effect,
        kind=ann.get("kind", ""),
        title=title,
        reason=Text(
            ann.get("reason_en", default_reason.en), ann.get("reason_es", default_reason.es)
        ),
        country=ann.get("country") or None,
        regions=None
        if region in ("", "*")
        else tuple(r.strip() for r in region.split(",") if r.strip()),
        effective_from=_instant(ann.get("effective_from", "")),
        effective_until=_instant(ann.get("effective_until", "")),
        categories=tuple(ann.get("categories", "").split()),
        needs=tuple(ann.get("needs", "").split()),
        exempt=tuple(ann.get("exempt", "").split()),
        bring=Text(ann["bring_en"], ann.get("bring_es", ann["bring_en"]))
        if ann.get("bring_en")
        else None,
        ports=_csv(ann["ports"]) if ann.get("ports") else None,
        except_regions=_csv(ann.get("except_regions", "")),
        except_ports=_csv(ann.get("except_ports", "")),
    )


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _chunks(cedar: str) -> list[tuple[int, str]]:
    """Policies separated by blank lines, with their first line number (for error locations)."""
    out: list[tuple[int, str]] = []
    line = 1
    for chunk in cedar.split("\n\n"):
        body = "\n".join(
            ln for ln in chunk.splitlines() if not ln.lstrip().startswith("//")
        ).strip()
        if body:
            out.append((line, chunk))
        line += chunk.count("\n") + 2
    return out


def _syntax_problems(cedar: str, fallback: str) -> list[Problem]:
    problems = []
    for line, chunk in _chunks(cedar):
        try:
            cedarpy.PolicySet.from_str(chunk)
        except ValueError as exc:
            problems.append(
                Problem(
                    f"/cedar/line/{line}",
                    "admissibility.cedar_syntax",
                    Text(
                        f"Cedar syntax error in the policy starting at line {line}: {exc}",
                        f"Error de sintaxis Cedar en la política que empieza en la línea {line}: {exc}",
                    ),
                )
            )
    return problems or [
        Problem(
            "/cedar", "admissibility.cedar_syntax", Text(f"Cedar: {fallback}", f"Cedar: {fallback}")
        )
    ]


class Policies:
    """A parsed, schema-validated policy set with its version label and policy annotations."""

    def __init__(self, cedar: str, *, plan_id: str, version: str) -> None:
        self.cedar = cedar
        self.plan_id = plan_id
        self.version = version
        self.digest = digest(cedar)
        try:
            self.handle = cedarpy.PolicySet.from_str(cedar)
            est = json.loads(cedarpy.policies_to_json_str(cedar))
        except ValueError as exc:
            raise PolicyInvalid(problems=_syntax_problems(cedar, str(exc))) from None
        by_cedar = {cid: _meta(cid, p) for cid, p in est.get("staticPolicies", {}).items()}
        result = cedarpy.validate_policies(cedar, schema())
        if not result.validation_passed:
            problems = []
            for err in result.errors:
                pid = by_cedar[err.policy_id].id if err.policy_id in by_cedar else err.policy_id
                problems.append(
                    Problem(
                        f"/policies/{pid}" if pid else "/cedar",
                        "admissibility.cedar_schema",
                        Text(
                            f"Policy {pid or '?'} does not match the schema: {err.error}",
                            f"La política {pid or '?'} no concuerda con el esquema: {err.error}",
                        ),
                    )
                )
            raise PolicyInvalid(problems=problems)
        ids = [m.id for m in by_cedar.values()]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise PolicyInvalid(
                problems=[
                    Problem(
                        f"/policies/{d}",
                        "admissibility.duplicate_id",
                        Text(
                            f"Two policies share the @id {d!r}; ids must be unique.",
                            f"Dos políticas comparten el @id {d!r}; los ids deben ser únicos.",
                        ),
                    )
                    for d in dupes
                ]
            )
        self.by_cedar_id: dict[str, PolicyMeta] = by_cedar
        self.position: dict[str, int] = {cid: i for i, cid in enumerate(by_cedar)}
        self.by_id: dict[str, PolicyMeta] = {m.id: m for m in by_cedar.values()}
        self.classes = _Classes(cedar)
        self.memo: dict[tuple[Any, ...], Verdict] = {}
        self._est: dict[str, Any] = est.get("staticPolicies", {})
        self._slices: dict[tuple[Any, ...], Any] = {}
        self._requirements: dict[tuple[Any, ...], tuple[PolicyMeta, ...]] = {}

    def requirements_at(
        self, destination: str, region: str, port: str, at: datetime
    ) -> tuple[PolicyMeta, ...]:
        """The document requirements (``@kind("require")``) in force at this crossing and
        instant, in the order of the text (cached per regime: between two instants of the text
        nothing changes)."""
        instants = self.classes.instants
        when: Any = bisect_right(instants, at) if instants is not None else at
        key = (destination, port, when)
        hit = self._requirements.get(key)
        if hit is None:
            hit = tuple(
                m
                for m in self.by_id.values()
                if m.kind == "require"
                and m.in_force(destination=destination, region=region, at=at, port=port)
            )
            if len(self._requirements) < 10_000:
                self._requirements[key] = hit
        return hit

    def warm(self) -> Policies:
        """Parse every policy subset now (a long-running service calls this once at start, so
        no decision pays for a first parse)."""
        instants = self.classes.instants
        if instants is not None:
            # a plan without dates has one regime: any instant probes it
            first = instants[0] if instants else datetime(2000, 1, 1, tzinfo=UTC)
            probes = [first - timedelta(seconds=1), *instants]
            for destination in DESTINATION.values():
                for region in ports.regions():
                    for at in probes:
                        self.slice_for(destination, region.id, at)
        return self

    def slice_for(self, destination: str, region: str, at: datetime) -> tuple[tuple[Any, ...], Any]:
        """The parsed subset of policies that can apply to this destination, region and regime.

        A compiled policy (one with ``@kind``) applies only where its ``@country``, ``@region``
        and effective window say — the compiler writes both from the same phase — so Cedar
        need not evaluate the others; hand-written policies are always kept. Subsets are parsed
        once and cached; Cedar's decision is the same as over the whole set.
        """
        instants = self.classes.instants
        if instants is None:
            return ("all",), self.handle
        from bisect import bisect_right

        k = bisect_right(instants, at)
        key = (destination, region, k)
        handle = self._slices.get(key)
        if handle is None:
            lo = instants[k - 1] if k > 0 else None
            hi = instants[k] if k < len(instants) else None
            chosen = {
                cid: self._est[cid]
                for cid, m in self.by_cedar_id.items()
                if not m.kind
                or (
                    (m.country is None or m.country == destination)
                    and (m.regions is None or region in m.regions)
                    and (hi is None or m.effective_from is None or m.effective_from < hi)
                    and (lo is None or m.effective_until is None or m.effective_until > lo)
                )
            }
            doc = {"staticPolicies": chosen, "templates": {}, "templateLinks": []}
            handle = cedarpy.PolicySet.from_json_str(json.dumps(doc))
            self._slices[key] = handle
        return key, handle

    def __len__(self) -> int:
        return len(self.by_id)


@lru_cache(maxsize=64)
def load_policies(cedar: str, *, plan_id: str, version: str) -> Policies:
    """Parse and validate ``cedar`` against the schema (cached); :class:`PolicyInvalid` if refused."""
    return Policies(cedar, plan_id=plan_id, version=version)


# Whole-number traveler attributes the rules only compare with literals.
_NUMERIC = ("age", "destination_distance_m", "stay_days")
_PORT_NAMED = re.compile(r'Port::"([^"]+)"')
_TIME_OPS = re.compile(
    r"\.(?:toDate|toTime|toDays|toHours|toMinutes|toSeconds|toMilliseconds|offset|durationSince)\(|duration\("
)


class _Classes:
    """Equivalence classes of requests under a policy set, so identical questions are decided
    once: between two datetime literals of the text the decision cannot change, ages, distances
    and stays matter only against the literals they are compared with, and ports only through
    their region unless a policy names that port (or any crossing). Where the text does anything
    else with those values the classes fall back to exact values."""

    def __init__(self, cedar: str) -> None:
        self._bisect = bisect_right
        self.instants = instants_in(cedar) if not _TIME_OPS.search(cedar) else None
        self.by_crossing = 'Crossing::"' in cedar
        self.named_ports = set(_PORT_NAMED.findall(cedar))
        # What the policies that can apply to each destination read (compiled policies carry
        # their @country; hand-written ones may apply anywhere): other facts cannot matter.
        chunks = cedar.split("\n\n")
        self.reads: dict[str, _Reads] = {}
        for destination in DESTINATION.values():
            text = "\n\n".join(
                c for c in chunks if "@country(" not in c or f'@country("{destination}")' in c
            )
            self.reads[destination] = _Reads(text)

    def key(self, req: Request, region: str) -> tuple[Any, ...]:
        reads = self.reads[DESTINATION[req.direction]]
        facts = req.facts
        items = []
        for k in sorted(facts):
            if k not in reads.attrs:
                continue
            v = facts[k]
            cuts = reads.cuts.get(k)
            if cuts is not None:
                v = ("class", self._bisect(cuts, v))
            elif isinstance(v, list):
                v = tuple(x for x in v if x in reads.literals)
            items.append((k, v))
        when: Any = req.at if self.instants is None else self._bisect(self.instants, req.at)
        where = region
        if self.by_crossing:
            where = req.port
        elif self.named_ports:
            code = port_of(req.port)
            if code in self.named_ports:
                where = code
        return (tuple(items), where, when, req.direction, req.lane)


_READ = re.compile(r"principal(?:\.| has )(\w+)")
_LITERAL = re.compile(r'"([^"\\]*)"')


class _Reads:
    """The traveler attributes, string literals and number cuts a policy text reads."""

    def __init__(self, text: str) -> None:
        self.attrs = set(_READ.findall(text))
        if "context.purpose" in text or "context has purpose" in text:
            self.attrs.add("purpose")
        if "documents" in self.attrs:
            self.attrs.add("documents_complete")  # judged beside them (a list may be partial)
        self.literals = set(_LITERAL.findall(text))
        self.cuts: dict[str, list[int] | None] = {}
        for attr in _NUMERIC:
            found = re.findall(rf"principal\.{attr}\s*(?:<=|>=|==|!=|<|>)\s*(\d+)", text)
            exact = len(found) != text.count(f"principal.{attr}")
            self.cuts[attr] = (
                None if exact else sorted({c for a in found for c in (int(a), int(a) + 1)})
            )


def port_of(code: str) -> str:
    """The port code of a port code or of a crossing's BWT number."""
    return _graph()[2].get(code, code)


SMALL_BATCH = 4  # up to this many distinct requests, send only their own entities


@dataclass(frozen=True, slots=True)
class Request:
    """One question to the engine: this traveler's facts, at this port, at this instant."""

    traveler_id: str
    facts: dict[str, Any]
    port: str  # port code or crossing BWT number
    at: datetime
    direction: str = "northbound"
    lane: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The engine's answer before it becomes an :class:`AdmissibilityResult` (cheap to build)."""

    decision: str  # "admit" | "deny" | "review"
    policies: tuple[str, ...]
    missing: tuple[str, ...]
    reasons: tuple[tuple[str, Text], ...]  # (policy id, reason)


def _traveler_entity(tid: str, facts: dict[str, Any]) -> dict[str, Any]:
    attrs = {k: v for k, v in facts.items() if k != "purpose"}
    return {"uid": _uid("Traveler", tid), "attrs": attrs, "parents": []}


def _cedar_request(tid: str, req: Request, crossing_port: dict[str, str]) -> dict[str, Any]:
    context: dict[str, Any] = {
        "at": {"__extn": {"fn": "datetime", "arg": cedar_instant(req.at)}},
        "destination": {"__entity": _uid("Country", DESTINATION[req.direction])},
        "direction": req.direction,
    }
    if "purpose" in req.facts:
        context["purpose"] = req.facts["purpose"]
    if req.lane:
        context["lane"] = req.lane
    kind = "Crossing" if req.port in crossing_port else "Port"
    return {
        "principal": _uid("Traveler", tid),
        "action": _uid("Action", "enter"),
        "resource": _uid(kind, req.port),
        "context": context,
    }


_NO_POLICY = Text(
    "no policy of the plan admits this crossing (Cedar denies by default)",
    "ninguna política del plan admite este cruce (Cedar niega por omisión)",
)


def _missing_text(names: Iterable[str]) -> Text:
    labels = [ATTRIBUTE_LABELS.get(n, Text(n, n)) for n in sorted(names)]
    return Text(
        "missing "
        + ", ".join(f"{lb.en} ({n})" for lb, n in zip(labels, sorted(names), strict=True)),
        "falta " + ", ".join(f"{lb.es} ({n})" for lb, n in zip(labels, sorted(names), strict=True)),
    )


def _verdict(policies: Policies, req: Request, region: str, result: Any) -> Verdict:
    facts = req.facts
    diag = result.diagnostics
    # Cedar's reasons are a set: cite them in the order of the policy text, so decisions are stable.
    fired = sorted(
        (policies.by_cedar_id[c] for c in diag.reasons if c in policies.by_cedar_id),
        key=lambda m: policies.position[m.cedar_id],
    )
    if diag.errors:
        # A rule that could not be evaluated is never an allow: an officer looks at it.
        text = Text(
            "a rule could not be evaluated: " + "; ".join(diag.errors),
            "no se pudo evaluar una regla: " + "; ".join(diag.errors),
        )
        return Verdict("review", tuple(m.id for m in fired), (), (("cedar", text),))
    destination = DESTINATION[req.direction]
    if result.decision == cedarpy.Decision.Allow:
        # A hand-written forbid that stays silent for lack of data must not turn into an allow.
        silent = {
            n
            for m in policies.by_id.values()
            if m.effect == "forbid"
            and not m.categories
            and m.in_force(destination=destination, region=region, at=req.at)
            for n in m.unknown_needs(facts)
        }
        if silent:
            return Verdict(
                "review",
                tuple(m.id for m in fired),
                tuple(sorted(silent)),
                (("missing", _missing_text(silent)),),
            )
        return Verdict(
            "admit", tuple(m.id for m in fired), (), tuple((m.id, m.reason) for m in fired)
        )
    forbids = [m for m in fired if m.effect == "forbid"]
    if forbids:
        definitive = [m for m in forbids if not m.unknown_needs(facts)]
        if definitive:
            return Verdict(
                "deny",
                tuple(m.id for m in definitive),
                (),
                tuple((m.id, m.reason) for m in definitive),
            )
        missing = sorted({n for m in forbids for n in m.unknown_needs(facts)})
        miss = _missing_text(missing)
        reasons = tuple(
            (m.id, Text(f"{miss.en}; {m.reason.en}", f"{miss.es}; {m.reason.es}")) for m in forbids
        )
        return Verdict("review", tuple(m.id for m in forbids), tuple(missing), reasons)
    needed = {
        n
        for m in policies.by_id.values()
        if m.effect == "permit" and m.in_force(destination=destination, region=region, at=req.at)
        for n in m.needs
        if n in OPTIONAL_ATTRIBUTES and n not in facts
    }
    if needed:
        return Verdict("review", (), tuple(sorted(needed)), (("missing", _missing_text(needed)),))
    return Verdict("deny", (), (), ((policies.plan_id, _NO_POLICY),))


MEMO_MAX = 200_000  # distinct request classes kept per policy set


def decide_batch(
    policies: Policies, requests: Sequence[Request], *, memo: bool = True, whole: bool = False
) -> list[Verdict]:
    """Decide many requests: each distinct request class (see :class:`_Classes`) is asked of
    Cedar once, in batch calls with the travelers added to the port graph once, over the subset
    of policies that can apply (:meth:`Policies.slice_for`). ``memo=False`` asks Cedar every
    request and ``whole=True`` uses the whole set (to measure, and to cross-check both)."""
    if not requests:
        return []
    base, region_of, crossing_port = _graph()
    cache = policies.memo if memo else {}
    if len(cache) > MEMO_MAX:
        cache.clear()
    keys: list[tuple[Any, ...]] = []
    # Verdicts of this call, kept apart from the shared memo (another thread may clear it).
    known: dict[tuple[Any, ...], Verdict] = {}
    todo: dict[tuple[Any, ...], tuple[int, Request, str]] = {}
    for i, req in enumerate(requests):
        region = region_of_port(req.port)
        key = policies.classes.key(req, region) if memo else (i,)
        keys.append(key)
        if key in known or key in todo:
            continue
        hit = cache.get(key)
        if hit is not None:
            known[key] = hit
        else:
            todo[key] = (len(todo), req, region)
    if todo:
        travelers = []
        cedar_requests = []
        for n, req, _ in todo.values():
            tid = f"{n}:{req.traveler_id}"
            travelers.append(_traveler_entity(tid, req.facts))
            cedar_requests.append(_cedar_request(tid, req, crossing_port))
        entities: Any
        if len(todo) <= SMALL_BATCH:
            lineage = _lineage()
            graph: dict[str, dict[str, Any]] = {}
            for _, req, _ in todo.values():
                for ent in lineage[req.port]:
                    graph.setdefault(f"{ent['uid']['type']}:{ent['uid']['id']}", ent)
            entities = json.dumps(travelers + list(graph.values()))
        else:
            entities = base.with_added_json_str(json.dumps(travelers))
        # One Cedar batch per policy subset (destination, region, regime).
        groups: dict[tuple[Any, ...], tuple[Any, list[int]]] = {}
        items = list(todo.items())
        for j, (_, (_, req, region)) in enumerate(items):
            if whole:
                skey, handle = ("all",), policies.handle
            else:
                skey, handle = policies.slice_for(DESTINATION[req.direction], region, req.at)
            groups.setdefault(skey, (handle, []))[1].append(j)
        for handle, members in groups.values():
            batch = [cedar_requests[j] for j in members]
            for j, res in zip(
                members, cedarpy.is_authorized_batch(batch, handle, entities), strict=True
            ):
                key, (_, req, region) = items[j]
                known[key] = cache[key] = _verdict(policies, req, region, res)
    return [known[k] for k in keys]


def decide(policies: Policies, request: Request) -> Verdict:
    return decide_batch(policies, [request])[0]
