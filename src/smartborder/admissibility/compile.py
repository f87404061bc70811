"""Compile a :class:`~smartborder.admissibility.plan.Plan` to Cedar policy text.

Each phase that restricts entry becomes one ``forbid`` (id ``<plan>/<phase>``, its
``deny_reason`` the explanation of a denial) whose ``unless`` lists the admitted categories, and
one ``permit`` per admitted category (id ``<plan>/<phase>/<category>``) so that every decision,
allow or deny, names the policies that made it. A phase admitting ``everyone`` is a single permit.
Each document requirement becomes one ``forbid`` (id ``<plan>/<requirement>``, ``@kind("require")``)
whose ``unless`` is its exemptions or any of its alternatives (each a conjunction, written
``a+b+c`` in ``@categories``), with ``@bring_en @bring_es @exempt @sources`` for what to bring
and why. Annotations carry what explanations, checks and impact analysis read back from the
Cedar text alone: ``@id @title_en @title_es @country @region @effective_from @effective_until``
plus ``@kind @reason_en @reason_es @categories @needs``.

A layer (``layers_over``) is compiled with the plan under it, whole: the result is the union
of both policy sets. A ``base`` plan's phases are silenced where the overriding plan's phases
apply; its requirements are not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from smartborder import ports
from smartborder.admissibility.categories import Category, category
from smartborder.admissibility.errors import PlanInvalid
from smartborder.admissibility.plan import (
    Block,
    Phase,
    Plan,
    Requirement,
    cedar_instant,
    load_plan,
)
from smartborder.errors import InvalidInput, Problem
from smartborder.i18n import Text

Resolver = Callable[[str], Plan]


def _s(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _region_expr(regions: list[str] | None) -> str | None:
    if not regions:
        return None
    return "(" + " || ".join(f"resource in Region::{_s(r)}" for r in regions) + ")"


def _port_expr(codes: list[str]) -> str:
    return "(" + " || ".join(f"resource in Port::{_s(c)}" for c in codes) + ")"


_CATEGORY_HELP = Text(
    "use everyone, citizen-or-national, permanent-resident, essential-purpose, purpose:<p>, "
    "fully-vaccinated, fully-vaccinated-with-proof, minor, trusted-traveler:<PROGRAM> (verified), "
    "trusted-traveler-declared:<PROGRAM>, nationality:<ISO3>, document:<type>, within-miles:<n>, "
    "within-km:<n> or stay-up-to-days:<n>",
    "use everyone, citizen-or-national, permanent-resident, essential-purpose, purpose:<p>, "
    "fully-vaccinated, fully-vaccinated-with-proof, minor, trusted-traveler:<PROGRAMA> (verificado), "
    "trusted-traveler-declared:<PROGRAMA>, nationality:<ISO3>, document:<tipo>, within-miles:<n>, "
    "within-km:<n> o stay-up-to-days:<n>",
)


def _unknown_category(pointer: str, name: str) -> Problem:
    return Problem(
        pointer,
        "admissibility.unknown_category",
        Text(
            f"Unknown category {name!r}; {_CATEGORY_HELP.en}.",
            f"Categoría desconocida {name!r}; {_CATEGORY_HELP.es}.",
        ),
    )


def _window_expr(start: datetime | None, until: datetime | None) -> list[str]:
    out = []
    if start is not None:
        out.append(f'context.at >= datetime("{cedar_instant(start)}")')
    if until is not None:
        out.append(f'context.at < datetime("{cedar_instant(until)}")')
    return out


def _annotations(**values: str) -> str:
    return "\n".join(f"@{k}({_s(v)})" for k, v in values.items())


def _day(at: datetime | None) -> str:
    return at.date().isoformat() if at else ""


class _Exclusion:
    """Where and when an overriding plan's own phases apply (so its base must stay silent)."""

    def __init__(
        self,
        country: str,
        regions: list[str] | None,
        start: datetime | None,
        until: datetime | None,
    ) -> None:
        self.country = country
        parts = [p for p in [_region_expr(regions), *_window_expr(start, until)] if p]
        self.expr = "!(" + (" && ".join(parts) if parts else "true") + ")"


def _phase_policies(
    plan: Plan,
    block: Block,
    phase: Phase,
    exclusions: list[_Exclusion],
    problems: list[Problem],
    pointer: str,
) -> list[str]:
    country = block.country
    cats: list[Category] = []
    for i, name in enumerate(phase.admit):
        try:
            cats.append(category(name, country))
        except KeyError:
            problems.append(_unknown_category(f"{pointer}/admit/{i}", name))
    # Cheap tests first: Cedar's && short-circuits, and each datetime literal is an extension
    # call evaluated per request, so the date window and the exclusions come last.
    conds = [f"context.destination == Country::{_s(country)}"]
    region = _region_expr(block.regions)
    if region:
        conds.append(region)
    late = _window_expr(phase.effective_from, phase.effective_until)
    late += [x.expr for x in exclusions if x.country == country]
    scope = 'principal, action == Action::"enter", resource'
    common = {
        "country": country,
        "region": ",".join(block.regions) if block.regions else "*",
        "effective_from": cedar_instant(phase.effective_from) if phase.effective_from else "",
        "effective_until": cedar_instant(phase.effective_until) if phase.effective_until else "",
    }
    since = _day(phase.effective_from)
    base_id = f"{plan.id}/{phase.id}"
    out: list[str] = []
    everyone = any(c.name == "everyone" for c in cats)
    for cat in cats:
        if everyone and cat.name != "everyone":
            continue
        pid = base_id if everyone else f"{base_id}/{cat.name}"
        if phase.admit_reason is not None:
            reason = phase.admit_reason.text()
        elif since:
            reason = Text(
                f"from {since} {cat.label.en} are admitted",
                f"desde el {since} se admite a {cat.label.es}",
            )
        else:
            reason = Text(f"{cat.label.en} are admitted", f"se admite a {cat.label.es}")
        body = " && ".join([*conds, *([cat.cedar] if cat.cedar != "true" else []), *late])
        out.append(
            _annotations(
                id=pid,
                title_en=f"{phase.title.en}: {cat.label.en}",
                title_es=f"{phase.title.es}: {cat.label.es}",
                **common,
                kind="admit",
                reason_en=reason.en,
                reason_es=reason.es,
                categories=cat.name,
                needs=" ".join(cat.needs),
            )
            + f"\npermit({scope})\nwhen {{ {body} }};"
        )
    if everyone or not cats:
        return out
    if phase.deny_reason is None:
        problems.append(
            Problem(
                f"{pointer}/deny_reason",
                "admissibility.missing_deny_reason",
                Text(
                    "A phase that restricts entry needs a deny_reason (en and es) to explain denials.",
                    "Una fase que restringe la entrada necesita deny_reason (en y es) para explicar las negativas.",
                ),
            )
        )
        return out
    needs = sorted({n for c in cats for n in c.needs})
    unless = " || ".join(c.cedar for c in cats)
    out.append(
        _annotations(
            id=base_id,
            title_en=phase.title.en,
            title_es=phase.title.es,
            **common,
            kind="restrict",
            reason_en=phase.deny_reason.en,
            reason_es=phase.deny_reason.es,
            categories=" ".join(c.name for c in cats),
            needs=" ".join(needs),
        )
        + f"\nforbid({scope})\nwhen {{ {' && '.join([*conds, *late])} }}\nunless {{ {unless} }};"
    )
    return out


def _requirement_policy(
    plan: Plan, block: Block, req: Requirement, problems: list[Problem], pointer: str
) -> str | None:
    country = block.country
    ok = True
    exempt: list[Category] = []
    for i, name in enumerate(req.exempt):
        try:
            exempt.append(category(name, country))
        except KeyError:
            problems.append(_unknown_category(f"{pointer}/exempt/{i}", name))
            ok = False
    alternatives: list[list[Category]] = []
    for i, alt in enumerate(req.satisfied_by):
        cats = []
        for j, name in enumerate(alt):
            try:
                cats.append(category(name, country))
            except KeyError:
                problems.append(_unknown_category(f"{pointer}/satisfied_by/{i}/{j}", name))
                ok = False
        alternatives.append(cats)
    for field in ("ports", "except_ports"):
        for i, code in enumerate(getattr(req, field) or ()):
            try:
                ports.get_port(code)
            except InvalidInput as exc:
                problems.append(Problem(f"{pointer}/{field}/{i}", exc.code, exc.message))
                ok = False
    if not ok:
        return None
    conds = [f"context.destination == Country::{_s(country)}"]
    for scope in (_region_expr(block.regions), _region_expr(req.regions)):
        if scope:
            conds.append(scope)
    if req.ports:
        conds.append(_port_expr(req.ports))
    if req.except_regions:
        conds.append("!" + (_region_expr(req.except_regions) or "false"))
    if req.except_ports:
        conds.append("!" + _port_expr(req.except_ports))
    conds += _window_expr(req.effective_from, req.effective_until)
    unless = [c.cedar for c in exempt] + [
        "(" + " && ".join(c.cedar for c in alt) + ")" for alt in alternatives
    ]
    tokens = [c.name for c in exempt] + ["+".join(c.name for c in alt) for alt in alternatives]
    needs = sorted(
        {n for c in exempt for n in c.needs} | {n for a in alternatives for c in a for n in c.needs}
    )
    regions = req.regions or block.regions
    scope = 'principal, action == Action::"enter", resource'
    return (
        _annotations(
            id=f"{plan.id}/{req.id}",
            title_en=req.title.en,
            title_es=req.title.es,
            country=country,
            # A port-scoped rule is kept in every region's slice; Cedar checks the port itself.
            region=",".join(regions) if regions and not req.ports else "*",
            effective_from=cedar_instant(req.effective_from) if req.effective_from else "",
            effective_until=cedar_instant(req.effective_until) if req.effective_until else "",
            kind="require",
            reason_en=req.deny_reason.en,
            reason_es=req.deny_reason.es,
            categories=" ".join(tokens),
            needs=" ".join(needs),
            exempt=" ".join(c.name for c in exempt),
            bring_en=req.bring.en,
            bring_es=req.bring.es,
            sources=" | ".join(req.sources),
            ports=",".join(req.ports or ()),
            except_regions=",".join(req.except_regions),
            except_ports=",".join(req.except_ports),
        )
        + f"\nforbid({scope})\nwhen {{ {' && '.join(conds)} }}\nunless {{ {' || '.join(unless)} }};"
    )


def _compile(
    plan: Plan,
    exclusions: list[_Exclusion],
    resolve: Resolver,
    seen: tuple[str, ...],
    included: set[str],
    problems: list[Problem],
) -> list[str]:
    if plan.id in seen:
        problems.append(
            Problem(
                "/base",
                "admissibility.base_cycle",
                Text(
                    f"Plan bases form a cycle: {' -> '.join((*seen, plan.id))}.",
                    f"Las bases de los planes forman un ciclo: {' -> '.join((*seen, plan.id))}.",
                ),
            )
        )
        return []
    if plan.id in included:
        problems.append(
            Problem(
                "/layers_over",
                "admissibility.plan_included_twice",
                Text(
                    f"Plan {plan.id} is reached twice through base and layers_over; name it once.",
                    f"El plan {plan.id} se alcanza dos veces por base y layers_over; nómbrelo una vez.",
                ),
            )
        )
        return []
    included.add(plan.id)
    policies: list[str] = []
    own: list[_Exclusion] = []
    for bi, block in enumerate(plan.blocks):
        if block.phases:
            starts = [p.effective_from for p in block.phases]
            untils = [p.effective_until for p in block.phases]
            start = None if any(s is None for s in starts) else min(s for s in starts if s)
            until = None if any(u is None for u in untils) else max(u for u in untils if u)
            own.append(_Exclusion(block.country, block.regions, start, until))
        for pi, phase in enumerate(block.phases):
            policies += _phase_policies(
                plan, block, phase, exclusions, problems, f"/blocks/{bi}/phases/{pi}"
            )
        for ri, req in enumerate(block.requirements):
            policy = _requirement_policy(
                plan, block, req, problems, f"/blocks/{bi}/requirements/{ri}"
            )
            if policy is not None:
                policies.append(policy)
    policies += [p.strip() for p in plan.policies]
    chain = (*seen, plan.id)
    if plan.base:
        base = resolve(plan.base)
        policies += _compile(base, exclusions + own, resolve, chain, included, problems)
    if plan.layers_over:
        under = resolve(plan.layers_over)
        # A layer never silences what it lies over: the union holds every forbid of both.
        policies += _compile(under, [], resolve, chain, included, problems)
    return policies


def compile_plan(plan: Plan, *, resolve: Resolver = load_plan) -> str:
    """Cedar text for ``plan`` (and its base plans); :class:`PlanInvalid` on plan-level faults.

    The text is not yet checked by Cedar: :func:`smartborder.admissibility.cedar.load_policies`
    parses it and validates it against the schema.
    """
    problems: list[Problem] = []
    policies = _compile(plan, [], resolve, (), set(), problems)
    if problems:
        raise PlanInvalid(problems=problems)
    header = f"// plan {plan.id}: {plan.title.en}\n// compiled by smartborder.admissibility; do not edit\n"
    return header + "\n\n".join(policies) + "\n"
