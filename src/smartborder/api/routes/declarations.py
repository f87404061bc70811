"""Pre-arrival declarations (trucks, travelers), their records and the decisions on them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from pydantic import BaseModel

from smartborder.api.deps import AppContext, Ctx, DbSession, WriteSession, require_scopes
from smartborder.api.limits import Instant, PageOffset
from smartborder.clients import Principal
from smartborder.clients.roles import (
    DECISIONS_READ,
    DECLARATIONS_READ,
    DECLARATIONS_WRITE,
    EVENTS_WRITE,
)
from smartborder.errors import InvalidInput
from smartborder.i18n import Text
from smartborder.preclearance import (
    BatchItem,
    RecordDetail,
    RecordSummary,
    State,
    SubmissionResult,
    get_record,
    record_state,
    require_object,
)
from smartborder.preclearance import list_decisions as decisions_visible

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
    require_object(data)
    return data  # type: ignore[no-any-return]  # a dict: require_object let it through


def one_idempotency_key(request: Request) -> str | None:
    """The request's one ``Idempotency-Key``: two of them, or an empty one, is a 400 (a
    client that sends either has a bug; guessing which key it meant could merge two
    declarations or split one)."""
    keys = request.headers.getlist("idempotency-key")
    if len(keys) > 1:
        raise InvalidInput(
            Text(
                f"Send one Idempotency-Key header, not {len(keys)}.",
                f"Envíe un solo encabezado Idempotency-Key, no {len(keys)}.",
            ),
            code="request.idempotency_key_repeated",
        )
    if keys and not keys[0].strip():
        raise InvalidInput(
            Text(
                "The Idempotency-Key header is empty: send a key (up to 200 characters), or "
                "leave the header out.",
                "El encabezado Idempotency-Key está vacío: envíe una clave (hasta 200 "
                "caracteres) u omita el encabezado.",
            ),
            code="request.idempotency_key_empty",
        )
    return keys[0] if keys else None


async def _submit(request: Request, ctx: AppContext, caller: Principal, kind: str) -> Response:
    """Validate, decide and durably store one declaration of ``kind`` (the request's JSON
    body): 201 and the new record, or 200 and the stored one for a retry. Validation and
    the decision run on the event loop; the write joins the node's next group commit, and
    the answer waits for its commit (see store.group_commit)."""
    key = one_idempotency_key(request)  # its length FastAPI checked (IdempotencyKey)
    payload = _with_kind(parse_object(await request.body()), kind)
    result = await ctx.submit(caller, payload, idempotency_key=key)
    # Serialised once here: FastAPI would validate the model again against response_model.
    return Response(
        result.model_dump_json(),
        status_code=201 if result.created else 200,
        media_type="application/json",
        headers={"Location": f"/declarations/{result.record.id}"},
    )


@router.post(
    "/declarations/trucks",
    status_code=201,
    response_model=SubmissionResult,
    openapi_extra=_body_doc("truck-shipment"),
    responses={
        200: {"description": "A retried submission: the original record and decision."},
        409: {"description": "The Idempotency-Key was used for other content."},
    },
)
async def submit_truck(
    request: Request,
    ctx: Ctx,
    caller: Writer,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Submit a truck shipment's pre-arrival data (ACE e-Manifest and Mexican elements)."""
    return await _submit(request, ctx, caller, "truck")


@router.post(
    "/declarations/travelers",
    status_code=201,
    response_model=SubmissionResult,
    openapi_extra=_body_doc("traveler"),
    responses={
        200: {"description": "A retried submission: the original record and decision."},
        409: {"description": "The Idempotency-Key was used for other content."},
    },
)
async def submit_traveler(
    request: Request,
    ctx: Ctx,
    caller: Writer,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Submit a traveler's pre-arrival data."""
    return await _submit(request, ctx, caller, "traveler")


class BatchResult(BaseModel):
    items: list[BatchItem]
    created: int
    replayed: int
    rejected: int


@router.post("/declarations/batch", response_model=BatchResult)
def submit_batch(
    ctx: Ctx,
    caller: Writer,
    payloads: Annotated[list[Any], Body(max_length=5000)],
) -> BatchResult:
    """Submit up to 5,000 declarations (trucks and travelers, by ``kind``) in one transaction.

    Each item gets its own record and decision, or its own problems (an item that is not a
    JSON object included): a bad item never costs the good ones. Items are idempotent by ``idempotency_key`` or shipment control numbers.
    """
    items = ctx.submit_many(caller, payloads)
    created = sum(1 for i in items if i.created)
    rejected = sum(1 for i in items if i.error)
    return BatchResult(
        items=items, created=created, replayed=len(items) - created - rejected, rejected=rejected
    )


@router.get("/declarations/{declaration_id}", response_model=RecordDetail)
def get_declaration(
    session: DbSession, ctx: Ctx, caller: Reader, declaration_id: str
) -> RecordDetail:
    """A record with every version, every decision and its state history."""
    return get_record(session, caller, declaration_id, exit_view=ctx.exit_view)


@router.put(
    "/declarations/{declaration_id}",
    response_model=SubmissionResult,
    responses={409: {"description": "Not amendable now (arrived, or amended meanwhile)."}},
)
def amend_declaration(
    ctx: Ctx,
    caller: Writer,
    declaration_id: str,
    payload: Annotated[dict[str, Any], Body()],
) -> SubmissionResult:
    """Amend a record before arrival: a new version and a new decision; nothing is overwritten.

    ``kind`` may be left out (the record's is kept); changing it is a 409."""
    return ctx.amend(caller, declaration_id, payload)


class StateChange(BaseModel):
    state: State
    note: str | None = None


@router.post(
    "/declarations/{declaration_id}/state",
    response_model=RecordSummary,
    responses={409: {"description": "Not a transition from the record's state."}},
)
def change_state(
    ctx: Ctx, session: WriteSession, caller: Mover, declaration_id: str, change: StateChange
) -> RecordSummary:
    """Record arrival, release, inspection or closing (the agency the record binds); on a
    node that exchanges trips, the other agency's node learns it too."""
    summary = record_state(
        session, caller, declaration_id, change.state, now=datetime.now(UTC), note=change.note
    )
    ctx.share_states(session, summary.id)
    return summary


@router.get("/decisions", tags=["decisions"])
def list_decisions(
    session: DbSession,
    caller: DecisionReader,
    port: Annotated[str | None, Query(pattern=r"^\d{4}$", description="CBP port code")] = None,
    direction: Annotated[str | None, Query(pattern="^(northbound|southbound)$")] = None,
    since: Instant | None = None,
    until: Instant | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: PageOffset = 0,
) -> list[dict[str, Any]]:
    """Decisions the caller may see, latest first (CBP: northbound, ANAM: southbound)."""
    return decisions_visible(
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
