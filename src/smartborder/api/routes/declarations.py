"""Pre-arrival declarations (trucks, travelers), their records and the decisions on them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from pydantic import BaseModel

from smartborder.api.deps import AppContext, Ctx, DbSession, require_scopes
from smartborder.clients import Principal
from smartborder.clients.roles import (
    DECISIONS_READ,
    DECLARATIONS_READ,
    DECLARATIONS_WRITE,
    EVENTS_WRITE,
)
from smartborder.errors import InvalidInput
from smartborder.i18n import Text
from smartborder.preclearance import records
from smartborder.preclearance.lifecycle import State

router = APIRouter(tags=["declarations"])

Writer = Annotated[Principal, Depends(require_scopes(DECLARATIONS_WRITE))]
Reader = Annotated[Principal, Depends(require_scopes(DECLARATIONS_READ))]
DecisionReader = Annotated[Principal, Depends(require_scopes(DECISIONS_READ))]
Mover = Annotated[Principal, Depends(require_scopes(EVENTS_WRITE))]
IDEMPOTENCY_KEY_MAX = 200
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Same key and same content → the same record; same key, other content → 409.",
    ),
]


def _body_doc(schema: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"/schemas/{schema}.json"}}},
        }
    }


def _with_kind(payload: dict[str, Any], kind: str) -> dict[str, Any]:
    given = payload.get("kind", kind)
    if given != kind:
        raise InvalidInput(
            Text(
                f"This endpoint takes '{kind}' declarations; the body says kind={given!r}.",
                f"Este endpoint recibe declaraciones '{kind}'; el cuerpo dice kind={given!r}.",
            ),
            code="declaration.wrong_kind",
        )
    return {**payload, "kind": kind}


def parse_object(raw: bytes) -> dict[str, Any]:
    """A request body as a JSON object, parsed once with orjson (FastAPI's ``Body(dict)``
    would parse it with ``json`` and then validate every value again: measured ~15 % of a
    truck submission). The declaration's own validation follows in the pipeline."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(
            Text(
                f"The body is not valid JSON: {exc}. Send one JSON object.",
                f"El cuerpo no es JSON válido: {exc}. Envíe un objeto JSON.",
            ),
            code="request.malformed_json",
        ) from None
    records.require_object(data)
    return data  # type: ignore[no-any-return]  # a dict: require_object let it through


@dataclass(frozen=True, slots=True)
class Submitted:
    """The answer to a submission: 201 for a new record, 200 for a retry of a stored one."""

    status: int
    body: bytes
    location: str


async def submit_declaration(
    ctx: AppContext, caller: Principal, raw: bytes, kind: str, key: str | None
) -> Submitted:
    """Validate, decide and durably store one declaration of ``kind`` sent as ``raw`` JSON.

    Validation and the decision run in the caller's thread; the write joins the next group
    commit and this returns once it is committed (see store.group_commit).
    """
    caller.require(DECLARATIONS_WRITE)
    prepared = records.prepare(
        caller,
        _with_kind(parse_object(raw), kind),
        decider=ctx.decider,
        now=datetime.now(UTC),
        idempotency_key=key,
    )
    # async: no thread-pool hop; the event loop waits on the commit, not a thread.
    result = await asyncio.wrap_future(ctx.writer.submit(prepared))
    # Serialised once here: FastAPI would validate the model again against response_model.
    return Submitted(
        201 if result.created else 200,
        result.model_dump_json().encode(),
        f"/declarations/{result.record.id}",
    )


async def _submit(
    request: Request, ctx: AppContext, caller: Principal, kind: str, key: str | None
) -> Response:
    done = await submit_declaration(ctx, caller, await request.body(), kind, key)
    return Response(
        done.body,
        status_code=done.status,
        media_type="application/json",
        headers={"Location": done.location},
    )


@router.post(
    "/declarations/trucks",
    status_code=201,
    response_model=records.SubmissionResult,
    openapi_extra=_body_doc("truck-shipment"),
    responses={200: {"description": "A retried submission: the original record and decision."}},
)
async def submit_truck(
    request: Request,
    ctx: Ctx,
    caller: Writer,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Submit a truck shipment's pre-arrival data (ACE e-Manifest and Mexican elements)."""
    return await _submit(request, ctx, caller, "truck", idempotency_key)


@router.post(
    "/declarations/travelers",
    status_code=201,
    response_model=records.SubmissionResult,
    openapi_extra=_body_doc("traveler"),
    responses={200: {"description": "A retried submission: the original record and decision."}},
)
async def submit_traveler(
    request: Request,
    ctx: Ctx,
    caller: Writer,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Submit a traveler's pre-arrival data."""
    return await _submit(request, ctx, caller, "traveler", idempotency_key)


class BatchResult(BaseModel):
    items: list[records.BatchItem]
    created: int
    replayed: int
    rejected: int


@router.post("/declarations/batch", response_model=BatchResult)
def submit_batch(
    ctx: Ctx,
    session: DbSession,
    caller: Writer,
    payloads: Annotated[list[Any], Body(max_length=5000)],
) -> BatchResult:
    """Submit up to 5,000 declarations (trucks and travelers, by ``kind``) in one transaction.

    Each item gets its own record and decision, or its own problems (an item that is not a
    JSON object included): a bad item never costs the good ones. Items are idempotent by ``idempotency_key`` or shipment control numbers.
    """
    items = records.submit_many(
        session, caller, payloads, decider=ctx.decider, now=datetime.now(UTC)
    )
    created = sum(1 for i in items if i.created)
    rejected = sum(1 for i in items if i.error)
    return BatchResult(
        items=items, created=created, replayed=len(items) - created - rejected, rejected=rejected
    )


@router.get("/declarations/{declaration_id}", response_model=records.RecordDetail)
def get_declaration(
    session: DbSession, caller: Reader, declaration_id: str
) -> records.RecordDetail:
    """A record with every version, every decision and its state history."""
    return records.get_record(session, caller, declaration_id)


@router.put("/declarations/{declaration_id}", response_model=records.SubmissionResult)
def amend_declaration(
    ctx: Ctx,
    session: DbSession,
    caller: Writer,
    declaration_id: str,
    payload: Annotated[dict[str, Any], Body()],
) -> records.SubmissionResult:
    """Amend a record before arrival: a new version and a new decision; nothing is overwritten.

    ``kind`` may be left out (the record's is kept); changing it is a 409."""
    return records.amend(
        session, caller, declaration_id, payload, decider=ctx.decider, now=datetime.now(UTC)
    )


class StateChange(BaseModel):
    state: State
    note: str | None = None


@router.post("/declarations/{declaration_id}/state", response_model=records.RecordSummary)
def change_state(
    session: DbSession, caller: Mover, declaration_id: str, change: StateChange
) -> records.RecordSummary:
    """Record arrival, release, inspection or closing (the agency the record binds)."""
    return records.record_state(
        session, caller, declaration_id, change.state, now=datetime.now(UTC), note=change.note
    )


@router.get("/decisions", tags=["decisions"])
def list_decisions(
    session: DbSession,
    caller: DecisionReader,
    port: Annotated[str | None, Query(pattern=r"^\d{4}$", description="CBP port code")] = None,
    direction: Annotated[str | None, Query(pattern="^(northbound|southbound)$")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """Decisions the caller may see, latest first (CBP: northbound, ANAM: southbound)."""
    return records.list_decisions(
        session,
        caller,
        port=port,
        direction=direction,
        since=_utc(since),
        until=_utc(until),
        limit=limit,
        offset=offset,
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
