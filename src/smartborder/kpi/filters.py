"""What a KPI query may ask for: the filters, the whitelisted groupings and grains, the metric
names, and the checks that turn a typo into a :class:`QueryInvalid` instead of an empty table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from smartborder.i18n import Text
from smartborder.kpi.errors import QueryInvalid

GROUPS: dict[str, str] = {
    "border": "border",
    "port": "port_code",
    "crossing": "port_number",
    "mode": "mode",
    "lane_type": "lane_type",
}
EVENT_GROUPS: dict[str, str] = {
    "port": "port_code",
    "crossing": "crossing",
    "mode": "mode",
    "lane_type": "lane_type",
    "direction": "direction",
    "traveler_class": "traveler_class",
}
GRAINS: dict[str, str] = {
    "hour": "date_trunc('hour', local_ts)",
    "day": "date_trunc('day', local_ts)::DATE",
    "week": "date_trunc('week', local_ts)::DATE",
    "month": "date_trunc('month', local_ts)::DATE",
    "hour_of_day": "hour(local_ts)",
    "weekday": "isodow(local_ts)",
}
BTS_GROUPS: dict[str, str] = {
    "port": "port_code",
    "measure": "measure",
    "border": "border",
    "state": "state",
}
BTS_GRAINS: dict[str, str] = {"month": "month", "year": "year(month)"}
WAIT_METRICS = (
    "readings", "wait_mean_min", "wait_median_min", "wait_p95_min", "wait_max_min",
    "lanes_open_mean", "buffer_index", "planning_time_index", "idling_vehicle_min_est",
    "idling_co2_kg_est", "idling_nox_g_est", "idling_pm25_g_est",
)  # fmt: skip
EVENT_METRICS = (
    "volume", "waits_measured", "wait_mean_min", "wait_median_min", "wait_p95_min",
    "trusted_travelers", "trusted_traveler_share", "precleared", "precleared_share",
    "referred_secondary", "inspection_rate",
    "secondary_mean_min", "throughput_per_lane_h", "idling_vehicle_min", "idling_co2_kg",
    "idling_nox_g", "idling_pm25_g",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Filters:
    """What to include. Dates are the ports' local dates, ``end`` inclusive."""

    start: date | None = None
    end: date | None = None
    border: str | None = None
    port: str | None = None
    crossing: str | None = None
    mode: str | None = None
    lane_type: str | None = None


def _invalid(en: str, es: str) -> QueryInvalid:
    return QueryInvalid(Text(en, es))


BORDERS = ("mexico", "canada")


def check_filter_values(*, border: str | None = None, port: str | None = None) -> None:
    """Raise :class:`QueryInvalid` for a ``border`` or ``port`` no data could ever match
    (a typo would otherwise answer with an empty table)."""
    if border is not None and border not in BORDERS:
        raise _invalid(
            f"Unknown border {border!r}; use mexico or canada.",
            f"Frontera desconocida {border!r}; use mexico o canada.",
        )
    if port is not None and not (len(port) == 4 and port.isascii() and port.isdigit()):
        raise _invalid(
            f"Port {port!r} is not a 4-digit port code (e.g. 2504).",
            f"El puerto {port!r} no es un código de puerto de 4 dígitos (p. ej. 2504).",
        )


def group_cols(by: Sequence[str], allowed: dict[str, str]) -> list[str]:
    cols = []
    for name in by:
        if name not in allowed:
            raise _invalid(
                f"Unknown grouping {name!r}; use any of {sorted(allowed)}.",
                f"Agrupación desconocida {name!r}; use alguna de {sorted(allowed)}.",
            )
        cols.append(allowed[name])
    return cols


def grain_expr(grain: str | None, allowed: dict[str, str]) -> str | None:
    if grain is None:
        return None
    if grain not in allowed:
        raise _invalid(
            f"Unknown grain {grain!r}; use one of {sorted(allowed)}.",
            f"Periodo desconocido {grain!r}; use uno de {sorted(allowed)}.",
        )
    return allowed[grain]


def where_clause(f: Filters, *, crossing_col: str, params: list[Any]) -> str:
    """The WHERE clause of ``f`` over local time and the lane columns; appends its parameters."""
    check_filter_values(border=f.border, port=f.port)
    clauses = []
    if f.start is not None:
        clauses.append("local_ts >= ?")
        params.append(datetime(f.start.year, f.start.month, f.start.day))
    if f.end is not None:
        clauses.append("local_ts < ? + INTERVAL 1 DAY")
        params.append(datetime(f.end.year, f.end.month, f.end.day))
    for value, col in (
        (f.border, "border"),
        (f.port, "port_code"),
        (f.crossing, crossing_col),
        (f.mode, "mode"),
        (f.lane_type, "lane_type"),
    ):
        if value is not None:
            clauses.append(f"{col} = ?")
            params.append(value)
    return " AND ".join(clauses) if clauses else "TRUE"


def naive_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return dt.astimezone(UTC).replace(tzinfo=None)


def with_dates(f: Filters, period: tuple[date, date]) -> Filters:
    return Filters(period[0], period[1], f.border, f.port, f.crossing, f.mode, f.lane_type)


__all__ = [
    "BORDERS",
    "BTS_GRAINS",
    "BTS_GROUPS",
    "EVENT_GROUPS",
    "EVENT_METRICS",
    "GRAINS",
    "GROUPS",
    "WAIT_METRICS",
    "Filters",
    "check_filter_values",
    "grain_expr",
    "group_cols",
    "naive_utc",
    "where_clause",
    "with_dates",
]
