"""The open-data dictionary: every dataset under ``GET /kpi/...`` and every column, in English
and Spanish, with its type and unit. Served at ``GET /kpi/dictionary``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smartborder.i18n import Lang, Text


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    unit: str
    text: Text


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    path: str
    text: Text
    source: str
    columns: tuple[Column, ...]


def _c(name: str, type_: str, unit: str, en: str, es: str) -> Column:
    return Column(name, type_, unit, Text(en, es))


_KEYS = (
    _c("border", "string", "", "mexico or canada.", "mexico o canada."),
    _c(
        "port_code",
        "string",
        "",
        "4-digit CBP port code (grouping 'port').",
        "Código CBP de 4 dígitos del puerto (agrupación 'port').",
    ),
    _c(
        "port_number",
        "string",
        "",
        "CBP Border Wait Times crossing number (grouping 'crossing').",
        "Número de cruce de CBP Border Wait Times (agrupación 'crossing').",
    ),
    _c(
        "crossing",
        "string",
        "",
        "CBP Border Wait Times crossing number.",
        "Número de cruce de CBP Border Wait Times.",
    ),
    _c(
        "mode",
        "string",
        "",
        "passenger_vehicle, commercial or pedestrian.",
        "passenger_vehicle, commercial o pedestrian.",
    ),
    _c(
        "lane_type",
        "string",
        "",
        "general, ready, sentri, fast or precleared.",
        "general, ready, sentri, fast o precleared.",
    ),
    _c(
        "period",
        "date|timestamp|integer",
        "local time",
        "The period (grain): local hour or day at the port, ISO week start, month, hour of day (0-23), ISO weekday (1 = Monday).",
        "El periodo (grano): hora o día local del puerto, inicio de semana ISO, mes, hora del día (0-23), día ISO de la semana (1 = lunes).",
    ),
)
_RELIABILITY = (
    _c(
        "buffer_index",
        "number",
        "ratio",
        "FHWA buffer index: (p95 travel time - mean travel time) / mean travel time; travel time = wait + primary inspection time of the mode (FHWA-HOP-06-070).",
        "Índice de amortiguamiento de FHWA: (tiempo de recorrido p95 - promedio) / promedio; tiempo de recorrido = espera + tiempo de inspección primaria del modo (FHWA-HOP-06-070).",
    ),
    _c(
        "planning_time_index",
        "number",
        "ratio",
        "FHWA planning time index: p95 travel time / free-flow travel time; free flow = crossing with no queue (primary inspection time only).",
        "Índice de tiempo de planeación de FHWA: tiempo de recorrido p95 / tiempo a flujo libre; flujo libre = cruzar sin fila (solo la inspección primaria).",
    ),
)

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "waits",
        "/kpi/waits",
        Text(
            "Wait-time KPIs from CBP Border Wait Times readings imported into SmartBorder.",
            "Indicadores de tiempo de espera a partir de las lecturas de CBP Border Wait Times importadas en SmartBorder.",
        ),
        "U.S. CBP Border Wait Times feed (public domain)",
        _KEYS
        + (
            _c(
                "readings",
                "integer",
                "count",
                "Readings with a delay in the group.",
                "Lecturas con demora en el grupo.",
            ),
            _c(
                "wait_mean_min",
                "number",
                "minutes",
                "Mean published wait to reach the primary booth.",
                "Espera promedio publicada para llegar a la caseta primaria.",
            ),
            _c("wait_median_min", "number", "minutes", "Median wait.", "Mediana de la espera."),
            _c(
                "wait_p95_min",
                "number",
                "minutes",
                "95th percentile of the wait (linear interpolation).",
                "Percentil 95 de la espera (interpolación lineal).",
            ),
            _c("wait_max_min", "integer", "minutes", "Longest wait.", "Espera máxima."),
            _c(
                "lanes_open_mean",
                "number",
                "lanes",
                "Mean lanes open.",
                "Carriles abiertos en promedio.",
            ),
            *_RELIABILITY,
            _c(
                "idling_vehicle_min_est",
                "number",
                "vehicle-minutes",
                "Estimated vehicle-minutes idling: lanes open x vehicles per lane-hour at primary x wait, one hour per reading.",
                "Vehículos-minuto en ralentí estimados: carriles abiertos x vehículos por carril-hora en primaria x espera, una hora por lectura.",
            ),
            _c(
                "idling_co2_kg_est",
                "number",
                "kg",
                "Estimated CO2 from idling (the twin's factors, smartborder.ports.emissions).",
                "CO2 estimado en ralentí (factores del gemelo, smartborder.ports.emissions).",
            ),
            _c(
                "idling_nox_g_est",
                "number",
                "g",
                "Estimated NOx from idling.",
                "NOx estimado en ralentí.",
            ),
            _c(
                "idling_pm25_g_est",
                "number",
                "g",
                "Estimated PM2.5 from idling.",
                "PM2.5 estimado en ralentí.",
            ),
        ),
    ),
    Dataset(
        "events",
        "/kpi/events",
        Text(
            "KPIs from crossing events (POST /events): volumes, measured waits, shares, inspection rate, throughput, emissions.",
            "Indicadores a partir de eventos de cruce (POST /events): volúmenes, esperas medidas, proporciones, tasa de inspección, capacidad, emisiones.",
        ),
        "SmartBorder crossing events",
        _KEYS
        + (
            _c(
                "direction",
                "string",
                "",
                "northbound or southbound.",
                "northbound (norte) o southbound (sur).",
            ),
            _c(
                "traveler_class",
                "string",
                "",
                "general, ready, trusted_traveler, commercial or commercial_trusted.",
                "general, ready, trusted_traveler, commercial o commercial_trusted.",
            ),
            _c(
                "volume",
                "integer",
                "count",
                "Vehicles or people that reached primary inspection.",
                "Vehículos o personas que llegaron a la inspección primaria.",
            ),
            _c(
                "waits_measured",
                "integer",
                "count",
                "Of them, those with a queue_joined event (a measured wait).",
                "De ellos, los que tienen evento queue_joined (espera medida).",
            ),
            _c(
                "wait_mean_min",
                "number",
                "minutes",
                "Mean time from queue_joined to primary_reached.",
                "Tiempo promedio de queue_joined a primary_reached.",
            ),
            _c(
                "wait_median_min",
                "number",
                "minutes",
                "Median of that time.",
                "Mediana de ese tiempo.",
            ),
            _c(
                "wait_p95_min",
                "number",
                "minutes",
                "95th percentile of that time.",
                "Percentil 95 de ese tiempo.",
            ),
            _c(
                "trusted_travelers",
                "integer",
                "count",
                "Of volume, those in trusted-traveler programs (the numerator of trusted_traveler_share).",
                "Del volumen, los de programas de viajero confiable (numerador de trusted_traveler_share).",
            ),
            _c(
                "trusted_traveler_share",
                "number",
                "ratio",
                "Share of volume in trusted-traveler programs (SENTRI, NEXUS, Global Entry, FAST).",
                "Proporción del volumen en programas de viajero confiable (SENTRI, NEXUS, Global Entry, FAST).",
            ),
            _c(
                "precleared",
                "integer",
                "count",
                "Of volume, those pre-cleared (the numerator of precleared_share; volume is its denominator).",
                "Del volumen, los que tenían predespacho (numerador de precleared_share; volume es el denominador).",
            ),
            _c(
                "precleared_share",
                "number",
                "ratio",
                "Share of volume pre-cleared through SmartBorder.",
                "Proporción del volumen con predespacho en SmartBorder.",
            ),
            _c(
                "referred_secondary",
                "integer",
                "count",
                "Referrals to secondary inspection.",
                "Envíos a inspección secundaria.",
            ),
            _c(
                "inspection_rate",
                "number",
                "ratio",
                "referred_secondary / volume.",
                "referred_secondary / volume.",
            ),
            _c(
                "secondary_mean_min",
                "number",
                "minutes",
                "Mean time in secondary (referred_secondary to secondary_left).",
                "Tiempo promedio en secundaria (referred_secondary a secondary_left).",
            ),
            _c(
                "throughput_per_lane_h",
                "number",
                "per lane-hour",
                "Vehicles through primary per open lane per hour (lanes open from BWT readings of the same hour).",
                "Vehículos por carril abierto por hora en primaria (carriles abiertos según lecturas BWT de la misma hora).",
            ),
            _c(
                "idling_vehicle_min",
                "number",
                "vehicle-minutes",
                "Measured minutes waiting, summed.",
                "Minutos de espera medidos, sumados.",
            ),
            _c(
                "idling_co2_kg",
                "number",
                "kg",
                "CO2 from idling (the twin's factors).",
                "CO2 en ralentí (factores del gemelo).",
            ),
            _c("idling_nox_g", "number", "g", "NOx from idling.", "NOx en ralentí."),
            _c("idling_pm25_g", "number", "g", "PM2.5 from idling.", "PM2.5 en ralentí."),
        ),
    ),
    Dataset(
        "volumes",
        "/kpi/volumes",
        Text(
            "Inbound crossings by port and measure from BTS Border Crossing Entry Data; where no BTS counts are stored, the northbound crossings this node counted from its crossing events (meta.source says which).",
            "Cruces de entrada por puerto y medida de BTS Border Crossing Entry Data; si no hay conteos BTS guardados, los cruces hacia el norte que este nodo contó de sus eventos de cruce (meta.source indica cuál).",
        ),
        "U.S. Bureau of Transportation Statistics (public domain), or this node's crossing events",
        (
            _c("port_code", "string", "", "4-digit CBP port code.", "Código CBP de 4 dígitos."),
            _c(
                "measure",
                "string",
                "",
                "BTS measure, e.g. Personal Vehicles, Trucks, Pedestrians.",
                "Medida de BTS, p. ej. Personal Vehicles, Trucks, Pedestrians.",
            ),
            _c("border", "string", "", "mexico or canada.", "mexico o canada."),
            _c("state", "string", "", "U.S. state.", "Estado de EE. UU."),
            _c(
                "period",
                "date|integer",
                "",
                "First day of the month, or the year.",
                "Primer día del mes, o el año.",
            ),
            _c(
                "crossings",
                "integer",
                "count",
                "Inbound crossings summed.",
                "Cruces de entrada sumados.",
            ),
            _c(
                "months",
                "integer",
                "count",
                "Months with data in the group.",
                "Meses con datos en el grupo.",
            ),
        ),
    ),
    Dataset(
        "compare",
        "/kpi/compare",
        Text(
            "One wait KPI per group in two periods and the change between them.",
            "Un indicador de espera por grupo en dos periodos y el cambio entre ellos.",
        ),
        "as /kpi/waits",
        (
            _c(
                "value_a",
                "number",
                "as the metric",
                "The metric in period A.",
                "La métrica en el periodo A.",
            ),
            _c(
                "value_b",
                "number",
                "as the metric",
                "The metric in period B.",
                "La métrica en el periodo B.",
            ),
            _c(
                "readings_a",
                "integer",
                "count",
                "Readings value_a stands on.",
                "Lecturas en que se basa value_a.",
            ),
            _c(
                "readings_b",
                "integer",
                "count",
                "Readings value_b stands on.",
                "Lecturas en que se basa value_b.",
            ),
            _c("change", "number", "as the metric", "value_b - value_a.", "value_b - value_a."),
            _c(
                "change_ratio",
                "number",
                "ratio",
                "(value_b - value_a) / value_a.",
                "(value_b - value_a) / value_a.",
            ),
        ),
    ),
    Dataset(
        "latest",
        "/kpi/latest",
        Text(
            "The newest reading of every crossing, mode and lane type.",
            "La lectura más reciente de cada cruce, modo y tipo de carril.",
        ),
        "U.S. CBP Border Wait Times feed",
        (
            *(c for c in _KEYS if c.name != "period"),
            _c("port_name", "string", "", "Port name.", "Nombre del puerto."),
            _c("crossing_name", "string", "", "Crossing name.", "Nombre del cruce."),
            _c(
                "updated_at",
                "timestamp",
                "UTC",
                "When CBP updated the reading.",
                "Cuándo CBP actualizó la lectura.",
            ),
            _c("status", "string", "", "no_delay, delay or closed.", "no_delay, delay o closed."),
            _c("delay_min", "integer", "minutes", "Published wait.", "Espera publicada."),
            _c("lanes_open", "integer", "lanes", "Lanes open.", "Carriles abiertos."),
            _c(
                "max_lanes",
                "integer",
                "lanes",
                "Maximum lanes of the mode.",
                "Carriles máximos del modo.",
            ),
            _c("tz", "string", "", "IANA time zone of the port.", "Zona horaria IANA del puerto."),
        ),
    ),
    Dataset(
        "heatmap",
        "/kpi/heatmap",
        Text(
            "Mean and p95 wait by weekday and local hour at one crossing lane.",
            "Espera promedio y p95 por día de la semana y hora local en un carril de un cruce.",
        ),
        "U.S. CBP Border Wait Times feed",
        (
            _c(
                "weekday",
                "integer",
                "",
                "ISO weekday, 1 = Monday.",
                "Día ISO de la semana, 1 = lunes.",
            ),
            _c("hour", "integer", "", "Local hour 0-23.", "Hora local 0-23."),
            _c("readings", "integer", "count", "Readings.", "Lecturas."),
            _c("wait_mean_min", "number", "minutes", "Mean wait.", "Espera promedio."),
            _c(
                "wait_p95_min", "number", "minutes", "95th percentile wait.", "Espera percentil 95."
            ),
        ),
    ),
)


def dictionary(lang: Lang | None = None) -> dict[str, Any]:
    """The dictionary as JSON: both languages, or one if ``lang`` is given."""

    def text(t: Text) -> dict[str, str] | str:
        return t.get(lang) if lang is not None else {"en": t.en, "es": t.es}

    return {
        "formats": ["json", "csv", "parquet"],
        "format_selection": "?format=json|csv|parquet, or the Accept header (application/json, text/csv, application/vnd.apache.parquet)",
        "groupings": ["border", "port", "crossing", "mode", "lane_type"],
        "grains": ["hour", "day", "week", "month", "hour_of_day", "weekday"],
        "times": "Stored in UTC; periods and date filters are in each port's local time.",
        "datasets": [
            {
                "name": d.name,
                "path": d.path,
                "description": text(d.text),
                "source": d.source,
                "columns": [
                    {"name": c.name, "type": c.type, "unit": c.unit, "description": text(c.text)}
                    for c in d.columns
                ],
            }
            for d in DATASETS
        ],
        "feeds": [
            {
                "path": "/kpi/bwt.xml",
                "description": text(
                    Text(
                        "SmartBorder's figures in CBP's Border Wait Times XML schema (bwt.xml).",
                        "Las cifras de SmartBorder en el esquema XML de CBP Border Wait Times (bwt.xml).",
                    )
                ),
            },
            {
                "path": "/kpi/bwt.json",
                "description": text(
                    Text(
                        "The same in the JSON form of CBP's API.",
                        "Lo mismo en la forma JSON de la API de CBP.",
                    )
                ),
            },
        ],
    }


__all__ = ["DATASETS", "Column", "Dataset", "dictionary"]
