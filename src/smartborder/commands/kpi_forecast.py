"""``smartborder kpi forecast-eval`` and ``forecast-train``: wait-time forecasts from feed archives.

Registered on the ``kpi`` group by :func:`register` (one line in commands/kpi.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from smartborder.commands.store_access import store_sessions
from smartborder.config import Settings
from smartborder.i18n import Text
from smartborder.kpi.forecast import HORIZONS_H, model_path
from smartborder.kpi.forecast_bands import fit_with_bands
from smartborder.kpi.forecast_data import load_archives, stored_observations
from smartborder.kpi.forecast_errors import ForecastInvalid
from smartborder.kpi.forecast_eval import EvaluationReport, evaluate_archives
from smartborder.kpi.forecast_features import WaitObservation
from smartborder.kpi.forecast_retrain import model_age, retrain, retrain_interval
from smartborder.kpi.forecast_target import evaluate_target
from smartborder.kpi.queries import KpiEngine

console = Console(emoji=False)


def _split_paths(args: list[str]) -> tuple[list[Path], list[Path]]:
    """``--train A B --test C D`` (and ``--train A --train B``) into the two path lists."""
    train: list[Path] = []
    test: list[Path] = []
    target: list[Path] | None = None
    for token in args:
        if token in ("--train", "--test"):
            target = train if token == "--train" else test
        elif token.startswith("--train=") or token.startswith("--test="):
            name, _, value = token.partition("=")
            (train if name == "--train" else test).append(Path(value))
            target = None
        elif token.startswith("-") or target is None:
            raise typer.BadParameter(f"unexpected {token!r}; use --train PATH... --test PATH...")
        else:
            target.append(Path(token))
    if not train or not test:
        raise typer.BadParameter("give --train PATH... and --test PATH... (feed archives)")
    return train, test


def forecast_eval(
    ctx: typer.Context,
    horizon: int = typer.Option(60, "--horizon", help="Minutes ahead: 60, 120, ... 360."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random generator (model fitting)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
) -> None:
    """Train on --train PATH... archives, forecast --test PATH..., print MAE beside two baselines.

    PATHs are feed archives: tars, folders or files of bwt.xml snapshots. Example:
    smartborder kpi forecast-eval --train bwt-feed-2025-0[3-7].tar --test bwt-feed-2025-0[89].tar
    --horizon 60 --json
    """
    train, test = _split_paths(list(ctx.args))
    report = evaluate_archives(train, test, horizon_min=horizon, rng=np.random.default_rng(seed))
    if as_json:
        print(report.model_dump_json(indent=2))
        return
    _print(report)


def _print(report: EvaluationReport) -> None:
    ev = report.evaluation
    console.print(
        f"[bold]Wait forecasts {report.horizon_min} min ahead[/]: trained on "
        f"{report.train_snapshots} snapshots ({report.train_span[0][:10]} – {report.train_span[1][:10]}), "
        f"tested on {report.test_snapshots} ({report.test_span[0][:10]} – {report.test_span[1][:10]})"
    )
    # MAE in minutes; "vs best": the model's MAE change against the better baseline.
    table = Table("crossing", "lane", "n", "model", "persistence", "hour-of-week", "vs best")
    for s in ev.series:
        table.add_row(
            report.names.get(s.crossing, s.crossing),
            s.lane,
            str(s.n),
            f"{s.mae_model:.2f}",
            f"{s.mae_persistence:.2f}",
            f"{s.mae_hour_of_week:.2f}",
            f"{-s.improvement:+.0%}",
        )
    console.print(table)
    ports = Table("port", "n", "model", "persistence", "hour-of-week", "vs best")
    for s in [*ev.ports, ev.overall]:
        ports.add_row(
            report.names.get(s.crossing, "all ports" if s.crossing == "*" else s.crossing),
            str(s.n),
            f"{s.mae_model:.2f}",
            f"{s.mae_persistence:.2f}",
            f"{s.mae_hour_of_week:.2f}",
            f"{-s.improvement:+.0%}",
        )
    console.print(ports)
    for t in report.targets:
        mark = "[green]met[/]" if t.met else "[yellow]not met[/]"
        console.print(
            f"target at {t.port_name}: MAE {-t.improvement:+.1%} against the better baseline "
            f"(goal: {-t.target:+.0%} or lower): {mark}"
        )


def forecast_train(
    train: list[Path] | None = typer.Argument(
        None, help="Feed archives (tars, folders or files); or --from-store."
    ),
    from_store: bool = typer.Option(
        False,
        "--from-store",
        help="Train on the waits imported into this node's store (smartborder kpi import-bwt).",
    ),
    days: int | None = typer.Option(
        None, "--days", min=9, help="With --from-store: only the last DAYS days before the newest."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Model file (default: $SMARTBORDER_HOME/models/wait-forecast.pkl)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the random generator (model fitting)."),
) -> None:
    """Train the 1–6 h forecaster on feed archives or on the store; GET /kpi/forecast serves it.

    Each forecast comes with an 80 % range, measured on the last two weeks by a model trained
    on the weeks before (two fits; with under four weeks of readings, no ranges).

    A node that imports the live feed can retrain on a schedule (e.g. weekly, from cron):
    smartborder kpi forecast-train --from-store --days 180. The API reloads the model file
    when it changes.
    """
    if not train and not from_store:
        raise ForecastInvalid(
            Text(
                "Nothing to train on: give feed archives, or --from-store.",
                "Nada con qué entrenar: indique archivos del feed, o --from-store.",
            )
        )
    if train and from_store:
        raise ForecastInvalid(
            Text(
                "Give feed archives to train on, or --from-store, not both.",
                "Indique archivos del feed para entrenar, o --from-store, no ambos.",
            )
        )
    if days is not None and not from_store:
        raise ForecastInvalid(
            Text("--days goes with --from-store.", "--days se usa con --from-store.")
        )
    if from_store:
        observations, source = _store_observations(days)
    else:
        loaded = load_archives(train or [])
        observations, source = loaded.observations, f"{loaded.snapshots} snapshots"
    if not observations:
        raise ForecastInvalid(
            Text(
                "There are no U.S.–Mexico wait readings to train on.",
                "No hay lecturas de espera EE. UU.–México para entrenar.",
            )
        )
    model = fit_with_bands(observations, rng=np.random.default_rng(seed), horizons_h=HORIZONS_H)
    path = out or model_path(Settings().ensure_home())
    model.save(path)
    ranges = (
        "80 % ranges from the last two weeks"
        if model.bands
        else "no ranges (under four weeks of readings)"
    )
    console.print(
        f"trained on {source}, {model.trained_rows:,} rows "
        f"(horizons {HORIZONS_H[0]}–{HORIZONS_H[-1]} h; {ranges}): {path}"
    )


def _store_observations(days: int | None) -> tuple[list[WaitObservation], str]:
    """The store's published waits (the last ``days`` days before the newest, if given)."""
    with store_sessions() as sessions:
        kpi = KpiEngine(sessions.kw["bind"])
        try:
            observations = stored_observations(kpi, last_days=days)
        finally:
            kpi.close()
    if not observations:
        return observations, "the store"
    first, last = observations[0].at_utc, observations[-1].at_utc
    return observations, f"the store's readings {first:%Y-%m-%d} – {last:%Y-%m-%d}"


def forecast_retrain(
    force: bool = typer.Option(
        False, "--force", help="Retrain even if the model is younger than the schedule."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Model file (default: $SMARTBORDER_HOME/models/wait-forecast.pkl)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the random generator (model fitting)."),
) -> None:
    """Retrain the forecaster from this node's store if the model is due (for cron).

    Due: no model yet, or one older than SMARTBORDER_FORECAST_RETRAIN (daily or weekly;
    with off, weekly). Reads the last SMARTBORDER_FORECAST_RETRAIN_DAYS days of published
    waits. A serving node with the setting on does this itself, on a background thread.
    """
    settings = Settings()
    every = retrain_interval(settings.forecast_retrain) or timedelta(days=7)
    path = out or model_path(settings.ensure_home())
    days = settings.forecast_retrain_days
    outcome = retrain(
        lambda: _store_observations(days)[0], path, every=every, force=force, seed=seed
    )
    if outcome.status == "not_due":
        age = model_age(path)
        hours = age.total_seconds() / 3600 if age is not None else 0.0
        console.print(
            f"not due: {path} is {hours:.1f} h old (retrained every {every.days} days); "
            "--force to retrain"
        )
    elif outcome.status == "too_few_readings":
        raise ForecastInvalid(
            Text(
                f"Only {outcome.readings} published waits in the store: too few to retrain; the model in place is kept.",
                f"Solo {outcome.readings} esperas publicadas en el almacén: muy pocas para reentrenar; se conserva el modelo actual.",
            )
        )
    else:
        console.print(f"retrained on {outcome.readings:,} published waits of the store: {path}")


def forecast_target(
    archives: list[Path] = typer.Argument(..., help="Feed archives (tars, folders or files)."),
    months: str = typer.Option(
        ..., "--months", help="Test months, comma-separated: 2025-08,2025-09."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the random generator (model fitting)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Score the issue 15 forecast target on months the forecaster has not seen.

    For each test month, trains on every reading of ARCHIVES published before it (model,
    ranges and per-lane fallback), forecasts the month, and prints per port (San Ysidro,
    Otay Mesa, Laredo, El Paso) and horizon (60, 120, 180 min) the MAE of what is served,
    of persistence and of the hour-of-week mean, the improvement against the target, and the
    worst lane with >= 200 scored readings.
    """
    try:
        starts = [
            datetime.strptime(m.strip(), "%Y-%m").replace(tzinfo=UTC) for m in months.split(",")
        ]
    except ValueError:
        raise ForecastInvalid(
            Text(
                f"--months {months!r}: give months as YYYY-MM, comma-separated.",
                f"--months {months!r}: indique los meses como AAAA-MM, separados por comas.",
            )
        ) from None
    loaded = load_archives(archives)
    if not loaded.observations:
        raise ForecastInvalid(
            Text(
                "The archives hold no U.S.–Mexico wait readings.",
                "Los archivos no contienen lecturas de espera EE. UU.–México.",
            )
        )
    report = evaluate_target(loaded.observations, starts, rng=np.random.default_rng(seed))
    if as_json:
        print(report.model_dump_json(indent=2))
        return
    for m in report.months:
        console.print(
            f"test {m.test_month}: trained on {m.train_readings:,} readings "
            f"{m.train_first_utc[:10]} – {m.train_last_utc[:10]}; "
            f"{m.lanes_on_fallback} lane-horizons on a baseline"
        )
    table = Table(
        "port", "ahead", "n", "served", "persistence", "hour-of-week", "vs best", "target",
        "worst lane (n ≥ 200)",
    )  # fmt: skip
    for p in report.ports:
        s, w = p.score, p.worst_lane
        lane = (
            f"{w.key}: {-w.improvement:+.1%} ({'ok' if p.lanes_met else 'over +3%'})"
            if w is not None
            else "—"
        )
        table.add_row(
            p.port_name,
            f"{p.horizon_min} min",
            str(s.n),
            f"{s.mae_served:.2f}",
            f"{s.mae_persistence:.2f}",
            f"{s.mae_hour_of_week:.2f}",
            f"{-s.improvement:+.1%}",
            f"{-p.target:+.0%} {'met' if p.met else 'not met'}",
            lane,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the forecast commands to the ``kpi`` group."""
    app.command(
        "forecast-eval",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(forecast_eval)
    app.command("forecast-train")(forecast_train)
    app.command("forecast-retrain")(forecast_retrain)
    app.command("forecast-target")(forecast_target)
