"""``GET /kpi/forecast``: wait forecasts 1–6 h ahead for one crossing and lane type (public)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from smartborder import ports
from smartborder.api.deps import Ctx
from smartborder.api.ratelimit import public_rate_limit
from smartborder.i18n import Text
from smartborder.kpi import engine_for
from smartborder.kpi.forecast import (
    ForecastCache,
    SeriesForecast,
    forecast,
    load_model_cached,
    model_path,
)
from smartborder.kpi.forecast_data import recent_observations
from smartborder.kpi.forecast_errors import ForecastInvalid, NoForecast
from smartborder.kpi.forecast_features import LANE_TYPES, build_series

router = APIRouter(prefix="/kpi", tags=["forecasts"])

# Enough history for every feature: the same hour a week before the target (168 h) plus slack.
HISTORY = timedelta(days=8)


class ForecastResponse(SeriesForecast):
    port_code: str
    port_name: str
    crossing_name: str


@router.get(
    "/forecast",
    response_model=ForecastResponse,
    dependencies=[Depends(public_rate_limit)],
    summary="Wait forecast 1-6 hours ahead for one crossing and lane type",
    responses={404: {"description": "No forecast model for this crossing and lane."}},
)
def get_forecast(
    request: Request,
    ctx: Ctx,
    crossing: Annotated[
        str, Query(description="CBP Border Wait Times crossing number, e.g. 250401.")
    ],
    lane: Annotated[
        str,
        Query(description=f"Lane type: one of {', '.join(LANE_TYPES)}."),
    ] = "passenger_standard",
) -> ForecastResponse:
    """Forecast from the crossing's last published wait, with the trained model where one has
    been trained (``smartborder kpi forecast-train``), else the hour-of-week mean of the
    stored history (``method`` says which)."""
    if lane not in LANE_TYPES:
        raise ForecastInvalid(
            Text(
                f"Unknown lane type {lane!r}; use one of {', '.join(LANE_TYPES)}.",
                f"Tipo de carril desconocido {lane!r}; use uno de {', '.join(LANE_TYPES)}.",
            )
        )
    known = ports.get_crossing(crossing)  # UnknownCrossing (400) for a number not on the border
    port = ports.get_port(known.port_code)
    kpi = engine_for(ctx.engine)
    path = model_path(ctx.settings.home)
    model = load_model_cached(path)
    # The model's history reaches back from the last reading, wherever that is in time.
    latest = recent_observations(
        kpi, crossing=crossing, lane=lane, since=datetime(1970, 1, 1, tzinfo=UTC), last_only=True
    )
    if not latest:
        raise NoForecast()
    cache: ForecastCache | None = getattr(request.app.state, "forecast_cache", None)
    if cache is None:
        cache = request.app.state.forecast_cache = ForecastCache()
    key = (crossing, lane, latest[-1].at_utc, id(model), path.stat().st_mtime if model else None)
    result = cache.get(key)
    if result is None:
        obs = recent_observations(
            kpi, crossing=crossing, lane=lane, since=latest[-1].at_utc - HISTORY
        )
        series = build_series(obs).get((crossing, lane))
        result = forecast(model, series) if series is not None else None
        if result is None:
            raise NoForecast()
        cache.put(key, result)
    return ForecastResponse(
        **result.model_dump(),
        port_code=port.code,
        port_name=port.name,
        crossing_name=known.name,
    )
