"""Errors of the KPI domain (crossing events, importers, KPI queries, open data).

::

    InvalidInput
    ├── EventsInvalid          kpi.events_invalid      a batch of crossing events is malformed
    ├── ImportSourceInvalid    kpi.source_invalid      a BTS or BWT source cannot be read at all
    └── QueryInvalid           kpi.query_invalid       a KPI query names an unknown metric, grouping or format
    NotFound
    └── NoKpiData              kpi.no_data             nothing has been imported for what was asked
    Unavailable
    └── FetchFailed            kpi.fetch_failed        a public source (BTS, CBP BWT) could not be fetched
                                                       whole: offline, DNS, timeout, HTTP error, truncated,
                                                       HTML instead of data, checksum mismatch

Bad rows inside a readable file are not errors: importers skip them and list them in their
report (file, line or snapshot, and why), so one bad row never costs the good ones.
"""

from __future__ import annotations

from smartborder.errors import InvalidInput, NotFound, Unavailable
from smartborder.i18n import Text


class EventsInvalid(InvalidInput):
    code = "kpi.events_invalid"
    default_message = Text(
        "The crossing events are not valid; each problem is listed with the event's position. "
        "Send a JSON array or NDJSON of events as documented in docs/kpi.md.",
        "Los eventos de cruce no son válidos; cada problema se indica con la posición del evento. "
        "Envíe un arreglo JSON o NDJSON de eventos como se documenta en docs/kpi.md.",
    )


class ImportSourceInvalid(InvalidInput):
    code = "kpi.source_invalid"
    default_message = Text(
        "The import source cannot be read; give a BTS CSV or zip, or a BWT XML, JSON, folder or tar.",
        "No se puede leer la fuente a importar; indique un CSV o zip de BTS, o un XML, JSON, carpeta o tar de BWT.",
    )


class QueryInvalid(InvalidInput):
    code = "kpi.query_invalid"
    default_message = Text(
        "The KPI query is not valid; see GET /kpi/dictionary for metrics, groupings and formats.",
        "La consulta de indicadores no es válida; consulte GET /kpi/dictionary para métricas, agrupaciones y formatos.",
    )


class NoKpiData(NotFound):
    code = "kpi.no_data"
    default_message = Text(
        "No data has been imported for this query; import BWT or BTS data first (smartborder kpi import-bwt).",
        "No se han importado datos para esta consulta; importe primero datos BWT o BTS (smartborder kpi import-bwt).",
    )


class FetchFailed(Unavailable):
    """A download from a public source failed; nothing of it was imported.

    ``extra`` carries ``source`` (bts, bwt), ``url`` and ``reason`` (offline, timeout, http_status,
    truncated, not_data, checksum); the message names the source and the URL in both languages.
    """

    code = "kpi.fetch_failed"
    default_message = Text(
        "A public data source could not be fetched; nothing was imported. Check the network and retry.",
        "No se pudo descargar una fuente de datos pública; no se importó nada. Revise la red y reintente.",
    )


__all__ = ["EventsInvalid", "FetchFailed", "ImportSourceInvalid", "NoKpiData", "QueryInvalid"]
