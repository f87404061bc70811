"""This node's DID document (did:web), public: ``/.well-known/did.json`` and ``/did.json``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from smartborder.api.deps import Ctx
from smartborder.api.ratelimit import public_rate_limit
from smartborder.credentials.keystore import node_did_document

router = APIRouter(tags=["identifiers"], dependencies=[Depends(public_rate_limit)])


@router.get("/.well-known/did.json", summary="This node's DID document (did:web)")
def well_known_did(ctx: Ctx) -> dict[str, Any]:
    """The DID document of ``did:web:<host>``: every node key (active and retired, so old
    credentials keep verifying) and a ``TraceabilityAPI`` service."""
    return node_did_document(ctx.settings)


@router.get("/did.json", summary="This node's DID document (same as /.well-known/did.json)")
def did_json(ctx: Ctx) -> dict[str, Any]:
    """The same document as ``/.well-known/did.json``."""
    return node_did_document(ctx.settings)
