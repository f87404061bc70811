"""``smartborder risk``: measured risk management — the targeting effectiveness report
(``report``, here) and the learned model (``train``, ``evaluate``, ``promote``, ``demote``,
``models``, ``outcomes``: :mod:`smartborder.commands.risk_model`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from smartborder.commands import UsageError
from smartborder.commands.risk_model import demote, evaluate, models, outcomes, promote, train
from smartborder.commands.store_access import store_sessions
from smartborder.config import Settings
from smartborder.i18n import Text
from smartborder.risk import MIN_COUNT, effectiveness_report, report_query

app = typer.Typer(
    help="Measured risk management: targeting effectiveness and the learned model.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True, emoji=False)


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            Text(
                f"{option} {value!r} is not an ISO 8601 date or time (e.g. 2026-01-01 or 2026-01-01T06:00:00-06:00).",
                f"{option} {value!r} no es una fecha u hora ISO 8601 (p. ej. 2026-01-01 o 2026-01-01T06:00:00-06:00).",
            ),
            code="usage.invalid_time",
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@app.command("report")
def report(
    since: str | None = typer.Option(
        None, "--from", help="Start of the period (ISO 8601; UTC if no zone); default 90 days ago."
    ),
    until: str | None = typer.Option(
        None, "--to", help="End of the period, exclusive (ISO 8601; UTC if no zone); default now."
    ),
    agency: str | None = typer.Option(
        None, "--agency", help="cbp or anam; default: this node's SMARTBORDER_AGENCY."
    ),
    port: str | None = typer.Option(None, "--port", help="A 4-digit CBP port code."),
    direction: str | None = typer.Option(None, "--direction", help="northbound or southbound."),
    min_count: int = typer.Option(
        MIN_COUNT, "--min-count", help="Fewest examinations a figure is computed from."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Targeting effectiveness: hit rates of targeted and random examinations, estimated
    non-compliance and share missed, precision, lift and revenue per rule and weight set."""
    settings = Settings()
    chosen = agency or settings.agency
    if chosen is None:
        raise UsageError(
            Text(
                "Name the agency (--agency cbp or --agency anam): this node decides as both.",
                "Indique la agencia (--agency cbp o --agency anam): este nodo decide por ambas.",
            ),
            code="usage.agency_required",
        )
    end = _when(until, "--to") or datetime.now(UTC)
    start = _when(since, "--from") or end - timedelta(days=90)
    query = report_query(
        agency=chosen,
        since=start,
        until=end,
        port_code=port,
        direction=direction,
        min_count=min_count,
    )
    with store_sessions() as sessions, sessions() as session:
        result = effectiveness_report(session, query).to_dict()
    if as_json:
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
        return
    _print(result)


def _pct(figure: dict[str, Any], *, ratio: bool = False) -> str:
    if figure["status"] != "ok":
        return "not enough data / datos insuficientes"
    if ratio:
        return f"{figure['value']:.2f}× ({figure['low']:.2f}–{figure['high']:.2f})"
    return f"{figure['value']:.1%} ({figure['low']:.1%}–{figure['high']:.1%})"


def _counts(figure: dict[str, Any]) -> str:
    if "count" in figure:
        return f"{figure['hits']} / {figure['count']}"
    return ", ".join(f"{k} {v}" for k, v in figure["basis"].items())


def _print(r: dict[str, Any]) -> None:
    where = " ".join(x for x in (r["port_code"], r["direction"]) if x) or "all ports"
    console.print(
        f"[bold]Targeting effectiveness / Efectividad de la selección[/] — {r['agency'].upper()}, "
        f"{r['period']['from']} → {r['period']['to']}, {where}"
    )
    if r["status"] != "ok":
        console.print(
            f"[yellow]Not enough data: fewer than {r['min_count']} examinations with findings in "
            f"this period. / Datos insuficientes: menos de {r['min_count']} exámenes con hallazgos "
            "en este periodo.[/]"
        )
    level = f"{r['confidence']:.0%}"
    summary = Table(title=f"Figures ({level} interval) / Cifras (intervalo {level})")
    summary.add_column("figure / cifra")
    summary.add_column("value (interval)")
    summary.add_column("counts / conteos")
    for label, key, ratio in (
        ("hit rate, targeted / tasa de acierto, seleccionados", "targeted_hit_rate", False),
        ("hit rate, random / tasa de acierto, aleatorios", "random_hit_rate", False),
        ("non-compliance, overall / incumplimiento, total", "non_compliance_overall", False),
        ("share missed by targeting / proporción no detectada", "missed_share", False),
    ):
        summary.add_row(label, _pct(r[key], ratio=ratio), _counts(r[key]))
    console.print(summary)
    streams = Table(title="Streams / Flujos")
    for col in ("stream", "decisions", "examined", "violations", "revenue USD"):
        streams.add_column(col)
    for name, s in r["streams"].items():
        streams.add_row(
            name,
            str(s["decisions"]),
            str(s["examined"]),
            str(s["violations"]),
            f"{s['revenue_recovered_usd']:,.2f}",
        )
    console.print(streams)
    for title, key in (
        ("By rule / Por regla", "by_rule"),
        ("By weight set / Por conjunto de pesos", "by_weight_set"),
    ):
        table = Table(title=title)
        for col in ("", "decisions", "examined", "precision", "lift", "revenue USD"):
            table.add_column(col)
        for name, g in r[key].items():
            table.add_row(
                name,
                str(g["decisions"]),
                str(g["examined"]),
                _pct(g["precision"]),
                _pct(g["lift"], ratio=True),
                f"{g['revenue_recovered_usd']:,.2f}",
            )
        console.print(table)


# The learned model's commands, in the same group.
app.command("train")(train)
app.command("evaluate")(evaluate)
app.command("promote")(promote)
app.command("demote")(demote)
app.command("models")(models)
app.command("outcomes")(outcomes)
