"""Border KPIs and open data: crossing events, BTS and BWT importers, KPI queries, open feeds.

Parsers (no store): :func:`parse_bwt` (CBP Border Wait Times, XML or JSON, one snapshot) and
:func:`parse_bts` (BTS Border Crossing Entry Data). Importers into the store: :func:`import_bwt`
(files, folders, tars; resumable) and :func:`import_bts`. Crossing events: :class:`CrossingEvent`,
:func:`parse_events`, :func:`ingest_events`. KPIs: :class:`KpiEngine` (DuckDB; ``engine_for``
shares one per store). Public sources fetched: :func:`fetch_bts` (Socrata, resumable,
checksummed) and :func:`poll_bwt` (CBP's feed, conditional GET, monthly archives). Open data: :func:`dictionary`, :func:`bwt_ports` with :func:`bwt_xml` /
:func:`bwt_json` (SmartBorder's figures in CBP's BWT schema).
"""

from smartborder.kpi.bts import MEASURES, BtsParse, BtsProblem, BtsRecord, parse_bts
from smartborder.kpi.bts_fetch import BtsDownload, fetch_bts, import_fetched_bts
from smartborder.kpi.bwt import (
    PLATFORM_LANE,
    PLATFORM_MODE,
    BwtPort,
    BwtProblem,
    BwtReading,
    BwtSnapshot,
    parse_bwt,
    parse_update_time,
)
from smartborder.kpi.bwt_poll import BwtPoll, poll_bwt
from smartborder.kpi.dictionary import DATASETS, dictionary
from smartborder.kpi.download import http_client
from smartborder.kpi.errors import (
    EventsInvalid,
    FetchFailed,
    ImportSourceInvalid,
    NoKpiData,
    QueryInvalid,
)
from smartborder.kpi.events import (
    TRUSTED_CLASSES,
    CrossingEvent,
    EventKind,
    EventSource,
    IngestReport,
    TravelerClass,
    parse_events,
)
from smartborder.kpi.feed import bwt_json, bwt_ports, bwt_xml, format_update_time
from smartborder.kpi.filters import Filters
from smartborder.kpi.forecast import (
    WaitForecaster,
    evaluate_forecaster,
    fit_forecaster,
    forecast,
)
from smartborder.kpi.forecast import model_path as forecast_model_path
from smartborder.kpi.forecast_bands import band_coverage, fit_with_bands
from smartborder.kpi.forecast_data import stored_observations
from smartborder.kpi.forecast_features import WaitObservation
from smartborder.kpi.forecast_retrain import ForecastRetrainer, retrain, retrain_interval
from smartborder.kpi.forecast_target import TargetReport, evaluate_target
from smartborder.kpi.importers import (
    ImportReport,
    SkippedItem,
    import_bts,
    import_bwt,
    import_bwt_snapshots,
    iter_snapshot_sources,
)
from smartborder.kpi.ingest import event_row, ingest_batch, ingest_events
from smartborder.kpi.queries import KpiEngine, engine_for

__all__ = [
    "BtsDownload",
    "BwtPoll",
    "FetchFailed",
    "fetch_bts",
    "http_client",
    "import_bwt_snapshots",
    "import_fetched_bts",
    "poll_bwt",
    "ForecastRetrainer",
    "TargetReport",
    "WaitObservation",
    "evaluate_target",
    "forecast_model_path",
    "retrain",
    "retrain_interval",
    "stored_observations",
    "WaitForecaster",
    "band_coverage",
    "fit_with_bands",
    "evaluate_forecaster",
    "event_row",
    "fit_forecaster",
    "forecast",
    "DATASETS",
    "MEASURES",
    "PLATFORM_LANE",
    "PLATFORM_MODE",
    "Filters",
    "KpiEngine",
    "bwt_json",
    "bwt_ports",
    "bwt_xml",
    "dictionary",
    "engine_for",
    "format_update_time",
    "TRUSTED_CLASSES",
    "CrossingEvent",
    "EventKind",
    "EventSource",
    "IngestReport",
    "TravelerClass",
    "ingest_batch",
    "ingest_events",
    "parse_events",
    "BtsParse",
    "BtsProblem",
    "BtsRecord",
    "BwtPort",
    "BwtProblem",
    "BwtReading",
    "BwtSnapshot",
    "EventsInvalid",
    "ImportReport",
    "ImportSourceInvalid",
    "NoKpiData",
    "QueryInvalid",
    "SkippedItem",
    "import_bts",
    "import_bwt",
    "iter_snapshot_sources",
    "parse_bts",
    "parse_bwt",
    "parse_update_time",
]
