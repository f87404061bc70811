"""``smartborder risk train | evaluate | promote | demote | models | outcomes``: the learned
risk model.

The functions ``train``, ``evaluate``, ``promote``, ``demote``, ``models`` and ``outcomes`` are the
commands; ``app`` groups them (the ``risk`` group registers them beside ``report``).
Outcomes come from a JSON-lines file (``--outcomes``) or from this node's store
(``--from``/``--until``): decisions and what their concluded inspections found.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from smartborder.commands import UsageError
from smartborder.config import Settings
from smartborder.i18n import Text

console = Console(emoji=False)
app = typer.Typer(
    help="The learned risk model: train, evaluate, promote, list models, generate outcomes.",
    no_args_is_help=True,
)
DEFAULT_RATE = 0.05  # the agency's inspection rate unless --rate says otherwise (a share)


@contextmanager
def _session() -> Iterator[Session]:
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


def _finding_codes() -> dict[str, bool]:
    from smartborder.inspections import FindingCode

    return {c.value: c.violation for c in FindingCode}


def _instant(option: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            Text(
                f"{option} must be an ISO 8601 date or date and time; got {value!r}.",
                f"{option} debe ser una fecha o fecha y hora ISO 8601; se recibió {value!r}.",
            ),
            code="usage.risk.instant",
        ) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _outcomes(
    session: Session, path: Path | None, since: str | None, until: str | None
) -> list[Any]:
    """Labelled declarations from a file, or from the store's decisions and inspections."""
    from smartborder.declarations import load_hs
    from smartborder.risk import outcomes_from_store, read_outcomes, stored_lookup

    settings = Settings()
    hs = load_hs(settings.hs_file) if settings.hs_file else None
    if path is not None:
        if since or until:
            raise UsageError(
                Text(
                    "Give --outcomes FILE or --from/--until (the store), not both.",
                    "Indique --outcomes ARCHIVO o --from/--until (el almacén), no ambos.",
                ),
                code="usage.risk.source",
            )
        try:
            with path.open("rb") as lines:
                return read_outcomes(
                    lines,
                    source=str(path),
                    finding_codes=_finding_codes(),
                    stored=stored_lookup(session),
                    hs=hs,
                )
        except OSError as exc:
            raise UsageError(
                Text(
                    f"Cannot read {path}: {exc.strerror}.",
                    f"No se puede leer {path}: {exc.strerror}.",
                ),
                code="usage.risk.unreadable",
            ) from None
    start = _instant("--from", since) or datetime(1970, 1, 1, tzinfo=UTC)
    end = _instant("--until", until) or datetime.now(UTC)
    return outcomes_from_store(
        session, since=start, until=end, finding_codes=_finding_codes(), hs=hs
    )


def _rate(rate: float) -> float:
    if not 0 < rate <= 1:
        raise UsageError(
            Text(
                f"--rate is the agency's inspection rate, a share in (0, 1] (0.05 = 5 %); got {rate}.",
                f"--rate es la tasa de inspección de la agencia, una fracción en (0, 1] (0.05 = 5 %); se recibió {rate}.",
            ),
            code="usage.risk.rate",
        )
    return rate


def _print(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for key, value in data.items():
        console.print(f"[bold]{key}[/]: {json.dumps(value, ensure_ascii=False)}")


def train(
    outcomes: Path | None = typer.Option(
        None, "--outcomes", help="JSON lines of declarations with outcomes (docs/risk-model.md)."
    ),
    since: str | None = typer.Option(None, "--from", help="Train on the store from this date."),
    until: str | None = typer.Option(None, "--until", help="…up to this date (default: now)."),
    out: Path | None = typer.Option(
        None, "--out", help="Model file to write (default: $SMARTBORDER_HOME/risk-models/ID.json)."
    ),
    register: bool = typer.Option(
        True, "--register/--no-register", help="Register it as this node's shadow model."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the model's summary as JSON."),
) -> None:
    """Train a LightGBM risk model on outcomes; write a versioned model file."""
    from smartborder.risk import load_rules, replay
    from smartborder.risk import register as register_model
    from smartborder.risk import train as fit

    now = datetime.now(UTC)
    with _session() as session:
        labelled = _outcomes(session, outcomes, since, until)
        model = fit(replay(labelled, load_rules()), now=now)
        path = out or Settings().home / "risk-models" / f"{model.id}.json"
        model.save(path)
        registered = register_model(session, model, now=now) if register else False
    _print({**model.summary(), "file": str(path), "registered_as_shadow": registered}, as_json)


def _model(session: Session, ref: str) -> Any:
    from smartborder.risk import LearnedModel, load_model

    path = Path(ref)
    if path.suffix == ".json" or path.exists():
        return LearnedModel.load(path)
    return load_model(session, ref)


def evaluate(
    model: str = typer.Option(..., "--model", help="A model file, or a registered model's id."),
    outcomes: Path | None = typer.Option(None, "--outcomes", help="JSON lines (later period)."),
    since: str | None = typer.Option(None, "--from", help="Evaluate on the store from this date."),
    until: str | None = typer.Option(None, "--until", help="…up to this date (default: now)."),
    rate: float = typer.Option(DEFAULT_RATE, "--rate", help="The agency's inspection rate."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Compare a model with the weight set on outcomes later than its training period."""
    from smartborder.risk import evaluate as judge
    from smartborder.risk import load_rules, replay

    with _session() as session:
        learned = _model(session, model)
        rules = load_rules()
        figures = judge(
            learned,
            replay(_outcomes(session, outcomes, since, until), rules),
            rate=_rate(rate),
            weight_set=rules.version,
        )
    _print(figures, as_json)


def promote(
    model_id: str = typer.Argument(..., help="The registered model's id."),
    outcomes: Path | None = typer.Option(None, "--outcomes", help="JSON lines (later period)."),
    since: str | None = typer.Option(None, "--from", help="Judge on the store from this date."),
    until: str | None = typer.Option(None, "--until", help="…up to this date (default: now)."),
    rate: float = typer.Option(DEFAULT_RATE, "--rate", help="The agency's inspection rate."),
    by: str = typer.Option(
        "", "--by", help="Who promotes (recorded; default: the operating-system user)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Promote a shadow model to a risk version if it beats the weight set; else refused."""
    from smartborder.risk import load_rules, replay
    from smartborder.risk import promote as promote_model

    with _session() as session:
        rules = load_rules()
        result = promote_model(
            session,
            model_id,
            replay(_outcomes(session, outcomes, since, until), rules),
            rate=_rate(rate),
            rules=rules,
            by=by or f"cli:{getpass.getuser()}",
            now=datetime.now(UTC),
        )
    _print(result, as_json)


def demote(
    model_id: str = typer.Argument(..., help="The deciding model's id."),
    by: str = typer.Option(
        "", "--by", help="Who demotes (recorded; default: the operating-system user)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Return from the deciding model to the weight set (recorded with who and when); every
    worker decides with the weight set again within about a second."""
    from smartborder.risk import demote as demote_model
    from smartborder.risk import load_rules

    with _session() as session:
        result = demote_model(
            session,
            model_id,
            by=by or f"cli:{getpass.getuser()}",
            now=datetime.now(UTC),
            weight_set=load_rules().version,
        )
    _print(result, as_json)


def models(
    as_json: bool = typer.Option(False, "--json", help="Print the listing as JSON."),
) -> None:
    """List the registered risk models (shadow, promoted, demoted) and what decides."""
    from smartborder.risk import deciding_version, load_rules, model_listing

    with _session() as session:
        listing = model_listing(session)
        deciding = deciding_version(session, weight_set=load_rules().version)
    if as_json:
        print(json.dumps({"deciding": deciding, "models": listing}, indent=2))
        return
    console.print(f"deciding: {deciding['risk_version']}")
    for m in listing:
        console.print(
            f"{m['id']}  {m['status']:<9}{' (deciding)' if m['deciding'] else ''} trained {m['trained_from'][:10]} → {m['trained_until'][:10]}"
            f"  labelled {m['metrics'].get('labelled')}  holdout AUC {m['metrics'].get('holdout_auc')}"
        )


def outcomes(
    weeks: int = typer.Option(8, "--weeks", min=1, max=520, help="Simulated weeks."),
    per_day: int = typer.Option(100, "--per-day", min=1, max=5000, help="Trucks per port and day."),
    seed: int = typer.Option(20260105, "--seed", help="Seed of the draws (same seed, same lines)."),
    world_seed: int | None = typer.Option(
        None, "--world-seed", help="Seed of the population (default: --seed)."
    ),
    start: str = typer.Option("2026-01-05", "--start", help="First simulated day."),
    random_rate: float = typer.Option(
        0.05, "--random-rate", help="Random control sample of the trucks not targeted."
    ),
    inspect_all: bool = typer.Option(
        False, "--inspect-all", help="Inspect every truck (a full audit, for evaluation)."
    ),
    out: Path | None = typer.Option(None, "--out", help="Write here (default: standard output)."),
) -> None:
    """Generate demo outcomes (JSON lines) from the documented hidden ground truth."""
    from smartborder.demo.outcomes import generate_outcomes
    from smartborder.risk import outcome_line

    try:
        first = date.fromisoformat(start)
    except ValueError:
        raise UsageError(
            Text(
                f"--start must be a date (YYYY-MM-DD); got {start!r}.",
                f"--start debe ser una fecha (AAAA-MM-DD); se recibió {start!r}.",
            ),
            code="usage.risk.start",
        ) from None
    lines = generate_outcomes(
        weeks=weeks,
        per_day=per_day,
        seed=seed,
        world_seed=world_seed,
        start=first,
        random_rate=random_rate,
        inspect_all=inspect_all,
    )
    sink = out.open("wb") if out is not None else sys.stdout.buffer
    try:
        for line in lines:
            sink.write(outcome_line(line))
    finally:
        if out is not None:
            sink.close()


app.command("train")(train)
app.command("evaluate")(evaluate)
app.command("promote")(promote)
app.command("demote")(demote)
app.command("models")(models)
app.command("outcomes")(outcomes)

__all__ = ["app", "demote", "evaluate", "models", "outcomes", "promote", "train"]
