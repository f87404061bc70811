"""Crossing-event ingest (``POST /events``) and the public open data under ``/kpi``.

Open data is public (no token) and rate-limited per client address; every dataset is served as
JSON, CSV or Parquet (``?format=`` or the ``Accept`` header), described at ``/kpi/dictionary``;
``/kpi/bwt.xml`` and ``/kpi/bwt.json`` publish SmartBorder's figures in CBP's BWT schema.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from smartborder.api.deps import Ctx, require_scopes
from smartborder.api.limits import Instant
from smartborder.api.ratelimit import public_rate_limit
from smartborder.clients import Principal
from smartborder.clients.roles import EVENTS_WRITE
from smartborder.i18n import Text, negotiate
from smartborder.kpi import CrossingEvent, Filters, KpiEngine, engine_for
from smartborder.kpi import feed as bwt_feed
from smartborder.kpi.dictionary import dictionary
from smartborder.kpi.errors import NoKpiData, QueryInvalid
from smartborder.kpi.events import IngestReport
from smartborder.kpi.ingest import ingest_batch
from smartborder.store import kpi as kpi_store

router = APIRouter(tags=["kpi"])
public = [Depends(public_rate_limit)]

FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
#: What a dataset route answers (``format=`` or ``Accept`` chooses), for the OpenAPI document.
TABLE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The dataset: JSON (`meta`, `columns`, `data`), CSV or Parquet.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
            FORMATS["parquet"]: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
NO_DATA: dict[int | str, dict[str, Any]] = {404: {"description": "No readings match."}}
EVENTS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": CrossingEvent.model_json_schema()}
            },
            "application/x-ndjson": {
                "schema": {"type": "string", "description": "One event object per line."}
            },
        },
    }
}


@router.post("/events", response_model=IngestReport, openapi_extra=EVENTS_BODY)
async def post_events(
    request: Request,
    ctx: Ctx,
    _caller: Annotated[Principal, Depends(require_scopes(EVENTS_WRITE))],
) -> IngestReport:
    """Ingest a batch of crossing events (JSON array, or NDJSON with
    ``Content-Type: application/x-ndjson``). Idempotent by ``event_id``: ids already stored are
    counted in ``duplicates`` and skipped. The batch is validated first and stored in one
    transaction, or not at all."""
    body = await request.body()
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    ndjson = (
        True
        if ctype in ("application/x-ndjson", "application/ndjson")
        else False
        if ctype == "application/json"
        else None
    )
    return await run_in_threadpool(ingest_batch, ctx.sessions, body, ndjson=ndjson)


def _kpi(ctx: Ctx) -> KpiEngine:
    return engine_for(ctx.engine)


Kpi = Annotated[KpiEngine, Depends(_kpi)]


def _format(request: Request, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise QueryInvalid(
                Text(
                    f"Unknown format {fmt!r}; use json, csv or parquet.",
                    f"Formato desconocido {fmt!r}; use json, csv o parquet.",
                )
            )
        return fmt
    accept = request.headers.get("accept", "")
    if "text/csv" in accept:
        return "csv"
    if "parquet" in accept:
        return "parquet"
    return "json"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def table_response(table: pa.Table, fmt: str, *, name: str, meta: dict[str, Any]) -> Response:
    """``table`` as JSON (``{"meta", "columns", "data"}``), CSV or Parquet."""
    if fmt == "csv":
        buf = io.BytesIO()
        pacsv.write_csv(table, buf)
        return Response(
            buf.getvalue(),
            media_type=FORMATS["csv"],
            headers={"Content-Disposition": f'inline; filename="{name}.csv"'},
        )
    if fmt == "parquet":
        buf = io.BytesIO()
        pq.write_table(table, buf)
        return Response(
            buf.getvalue(),
            media_type=FORMATS["parquet"],
            headers={"Content-Disposition": f'attachment; filename="{name}.parquet"'},
        )
    rows = [{k: _jsonable(v) for k, v in row.items()} for row in table.to_pylist()]
    body = {
        "meta": {"dataset": name, "rows": len(rows), **meta},
        "columns": table.column_names,
        "data": rows,
    }
    return Response(orjson.dumps(body, default=str), media_type=FORMATS["json"])


def _split(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _period(text: str, name: str) -> tuple[date, date]:
    try:
        a, _, b = text.partition("/")
        return date.fromisoformat(a), date.fromisoformat(b or a)
    except ValueError:
        raise QueryInvalid(
            Text(
                f"{name} must be START/END dates (YYYY-MM-DD/YYYY-MM-DD), not {text!r}.",
                f"{name} debe ser fechas INICIO/FIN (AAAA-MM-DD/AAAA-MM-DD), no {text!r}.",
            )
        ) from None


def _filters(
    start: date | None = Query(None, description="First local date included."),
    end: date | None = Query(None, description="Last local date included."),
    border: str | None = Query(None, description="mexico or canada."),
    port: str | None = Query(None, description="4-digit port code."),
    crossing: str | None = Query(None, description="BWT crossing number."),
    mode: str | None = Query(None, description="passenger_vehicle, commercial, pedestrian."),
    lane_type: str | None = Query(None, description="general, ready, sentri, fast, precleared."),
) -> Filters:
    return Filters(start, end, border, port, crossing, mode, lane_type)


Filt = Annotated[Filters, Depends(_filters)]
Fmt = Annotated[str | None, Query(alias="format", description="json, csv or parquet.")]


def _filters_meta(f: Filters) -> dict[str, Any]:
    fields = ("start", "end", "border", "port", "crossing", "mode", "lane_type")
    return {k: _jsonable(getattr(f, k)) for k in fields if getattr(f, k) is not None}


def _grain(grain: str | None) -> str | None:
    """A grain query value, ``none`` or empty meaning no time grouping."""
    return None if grain in (None, "", "none") else grain


def _grouped_meta(f: Filters, groups: Sequence[str], grain: str | None) -> dict[str, Any]:
    return {**_filters_meta(f), "by": list(groups), "grain": grain}


def _dataset(
    name: str, run: Callable[[], pa.Table], request: Request, fmt: str | None, meta: dict[str, Any]
) -> Response:
    chosen = _format(request, fmt)
    return table_response(run(), chosen, name=name, meta=meta)


@router.get("/kpi/dictionary", dependencies=public)
def kpi_dictionary(request: Request, lang: str | None = None) -> Response:
    """The data dictionary: datasets, columns, units and definitions (English and Spanish)."""
    chosen = (
        negotiate(lang or request.headers.get("accept-language"))
        if lang or request.headers.get("accept-language")
        else None
    )
    return Response(orjson.dumps(dictionary(chosen)), media_type="application/json")


@router.get("/kpi/waits", dependencies=public, responses=TABLE_ANSWERS)
def kpi_waits(
    request: Request, kpi: Kpi, f: Filt, fmt: Fmt = None,
    by: str | None = Query(None, description="Comma-separated: border, port, crossing, mode, lane_type."),
    grain: str | None = Query("day", description="hour, day, week, month, hour_of_day, weekday, or none."),
) -> Response:  # fmt: skip
    """Wait-time KPIs from the BWT readings (mean, median, p95, lanes open, reliability, emissions)."""
    groups = _split(by, ("crossing", "mode", "lane_type"))
    g = _grain(grain)
    if f.border is None:
        f = Filters(f.start, f.end, "mexico", f.port, f.crossing, f.mode, f.lane_type)
    return _dataset(
        "waits", lambda: kpi.waits(by=groups, grain=g, filters=f), request, fmt,
        _grouped_meta(f, groups, g),
    )  # fmt: skip


@router.get("/kpi/events", dependencies=public, responses=TABLE_ANSWERS)
def kpi_events(
    request: Request, kpi: Kpi, f: Filt, fmt: Fmt = None,
    by: str | None = Query(None, description="Comma-separated: port, crossing, mode, lane_type, direction, traveler_class."),
    grain: str | None = Query("day", description="hour, day, week, month, hour_of_day, weekday, or none."),
) -> Response:  # fmt: skip
    """KPIs from crossing events: volumes, waits, trusted-traveler and pre-cleared shares,
    inspection rate, throughput per lane, idling emissions."""
    groups = _split(by, ("port", "mode", "lane_type"))
    g = _grain(grain)
    return _dataset(
        "events", lambda: kpi.events(by=groups, grain=g, filters=f), request, fmt,
        _grouped_meta(f, groups, g),
    )  # fmt: skip


@router.get("/kpi/volumes", dependencies=public, responses=TABLE_ANSWERS)
def kpi_volumes(
    request: Request, kpi: Kpi, f: Filt, fmt: Fmt = None,
    by: str | None = Query(None, description="Comma-separated: port, measure, border, state."),
    grain: str | None = Query("year", description="month, year, or none."),
    source: str = Query("auto", description="bts, events (this node's crossing events), or auto: BTS where stored, else events."),
) -> Response:  # fmt: skip
    """Inbound crossings from BTS Border Crossing Entry Data, or counted from this node's
    crossing events where no BTS counts are stored (``meta.source`` says which)."""
    groups = _split(by, ("port", "measure"))
    g = _grain(grain)
    chosen = kpi.volumes_source() if source == "auto" else source
    return _dataset(
        "volumes", lambda: kpi.volumes(by=groups, grain=g, filters=f, source=chosen), request,
        fmt, {**_grouped_meta(f, groups, g), "source": chosen},
    )  # fmt: skip


@router.get("/kpi/compare", dependencies=public, responses=TABLE_ANSWERS)
def kpi_compare(
    request: Request, kpi: Kpi, f: Filt, fmt: Fmt = None,
    period_a: str = Query(..., description="START/END local dates, e.g. 2025-06-01/2025-06-30."),
    period_b: str = Query(..., description="START/END local dates."),
    metric: str = Query("wait_mean_min", description="A column of /kpi/waits."),
    by: str | None = Query(None, description="Comma-separated groupings (default: port)."),
) -> Response:  # fmt: skip
    """A wait KPI per port (or other grouping) in two periods, and the change."""
    groups = _split(by, ("port",))
    a, b = _period(period_a, "period_a"), _period(period_b, "period_b")
    if f.border is None:
        f = Filters(f.start, f.end, "mexico", f.port, f.crossing, f.mode, f.lane_type)
    return _dataset(
        "compare", lambda: kpi.compare(metric=metric, by=groups, period_a=a, period_b=b, filters=f),
        request, fmt, {**_filters_meta(f), "metric": metric, "period_a": period_a, "period_b": period_b},
    )  # fmt: skip


@router.get("/kpi/latest", dependencies=public, responses=TABLE_ANSWERS)
def kpi_latest(
    request: Request, kpi: Kpi, fmt: Fmt = None,
    border: str | None = Query("mexico", description="mexico, canada, or all."),
    crossing: str | None = Query(None, description="BWT crossing number."),
    port: str | None = Query(None, description="4-digit port code."),
    mode: str | None = Query(None, description="passenger_vehicle, commercial, pedestrian."),
    lane_type: str | None = Query(None, description="general, ready, sentri, fast, precleared."),
) -> Response:  # fmt: skip
    """The newest reading of every crossing, mode and lane type."""
    b = None if border == "all" else border
    meta = {
        k: v for k, v in (("port", port), ("mode", mode), ("lane_type", lane_type)) if v is not None
    }
    return _dataset(
        "latest",
        lambda: kpi.latest(border=b, crossing=crossing, port=port, mode=mode, lane_type=lane_type),
        request, fmt, {"border": border, "crossing": crossing, **meta},
    )  # fmt: skip


@router.get("/kpi/heatmap", dependencies=public, responses={**TABLE_ANSWERS, **NO_DATA})
def kpi_heatmap(
    request: Request, kpi: Kpi, f: Filt, fmt: Fmt = None,
) -> Response:  # fmt: skip
    """Mean and p95 wait by weekday and local hour at one crossing lane
    (``crossing``, ``mode`` and ``lane_type`` required)."""
    if not (f.crossing and f.mode and f.lane_type):
        raise QueryInvalid(
            Text(
                "The heatmap needs crossing, mode and lane_type.",
                "El mapa de calor requiere crossing, mode y lane_type.",
            )
        )
    table = kpi.heatmap(crossing=f.crossing, mode=f.mode, lane_type=f.lane_type, filters=f)
    if table.num_rows == 0:
        raise NoKpiData(
            Text(
                f"No readings for crossing {f.crossing}, {f.mode} {f.lane_type} lanes; "
                "see GET /kpi/latest for the lanes that have data.",
                f"No hay lecturas para el cruce {f.crossing}, carriles {f.mode} {f.lane_type}; "
                "consulte GET /kpi/latest para los carriles con datos.",
            )
        )
    return table_response(table, _format(request, fmt), name="heatmap", meta=_filters_meta(f))


def _feed_records(
    ctx: Ctx, kpi: KpiEngine, as_of: datetime | None, border: str | None
) -> tuple[list[dict[str, Any]], datetime]:
    now = (
        as_of.astimezone(UTC)
        if as_of and as_of.tzinfo
        else (as_of.replace(tzinfo=UTC) if as_of else datetime.now(UTC))
    )
    with ctx.sessions() as session:
        seen = {
            r.port_number: {
                "port_name": r.port_name,
                "crossing_name": r.crossing_name,
                "hours": r.hours,
                "automation": r.automation,
                "construction_notice": r.construction_notice,
            }
            for r in kpi_store.list_bwt_crossings(session)
        }
    b = None if border in (None, "all") else border
    return bwt_feed.bwt_ports(kpi, now=now, border=b, crossings_seen=seen), now


@router.get(
    "/kpi/bwt.xml",
    dependencies=public,
    responses={200: {"content": {"application/xml": {"schema": {"type": "string"}}}}},
)
def kpi_bwt_xml(
    ctx: Ctx, kpi: Kpi,
    as_of: Instant | None = Query(None, description="Rebuild the feed as it stood at this time (ISO 8601)."),
    border: str | None = Query(None, description="mexico, canada, or all (default)."),
) -> Response:  # fmt: skip
    """SmartBorder's figures in CBP's ``bwt.xml`` schema (ISO-8859-1, same element names)."""
    records, now = _feed_records(ctx, kpi, as_of, border)
    return Response(
        bwt_feed.bwt_xml(records, now=now), media_type="application/xml; charset=ISO-8859-1"
    )


@router.get("/kpi/bwt.json", dependencies=public)
def kpi_bwt_json(
    ctx: Ctx, kpi: Kpi,
    as_of: Instant | None = Query(None, description="Rebuild the feed as it stood at this time (ISO 8601)."),
    border: str | None = Query(None, description="mexico, canada, or all (default)."),
) -> Response:  # fmt: skip
    """The same figures in the JSON form of CBP's BWT API (a list of port objects)."""
    records, _ = _feed_records(ctx, kpi, as_of, border)
    return Response(bwt_feed.bwt_json(records), media_type="application/json")
