"""Border KPIs and open data: crossing events, BTS and BWT importers, KPI queries, open feeds.

Parsers (no store): :func:`parse_bwt` (CBP Border Wait Times, XML or JSON, one snapshot) and
:func:`parse_bts` (BTS Border Crossing Entry Data). Importers into the store: :func:`import_bwt`
(files, folders, tars; resumable) and :func:`import_bts`.
"""

from smartborder.kpi.bts import MEASURES, BtsParse, BtsProblem, BtsRecord, parse_bts
from smartborder.kpi.bwt import (
    BwtPort,
    BwtProblem,
    BwtReading,
    BwtSnapshot,
    parse_bwt,
    parse_update_time,
)
from smartborder.kpi.errors import EventsInvalid, ImportSourceInvalid, NoKpiData, QueryInvalid
from smartborder.kpi.events import (
    TRUSTED_CLASSES,
    CrossingEvent,
    EventKind,
    EventSource,
    IngestReport,
    TravelerClass,
    ingest_events,
    parse_events,
)
from smartborder.kpi.importers import (
    ImportReport,
    SkippedItem,
    import_bts,
    import_bwt,
    iter_snapshot_sources,
)

__all__ = [
    "MEASURES",
    "TRUSTED_CLASSES",
    "CrossingEvent",
    "EventKind",
    "EventSource",
    "IngestReport",
    "TravelerClass",
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
