"""``smartborder policy``: admissibility plans — list, show, check, publish, eval, impact.

Start-up is a feature (``policy eval`` answers in about a second): the admissibility domain,
the store, rich, numpy and the demo generator are imported inside the commands that use them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from smartborder.commands import read_text
from smartborder.errors import InvalidInput
from smartborder.i18n import Text

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.orm import Session

    from smartborder.admissibility import ImpactReport, Policies

app = typer.Typer(
    help="Admissibility plans: list, show, check, publish, evaluate a traveler, analyze impact.",
    no_args_is_help=True,
)


def _console() -> Console:
    from rich.console import Console

    return Console(emoji=False)


@contextmanager
def store_session() -> Iterator[Session]:
    """One transaction on the node's store (migrated to head first)."""
    from smartborder.config import Settings
    from smartborder.store import make_engine, session_factory, transaction, upgrade

    settings = Settings()
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


_session = store_session


def _policies(ref: str) -> Policies:
    """A published version (``plan@n``) from the store, else a built-in plan id or a YAML path."""
    from smartborder.admissibility import policies_for, version_policies

    if "@" in ref:
        with _session() as session:
            return version_policies(session, ref)
    return policies_for(ref)


@app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Built-in plans and published versions."""
    from rich.table import Table

    from smartborder.admissibility import BUILTIN_PLANS, list_versions, load_plan

    console = _console()
    with _session() as session:
        versions = list_versions(session)
    plans = [
        {"id": p, "title_en": load_plan(p).title.en, "title_es": load_plan(p).title.es}
        for p in BUILTIN_PLANS
    ]
    if as_json:
        print(
            json.dumps(
                {"plans": plans, "versions": [v.model_dump(mode="json") for v in versions]},
                ensure_ascii=False,
            )
        )
        return
    table = Table("plan", "title")
    for p in plans:
        table.add_row(p["id"], p["title_en"])
    console.print(table)
    vt = Table("version", "policies", "published (UTC)", "by", "sha256")
    for v in versions:
        vt.add_row(
            v.version,
            str(v.policy_count),
            f"{v.published_at:%Y-%m-%d %H:%M}",
            v.published_by,
            v.digest[:12],
        )
    console.print(
        vt if versions else "[dim]No published versions. / No hay versiones publicadas.[/]"
    )


@app.command("show")
def show(
    ref: str = typer.Argument(
        ..., help="Built-in plan id, plan YAML path, or published version (plan@n)."
    ),
    cedar: bool = typer.Option(False, "--cedar", help="Print the compiled Cedar policies."),
) -> None:
    """Show a plan's phases (or a version's policies); ``--cedar`` prints the Cedar text."""
    from rich.table import Table

    from smartborder.admissibility import compile_plan, get_version, load_plan

    console = _console()
    if "@" in ref:
        with _session() as session:
            version = get_version(session, ref)
        print(
            version.cedar
            if cedar
            else json.dumps(
                version.model_dump(mode="json", exclude={"cedar"}), ensure_ascii=False, indent=2
            )
        )
        return
    plan = load_plan(ref)
    if cedar:
        print(compile_plan(plan))
        return
    console.print(f"[bold]{plan.id}[/]  {plan.title.en} / {plan.title.es}")
    if plan.base:
        console.print(f"base: {plan.base}")
    table = Table("country", "regions", "phase", "from (UTC)", "until (UTC)", "admits")
    for block in plan.blocks:
        for ph in block.phases:
            table.add_row(
                block.country,
                ",".join(block.regions or ["*"]),
                ph.id,
                f"{ph.effective_from:%Y-%m-%d %H:%M}" if ph.effective_from else "-",
                f"{ph.effective_until:%Y-%m-%d %H:%M}" if ph.effective_until else "-",
                ", ".join(ph.admit),
            )
    console.print(table)
    requirements = Table("country", "requirement", "exempt", "satisfied by (one of)", "sources")
    for block in plan.blocks:
        for req in block.requirements:
            requirements.add_row(
                block.country,
                req.id,
                ", ".join(req.exempt) or "-",
                " | ".join(" + ".join(alt) for alt in req.satisfied_by),
                "; ".join(req.sources),
            )
    if requirements.rows:
        console.print(requirements)
    if plan.layers_over:
        console.print(f"layers over: {plan.layers_over}")
    for note in plan.notes:
        console.print(f"- {note.en}")
    for src in plan.sources:
        console.print(f"[dim]source: {src}[/]")


@app.command("check")
def check(
    plan: str = typer.Argument(..., help="Built-in plan id or plan YAML path."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Syntax, schema, never-applicable policies, shadowed permits, undecided categories.
    Exit 1 when there is an error (warnings alone exit 0)."""
    from smartborder.admissibility import check_plan

    console = _console()
    report = check_plan(plan)
    if as_json:
        print(json.dumps({**report.model_dump(mode="json"), "ok": report.ok}, ensure_ascii=False))
    else:
        console.print(f"plan {report.plan}: {report.policies} policies, {report.probes} probes")
        for f in report.findings:
            color = "red" if f.severity == "error" else "yellow"
            console.print(
                f"[{color}]{f.severity}[/] {f.code} at {f.where}\n  {f.en}\n  [dim]{f.es}[/]"
            )
        console.print("[green]OK[/]" if report.ok else "[red]FAILED[/]")
    if not report.ok:
        raise typer.Exit(1)


@app.command("publish")
def publish_cmd(
    plan: str = typer.Argument(..., help="Built-in plan id or plan YAML path."),
    by: str = typer.Option("cli", "--by", help="Who publishes (recorded with the version)."),
) -> None:
    """Validate and publish a plan as a new immutable version (an invalid plan is refused)."""
    from smartborder.admissibility import publish
    from smartborder.admissibility.plan import plan_text

    text, _ = plan_text(plan)
    with _session() as session:
        version = publish(session, text, published_by=by)
    state = "published" if version.created else "unchanged (same text as the latest version)"
    print(json.dumps({**version.model_dump(mode="json"), "state": state}, ensure_ascii=False))


def _load_json(path: Path, option: str) -> object:
    """The JSON in ``path``; a file that is not JSON names the file and where it breaks."""
    try:
        return json.loads(read_text(path, code="policy.file_unreadable"))
    except UnicodeDecodeError:
        raise InvalidInput(
            Text(
                f"{option} {path} is not UTF-8 text (JSON expected).",
                f"{option} {path} no es texto UTF-8 (se esperaba JSON).",
            ),
            code="policy.malformed_json",
        ) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        donde = f"línea {exc.lineno}, columna {exc.colno}"
        raise InvalidInput(
            Text(
                f"{option} {path} is not valid JSON: {exc.msg} at {where}.",
                f"{option} {path} no es JSON válido: {exc.msg} en {donde}.",
            ),
            code="policy.malformed_json",
        ) from None


@app.command("eval")
def eval_cmd(
    plan: str | None = typer.Option(
        None,
        "--plan",
        help="To try a plan: id, YAML path, or version plan@n (default: the version in force "
        "at the port and instant, as the pipeline decides).",
    ),
    port: str = typer.Option(..., "--port", help="Port code (e.g. 2504) or crossing number."),
    at: str = typer.Option(
        ..., "--at", help="Arrival instant, ISO 8601 with offset (e.g. 2022-02-01T10:00-08:00)."
    ),
    traveler: Path = typer.Option(
        ..., "--traveler", help="JSON file: a Traveler or a traveler declaration."
    ),
    direction: str = typer.Option("northbound", "--direction", help="northbound or southbound."),
) -> None:
    """Decide one traveler; prints decision, policies, reasons (en, es), version as JSON."""
    from smartborder.admissibility import evaluate

    data = _load_json(traveler, "--traveler")
    if isinstance(data, dict) and data.get("kind") == "traveler":
        from smartborder.admissibility.impact import trip_from_record

        trip = trip_from_record(data)
        subject: object = trip.traveler
    else:
        subject = data
    try:
        instant = datetime.fromisoformat(at)
    except ValueError:
        raise typer.BadParameter(f"not an ISO 8601 instant: {at!r}", param_hint="--at") from None
    if plan is None:
        result = _rules_in_force().evaluate(subject, port=port, at=instant, direction=direction)
    else:
        result = evaluate(subject, port=port, at=instant, plan=_policies(plan), direction=direction)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))


def _rules_in_force() -> Any:
    """The node's rules in force, read once from the store (the pipeline's own lookup). The
    store is read as it is, not migrated (that would import Alembic): a store that does not
    exist yet, or predates the plan lifecycle, has nothing in force (the default plan)."""
    from smartborder.admissibility import RulesInForce
    from smartborder.config import Settings
    from smartborder.store import make_engine, session_factory

    settings = Settings()
    url = settings.db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return RulesInForce(None, warm=False)
    engine = make_engine(url)
    try:
        return RulesInForce(session_factory(engine), warm=False)
    finally:
        engine.dispose()


def _print_impact(report: ImpactReport) -> None:
    from rich.table import Table

    console = _console()
    console.print(
        f"{report.plan} vs baseline {report.baseline}: {report.changed} of {report.total} outcomes change"
    )
    t = Table("outcome", "plan", "baseline")
    for k in ("admit", "deny", "review"):
        t.add_row(k, str(report.outcomes_plan.get(k, 0)), str(report.outcomes_baseline.get(k, 0)))
    console.print(t)
    for title, rows in (
        ("port", report.by_port),
        ("category", report.by_category),
        ("day", report.by_day),
    ):
        kinds = sorted(report.transitions)
        table = Table(title, *kinds)
        for key, counts in rows.items():
            table.add_row(key, *[str(counts.get(k, 0)) for k in kinds])
        console.print(table)


@app.command("impact")
def impact_cmd(
    plan: str = typer.Option(..., "--plan", help="New plan: id, YAML path, or version plan@n."),
    baseline: str = typer.Option(
        ..., "--baseline", help="Current plan: id, YAML path, or version plan@n."
    ),
    travelers: Path | None = typer.Option(
        None, "--travelers", help="JSON or JSON-lines pre-arrivals (declarations or trips)."
    ),
    start: datetime | None = typer.Option(
        None, "--from", help="First local arrival day (YYYY-MM-DD).", formats=["%Y-%m-%d"]
    ),
    end: datetime | None = typer.Option(
        None, "--to", help="Last local arrival day (YYYY-MM-DD).", formats=["%Y-%m-%d"]
    ),
    generate: int = typer.Option(
        0, "--generate", help="Instead of --travelers: generated pre-arrivals per port per day."
    ),
    ports_opt: str = typer.Option(
        "2504,2506,2304,2402,2604", "--ports", help="Ports for --generate (comma-separated)."
    ),
    vaccination_share: float = typer.Option(
        0.5, "--vaccination-share", help="Share declaring full vaccination (--generate)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed for --generate."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    chart_path: Path | None = typer.Option(None, "--chart", help="Write a chart: .png or .html."),
) -> None:
    """Count outcome changes (admitted→denied and back) of NEW against BASELINE by port,
    category and day, on recorded or generated traveler pre-arrivals."""
    import numpy as np

    from smartborder.admissibility.impact import chart, impact, load_trips
    from smartborder.demo import generate_trips

    first: date | None = start.date() if start else None
    last: date | None = end.date() if end else None
    if travelers is not None:
        trips = load_trips(travelers)
    elif generate > 0 and first and last:
        trips = generate_trips(
            [p.strip() for p in ports_opt.split(",") if p.strip()],
            first,
            last,
            generate,
            rng=np.random.default_rng(seed),
            vaccination_share=vaccination_share,
        )
    else:
        raise typer.BadParameter("give --travelers PATH, or --generate N with --from and --to")
    report = impact(_policies(plan), _policies(baseline), trips, start=first, end=last)
    if chart_path is not None:
        chart(report, chart_path)
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_impact(report)
        if chart_path is not None:
            print(f"chart: {chart_path}")
