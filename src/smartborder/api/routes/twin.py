"""Twin runs as jobs (``POST /twin/runs``, ``GET /twin/runs/{id}``) and the comparison page."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from smartborder.api.deps import Ctx, DbSession, MaybeCaller, require_scopes
from smartborder.api.ratelimit import public_rate_limit
from smartborder.clients import Principal
from smartborder.clients.roles import TWIN_RUN
from smartborder.errors import Problem, Unauthenticated
from smartborder.i18n import Text, pick_lang
from smartborder.store import transaction
from smartborder.store import twin as twin_store
from smartborder.store.tables.twin import TwinRunRow
from smartborder.twin import (
    JointSaving,
    RunResult,
    Scenario,
    SystemComparison,
    load_scenario,
    shipped_scenarios,
)
from smartborder.twin.errors import RunNotFound, ScenarioInvalid

router = APIRouter(prefix="/twin", tags=["twin"])
TwinCaller = Annotated[Principal, Depends(require_scopes(TWIN_RUN))]

MAX_REPLICATIONS = 50
MAX_DAYS = 60  # keeps one API job within minutes; longer studies belong to the CLI or a sweep
_LOCK = threading.Lock()  # one simulation at a time per API node: the engine uses a whole core


class RunRequest(BaseModel):
    """A scenario (inline, or a shipped one by name) and how to run it."""

    shipped: str | None = Field(
        default=None, description="Name of a shipped scenario (see `smartborder twin scenarios`)."
    )
    scenario: dict[str, Any] | None = Field(
        default=None, description="An inline scenario, as in the YAML files."
    )
    replications: int = Field(default=5, ge=1, le=MAX_REPLICATIONS)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)


class RunState(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    scenario: str
    replications: int
    seed: int | None
    created_at: datetime
    finished_at: datetime | None
    error: str | None = None
    result: RunResult | None = None


def _scenario_of(req: RunRequest) -> Scenario:
    if (req.shipped is None) == (req.scenario is None):
        raise ScenarioInvalid(
            problems=[
                Problem(
                    "",
                    "twin.one_scenario",
                    Text(
                        "Give exactly one of 'shipped' (a shipped scenario name) or 'scenario' (inline).",
                        "Indique exactamente uno de 'shipped' (un escenario incluido) o 'scenario' (en línea).",
                    ),
                )
            ]
        )
    if req.shipped is not None:
        shipped = shipped_scenarios()
        if req.shipped not in shipped:
            raise ScenarioInvalid(
                problems=[
                    Problem(
                        "/shipped",
                        "twin.no_scenario",
                        Text(
                            f"No shipped scenario {req.shipped!r}; use one of {', '.join(shipped)}.",
                            f"No hay un escenario incluido {req.shipped!r}; use uno de {', '.join(shipped)}.",
                        ),
                    )
                ]
            )
        s = load_scenario(shipped[req.shipped])
    else:
        try:
            s = load_scenario(req.scenario or {})
        except ScenarioInvalid as exc:  # point into the request body
            exc.problems = [
                Problem("/scenario" + p.pointer, p.code, p.message) for p in exc.problems
            ]
            raise
    if s.days + s.warmup_days > MAX_DAYS:
        raise ScenarioInvalid(
            problems=[
                Problem(
                    "/scenario/days",
                    "twin.too_long",
                    Text(
                        f"The API runs at most {MAX_DAYS} days (warm-up included); use the CLI for longer runs.",
                        f"La API simula a lo sumo {MAX_DAYS} días (con calentamiento); use la CLI para corridas más largas.",
                    ),
                )
            ]
        )
    return s


def _state(row: TwinRunRow) -> RunState:
    return RunState(
        id=row.run_id,
        status=row.status,
        scenario=row.scenario_name,
        replications=row.replications,
        seed=row.seed,
        created_at=row.created_at,
        finished_at=row.finished_at,
        error=row.error,
        result=RunResult.model_validate_json(row.result) if row.result else None,
    )


def execute_run(ctx: Any, run_id: str) -> None:
    """Run a stored job and store its result (called in the background)."""
    with transaction(ctx.sessions) as session:
        row = session.get(TwinRunRow, run_id)
        if row is None:
            return
        scenario = Scenario.model_validate_json(row.scenario)
        reps, seed = row.replications, row.seed
        twin_store.set_state(session, run_id, status="running")
    from smartborder.twin import simulate  # numba and scipy: on the first run, not at start

    try:
        with _LOCK:
            res = simulate(scenario, replications=reps, seed=seed)
        state: dict[str, Any] = {"status": "done", "result": res.model_dump_json()}
    except Exception as exc:  # a failed job is recorded, never lost
        state = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    with transaction(ctx.sessions) as session:
        twin_store.set_state(session, run_id, finished_at=datetime.now(UTC), **state)


@router.post("/runs", status_code=202, response_model=RunState)
def start_run(
    req: RunRequest, caller: TwinCaller, ctx: Ctx, session: DbSession, background: BackgroundTasks
) -> RunState:
    """Validate the scenario and queue a run; poll ``GET /twin/runs/{id}`` for the result."""
    s = _scenario_of(req)
    row = TwinRunRow(
        run_id=str(uuid.uuid4()),
        org=caller.org,
        client_id=caller.client_id,
        scenario_name=s.name[:200],
        replications=req.replications,
        seed=req.seed,
        status="queued",
        scenario=s.model_dump_json(),
        created_at=datetime.now(UTC),
    )
    twin_store.add_run(session, row)
    state = _state(row)
    session.commit()
    background.add_task(execute_run, ctx, row.run_id)
    return state


@router.get("/runs/{run_id}", response_model=RunState)
def get_run(run_id: str, caller: TwinCaller, session: DbSession) -> RunState:
    """A run's state, and its results (per lane and hour, and per lane) once done."""
    row = twin_store.get_run(session, run_id, org=caller.org)
    if row is None:
        raise RunNotFound(extra={"id": run_id})
    return _state(row)


class SystemRequest(BaseModel):
    """A system of ports (inline, or a shipped one by name) to compare before and after."""

    shipped: str | None = Field(
        default=None, description="Name of a shipped system, e.g. otay_mesa_east."
    )
    system: dict[str, Any] | None = Field(
        default=None,
        description="An inline system: ports (baseline, scenario or new_port) and demand.",
    )
    replications: int = Field(default=2, ge=1, le=5)
    seed: int | None = Field(default=0, ge=0, le=2**31 - 1)


class JointRequest(BaseModel):
    """A chained crossing (inline, or shipped by name) to run with serial and joint inspection."""

    shipped: str | None = Field(
        default=None, description="Name of a shipped scenario, e.g. otay_mesa_both_sides."
    )
    scenario: dict[str, Any] | None = Field(default=None, description="An inline scenario.")
    replications: int = Field(default=3, ge=1, le=10)
    seed: int | None = Field(default=0, ge=0, le=2**31 - 1)


MAX_SYSTEM_DAYS = 14  # a comparison answers within the request: 4 ports x 7 days take ~2 s
MAX_VEHICLES = 3_000_000  # expected arrivals of one replication over all ports (about 1 s)


def _vehicles(scenarios: list[Scenario]) -> float:
    """Expected arrivals of one replication of these scenarios (warm-up included)."""
    total = 0.0
    for s in scenarios:
        per_h = sum(
            (
                sum(c.rate_per_h) / len(c.rate_per_h)
                if isinstance(c.rate_per_h, list)
                else c.rate_per_h
            )
            for c in s.classes
        )
        total += per_h * s.demand_scale * 24 * (s.days + s.warmup_days)
    return total


def _not_too_big(scenarios: list[Scenario], pointer: str) -> None:
    n = _vehicles(scenarios)
    if n > MAX_VEHICLES:
        raise ScenarioInvalid(
            problems=[
                Problem(
                    pointer,
                    "twin.too_big",
                    Text(
                        f"About {n:,.0f} vehicles per replication; the API answers up to "
                        f"{MAX_VEHICLES:,} in a request: use the CLI for larger runs.",
                        f"Unos {n:,.0f} vehículos por réplica; la API atiende hasta "
                        f"{MAX_VEHICLES:,} por solicitud: use la CLI para corridas mayores.",
                    ),
                )
            ]
        )


def _one_of(shipped: str | None, inline: object, what: str) -> None:
    if (shipped is None) == (inline is None):
        raise ScenarioInvalid(
            problems=[
                Problem(
                    "",
                    "twin.one_scenario",
                    Text(
                        f"Give exactly one of 'shipped' (a shipped name) or '{what}' (inline).",
                        f"Indique exactamente uno de 'shipped' (un nombre incluido) o '{what}' (en línea).",
                    ),
                )
            ]
        )


@router.post("/systems/compare", response_model=SystemComparison)
def compare_system_route(req: SystemRequest, caller: TwinCaller) -> SystemComparison:
    """Ports as one system: each port and the system-wide waits and emissions before and after
    new ports and a demand split (runs in the request, at most 14 days and 5 replications)."""
    from smartborder.twin import compare_system, load_system, shipped_systems

    _one_of(req.shipped, req.system, "system")
    if req.shipped is not None:
        shipped = shipped_systems()
        if req.shipped not in shipped:
            raise ScenarioInvalid(
                problems=[
                    Problem(
                        "/shipped",
                        "twin.no_system",
                        Text(
                            f"No shipped system {req.shipped!r}; use one of {', '.join(shipped)}.",
                            f"No hay un sistema incluido {req.shipped!r}; use uno de {', '.join(shipped)}.",
                        ),
                    )
                ]
            )
        resolved = load_system(shipped[req.shipped])
    else:
        try:
            resolved = load_system(req.system or {})
        except ScenarioInvalid as exc:  # point into the request body
            exc.problems = [Problem("/system" + p.pointer, p.code, p.message) for p in exc.problems]
            raise
    days = resolved.system.days + resolved.system.warmup_days
    if days > MAX_SYSTEM_DAYS:
        raise ScenarioInvalid(
            problems=[
                Problem(
                    "/system/days",
                    "twin.too_long",
                    Text(
                        f"A system comparison runs at most {MAX_SYSTEM_DAYS} days here (warm-up "
                        "included); use `smartborder twin system` for longer runs.",
                        f"Una comparación de sistema simula a lo sumo {MAX_SYSTEM_DAYS} días aquí "
                        "(con calentamiento); use `smartborder twin system` para corridas más largas.",
                    ),
                )
            ]
        )
    _not_too_big(list(resolved.after.values()), "/system")
    with _LOCK:
        return compare_system(resolved, replications=req.replications, seed=req.seed)


@router.post("/joint/compare", response_model=JointSaving)
def compare_joint_route(req: JointRequest, caller: TwinCaller) -> JointSaving:
    """What joint inspection (UCP) saves on a chained crossing: serial and joint runs on the
    same seeds, and the difference in time in system, waits, inspections and emissions."""
    from smartborder.twin import compare_joint

    s = _scenario_of(
        RunRequest(shipped=req.shipped, scenario=req.scenario, replications=1, seed=req.seed)
    )
    try:
        if not s.chain:
            raise ScenarioInvalid(
                problems=[
                    Problem(
                        "/chain",
                        "twin.no_chain",
                        Text(
                            "Joint inspection needs a chained crossing: give the scenario a chain.",
                            "La inspección conjunta requiere un cruce encadenado: dé al escenario una cadena.",
                        ),
                    )
                ]
            )
        s.with_changes(joint_inspection=True)  # both inspections exist: validated up front
    except ScenarioInvalid as exc:
        if req.scenario is not None:
            exc.problems = [
                Problem("/scenario" + p.pointer, p.code, p.message) for p in exc.problems
            ]
        raise
    _not_too_big([s], "/scenario")
    with _LOCK:
        return compare_joint(s, replications=req.replications, seed=req.seed)


PUBLIC_SEED = 0
_RunKey = tuple[str, int, int]  # (shipped scenario, replications, seed)
# Runs with the public seed: a finite set (shipped scenarios x 1-5 replications), each
# computed at most once per node and kept. Runs with other seeds, which only token holders
# may start, share a small LRU cache.
_public: dict[_RunKey, RunResult] = {}
_private: OrderedDict[_RunKey, RunResult] = OrderedDict()
PRIVATE_CACHE_SIZE = 32


def _cached_result(key: _RunKey) -> RunResult | None:
    hit = _public.get(key) or _private.get(key)
    if hit is not None and key in _private:
        _private.move_to_end(key)
    return hit


def _cached(name: str, replications: int, seed: int) -> RunResult:
    """One scenario's comparison run, computed at most once per key (callers that ask while
    it runs wait for it, rather than each computing it again)."""
    from smartborder.twin import simulate  # numba and scipy: on the first run, not at start

    key = (name, replications, seed)
    hit = _cached_result(key)
    if hit is not None:
        return hit
    with _LOCK:
        hit = _cached_result(key)  # computed while this request waited for the lock
        if hit is not None:
            return hit
        result = simulate(
            load_scenario(shipped_scenarios()[name]), replications=replications, seed=seed
        )
        if seed == PUBLIC_SEED:
            _public[key] = result
        else:
            _private[key] = result
            while len(_private) > PRIVATE_CACHE_SIZE:
                _private.popitem(last=False)
    return result


def _may_run(caller: Principal | None, keys: list[_RunKey]) -> None:
    """Runs not yet cached with a seed other than the public one cost 5-20 s of CPU each:
    they need a token with ``twin:run`` (anyone may read what is cached)."""
    fresh = [k for k in keys if k[2] != PUBLIC_SEED and _cached_result(k) is None]
    if not fresh:
        return
    if caller is None:
        raise Unauthenticated(
            Text(
                f"Comparing with seed {fresh[0][2]} means new simulation runs: send a bearer "
                f"token with the scope {TWIN_RUN}, or use seed {PUBLIC_SEED} (public, cached).",
                f"Comparar con la semilla {fresh[0][2]} requiere nuevas simulaciones: envíe "
                f"un token bearer con el alcance {TWIN_RUN}, o use la semilla {PUBLIC_SEED} "
                "(pública, en caché).",
            ),
            code="twin.token_required",
        )
    caller.require(TWIN_RUN)


DEFAULT_COMPARE = (
    "san_ysidro",
    "san_ysidro_more_sentri",
    "san_ysidro_peak_booths",
    "san_ysidro_new_port",
)


@router.get(
    "/compare",
    response_class=HTMLResponse,
    dependencies=[Depends(public_rate_limit)],
    summary="Page comparing shipped scenarios (HTML, inline SVG chart)",
    description="Public with seed 0: each run is computed once per node and cached. Another "
    "seed means new runs (5-20 s of CPU each): they need a bearer token with `twin:run` "
    "(401 `twin.token_required` without one) unless already cached.",
)
def compare_page(
    request: Request,
    caller: MaybeCaller,
    scenario: Annotated[
        list[str] | None, Query(description="Shipped scenario names (up to 4).")
    ] = None,
    replications: Annotated[int, Query(ge=1, le=5)] = 2,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = PUBLIC_SEED,
    lang: Annotated[str | None, Query(description="en or es (else the browser's language)")] = None,
) -> HTMLResponse:
    from smartborder.twin.charts import compare_svg
    from smartborder.web.twin import LABELS, templates

    chosen_lang = pick_lang(lang, request.headers.get("accept-language"))
    shipped = shipped_scenarios()
    names = list(dict.fromkeys(scenario or DEFAULT_COMPARE))[:4]
    unknown = [n for n in names if n not in shipped]
    if unknown:
        raise ScenarioInvalid(
            problems=[
                Problem(
                    "/scenario",
                    "twin.no_scenario",
                    Text(
                        f"No shipped scenario {unknown[0]!r}; use one of {', '.join(shipped)}.",
                        f"No hay un escenario incluido {unknown[0]!r}; use uno de {', '.join(shipped)}.",
                    ),
                )
            ]
        )
    keys = [(n, replications, seed) for n in names]
    _may_run(caller, keys)
    results = [_cached(*k) for k in keys]
    rows = [_row(r) for r in results]
    html = templates.get_template("compare.html").render(
        lang=chosen_lang.value,
        t=LABELS[chosen_lang],
        rows=rows,
        svg=compare_svg(results),
        replications=replications,
        seed=seed,
        shipped=list(shipped),
        chosen=names,
    )
    return HTMLResponse(html, headers={"Content-Language": chosen_lang.value})


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}"


def _row(r: RunResult) -> dict[str, Any]:
    served = sum(s.served_per_day for s in r.summary)
    waited = sum((s.wait_mean_min or 0.0) * s.served_per_day for s in r.summary)
    p95s = [s.wait_p95_min for s in r.summary if s.wait_p95_min is not None]
    return {
        "scenario": r.scenario,
        "served_per_day": served,
        "wait_fmt": _f(waited / served if served else None),
        "p95_fmt": _f(max(p95s) if p95s else None),
        "booth_hours_per_day": r.booth_hours_per_day,
        "co2_kg_per_day": sum(s.co2_kg_per_day for s in r.summary),
        "nox_g_per_day": sum(s.nox_g_per_day for s in r.summary),
        "lanes": [
            {
                **s.model_dump(),
                "wait_fmt": _f(s.wait_mean_min),
                "p95_fmt": _f(s.wait_p95_min),
                "ci_fmt": f"{s.wait_mean_ci_min[0]:.1f}-{s.wait_mean_ci_min[1]:.1f}"
                if s.wait_mean_ci_min
                else "-",
            }
            for s in r.summary
        ],
    }


__all__ = ["execute_run", "router"]
