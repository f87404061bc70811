"""What a caller reads of a record: its summary, versions, decisions and states."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel

from smartborder.store.tables.declarations import DecisionRow, DeclarationRow


class RecordSummary(BaseModel):
    id: str
    kind: str
    state: str
    port_code: str
    direction: str
    expected_arrival: datetime
    current_version: int
    submitter_org: str
    created_at: datetime
    updated_at: datetime


class SubmissionResult(BaseModel):
    record: RecordSummary
    decision: dict[str, Any]
    created: bool


class VersionView(BaseModel):
    version: int
    created_at: datetime
    submitted_by: str
    content_sha256: str
    declaration: dict[str, Any]


class StateView(BaseModel):
    state: str
    at: datetime
    actor: str
    note: str | None = None


class LegView(BaseModel):
    """One agency's leg of the trip: who clears it, where it is decided, its latest decision."""

    agency: str
    leg: str  # exit (export clearance) | entry
    decided_by: str  # this node | the peer node | not decided (a one-node demo decides entries)
    decision: dict[str, Any] | None = None


class RecordDetail(BaseModel):
    record: RecordSummary
    versions: list[VersionView]
    decisions: list[dict[str, Any]]
    history: list[StateView]
    legs: list[LegView] = []


def summary(row: DeclarationRow) -> RecordSummary:
    return RecordSummary(
        id=row.id,
        kind=row.kind,
        state=row.state,
        port_code=row.port_code,
        direction=row.direction,
        expected_arrival=row.expected_arrival,
        current_version=row.current_version,
        submitter_org=row.submitter_org,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def row_body(row: DecisionRow) -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads(row.body)
    body["declaration_id"] = row.declaration_id
    body["version"] = row.version
    return body
