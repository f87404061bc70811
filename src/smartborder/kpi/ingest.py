"""The fast path of crossing-event ingest: a batch body straight to rows, no model per event.

Each item is checked by a plain loop against the same rules as :class:`CrossingEvent`; an item
the loop does not accept in its canonical form (strings for enums, ISO 8601 time with an offset,
JSON booleans) is handed to the pydantic model, which either accepts it (its lax rules) or
explains what is wrong. So the result is what validating every event with the model would give,
at a fraction of the cost. Duplicates are found by the store (``ON CONFLICT DO NOTHING``) and
identified only when there are some.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from smartborder import ports
from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.kpi.errors import EventsInvalid
from smartborder.kpi.events import (
    CrossingEvent,
    EventKind,
    EventSource,
    IngestReport,
    TravelerClass,
    _problems_of,
)
from smartborder.store import kpi as kpi_store
from smartborder.store import transaction

EventRow = tuple[str, str, datetime, str, str | None, str, str, str, str, bool, str | None, str]

_ALLOWED = frozenset(CrossingEvent.model_fields)
# Used with fullmatch (``$`` would accept a trailing newline, which the model refuses).
_ID_RE = re.compile(r"[A-Za-z0-9._:~-]{1,64}")
# The canonical form the fast path parses itself: every string it matches, the model reads
# as the same instant; any other form (basic format, week dates, ``+05``...) goes to the model.
_TS_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
_KINDS = frozenset(k.value for k in EventKind)
_MODES = frozenset(m.value for m in ports.Mode)
_LANES = frozenset(lt.value for lt in ports.LaneType)
_DIRECTIONS = frozenset(d.value for d in ports.Direction)
_CLASSES = frozenset(c.value for c in TravelerClass)
_SOURCES = frozenset(s.value for s in EventSource)


@cache
def _registry() -> tuple[frozenset[str], dict[str, str]]:
    codes = frozenset(p.code for p in ports.all_ports())
    owner = {c.bwt_number: c.port_code for c in ports.all_crossings()}
    return codes, owner


def _fast(obj: Any) -> EventRow | None:
    """The row of a canonical event, or ``None`` to let the model decide."""
    if type(obj) is not dict or not obj.keys() <= _ALLOWED:
        return None
    eid = obj.get("event_id")
    kind = obj.get("kind")
    ts = obj.get("occurred_at")
    port = obj.get("port_code")
    crossing = obj.get("crossing")
    mode = obj.get("mode")
    lane = obj.get("lane_type")
    direction = obj.get("direction", "northbound")
    tclass = obj.get("traveler_class", "general")
    precleared = obj.get("precleared", False)
    subject = obj.get("subject_ref")
    source = obj.get("source", "reader")
    try:
        if (
            type(eid) is not str
            or not _ID_RE.fullmatch(eid)
            or kind not in _KINDS
            or type(ts) is not str
            or not _TS_RE.fullmatch(ts)
            or type(port) is not str
            or len(port) != 4
            or not (port.isascii() and port.isdigit())
            or (crossing is not None and (type(crossing) is not str or len(crossing) > 8))
            or mode not in _MODES
            or lane not in _LANES
            or direction not in _DIRECTIONS
            or tclass not in _CLASSES
            or type(precleared) is not bool
            or (subject is not None and (type(subject) is not str or len(subject) > 64))
            or source not in _SOURCES
        ):
            return None
    except TypeError:  # an unhashable value (array, object) where a name belongs
        return None
    try:
        when = datetime.fromisoformat(ts).astimezone(UTC)
    except (ValueError, OverflowError):  # hour 24, an offset of a day, year 9999 at UTC-5...
        return None
    if not 1900 <= when.year <= 2199:
        return None  # the model's own check says why
    return (eid, kind, when, port, crossing, mode, lane, direction, tclass, precleared, subject, source)  # fmt: skip


def event_row(ev: CrossingEvent) -> EventRow:
    """The stored form of an event (what ingest writes), for writers in other transactions."""
    return (
        ev.event_id, ev.kind.value, ev.occurred_at.astimezone(UTC), ev.port_code, ev.crossing,
        ev.mode.value, ev.lane_type.value, ev.direction.value, ev.traveler_class.value,
        ev.precleared, ev.subject_ref, ev.source.value,
    )  # fmt: skip


def _json_problem(where: str, exc: Exception) -> Problem:
    return Problem(
        where,
        "kpi.event.json_invalid",
        Text(f"Not valid JSON: {exc}.", f"No es JSON válido: {exc}."),
    )


def parse_event_rows(body: bytes, *, ndjson: bool | None = None) -> list[EventRow]:
    """Rows of a JSON array (or object) or NDJSON batch; :class:`EventsInvalid` lists every
    problem with its pointer ``/<index>/<field>`` and nothing is returned half-read."""
    text = body.strip()
    if not text:
        return []
    items: list[Any]
    problems: list[Problem] = []
    if ndjson is None:
        ndjson = not text.startswith(b"[")
    if ndjson:
        items = []
        for i, line in enumerate(text.split(b"\n")):
            if not line.strip():
                items.append(None)
                continue
            try:
                items.append(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                problems.append(_json_problem(f"/{i}", exc))
                items.append(None)
    else:
        try:
            doc = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise EventsInvalid(problems=[_json_problem("", exc)]) from None
        items = doc if isinstance(doc, list) else [doc]
    rows: list[EventRow] = []
    for i, obj in enumerate(items):
        if obj is None and ndjson:
            continue
        row = _fast(obj)
        if row is None:
            try:
                row = event_row(CrossingEvent.model_validate(obj))
            except ValidationError as exc:
                problems.extend(
                    Problem(f"/{i}{p.pointer}", p.code, p.message) for p in _problems_of(exc)
                )
                continue
        rows.append(row)
    if problems:
        raise EventsInvalid(problems=problems)
    return rows


def _reference_problems(rows: Sequence[EventRow]) -> list[Problem]:
    codes, owner = _registry()
    problems: list[Problem] = []
    for i, row in enumerate(rows):
        port, crossing = row[3], row[4]
        if port not in codes:
            problems.append(
                Problem(
                    f"/{i}/port_code",
                    "kpi.event.unknown_port",
                    Text(
                        f"Port {port} is not a U.S.-Mexico port of entry; see GET /ports.",
                        f"El puerto {port} no es un puerto de entrada México-EE. UU.; consulte GET /ports.",
                    ),
                )
            )
        elif crossing is not None and owner.get(crossing) != port:
            problems.append(
                Problem(
                    f"/{i}/crossing",
                    "kpi.event.unknown_crossing",
                    Text(
                        f"Crossing {crossing} is not a crossing of port {port}.",
                        f"El cruce {crossing} no pertenece al puerto {port}.",
                    ),
                )
            )
    return problems


def ingest_rows(
    sessions: sessionmaker[Session], rows: Sequence[EventRow], *, now: datetime | None = None
) -> IngestReport:
    """Store ``rows`` in one transaction; ids already stored or repeated are duplicates.

    Raises :class:`EventsInvalid` (nothing stored) for an unknown port or a crossing of
    another port.
    """
    problems = _reference_problems(rows)
    if problems:
        raise EventsInvalid(problems=problems)
    received_at = now or datetime.now(UTC)
    unique: dict[str, EventRow] = {}
    dup_ids: list[str] = []
    for row in rows:
        if row[0] in unique:
            dup_ids.append(row[0])
        else:
            unique[row[0]] = row
    with transaction(sessions) as session:
        stored, earlier = kpi_store.store_event_rows(
            session, list(unique.values()), received_at=received_at
        )
    if earlier:
        dup_ids.extend(eid for eid in unique if eid in earlier)
    return IngestReport(
        received=len(rows),
        stored=stored,
        duplicates=len(rows) - stored,
        duplicate_ids=dup_ids[:100],
    )


def ingest_events(
    sessions: sessionmaker[Session], events: Sequence[CrossingEvent], *, now: datetime | None = None
) -> IngestReport:
    """Store validated :class:`CrossingEvent` models (see :func:`ingest_rows`)."""
    return ingest_rows(sessions, [event_row(ev) for ev in events], now=now)


def ingest_batch(
    sessions: sessionmaker[Session], body: bytes, *, ndjson: bool | None = None
) -> IngestReport:
    """Parse and store a batch body (what ``POST /events`` and ``kpi ingest`` do)."""
    return ingest_rows(sessions, parse_event_rows(body, ndjson=ndjson))


__all__ = [
    "EventRow",
    "event_row",
    "ingest_batch",
    "ingest_events",
    "ingest_rows",
    "parse_event_rows",
]
