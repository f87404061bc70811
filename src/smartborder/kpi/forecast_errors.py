"""Errors of the wait-time forecaster (beside the KPI domain's errors.py)::

InvalidInput
└── ForecastInvalid      kpi.forecast_invalid    a bad horizon, lane type, or no usable data
NotFound
└── NoForecast           kpi.no_forecast         nothing published for the crossing and lane
"""

from __future__ import annotations

from smartborder.errors import InvalidInput, NotFound, Unavailable
from smartborder.i18n import Text


class ForecastInvalid(InvalidInput):
    code = "kpi.forecast_invalid"
    default_message = Text(
        "The forecast request is not valid; see docs/forecasts.md.",
        "La solicitud de pronóstico no es válida; consulte docs/forecasts.md.",
    )


class NoForecast(NotFound):
    code = "kpi.no_forecast"
    default_message = Text(
        "No wait has been published for this crossing and lane type; import the BWT feed first "
        "(smartborder kpi import-bwt) or pick another lane.",
        "No se ha publicado ninguna espera para este cruce y tipo de carril; importe primero el "
        "feed BWT (smartborder kpi import-bwt) o elija otro carril.",
    )


class ModelUnreadable(Unavailable):
    code = "kpi.forecast_model_unreadable"
    default_message = Text(
        "The trained forecast model cannot be loaded; retrain it with smartborder kpi forecast-train.",
        "No se puede cargar el modelo de pronóstico entrenado; vuelva a entrenarlo con smartborder kpi forecast-train.",
    )


__all__ = ["ForecastInvalid", "ModelUnreadable", "NoForecast"]
