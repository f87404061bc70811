"""Crossing events: what happens to one vehicle or person at a port, and their durable ingest.

A crossing is a short story told by events sharing a ``subject_ref`` (a pseudonymous id — never
a name or document number): it ``queue_joined``, ``primary_reached`` the booth, and was either
``released`` or ``referred_secondary`` and later ``secondary_left``. Events come from
pre-clearance records, from the twin, or from readers at the port (RFID or Bluetooth, as in
TTI's Border Crossing Information System). Each carries its port, crossing, mode, lane type,
traveler class and whether the traveler was pre-cleared.

Ingest (:mod:`smartborder.kpi.ingest`) is idempotent by ``event_id``: an id already stored (or
repeated in the batch) is counted as a duplicate and skipped, never overwritten. A batch is
validated first and written in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import orjson
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from smartborder import ports
from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.kpi.errors import EventsInvalid


class EventKind(StrEnum):
    """The steps of one crossing, in order."""

    QUEUE_JOINED = "queue_joined"
    PRIMARY_REACHED = "primary_reached"
    RELEASED = "released"
    REFERRED_SECONDARY = "referred_secondary"
    SECONDARY_LEFT = "secondary_left"


class TravelerClass(StrEnum):
    """Who is crossing, as far as the lanes and programs are concerned."""

    GENERAL = "general"
    READY = "ready"  # RFID-enabled travel document (Ready Lane)
    TRUSTED_TRAVELER = "trusted_traveler"  # SENTRI, NEXUS, Global Entry
    COMMERCIAL = "commercial"
    COMMERCIAL_TRUSTED = "commercial_trusted"  # FAST card holder, C-TPAT carrier


TRUSTED_CLASSES = frozenset({TravelerClass.TRUSTED_TRAVELER, TravelerClass.COMMERCIAL_TRUSTED})


class EventSource(StrEnum):
    PRECLEARANCE = "preclearance"
    TWIN = "twin"
    READER = "reader"
    MANUAL = "manual"


EventId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:~-]+$")]


class CrossingEvent(BaseModel):
    """One event at a port. ``occurred_at`` must carry a time zone; it is stored in UTC."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: EventId = Field(
        description="Unique id chosen by the sender; re-sending it is a no-op."
    )
    kind: EventKind
    occurred_at: AwareDatetime
    port_code: str = Field(pattern=r"^\d{4}$", description="4-digit CBP port code, e.g. 2504.")
    crossing: str | None = Field(
        default=None, max_length=8, description="BWT crossing number, e.g. 250401."
    )
    mode: ports.Mode
    lane_type: ports.LaneType
    direction: ports.Direction = ports.Direction.NORTHBOUND
    traveler_class: TravelerClass = TravelerClass.GENERAL
    precleared: bool = False
    subject_ref: str | None = Field(
        default=None, max_length=64, description="Pseudonymous id linking one crossing's events."
    )
    source: EventSource = EventSource.READER

    @field_validator("occurred_at")
    @classmethod
    def _storable_instant(cls, value: datetime) -> datetime:
        # Stored in UTC: an instant whose UTC form leaves the calendar (year 9999 with a
        # negative offset, year 1 with a positive one) cannot be stored; nor is it an event.
        try:
            utc = value.astimezone(UTC)
        except OverflowError:
            utc = None
        if utc is None or not 1900 <= utc.year <= 2199:
            raise ValueError("occurred_at must be an instant between the years 1900 and 2199")
        return value


class IngestReport(BaseModel):
    """What an ingest did: events received, stored, and duplicates skipped (with their ids)."""

    received: int
    stored: int
    duplicates: int
    duplicate_ids: list[str] = Field(default_factory=list, description="The first 100 duplicates.")


_EVENTS = TypeAdapter(list[CrossingEvent])
_EVENT = TypeAdapter(CrossingEvent)


def _problems_of(exc: ValidationError, *, offset: int = 0) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        if loc and isinstance(loc[0], int):
            loc[0] = int(loc[0]) + offset
        pointer = "/" + "/".join(str(p) for p in loc)
        msg = str(err.get("msg", "invalid"))
        out.append(
            Problem(
                pointer,
                f"kpi.event.{err.get('type', 'invalid')}",
                Text(msg, f"Valor no válido: {msg}"),
            )
        )
    return out


def parse_events(body: bytes, *, ndjson: bool | None = None) -> list[CrossingEvent]:
    """A JSON array (or one object) or NDJSON of events; raises :class:`EventsInvalid` listing
    every problem with its JSON pointer (``/<index>/<field>``)."""
    text = body.strip()
    if ndjson is None:
        ndjson = not text.startswith(b"[")
    if not text:
        return []
    if not ndjson:
        try:
            return _EVENTS.validate_json(text)
        except ValidationError as exc:
            raise EventsInvalid(problems=_problems_of(exc)) from None
    events: list[CrossingEvent] = []
    problems: list[Problem] = []
    for i, line in enumerate(text.split(b"\n")):
        if not line.strip():
            continue
        try:
            events.append(_EVENT.validate_json(line))
        except ValidationError as exc:
            for p in _problems_of(exc):
                problems.append(
                    Problem(f"/{i}{p.pointer if p.pointer != '/' else ''}", p.code, p.message)
                )
    if problems:
        raise EventsInvalid(problems=problems)
    return events


def events_to_ndjson(events: Sequence[CrossingEvent]) -> bytes:
    """NDJSON of ``events`` (the form ``POST /events`` and ``kpi ingest`` accept)."""
    return b"\n".join(orjson.dumps(ev.model_dump(mode="json")) for ev in events) + b"\n"


__all__ = [
    "TRUSTED_CLASSES",
    "CrossingEvent",
    "EventKind",
    "EventSource",
    "IngestReport",
    "TravelerClass",
    "events_to_ndjson",
    "parse_events",
]
